import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import nunjucks, { type Environment } from "nunjucks";
import type { PageSelection } from "../cache/pages.ts";
import { weekdayNames } from "../digest/calendar.ts";
import { siteFeedPaths } from "../feeds/files.ts";
import type { SiteData } from "../pipeline.ts";
import type { SiteConfig } from "../site.ts";
import { feedFilters } from "./feeds.ts";
import { siteFilters } from "./filters.ts";

/** A kind of paginated page (paper, day, week, month, tag or organization pages). */
export type PageKind = keyof PageSelection;

/** The layout (under layouts/) that paginates each kind of page, one item a page over `digest.render.<kind>`. */
export const pageLayouts: { readonly [K in PageKind]: string } = {
  papers: "paper.njk",
  days: "day.njk",
  weeks: "week.njk",
  months: "month.njk",
  tags: "tag.njk",
  organizations: "organization.njk",
};

/** Renders one item of a kind of page: its output path (relative, `/`-separated) and its HTML. */
export type PageRenderer<K extends PageKind> = (item: PageSelection[K][number]) => { file: string; html: string };

/**
 * Renders paginated pages (layouts/paper.njk, day.njk, week.njk...) with Nunjucks directly, as Eleventy renders them:
 * the same template body (its front matter, which only paginates, left out), the same loader paths
 * (layouts/_includes, then layouts/), filters (`siteFilters`, `feedFilters`) and global data (`site`, `feeds`,
 * `weekdays`, `digest`), the item under the pagination's alias, and `page.url` from the template's permalink, rendered
 * as its front matter gives it. Eleventy's per-page bookkeeping (a page object, its data cascade, permalink and output
 * path, and the page kept in memory until its run ends) cost more than rendering a paper page: 10,000 of them were
 * 95% of a cold build's pages, and the list pages' 475 took Eleventy as long as rendering them (docs/performance.md,
 * round 23). Returns, by kind, a renderer; undefined for a kind whose layout does more than paginate one item a page
 * over `digest.render.<kind>` with a permalink (other front matter, a data file), which is left to Eleventy.
 * tests/paginated-pages.test.ts renders the same pages both ways and compares them byte for byte.
 */
export function pageRenderers(root: string, site: SiteConfig, data: SiteData): <K extends PageKind>(kind: K) => PageRenderer<K> | undefined {
  const layouts = path.join(root, "layouts");
  // Eleventy's data cascade reads data files beside the layouts; the pages rendered here would not see them.
  const dataFiles = existsSync(layouts) && readdirSync(layouts).some((name) => name === "_data" || /\.11tydata\.|^layouts\.(json|c?js|mjs)$/.test(name));
  let environment: Environment | undefined;
  const made = new Map<PageKind, PageRenderer<PageKind> | undefined>();
  const globals = { site: Object.freeze({ ...site }), feeds: Object.freeze({ ...siteFeedPaths }), weekdays: weekdayNames, digest: data };
  const make = (kind: PageKind): PageRenderer<PageKind> | undefined => {
    const file = path.join(layouts, pageLayouts[kind]);
    if (dataFiles || !existsSync(file)) return undefined;
    const { content, data: frontMatter } = matter(readFileSync(file, "utf8"));
    const alias = paginationAlias(frontMatter, kind);
    if (alias === undefined) return undefined;
    if (!environment) {
      environment = new nunjucks.Environment(new nunjucks.FileSystemLoader([path.join(layouts, "_includes"), layouts]), { dev: true });
      for (const [name, filter] of Object.entries({ ...siteFilters(site), ...feedFilters })) environment.addFilter(name, filter as (...args: unknown[]) => unknown);
    }
    const template = new nunjucks.Template(content, environment, file, true);
    // The template's own permalink: not a second copy of it here.
    const permalink = new nunjucks.Template(String(frontMatter.permalink), environment, file, true);
    return (item) => {
      const context = { ...globals, [alias]: item };
      const url = permalink.render(context);
      // Where Eleventy writes a permalink: a folder's URL as its index.html, any other as that file.
      return { file: url.endsWith("/") ? `${url.slice(1)}index.html` : url.slice(1), html: template.render({ ...context, page: { url } }) };
    };
  };
  return <K extends PageKind>(kind: K) => {
    if (!made.has(kind)) made.set(kind, make(kind));
    return made.get(kind) as PageRenderer<K> | undefined;
  };
}

/**
 * The alias a layout's front matter names its item by, when the front matter only paginates one item a page over
 * `digest.render.<kind>` and gives a permalink; otherwise undefined.
 */
function paginationAlias(frontMatter: Record<string, unknown>, kind: PageKind): string | undefined {
  const { pagination, permalink, ...rest } = frontMatter as { pagination?: Record<string, unknown>; permalink?: unknown };
  if (Object.keys(rest).length || typeof permalink !== "string" || !pagination || typeof pagination !== "object") return undefined;
  const { data, size, alias, addAllPagesToCollections, ...other } = pagination;
  if (Object.keys(other).length || data !== `digest.render.${kind}` || size !== 1 || typeof alias !== "string" || !/^[A-Za-z_$][\w$]*$/.test(alias)) return undefined;
  return addAllPagesToCollections === undefined || typeof addAllPagesToCollections === "boolean" ? alias : undefined;
}
