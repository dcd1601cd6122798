// `npm run bench:search -- --papers 10000,100000 [--runs 3] [--keep] [--site DIR]`: builds synthetic sites of that many papers and
// prints, per size, the search index's size and build time and the bytes a first query fetches in headless Chromium.
// Deterministic corpus (seeded PRNG); medians over --runs. Heavy at 100k: several minutes and ~2 GB of memory.
// With --updates: instead, the index's build time from scratch, after one more paper, an edit, nothing changed
// (scripts/bench/search-updates.ts).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { commandArgs } from "../src/cli/args.ts";
import { writeSearchIndex } from "../src/search/index.ts";
import { searchRecords } from "../src/search/records.ts";
import type { Page } from "playwright-core";
import { launchChromium } from "../tests/helpers/chromium.ts";
import { serveStatic } from "../tests/helpers/static-server.ts";
import { searchCorpus } from "./bench/search-corpus.ts";
import { measureUpdates } from "./bench/search-updates.ts";

const { values } = commandArgs("bench:search", "Usage: npm run bench:search -- [--papers 10000,100000] [--runs 3] [--keep] [--site DIR] [--updates]", {
  papers: { type: "string", default: "10000" },
  runs: { type: "string", default: "3" },
  keep: { type: "boolean", default: false },
  // Measure an already built site (from --keep) instead of building one; the corpus is regenerated for the queries.
  site: { type: "string" },
  updates: { type: "boolean", default: false },
});
const sizes = values.papers.split(",").map((s) => Number(s.replace(/_/g, "").trim()));
const runs = Math.max(1, Number(values.runs));
const root = path.resolve(import.meta.dirname, "..");

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`;

function folderSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = folderSize(full);
      bytes += inner.bytes;
      files += inner.files;
    } else {
      bytes += statSync(full).size;
      files++;
    }
  }
  return { bytes, files };
}

/** A page with the real header box and client code, the minimum a first query needs. */
function writeSearchPage(siteDir: string): void {
  mkdirSync(path.join(siteDir, "assets", "search"), { recursive: true });
  for (const file of ["site.js", "search.js", "search.css"]) copyFileSync(path.join(root, "layouts", "assets", file), path.join(siteDir, "assets", file));
  for (const file of readdirSync(path.join(root, "src", "search", "client"))) {
    copyFileSync(path.join(root, "src", "search", "client", file), path.join(siteDir, "assets", "search", file));
  }
  writeFileSync(
    path.join(siteDir, "index.html"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<script type="module" src="/assets/site.js"></script></head><body>
<form class="site-search" action="/search/" role="search"><span class="search-field"><input id="site-search" type="search" name="q"></span></form>
</body></html>`,
  );
}

/** Milliseconds from an input event to the dropdown showing `query`'s results, measured in the page. */
function timeQuery(page: Page, query: string): Promise<number> {
  return page.evaluate(async (q) => {
    const input = document.getElementById("site-search") as HTMLInputElement;
    const list = document.getElementById("site-search-results")!;
    delete list.dataset.query;
    const started = performance.now();
    input.value = q;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    while (list.dataset.query !== q) await new Promise((r) => setTimeout(r, 1));
    return performance.now() - started;
  }, query);
}

interface QueryResult {
  kind: string;
  query: string;
  /** Bytes fetched from the first keystroke to the results, per mode and run. */
  bytes: Record<Mode, number[]>;
  /** Of those, code and the index table (everything but the index's chunks and result files). */
  code: Record<Mode, number[]>;
  requests: number[];
  warmMs: number[];
  newWordMs: number[];
  firstHit: string;
}

/** Pasted: the whole query in one input event. Typed: one key every 150 ms (80 words a minute), so prefixes search too. */
const modes = [
  { name: "pasted", gzip: false },
  { name: "pasted-gzip", gzip: true },
  { name: "typed-gzip", gzip: true },
] as const;
type Mode = (typeof modes)[number]["name"];
const perMode = (): Record<Mode, number[]> => ({ pasted: [], "pasted-gzip": [], "typed-gzip": [] });

