// Profiles writeSearchIndex adding one paper to a synthetic site of N papers (on this thread): prints the top self times.
import { mkdtempSync, rmSync, copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { writeSearchIndex } from "../../src/search/index.ts";
import { searchRecords } from "../../src/search/records.ts";
import { searchCorpus } from "./search-corpus.ts";

const count = Number(process.argv[2] ?? 100_000);
const site = { pathPrefix: "/", authorsShown: 8, language: "en" };
const { papers: all } = searchCorpus(count + 1);
const keysOf = (list: typeof all) => list.map((p) => `${p.id}:0`);
const work = mkdtempSync(path.join(process.env.BENCH_TMP ?? "/tmp", "search-profile-"));
try {
  const base = path.join(work, "base");
  const cold = path.join(work, "cold");
  const papers = all.slice(0, count);
  await writeSearchIndex(searchRecords(papers, site, keysOf(papers)), cold, "en", { stateFile: path.join(base, "s.bin") });
  const records = searchRecords(all, site, keysOf(all));
  for (let run = 0; run < 2; run++) {
    mkdirSync(path.join(work, `c${run}`));
    for (const name of readdirSync(base)) if (name.startsWith("s.bin")) copyFileSync(path.join(base, name), path.join(work, `c${run}`, name));
    const session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    const t = performance.now();
    const result = await writeSearchIndex(records, path.join(work, `site${run}`), "en", { stateFile: path.join(work, `c${run}`, "s.bin"), previousDir: path.join(cold, "search") });
    const ms = performance.now() - t;
    const { profile } = await session.post("Profiler.stop");
    console.log(`run ${run}: ${ms.toFixed(0)} ms`, JSON.stringify(result.steps), result.files - result.linked, "written");
    const self = new Map<string, number>();
    const dt = new Map<number, number>();
    profile.samples!.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas![i] ?? 0)));
    for (const node of profile.nodes) {
      const name = `${node.callFrame.functionName || "(anon)"} ${path.basename(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
      self.set(name, (self.get(name) ?? 0) + (dt.get(node.id) ?? 0));
    }
    if (run === 1) for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
