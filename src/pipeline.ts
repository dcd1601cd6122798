import { loadPapers } from "./content/load.ts";
import { ContentError, sortProblems, type Problem } from "./content/problems.ts";
import { groupDigest, type Digest } from "./digest/group.ts";
import { checkPaperMath, renderPaper, type RenderedPaper } from "./markdown/paper.ts";
import type { SiteConfig } from "./site.ts";

/**
 * The build pipeline, stage by stage:
 *   1. read      content/papers/** -> source files (non-.md, links and case collisions are problems)
 *   2. validate  front matter -> Paper records (every problem in every file, duplicate ids)
 *   3. render    title and abstract -> HTML with KaTeX (TeX errors are problems with file and line)
 *   4. group     papers -> days, ISO weeks, months, newest first
 * Pages, feeds and the search index are written from the result by the Eleventy adapters.
 */
export interface SiteData extends Digest {
  config: SiteConfig;
}

/** Stages 1 to 3: every paper typeset, and every problem found on the way. */
export function checkContent(root: string, config: SiteConfig): { papers: RenderedPaper[]; problems: Problem[] } {
  const loaded = loadPapers(root, config.contentDir);
  const problems = [...loaded.problems, ...loaded.rejected.flatMap(checkPaperMath)];
  const papers: RenderedPaper[] = [];
  for (const paper of loaded.papers) {
    const rendered = renderPaper(paper);
    problems.push(...rendered.problems);
    papers.push(rendered.paper);
  }
  return { papers, problems: sortProblems(problems) };
}

/** For `npm run dev`: the site from every paper without problems, and the problems of the rest (left out until fixed). */
export function lenientSiteData(root: string, config: SiteConfig): { data: SiteData; problems: Problem[] } {
  const { papers, problems } = checkContent(root, config);
  const broken = new Set(problems.map((p) => p.file));
  const valid = papers.filter((p) => !broken.has(p.source.file));
  return { data: { config, ...groupDigest(valid) }, problems };
}

/** The whole pipeline; throws a ContentError listing every problem when any paper is wrong. */
export function buildSiteData(root: string, config: SiteConfig): SiteData {
  const { papers, problems } = checkContent(root, config);
  if (problems.length) throw new ContentError(problems);
  return { config, ...groupDigest(papers) };
}