for (const count of sizes) {
  console.error(`\n${count.toLocaleString("en-US")} papers: generating…`);
  if (values.updates) {
    console.log(`\n${(await measureUpdates(count, runs)).join("\n")}`);
    continue;
  }
  const { papers, queries } = searchCorpus(count);
  const siteDir = values.site ? path.resolve(values.site) : mkdtempSync(path.join(tmpdir(), `bench-search-${count}-`));
  const buildTimes: number[] = [];
  let recordsMs = 0;
  for (let run = 0; run < runs && !values.site; run++) {
    rmSync(path.join(siteDir, "search"), { recursive: true, force: true });
    const t0 = performance.now();
    const records = searchRecords(papers, { pathPrefix: "/", authorsShown: 8 });
    const t1 = performance.now();
    await writeSearchIndex(records, siteDir, "en");
    buildTimes.push((performance.now() - t1) / 1000);
    recordsMs = t1 - t0;
    console.error(`  index build ${run + 1}/${runs}: ${buildTimes.at(-1)!.toFixed(1)} s (+ ${(recordsMs / 1000).toFixed(1)} s for records)`);
  }
  writeSearchPage(siteDir);
  const size = folderSize(path.join(siteDir, "search"));
  const part = (sub: string) => kb(folderSize(path.join(siteDir, "search", sub)).bytes);

  const results: QueryResult[] = queries.map((q) => ({ ...q, bytes: perMode(), code: perMode(), requests: [], warmMs: [], newWordMs: [], firstHit: "" }));
  const browser = await launchChromium();
  for (const mode of modes) {
    const server = await serveStatic(siteDir, { gzip: mode.gzip });
    for (let run = 0; run < runs; run++) {
      for (const result of results) {
        // A fresh context per query: cold cache, as for a reader's first search.
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(server.url);
        await page.waitForLoadState("networkidle");
        const before = server.log.length;
        if (mode.name === "typed-gzip") {
          await page.focus("#site-search");
          await page.keyboard.type(result.query, { delay: 150 });
        } else await page.fill("#site-search", result.query);
        await page.waitForFunction((q) => document.getElementById("site-search-results")?.dataset.query === q, result.query, { timeout: 300_000 });
        await page.waitForLoadState("networkidle");
        const fetched = server.log.slice(before);
        result.bytes[mode.name].push(fetched.reduce((n, r) => n + r.bytes, 0));
        result.code[mode.name].push(fetched.filter((r) => !/\/search\/[wptuf]\//.test(r.path)).reduce((n, r) => n + r.bytes, 0));
        if (mode.name === "pasted") {
          result.requests.push(fetched.length);
          result.firstHit = (await page.getAttribute("#site-search-result-0", "data-href")) ?? "(none)"; // an option of the listbox, not a link
          // Keystroke to results on screen (debounce included) once code and index are loaded: the same query again,
          // every chunk cached (warm), then a new word whose index chunk must still be fetched.
          result.warmMs.push(await timeQuery(page, result.query));
          result.newWordMs.push(await timeQuery(page, result.kind === "common word" ? "neural network" : "learning"));
        }
        await context.close();
      }
    }
    await server.close();
  }
  await browser.close();

  const first = results[0]!;
  console.log(`\n### ${count.toLocaleString("en-US")} papers\n`);
  console.log(`- Index on disk: ${kb(size.bytes)} in ${size.files.toLocaleString("en-US")} files: table (meta.ix) ${kb(statSync(path.join(siteDir, "search", "meta.ix")).size)}, ` +
    `dictionary ${part("w")}, postings ${part("p")}, result files ${part("f")}, filters ${part("t")}, upvotes ${part("u")}.`);
  if (buildTimes.length) console.log(`- Index build: ${median(buildTimes).toFixed(1)} s (median of ${runs}), plus ${(recordsMs / 1000).toFixed(1)} s to make the records.`);
  console.log(`- Code and fixed files in every first query (search.js, search.css, engine.js, words.js, meta.ix): ` +
    `${kb(median(first.code.pasted))} raw, ${kb(median(first.code["pasted-gzip"]))} with gzip.\n`);
  console.log("| query | kind | first query, pasted | pasted, gzip | typed, gzip | requests | keystroke to results, warm | then a new word | first result |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of results) {
    const cells = [kb(median(r.bytes.pasted)), kb(median(r.bytes["pasted-gzip"])), kb(median(r.bytes["typed-gzip"])), String(median(r.requests))];
    console.log(`| \`${r.query}\` | ${r.kind} | ${cells.join(" | ")} | ${median(r.warmMs).toFixed(0)} ms | ${median(r.newWordMs).toFixed(0)} ms | ${r.firstHit} |`);
  }
  if (values.keep || values.site) console.error(`site in ${siteDir}`);
  else rmSync(siteDir, { recursive: true, force: true });
}
