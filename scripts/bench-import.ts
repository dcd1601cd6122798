// `npm run bench:import -- [--papers N] [--jsonl FILE]`: serves N real arXiv abstracts (default: all of
// ../shared/data/real-abstracts/dev.jsonl beside the repository, or --jsonl) as one Hugging Face day from a local server, imports them into
// a temporary content folder, then imports the same day again; prints what was added or failed and both times.
// --out DIR keeps the imported site in DIR (DIR/content/papers) instead of deleting it, e.g. to time npm run check.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { commandArgs } from "../src/cli/args.ts";
import { fetchHfDay } from "../src/import/hf.ts";
import { importPapers } from "../src/import/run.ts";

const { values } = commandArgs("bench:import", "Usage: npm run bench:import -- [--papers N] [--jsonl FILE] [--out DIR]", {
  papers: { type: "string" },
  jsonl: { type: "string", default: path.resolve(import.meta.dirname, "../../shared/data/real-abstracts/dev.jsonl") },
  out: { type: "string" },
});
const rows = readFileSync(values.jsonl!, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
const chosen = rows.slice(0, values.papers ? Number(values.papers) : rows.length);
// The shape of /api/daily_papers: one item per paper, the paper's fields under "paper".
const day = JSON.stringify(chosen.map((r, i) => ({
  paper: {
    id: r.arxiv, title: r.title, summary: r.abstract, authors: (r.authors as string[]).map((name) => ({ name })),
    publishedAt: `${r.date}T00:00:00.000Z`, upvotes: i % 97, githubRepo: i % 3 === 0 ? `https://github.com/example/repo-${i}` : undefined,
    organization: i % 5 === 0 ? { name: "org", fullname: "Example Lab" } : undefined,
  },
})));
const server = createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end(day));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const dir = values.out ? path.resolve(values.out) : mkdtempSync(path.join(tmpdir(), "bench-import-"));
const contentDir = path.join(dir, "content", "papers");
try {
  for (const run of ["first import", "same day again"]) {
    const started = performance.now();
    const { candidates, failures } = await fetchHfDay("2026-02-16", { apiUrl, maxBytes: 100 * 1024 * 1024 });
    const report = importPapers({ root: dir, contentDir, candidates, failures: failures.map((f) => ({ label: f.item, reason: f.reason })) });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const c = report.counts;
    console.log(`${run}: ${chosen.length} papers in ${seconds} s: ${c.added} added, ${c.updated} updated, ${c.unchanged} already up to date, ${c.failed} failed`);
    if (run === "first import") {
      const reasons = new Map<string, number>();
      for (const o of report.outcomes) {
        if (o.kind !== "failed") continue;
        const reason = o.reason.split("\n")[1]?.replace(/^.*?: (\w+): /, "$1: ").replace(/".*$/, "").trim() ?? o.reason;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
      for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`  failed ${n}x: ${reason}`);
    }
  }
} finally {
  server.close();
  if (!values.out) rmSync(dir, { recursive: true, force: true });
}
