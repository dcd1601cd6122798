import path from "node:path";
import { splitSelection, type PageSelection } from "../cache/pages.ts";
import type { SiteData } from "../pipeline.ts";
import { inlinePageWriter, threadPageWriter, type WrittenPages } from "../output/page-writer.ts";
import type { WrittenOutput } from "../output/recorded-writes.ts";
import { pageLayouts, pageRenderers, type PageKind } from "./paginated-pages.ts";
import { runEleventy } from "./run.ts";

/**
 * Papers shown on the pages of one Eleventy run (see splitSelection): about 1 GB of memory at most. Eleventy keeps
 * every page it wrote until its run ends, so one run for 100,000 papers would hold 5 GB.
 */
export const pagesPerRun = 20_000;

/** Pages rendered in one Eleventy run from which writing them on a thread of their own pays for starting it. */
export const threadedFrom = 500;

/**
 * Writes the pages `data.render` selects into `outputDir`: the paginated ones outside Eleventy (src/eleventy/
 * paginated-pages.ts) but those whose layout Eleventy must render, and the rest in as many Eleventy runs into that
 * folder as keep memory bounded (`pagesPerRun`), one after the other. The last run also writes the feeds and the
 * sitemap; every run writes the pages that are not paginated. Returns when the last run's pages were rendered
 * (`performance.now()`), as `runEleventy` does, and the hash of every page written (output path, relative and
 * `/`-separated -> sha256 hex of its bytes), so the page manifest need not read them back, and what the paginated
 * pages' writer recorded of the files and folders it wrote (src/output/recorded-writes.ts), so the manifest need not
 * stat them; the first run that fails rejects, and the runs after it do not start.
 */
export async function renderSite(options: {
  root: string;
  outputDir: string;
  data: SiteData & { render: PageSelection };
  /** Papers shown per run (see splitSelection). Default `pagesPerRun`. */
  budget?: number;
  /** Pages a run renders from which they are written on a thread of their own. Default `threadedFrom`. */
  threadedFrom?: number;
}): Promise<{ pagesWritten: number; pageHashes: Map<string, string>; written?: WrittenOutput }> {
  const output = path.resolve(options.outputDir);
  const pageHashes = new Map<string, string>();
  const relative = (file: string) => path.relative(output, file).split(path.sep).join("/");
  // Paginated pages first, outside Eleventy (see pageRenderers): paper pages, then day, week, month, tag and
  // organization pages; Eleventy's runs then paginate over none of them but those whose layout it must render. Their
  // writer thread is not waited for before Eleventy's runs but after them: at 10,000 papers, cold, it had 2 s of
  // writing left once the last page was rendered, which this thread spent idle.
  const renderers = pageRenderers(options.root, options.data.config, options.data);
  const selection = options.data.render;
  const outside = (Object.keys(pageLayouts) as PageKind[]).filter((kind) => selection[kind].length && renderers(kind));
  const rest: PageSelection = { ...selection };
  for (const kind of outside) rest[kind] = [];
  const count = outside.reduce((sum, kind) => sum + selection[kind].length, 0);
  let paginatedPages: Promise<WrittenPages> | undefined;
  if (count) {
    const writer = count >= (options.threadedFrom ?? threadedFrom) ? threadPageWriter() : inlinePageWriter();
    try {
      for (const kind of outside) {
        const render = renderers(kind)! as (item: unknown) => { file: string; html: string };
        for (const item of selection[kind]) {
          const { file, html } = render(item);
          const target = path.join(output, file);
          // A permalink is made of a layout and data a contributor controls (a tag, an organization's name): whatever
          // it renders to, nothing is written outside the output folder.
          if (!target.startsWith(output + path.sep)) throw new Error(`${pageLayouts[kind]}: the permalink of a page renders to "/${file}", outside the site's folder`);
          writer.write(target, html);
        }
      }
    } catch (error) {
      // A page that does not render fails the build before Eleventy's runs, once the writer has stopped.
      await writer.close().catch(() => {});
      throw error;
    }
    paginatedPages = writer.close(output);
    // A failed write is awaited below; this only keeps it from being reported as unhandled meanwhile.
    paginatedPages.catch(() => {});
  }
  let pagesWritten = performance.now();
  const runs: Map<string, string>[] = [];
  try {
    const parts = splitSelection(rest, options.budget ?? pagesPerRun);
    for (const [i, render] of parts.entries()) {
      const pages = Object.values(render).reduce((sum: number, items: unknown[]) => sum + items.length, 0);
      const run = await runEleventy({
        root: options.root,
        outputDir: options.outputDir,
        data: { ...options.data, render },
        wholeSite: i === parts.length - 1,
        threaded: pages >= (options.threadedFrom ?? threadedFrom),
      });
      pagesWritten = run.pagesWritten;
      runs.push(run.pageHashes);
    }
  } catch (error) {
    // Nothing may still write into the folder when the caller deletes it.
    await paginatedPages?.catch(() => {});
    throw error;
  }
  // A page whose write failed fails the build here, once every page is on disk or the writer has stopped. The hashes
  // are listed the paginated pages first, as they were before.
  const paginatedWrites = await paginatedPages;
  for (const hashes of [paginatedWrites?.hashes ?? new Map<string, string>(), ...runs]) {
    for (const [file, hash] of hashes) pageHashes.set(relative(file), hash);
  }
  return { pagesWritten, pageHashes, ...(paginatedWrites?.output ? { written: paginatedWrites.output } : {}) };
}
