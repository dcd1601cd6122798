import { mkdirSync, readdirSync, rmSync, rmdirSync } from "node:fs";
import path from "node:path";
import { pageReuse, readManifest, type PagePlan } from "../cache/pages.ts";
import { paperKeyOf } from "../cache/papers.ts";
import { formatProblem, problemReport, type Problem } from "../content/problems.ts";
import { plannedFeeds, tagFeedPaths } from "../feeds/files.ts";
import { groupDigest, type Digest } from "../digest/group.ts";
import { renderSite } from "../eleventy/render-pages.ts";
import { writeBuildSettings } from "../output/build-settings.ts";
import { checkContentParallel } from "../pipeline.ts";
import { buildSearchIndexInPlace } from "../search/build.ts";
import type { SiteConfig } from "../site.ts";
import type { RenderedPaper } from "../markdown/paper.ts";
import { startTypeScriptWorker } from "../workers/typescript-worker.ts";

/** What the server thread keeps of each paper: enough to place a new paper among them and to find its page. */
export type PaperPlace = Pick<RenderedPaper, "id" | "slug" | "date" | "upvotes" | "titleText"> & { source: { file: string } };

/** The places of papers given in reading order. */
export function placesOf(papers: readonly RenderedPaper[]): PaperPlace[] {
  return papers.map(({ id, slug, date, upvotes, titleText, source }) => ({ id, slug, date, upvotes, titleText, source: { file: source.file } }));
}

/** A build asked of the build thread (see devBuild). */
export interface BuildJob {
  root: string;
  site: SiteConfig;
  written: string[];
}

/** What the build thread answers: the papers served, in reading order, and how many problems were reported. */
export type BuildReply = { ok: true; papers: PaperPlace[]; problems: number } | { ok: false; message: string };

/** A worker thread that runs devBuild, one job at a time, keeping its paper cache in memory between builds. */
export interface BuildThread {
  build(job: BuildJob): Promise<BuildReply>;
  close(): Promise<void>;
}

