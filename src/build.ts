import path from "node:path";
import { linkReusedPages, pageReuse } from "./cache/pages.ts";
import { paperKeyOf } from "./cache/papers.ts";
import { problemReport } from "./content/problems.ts";
import { splitAdoptable } from "./output/adopt.ts";
import { writeAtomically } from "./output/atomic.ts";
import { writeBuildSettings } from "./output/build-settings.ts";
import { checkContentParallel } from "./pipeline.ts";
import { groupDigest } from "./digest/group.ts";
import { loadSiteConfig } from "./site.ts";

/** Validates all content, then builds the site atomically; prints every problem and writes nothing when any exists. */
export async function buildSite(options: { root: string; log?: (line: string) => void }): Promise<{ ok: boolean }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();
  const site = loadSiteConfig(options.root);
  const outputDir = path.resolve(options.root, site.outputDir);
  // Pages whose inputs match the previous build's are linked from the previous output instead of rendered again.
  const reuse = pageReuse({ root: options.root, site, outputDir, cacheDir: path.resolve(options.root, site.cacheDir), paperKey: paperKeyOf });
  // Loaded only for a build that writes: Eleventy and the search index take half a second to import, a tenth of a
  // build where nothing changed. A build that typesets many papers loads them while the worker threads typeset.
  let writing: Promise<[typeof import("./eleventy/render-pages.ts"), typeof import("./search/build.ts")]> | undefined;
  const loadWriting = () => (writing ??= Promise.all([import("./eleventy/render-pages.ts"), import("./search/build.ts")]));
  // When every paper file, the code and the configuration are what the output was built from, no paper is loaded.
  const { papers, problems, warnings, cached, contentKey, unchanged } = await checkContentParallel(options.root, site, {
    unchanged: (key) => reuse.unchanged(key),
    whileTypesetting: () => void loadWriting().catch(() => {}),
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
    log(`\n${problems.length} problem${problems.length === 1 ? "" : "s"}; the site was not built (${site.outputDir}/ is unchanged).`);
    return { ok: false };
  }
  const digest = groupDigest(papers, site);
  const plan = reuse.plan(digest);
  const data = { config: site, ...digest };
  const grouped = performance.now();
  if (plan.upToDate) {
    reuse.commit(plan, true, contentKey);
    log(
      `Nothing changed since the last build: ${site.outputDir}/ is up to date with ${papers.length} papers ` +
        `(content ${s(checked - started)}, group ${s(grouped - checked)}, pages 0.00, feeds and search 0.00, swap 0.00).`,
    );
    return { ok: true };
  }
  let written = 0;
  const [{ renderSite }, { buildSearchIndex }] = await loadWriting();
  // Reused paper pages are not linked one by one: their folder is moved over from the previous output (output/adopt.ts).
  const { adoption, link } = splitAdoptable(plan.reuse, "papers", outputDir);
  const { pagesWritten, pageHashes } = await writeAtomically(outputDir, async (temp) => {
    // The search index is written by a worker thread while the pages render, updated from the previous build's.
    const indexing = buildSearchIndex(papers, temp, site, { cacheDir: path.resolve(options.root, site.cacheDir), previousSite: outputDir, keyOf: paperKeyOf });
    indexing.catch(() => {});
    let result = { pagesWritten: 0, pageHashes: new Map<string, string>() };
    try {
      writeBuildSettings(temp, site);
      linkReusedPages(link, outputDir, temp);
      result = await renderSite({ root: options.root, outputDir: temp, data: { ...data, render: plan.render } });
    } catch (error) {
      // The worker must stop writing into the temporary folder before it is deleted.
      await indexing.catch(() => {});
      throw error;
    }
    await indexing;
    written = performance.now();
    return result;
  }, adoption && { adopt: { adoption, reused: plan.reuse } });
  // The pages written were hashed as they were written: the manifest does not read them back.
  const hashes = new Map([...plan.hashes, ...pageHashes]);
  reuse.commit({ ...plan, hashes }, true, contentKey, adoption?.adopted && { folder: adoption.folder, adopted: adoption.adopted, reused: plan.reuse });
  const done = performance.now();
  log(
    `Built ${papers.length} papers (${cached} from the cache) on ${data.days.length} day${data.days.length === 1 ? "" : "s"}, ` +
      `${plan.keys.size} paginated pages (${plan.reuse.length} unchanged) ` +
      `into ${site.outputDir}/ in ${s(done - started)} s ` +
      `(content ${s(checked - started)}, group ${s(grouped - checked)}, pages ${s(pagesWritten - grouped)}, ` +
      `feeds and search ${s(written - pagesWritten)}, swap ${s(done - written)}).`,
  );
  return { ok: true };
}
