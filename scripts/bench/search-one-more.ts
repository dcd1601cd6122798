// `node --import tsx scripts/bench/search-one-more.ts [papers] [runs]`: the search index worker's time for one more
// paper (newest day) on a synthetic site, against the same build from scratch: one cold build that saves its state,
// then `runs` builds of the site plus one paper, each from a fresh copy of that state, linking from the cold build's
// folder (as src/build.ts does). Prints each run's seconds and steps, the files written and linked, and the load.
// EARLY=<seconds>: each run starts the worker that many seconds before handing it the papers (startSearchIndex, as
// src/build.ts does while it reads the content), and times only what follows.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { buildSearchIndex, startSearchIndex } from "../../src/search/build.ts";
import { searchCorpus } from "./search-corpus.ts";

const count = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);
const site = { pathPrefix: "/", authorsShown: 8, language: "en" };
const { papers: all } = searchCorpus(count + 1);
const papers = all.slice(0, count);
const keyOf = (paper: { id: string }) => `${paper.id}:0`;
const work = mkdtempSync(path.join(process.env.BENCH_TMP ?? tmpdir(), `search-one-more-${count}-`));
const load = () => os.loadavg()[0]!.toFixed(2);
try {
  const base = path.join(work, "cache-base");
  const cold = path.join(work, "site-cold");
  let started = performance.now();
  let result = await buildSearchIndex(papers, cold, site, { cacheDir: base, keyOf });
  console.log(`cold ${count}: ${((performance.now() - started) / 1000).toFixed(2)} s, ${result.files} files, ${result.bytes} bytes, load ${load()}`);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const cache = path.join(work, `cache-${run}`);
    mkdirSync(cache);
    // The state: its first file and its paper arrays' (search-index.bin.<generation>.<array>).
    for (const name of readdirSync(base)) if (name.startsWith("search-index.bin")) copyFileSync(path.join(base, name), path.join(cache, name));
    const dir = path.join(work, `site-${run}`);
    const reuse = { cacheDir: cache, previousSite: cold, keyOf };
    const early = process.env.EARLY ? startSearchIndex(site, reuse) : undefined;
    if (early) await new Promise((resolve) => setTimeout(resolve, Number(process.env.EARLY) * 1000));
    started = performance.now();
    result = await (early ? early.build(all, dir) : buildSearchIndex(all, dir, site, reuse));
    const seconds = (performance.now() - started) / 1000;
    times.push(seconds);
    const st = result.steps;
    console.log(
      `one more paper run ${run + 1}: ${seconds.toFixed(2)} s (state ${(st.state / 1000).toFixed(2)}, analyse ${(st.analyse / 1000).toFixed(2)}, ` +
        `write ${(st.write / 1000).toFixed(2)}, save ${(st.save / 1000).toFixed(2)}), ${result.files - result.linked} written (${result.bytes} bytes), ${result.linked} linked, load ${load()}`,
    );
    if (process.env.VERIFY && run === 0) {
      // The updated index against a build from scratch of the same papers, file by file.
      const fresh = path.join(work, "site-fresh");
      await buildSearchIndex(all, fresh, site);
      const list = (root: string): string[] =>
        readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(path.join(root, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
      const a = list(path.join(dir, "search")).sort();
      const b = list(path.join(fresh, "search")).sort();
      const differing = a.length !== b.length || a.some((f, i) => f !== b[i] || !readFileSync(path.join(dir, "search", f)).equals(readFileSync(path.join(fresh, "search", f))));
      console.log(differing ? "NOT the same bytes as a build from scratch" : `the same ${a.length} files as a build from scratch`);
      rmSync(fresh, { recursive: true, force: true });
    }
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  console.log(`median one more paper: ${times[Math.floor((times.length - 1) / 2)]!.toFixed(2)} s`);
} finally {
  if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
}
