import path from "node:path";
import { buildSearchIndex } from "../search/build.ts";
import type { SiteConfig } from "../site.ts";
import { servedSiteData } from "./data.ts";
import type { EleventyConfig } from "./types.ts";

/**
 * While serving (`npm run dev`), writes the search index after each build's pages, from the papers that build served.
 * A one-off build (`npm run build`, src/build.ts) writes the index itself, in a worker alongside every Eleventy run.
 */
export function searchPlugin(eleventyConfig: EleventyConfig, site: SiteConfig): void {
  eleventyConfig.on("eleventy.after", async ({ directories, runMode }: { directories: { output: string }; runMode?: string }) => {
    const data = servedSiteData();
    if (runMode !== "build" && data) await buildSearchIndex(data.papers, path.resolve(directories.output), site);
  });
}
