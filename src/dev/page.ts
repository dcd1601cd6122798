import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PageSelection } from "../cache/pages.ts";
import { decodeUtf8, maxPaperFileBytes, paperFileOrigin } from "../content/load.ts";
import type { Problem } from "../content/problems.ts";
import { comparePapers, type Digest, type PaperPage } from "../digest/group.ts";
import { renderPages } from "../eleventy/run.ts";
import type { RenderedPaper } from "../markdown/paper.ts";
import { compact, processFile } from "../render/pool.ts";
import type { SiteConfig } from "../site.ts";
import type { PaperPlace } from "./build.ts";

/** What one paper file gives on its own: its typeset paper, or the problems that keep it out of the site. */
export type OnePaper =
  | { paper: RenderedPaper; problems: []; warnings: Problem[] }
  | { paper?: undefined; problems: Problem[] }
  /** Not a plain paper file (too big, not UTF-8, a stray CR, gone): left to the full check, which says why. */
  | { paper?: undefined; problems: []; skipped: string };

/** Reads, parses, validates and typesets one paper file (absolute path), as the full check would, without other files. */
export function checkOnePaper(root: string, site: SiteConfig, absolute: string): OnePaper {
  const origin = paperFileOrigin(root, site.contentDir);
  const file = path.relative(origin, absolute).split(path.sep).join("/");
  let bytes: Buffer;
  try {
    const stat = lstatSync(absolute);
    if (!stat.isFile() || stat.size > maxPaperFileBytes) return { problems: [], skipped: "not a regular file under 1 MB" };
    bytes = readFileSync(absolute);
  } catch {
    return { problems: [], skipped: "cannot be read" };
  }
  const decoded = decodeUtf8(bytes);
  if (!("text" in decoded) || /\r(?!\n)/.test(decoded.text)) return { problems: [], skipped: "not plain UTF-8 text" };
  const result = compact(processFile({ file, text: decoded.text }, site.macros));
  const found = [...result.parsed.problems, ...(result.rendered?.problems ?? [])];
  // A warning (a macro nobody defined) does not keep the paper out: its page is served, the warning printed.
  const problems = found.filter((p) => p.severity !== "warning");
  const warnings = found.filter((p) => p.severity === "warning");
  if (problems.length || !result.rendered) return { problems };
  return { paper: result.rendered.paper, problems: [], warnings };
}

/** Reading order across the site: newest day first, then as within a day (src/digest/group.ts). */
const readingOrder = (a: PaperPlace, b: PaperPlace) => (a.date > b.date ? -1 : a.date < b.date ? 1 : comparePapers(a, b));

/**
 * The page of `paper` as the full grouping would make it, given the site's papers in reading order (the last build's):
 * the paper with its neighbours once it is put in its place (its earlier version, from the same file, taken out).
 */
export function placePaper(ordered: readonly PaperPlace[], paper: RenderedPaper): PaperPage {
  const others = ordered.filter((p) => p.source.file !== paper.source.file);
  let at = others.findIndex((p) => readingOrder(paper, p) < 0);
  if (at === -1) at = others.length;
  const ref = (p: PaperPlace | undefined) => p && { slug: p.slug, titleText: p.titleText };
  const prev = ref(others[at - 1]);
  const next = ref(others[at]);
  return { paper, ...(prev ? { prev } : {}), ...(next ? { next } : {}) };
}

const emptyDigest = (): Digest => ({
  papers: [],
  days: [],
  weeks: [],
  months: [],
  tags: [],
  tagPages: [],
  organizations: [],
  organizationPages: [],
  paperPages: [],
});

/** Where a paper's page is in the output folder, `/`-separated (as src/cache/pages.ts and layouts/paper.njk put it). */
export function paperPagePath(slug: string): string {
  return `papers/${slug}/index.html`;
}

/**
 * Renders one paper page through Eleventy with the site's layouts, without writing anything: only layouts/paper.njk,
 * given a digest that holds nothing but this page (so no other page, feed or search index is made).
 */
export async function renderPaperPage(root: string, site: SiteConfig, page: PaperPage): Promise<string> {
  const render: PageSelection = { papers: [page], days: [], weeks: [], months: [], tags: [], organizations: [] };
  const data = { config: site, ...emptyDigest(), render };
  const rendered = await renderPages({ root, data, template: "paper.njk" });
  const html = rendered.find((p) => p.path === paperPagePath(page.paper.slug));
  if (!html) throw new Error(`layouts/paper.njk did not render ${paperPagePath(page.paper.slug)}`);
  return html.content;
}

/** Renders a paper's page and puts it into `outputDir`, written beside and renamed (a reader never gets half a page). */
export async function writePaperPage(options: { root: string; site: SiteConfig; page: PaperPage; outputDir: string }): Promise<string> {
  const { root, site, page, outputDir } = options;
  const html = await renderPaperPage(root, site, page);
  const relative = paperPagePath(page.paper.slug);
  const target = path.join(outputDir, relative);
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}`;
  writeFileSync(temp, html);
  renameSync(temp, target);
  return relative;
}

/** Removes a paper's page from the output folder (and its folder when that is left empty). */
export function removePaperPage(outputDir: string, slug: string): void {
  const file = path.join(outputDir, paperPagePath(slug));
  rmSync(file, { force: true });
  try {
    rmdirSync(path.dirname(file));
  } catch {
    // not empty, or gone
  }
}
