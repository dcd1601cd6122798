import path from "node:path";
import { pageReuse, type PagePlan } from "./cache/pages.ts";
import { checkOutputInWorker } from "./cache/output-check.ts";
import { paperKeyOf } from "./cache/papers.ts";
import { problemReport } from "./content/problems.ts";
import { linkReusedPages, splitAdoptable, type Adoption } from "./output/adopt.ts";
import { keepOutput, writeAtomically } from "./output/atomic.ts";
import { writeBuildSettings } from "./output/build-settings.ts";
import { outputFolderProblem } from "./output/output-folder.ts";
import { holdOutput, OutputBusyError } from "./output/output-lock.ts";
import { checkContentParallel } from "./pipeline.ts";
import { groupDigest } from "./digest/group.ts";
import { plannedFeeds } from "./feeds/files.ts";
import { loadSiteConfig, siteConfigFile, type SiteConfig } from "./site.ts";
import type { RenderedPaper } from "./markdown/paper.ts";
import type { ChangedPapers, SearchIndexStart } from "./search/build.ts";

/**
 * The output's folders of pages, one folder a page (`papers/<slug>/`, `date/<day>/`, `tags/<tag>/`...): those of the
 * previous output are taken over whole by a build that reuses their pages (src/output/adopt.ts), not made again.
 */
const adoptableFolders = ["papers", "date", "week", "month", "tags", "organizations"];

/** The papers of a build as the search index takes them: those typeset by it, the content keys of the others. */
function changedPapers(papers: RenderedPaper[], fresh: readonly RenderedPaper[]): ChangedPapers<RenderedPaper> {
  const typeset = new Set(fresh);
  const changed = [...fresh];
  const unchanged: string[] = [];
  for (const paper of papers) {
    if (typeset.has(paper)) continue;
    const key = paperKeyOf(paper);
    if (key === undefined) changed.push(paper);
    else unchanged.push(key);
  }
  return { changed, unchanged, all: () => papers };
}

interface BuildOptions {
  root: string;
  log?: (line: string) => void;
  /** Size of page manifest from which the output is checked on a worker thread (default: output-check.ts's). */
  outputCheckWorkerFrom?: number;
}

/**
 * Validates all content, then builds the site atomically; prints every problem and writes nothing when any exists.
 * Holds the output folder's lock meanwhile (src/output/output-lock.ts): waits for another build of the same folder,
 * and fails, saying why, while a dev server serves it.
 */
export async function buildSite(options: BuildOptions): Promise<{ ok: boolean }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const site = loadSiteConfig(options.root);
  // Never a folder that holds the project's own files, or someone else's: the build replaces it whole.
  const problem = outputFolderProblem(options.root, site, siteConfigFile(options.root));
  if (problem) {
    log(`${problem}\nThe site was not built; nothing was written.`);
    return { ok: false };
  }
  let release: () => void;
  try {
    release = await holdOutput(path.resolve(options.root, site.outputDir), "npm run build", {
      name: site.outputDir,
      releaseOnSignal: true,
      waiting: log,
    });
  } catch (error) {
    if (!(error instanceof OutputBusyError)) throw error;
    log(`${error.message}\nThe site was not built (${site.outputDir}/ is unchanged).`);
    return { ok: false };
  }
  try {
    return await buildHeld(options, site, log);
  } finally {
    release();
  }
}

