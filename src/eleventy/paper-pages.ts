import { readFileSync } from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import nunjucks from "nunjucks";
import { weekdayNames } from "../digest/calendar.ts";
import { siteFeedPaths } from "../feeds/files.ts";
import type { PaperPage } from "../digest/group.ts";
import type { SiteData } from "../pipeline.ts";
import type { SiteConfig } from "../site.ts";
import { siteFilters } from "./filters.ts";

/**
 * Renders paper pages (layouts/paper.njk) with Nunjucks directly, as Eleventy renders them: the same template body
 * (its front matter, which only paginates, left out), the same loader paths (layouts/_includes, then layouts/), filters
 * (`siteFilters`) and global data (`site`, `feeds`, `weekdays`, `digest`), and `page.url` from the template's
 * permalink, rendered as its front matter gives it. Eleventy's per-page bookkeeping (a page object, its data cascade, permalink and output path, and the page
 * kept in memory until its run ends) cost more than rendering a paper page: 10,000 of them are 95% of a cold
 * build's pages. Every other template still goes through Eleventy. tests/paper-pages.test.ts renders the same pages
 * both ways and compares them byte for byte.
 */
export function paperPageRenderer(root: string, site: SiteConfig, data: SiteData): (entry: PaperPage) => { file: string; html: string } {
  const layouts = path.join(root, "layouts");
  const environment = new nunjucks.Environment(new nunjucks.FileSystemLoader([path.join(layouts, "_includes"), layouts]), { dev: true });
  for (const [name, filter] of Object.entries(siteFilters(site))) environment.addFilter(name, filter as (...args: unknown[]) => unknown);
  const file = path.join(layouts, "paper.njk");
  const { content, data: frontMatter } = matter(readFileSync(file, "utf8"));
  const template = new nunjucks.Template(content, environment, file, true);
  // The template's own permalink (a folder's URL, as every page's): not a second copy of it here.
  const permalink = new nunjucks.Template(String(frontMatter.permalink), environment, file, true);
  const globals = { site: Object.freeze({ ...site }), feeds: Object.freeze({ ...siteFeedPaths }), weekdays: weekdayNames, digest: data };
  return (entry) => {
    const context = { ...globals, entry };
    const url = permalink.render(context);
    return { file: `${url.slice(1)}index.html`, html: template.render({ ...context, page: { url } }) };
  };
}
