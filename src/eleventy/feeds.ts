import { feedFiles, organizationFeedPaths, siteFeedPaths, tagFeedPaths } from "../feeds/files.ts";
import { servedSiteData } from "./data.ts";
import type { EleventyConfig } from "./types.ts";
import { writeSiteFiles } from "./write-files.ts";

/** The feed paths' filters layouts call (also given to the pages rendered outside Eleventy, src/eleventy/paginated-pages.ts). */
export const feedFilters = { tagFeeds: tagFeedPaths, organizationFeeds: organizationFeedPaths } as const;

/**
 * Writes every feed after each build, into the folder this build writes to (a temporary folder during `npm run
 * build`, swapped in whole), and gives layouts the feed paths: `feeds` (site-wide), the `tagFeeds` and
 * `organizationFeeds` filters.
 */
export function feedsPlugin(eleventyConfig: EleventyConfig): void {
  eleventyConfig.addGlobalData("feeds", Object.freeze({ ...siteFeedPaths }));
  for (const [name, filter] of Object.entries(feedFilters)) eleventyConfig.addFilter(name, filter);
  eleventyConfig.on("eleventy.after", async ({ directories, outputMode }: { directories: { output: string }; outputMode?: string }) => {
    const data = servedSiteData();
    if (!data || (outputMode && outputMode !== "fs")) return;
    // A feed the build linked from the previous output (its inputs unchanged) is neither rendered nor written over.
    const reused = data.reusedFeeds;
    await writeSiteFiles(directories.output, feedFiles(data, reused && ((sitePath) => reused.has(sitePath.slice(1)))));
  });
}
