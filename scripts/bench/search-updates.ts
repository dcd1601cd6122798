// `npm run bench:search -- --updates`: the search index's build times when the site changes a little, against the
// build from scratch, measured in one run: each build goes into a new folder and links from the previous one, as
// src/build.ts does. Papers are keyed by id and edit count, as the paper cache keys them by content.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RenderedPaper } from "../../src/markdown/paper.ts";
import { buildSearchIndex } from "../../src/search/build.ts";
import { searchCorpus } from "./search-corpus.ts";

const site = { pathPrefix: "/", authorsShown: 8, language: "en" };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Median seconds per kind of build over `runs` rounds, plus the files each wrote and linked. */
export async function measureUpdates(count: number, runs: number): Promise<string[]> {
  const { papers: all } = searchCorpus(count + 1);
  const papers = all.slice(0, count);
  const newest = all[count]!;
  const edits = new WeakMap<RenderedPaper, number>();
  const keyOf = (paper: RenderedPaper) => `${paper.id}:${edits.get(paper) ?? 0}`;
  const work = mkdtempSync(path.join(tmpdir(), `bench-search-updates-${count}-`));
  const times: Record<string, number[]> = {};
  const counts: Record<string, string> = {};
  let folder = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const cacheDir = path.join(work, `cache-${run}`);
      let previousSite: string | undefined;
      const build = async (name: string, list: RenderedPaper[], reuse = true) => {
        const dir = path.join(work, `site-${folder++}`);
        const started = performance.now();
        const result = await buildSearchIndex(list, dir, site, reuse ? { cacheDir, previousSite, keyOf } : undefined);
        (times[name] ??= []).push((performance.now() - started) / 1000);
        const step = (ms: number) => (ms / 1000).toFixed(2);
        const { state, analyse, write, save } = result.steps;
        counts[name] = `${step(state)} | ${step(analyse)} | ${step(write)} | ${step(save)} | ${result.files - result.linked} written, ${result.linked} linked`;
        if (previousSite) rmSync(previousSite, { recursive: true, force: true });
        if (reuse) previousSite = dir;
        else rmSync(dir, { recursive: true, force: true });
        console.error(`  ${name}: ${times[name]!.at(-1)!.toFixed(2)} s`);
      };
      await build("from scratch (no state)", papers, false);
      await build("from scratch, saving the state", papers);
      await build("one more paper (newest day)", [...papers, newest]);
      await build("nothing changed", [...papers, newest]);
      const edited = { ...papers[Math.floor(count / 2)]!, abstractText: "Edited abstract.", text: { title: "Edited", body: "Edited abstract." } };
      edits.set(edited, run + 1);
      await build("one old paper edited", [...papers.map((p, i) => (i === Math.floor(count / 2) ? edited : p)), newest]);
      await build("one paper added on the first day (every id moves)", [{ ...newest, date: papers[0]!.date }, ...papers]);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const lines = [
    `| search index build, ${count.toLocaleString("en-US")} papers | seconds (median of ${runs}) | last run: read state | analyse, lay out | write files | save state | files |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const [name, xs] of Object.entries(times)) lines.push(`| ${name} | ${median(xs).toFixed(2)} | ${counts[name]} |`);
  return lines;
}