async function buildHeld(options: BuildOptions, site: SiteConfig, log: (line: string) => void): Promise<{ ok: boolean }> {
  const started = performance.now();
  const outputDir = path.resolve(options.root, site.outputDir);
  // Pages whose inputs match the previous build's are linked from the previous output instead of rendered again.
  const reuse = pageReuse({ root: options.root, site, outputDir, cacheDir: path.resolve(options.root, site.cacheDir), paperKey: paperKeyOf });
  // Loaded only for a build that writes: Eleventy and the search index take half a second to import, a tenth of a
  // build where nothing changed. They start loading once the content is known to differ from the output's, or, in a
  // build that typesets many papers, while the worker threads typeset.
  let writing: Promise<[typeof import("./eleventy/render-pages.ts"), typeof import("./search/build.ts")]> | undefined;
  const loadWriting = () => (writing ??= Promise.all([import("./eleventy/render-pages.ts"), import("./search/build.ts")]));
  // When every paper file, the code and the configuration are what the output was built from, no paper is loaded.
  // For a big site a worker thread checks the output meanwhile (src/cache/output-check.ts); when a paper file changed
  // it goes on, and the page plan takes its stats of the output instead of stat-ing every page again.
  const checking = checkOutputInWorker(reuse.manifestFile, outputDir, options.outputCheckWorkerFrom);
  // The search index's worker starts once the content is known to differ from the output's (for a big site, at once:
  // below), and reads the previous index's state while the papers are loaded (src/search/build.ts, startSearchIndex):
  // it is what the build waits for.
  const cacheDir = path.resolve(options.root, site.cacheDir);
  let searchStart: Promise<SearchIndexStart<RenderedPaper>> | undefined;
  const startSearch = () =>
    (searchStart ??= import("./search/build.ts").then(({ startSearchIndex }) => startSearchIndex<RenderedPaper>(site, { cacheDir, previousSite: outputDir, keyOf: paperKeyOf })));
  // A big site (its output checked on a worker) starts it now, before the paper files are walked: it reads its state at
  // a lower priority in the first second, when a core is idle, rather than from 2.5 s on, when the walk finds the
  // content changed and both cores are busy. One more paper at 100,000 papers: 4% faster (median of 13 alternating
  // pairs); a build where nothing changed pays for the state it read in vain (3.1 -> 3.45 s).
  if (checking) void startSearch().catch(() => {});
  try {
    return await build();
  } finally {
    checking?.stop();
    void searchStart?.then((start) => start.stop(), () => {});
  }

  async function build(): Promise<{ ok: boolean }> {
    const { papers, problems, warnings, cached, fresh, contentKey, unchanged, writeCache } = await checkContentParallel(options.root, site, {
      unchanged: async (key) => {
        const same = await reuse.unchanged(key, await checking?.check);
        if (!same) {
          // Loaded while the papers are looked up: resolving and reading the modules runs off this thread meanwhile
          // (about 0.2 s of a build that adds a paper at 100,000 papers, which waited for it before grouping).
          loadWriting().catch(() => {});
          // Awaited: the search index's worker starts now, not once the papers are loaded (this thread is busy with
          // them until then, so the module would not be loaded before: 1.5 s later at 100,000 papers).
          await startSearch().catch(() => {});
        }
        return same;
      },
      whileTypesetting: () => void loadWriting().catch(() => {}),
      // Written once the search index's worker has its papers: the worker's work is what the build waits for longest.
      writeCacheLater: true,
    });
    const checked = performance.now();
    const s = (ms: number) => (ms / 1000).toFixed(2);
    if (unchanged) {
      log(
        `Nothing changed since the last build: ${site.outputDir}/ was built from these paper files, code and configuration ` +
          `(content ${s(checked - started)}, group 0.00, pages 0.00, feeds and search 0.00, swap 0.00).`,
      );
      return { ok: true };
    }
    for (const line of problemReport(problems, warnings)) log(line);
    if (problems.length) {
      writeCache?.();
      log(`\n${problems.length} problem${problems.length === 1 ? "" : "s"}; the site was not built (${site.outputDir}/ is unchanged).`);
      return { ok: false };
    }
    const [[{ renderSite }], search] = await Promise.all([loadWriting(), startSearch()]);
    let grouped = checked;
    let written = 0;
    let plan: PagePlan | undefined;
    let days = 0;
    // Set once the plan says which pages are reused: the previous output's folders of them (papers, days, tags...) are
    // moved over just before the swap, rather than each page linked (output/adopt.ts). writeAtomically reads it once
    // `write` is done.
    const swap: { adopt?: { adoptions: readonly Adoption[]; reused: readonly string[] } } = {};
    let linkedIndexFiles: string[] = [];
    const outcome = await writeAtomically(outputDir, async (temp) => {
      // The search index is written by a worker thread, updated from the previous build's. It needs only the papers, so
      // it starts before they are grouped and the pages planned (seconds at 100,000 papers) and runs alongside them.
      // Given as the papers typeset by this build and the content keys of those from the cache: the worker makes the
      // records of those it indexed before from what it kept of them, so no paper from the cache is read for it (every
      // paper is handed over only when the previous index lacks one of them, see SearchIndexStart.buildChanged).
      const indexing = search.buildChanged(changedPapers(papers, fresh ?? papers), temp);
      indexing.catch(() => {});
      // The file index and the paper cache are written while this thread waits for the worker, once the pages are
      // written (or before giving up): the worker is what a build that adds a paper waits for longest.
      let cacheWritten = false;
      const saveCache = () => {
        if (cacheWritten) return;
        cacheWritten = true;
        writeCache?.();
      };
      let result: Awaited<ReturnType<typeof renderSite>> | typeof keepOutput | undefined;
      try {
        const digest = groupDigest(papers, site);
        days = digest.days.length;
        // Feeds are keyed by their items as pages are: those whose items did not change are linked, not rendered.
        const feeds = plannedFeeds({ ...digest, config: site });
        plan = reuse.plan(digest, undefined, await (await checking?.check)?.changed, feeds);
        checking?.stop();
        grouped = performance.now();
        if (plan.upToDate) result = keepOutput;
        else {
          const { adoptions, link } = splitAdoptable(plan.reuse, adoptableFolders, outputDir, plan.unplanned);
          if (adoptions.length) swap.adopt = { adoptions, reused: plan.reuse };
          writeBuildSettings(temp, site);
          linkReusedPages(link, outputDir, temp);
          result = await renderSite({
            root: options.root,
            outputDir: temp,
            data: { config: site, ...digest, render: plan.render, reusedFeeds: plan.feeds?.reused ?? new Set() },
          });
        }
      } finally {
        // The worker must stop writing into the temporary folder before it is deleted (an error, or nothing to write).
        if (!result || result === keepOutput) {
          // Written as a build that went on would; after a failure, a failure writing it must not hide the build's own error.
          try {
            saveCache();
          } catch (error) {
            if (result) throw error;
          }
          await indexing.catch(() => {});
        }
      }
      if (result === keepOutput) return result;
      saveCache();
      const index = await indexing;
      // The index files linked from the previous output, as output paths: the manifest takes their stats from its record.
      const folder = path.relative(temp, index.outputPath).split(path.sep).join("/");
      linkedIndexFiles = index.linkedFiles.map((file) => `${folder}/${file}`);
      written = performance.now();
      return result;
    }, swap);
    if (!plan) throw new Error("no page plan");
    if (outcome === keepOutput) {
      reuse.commit(plan, true, contentKey);
      log(
        `Nothing changed since the last build: ${site.outputDir}/ is up to date with ${papers.length} papers ` +
          `(content ${s(checked - started)}, group ${s(grouped - checked)}, pages 0.00, feeds and search 0.00, swap 0.00).`,
      );
      return { ok: true };
    }
    const { pagesWritten, pageHashes, written: writtenOutput } = outcome;
    const feedCount = plan.feeds?.planned ?? 0;
    const reusedFeeds = plan.feeds?.reused.size ?? 0;
    const adopted = new Map(swap.adopt?.adoptions.flatMap(({ folder, adopted, rendered }) => (adopted ? [[folder, { adopted, rendered }] as const] : [])));
    // The pages written were hashed as they were written: the manifest does not read them back. Added to the plan's
    // (the reused pages', 100,000 at 100,000 papers) rather than both copied into a new map.
    for (const [file, hash] of pageHashes) plan.hashes.set(file, hash);
    // What the paginated pages' writer saw of what it wrote, for the manifest to record rather than stat and list again;
    // not when folders of the previous output were moved over into the new one.
    if (writtenOutput && !swap.adopt) plan.written = writtenOutput;
    reuse.commit(plan, true, contentKey, adopted.size ? { adopted, reused: plan.reuse } : undefined, linkedIndexFiles);
    const done = performance.now();
    log(
      `Built ${papers.length} papers (${cached} from the cache) on ${days} day${days === 1 ? "" : "s"}, ` +
        `${plan.keys.size - feedCount} paginated pages (${plan.reuse.length - reusedFeeds} unchanged), ` +
        `${feedCount} feed files (${reusedFeeds} unchanged) ` +
        `into ${site.outputDir}/ in ${s(done - started)} s ` +
        `(content ${s(checked - started)}, group ${s(grouped - checked)}, pages ${s(pagesWritten - grouped)}, ` +
        `feeds and search ${s(written - pagesWritten)}, swap ${s(done - written)}).`,
    );
    return { ok: true };
  }
}
