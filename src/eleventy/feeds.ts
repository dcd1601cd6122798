import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { feedFiles, siteFeedPaths, tagFeedPaths } from "../feeds/files.ts";
import { servedSiteData } from "./data.ts";
import type { EleventyConfig } from "./types.ts";

/**
 * Writes every feed after each build, into the folder this build writes to (a temporary folder during `npm run
 * build`, swapped in whole), and gives layouts the feed paths: `feeds` (site-wide) and the `tagFeeds` filter.
 */
export function feedsPlugin(eleventyConfig: EleventyConfig): void {
  eleventyConfig.addGlobalData("feeds", Object.freeze({ ...siteFeedPaths }));
  eleventyConfig.addFilter("tagFeeds", tagFeedPaths);
  eleventyConfig.on("eleventy.after", async ({ directories, outputMode }: { directories: { output: string }; outputMode?: string }) => {
    const data = servedSiteData();
    if (!data || (outputMode && outputMode !== "fs")) return;
    const output = path.resolve(directories.output);
    for (const file of feedFiles(data)) {
      const target = path.join(output, file.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.body);
    }
  });
}
