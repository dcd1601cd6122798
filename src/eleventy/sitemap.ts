import { robotsTxt, sitemapFiles, sitePages } from "../digest/sitemap.ts";
import { servedSiteData } from "./data.ts";
import type { EleventyConfig } from "./types.ts";
import { writeSiteFiles } from "./write-files.ts";

/** Writes `sitemap.xml` (split with an index when the site is big) and `robots.txt` after each whole-site build. */
export function sitemapPlugin(eleventyConfig: EleventyConfig): void {
  eleventyConfig.on("eleventy.after", async ({ directories, outputMode }: { directories: { output: string }; outputMode?: string }) => {
    const data = servedSiteData();
    if (!data || (outputMode && outputMode !== "fs")) return;
    await writeSiteFiles(directories.output, [...sitemapFiles(sitePages(data), data.config), robotsTxt(data.config)]);
  });
}