/** Starts the build thread (src/dev/build-worker.ts). */
export function startBuildThread(): BuildThread {
  const worker = startTypeScriptWorker(new URL("./build-worker.ts", import.meta.url), { bundled: false });
  let failed: Error | undefined;
  worker.on("error", (error) => (failed = error));
  return {
    build: (job) =>
      new Promise((resolve) => {
        if (failed) return resolve({ ok: false, message: `the build thread stopped: ${failed.stack ?? failed.message}` });
        const onExit = (code: number) => resolve({ ok: false, message: `the build thread exited (code ${code}): ${failed?.stack ?? ""}` });
        worker.once("exit", onExit);
        worker.once("message", (reply: BuildReply) => {
          worker.off("exit", onExit);
          resolve(reply);
        });
        worker.postMessage(job);
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}

/** What a dev build served: the digest of every paper without problems, and the problems of the others. */
export interface DevSite {
  digest: Digest;
  problems: Problem[];
}

/**
 * The dev server's build: the incremental build of `npm run build` (src/build.ts: papers from the cache, unchanged
 * pages kept, the rest rendered in bounded Eleventy runs, search index in a worker), except that a paper with problems
 * is reported and left out instead of failing the build, and the output folder is updated in place instead of
 * swapped. In place is safe for the next build: a page is only ever reused when the manifest, written after the pages,
 * records its key, size and modification time, and a dev server never records its folder as a complete build (it
 * leaves papers out). Pages the previous build recorded and this one does not make (a deleted paper, a renamed one,
 * an emptied tag) are removed.
 */
export async function devBuild(
  root: string,
  site: SiteConfig,
  log: (line: string) => void,
  /** Pages written outside a build since the last one (a paper's page served first): rendered again, or removed. */
  written: Iterable<string> = [],
): Promise<DevSite> {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const started = performance.now();
  const { papers, problems, warnings, cached } = await checkContentParallel(root, site);
  const broken = new Set(problems.map((p) => p.file));
  const valid = broken.size ? papers.filter((p) => !broken.has(p.source.file)) : papers;
  if (problems.length) {
    log(`\n${problems.map(formatProblem).join("\n")}\n${problems.length} problem(s): those papers are left out until fixed.\n`);
  }
  // Papers with warnings only are served; their warnings are listed as `npm run check` lists them.
  if (warnings.length) log(`\n${problemReport([], warnings).join("\n")}\n`);
  const checked = performance.now();
  const digest = groupDigest(valid, site);
  const outputDir = path.resolve(root, site.outputDir);
  const cacheDir = path.resolve(root, site.cacheDir);
  const reuse = pageReuse({ root, site, outputDir, cacheDir, paperKey: paperKeyOf });
  const previous = readManifest(reuse.manifestFile);
  // A page the server wrote on its own (a paper served first) may have been written while the previous build ran,
  // after that build rendered it and before it recorded it in the manifest: then the manifest describes the server's
  // page, placed among the papers as they were before. It is never reused: this build renders it again.
  const serverWritten = new Set(written);
  // Feeds are planned as npm run build plans them: reused in place when their items did not change, and never taken
  // for pages this build no longer makes when the previous build (npm run build's) recorded them.
  const plan = reuse.plan(digest, serverWritten, undefined, plannedFeeds({ ...digest, config: site }));
  const grouped = performance.now();
  mkdirSync(outputDir, { recursive: true });
  writeBuildSettings(outputDir, site);
  // Updated from the index being served, as npm run build updates it: only new and changed papers are analysed.
  const indexing = buildSearchIndexInPlace(valid, outputDir, site, { cacheDir, keyOf: paperKeyOf });
  indexing.catch(() => {});
  let pagesWritten = 0;
  try {
    ({ pagesWritten } = await renderSite({ root, outputDir, data: { config: site, ...digest, render: plan.render, reusedFeeds: plan.feeds?.reused ?? new Set() } }));
  } finally {
    await indexing.catch(() => {});
  }
  await indexing;
  const indexed = performance.now();
  const before = previous && path.resolve(previous.output) === outputDir ? Object.keys(previous.pages) : [];
  const removed = removeStalePages([...new Set([...before, ...serverWritten])], plan, outputDir);
  reuse.commit(plan, false);
  const done = performance.now();
  const feeds = plan.feeds?.planned ?? 0;
  const reusedFeeds = plan.feeds?.reused.size ?? 0;
  const rendered = plan.keys.size - feeds - (plan.reuse.length - reusedFeeds);
  log(
    `Built ${valid.length} papers (${cached} from the cache) into ${site.outputDir}/ in ${s(done - started)} s: ` +
      `${rendered} paginated pages rendered, ${plan.reuse.length - reusedFeeds} unchanged, ` +
      `${feeds} feed files (${reusedFeeds} unchanged), ${removed} removed ` +
      `(content ${s(checked - started)}, group ${s(grouped - checked)}, pages ${s(pagesWritten - grouped)}, ` +
      `feeds and search ${s(indexed - pagesWritten)}, manifest ${s(done - indexed)}).`,
  );
  return { digest, problems };
}

const feedNames = new Set(Object.values(tagFeedPaths("x")).map((feed) => path.posix.basename(feed)));

function listFolder(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Removes the pages in `before` that `plan` no longer has (and their folders when left empty); returns how many. */
function removeStalePages(before: readonly string[], plan: PagePlan, outputDir: string): number {
  let removed = 0;
  for (const page of before) {
    if (plan.keys.has(page)) continue;
    const file = path.join(outputDir, page);
    // Only paths inside the output folder: the manifest is a file on disk.
    if (!file.startsWith(outputDir + path.sep)) continue;
    rmSync(file, { force: true });
    removed++;
    // A tag's or organization's feeds live beside its first page: they go with it.
    const dir = path.dirname(file);
    const left = listFolder(dir);
    if (left.length && left.every((name) => feedNames.has(name))) for (const name of left) rmSync(path.join(dir, name), { force: true });
    for (let dir = path.dirname(file); dir.startsWith(outputDir + path.sep); dir = path.dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        break; // not empty
      }
    }
  }
  return removed;
}
