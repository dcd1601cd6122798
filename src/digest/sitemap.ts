import type { Digest } from "./group.ts";
import { absoluteUrl, type SiteConfig } from "../site.ts";

/** Most URLs one sitemap file may list (sitemaps.org); a bigger site gets a sitemap index. */
export const sitemapLimit = 50_000;

/** A file for the output folder: its site path and content. */
export interface SiteFile {
  path: string;
  body: string;
}

type SitemapSite = Pick<SiteConfig, "url" | "pathPrefix">;

/** Every page of the site worth indexing, as site paths: home, archive, search, then days, weeks, months, tags, organizations, papers. */
export function sitePages(digest: Pick<Digest, "days" | "weeks" | "months" | "tagPages" | "organizationPages" | "papers">): string[] {
  return [
    "/",
    "/archive/",
    "/search/",
    ...digest.days.map((day) => `/date/${day.date}/`),
    ...digest.weeks.map((week) => `/week/${week.key}/`),
    ...digest.months.map((month) => `/month/${month.key}/`),
    ...digest.tagPages.map((page) => page.url),
    ...digest.organizationPages.map((page) => page.url),
    ...digest.papers.map((paper) => `/papers/${paper.slug}/`),
  ];
}

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const urlset = (urls: readonly string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls
    .map((url) => `<url><loc>${escapeXml(url)}</loc></url>\n`)
    .join("")}</urlset>\n`;

/**
 * `sitemap.xml` listing `pages` (site paths) as absolute URLs; over `limit` URLs (default 50,000), `sitemap.xml` is a
 * sitemap index of `sitemap-1.xml`, `sitemap-2.xml`... of at most `limit` URLs each.
 */
export function sitemapFiles(pages: readonly string[], site: SitemapSite, limit = sitemapLimit): SiteFile[] {
  const urls = pages.map((page) => absoluteUrl(site, page));
  if (urls.length <= limit) return [{ path: "/sitemap.xml", body: urlset(urls) }];
  const parts: SiteFile[] = [];
  for (let i = 0; i < urls.length; i += limit) parts.push({ path: `/sitemap-${parts.length + 1}.xml`, body: urlset(urls.slice(i, i + limit)) });
  const index = `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${parts
    .map((part) => `<sitemap><loc>${escapeXml(absoluteUrl(site, part.path))}</loc></sitemap>\n`)
    .join("")}</sitemapindex>\n`;
  return [{ path: "/sitemap.xml", body: index }, ...parts];
}

/**
 * `robots.txt`: everything may be crawled, and where the sitemap is. Crawlers read robots.txt only at the host's root,
 * so a site under a path prefix gets one there too; the host's own robots.txt is what counts then.
 */
export function robotsTxt(site: SitemapSite): SiteFile {
  return { path: "/robots.txt", body: `User-agent: *\nAllow: /\n\nSitemap: ${absoluteUrl(site, "/sitemap.xml")}\n` };
}
