import path from "node:path";
import { writeSearchIndex } from "../search/index.ts";
import { searchRecords } from "../search/records.ts";
import type { SiteConfig } from "../site.ts";
import type { SiteData } from "../pipeline.ts";
import { servedSiteData, whenSiteDataReady } from "./data.ts";
import type { EleventyConfig } from "./types.ts";

/**
 * Writes the search index from the paper records in every build, into the folder this build writes to (a temporary
 * folder during `npm run build`). In a one-off build, indexing starts as soon as the papers are known, alongside the
 * pages; the build ends when both are done.
 */
export function searchPlugin(eleventyConfig: EleventyConfig, site: SiteConfig): void {
  let builds = 0;
  let output = "";
  let indexing: Promise<unknown> | undefined;
  // Only the latest build writes its index: a build that failed before its data was ready never does.
  const index = (data: SiteData | undefined, build: number, folder: string) =>
    data && build === builds ? writeSearchIndex(searchRecords(data.papers, site), folder, site.language) : undefined;
  eleventyConfig.on("eleventy.before", ({ directories, runMode }: { directories: { output: string }; runMode?: string }) => {
    const build = ++builds;
    output = path.resolve(directories.output);
    const folder = output;
    // A one-off build starts indexing as soon as the papers are known, alongside the pages. While serving, the pages
    // come first (making the records takes the main thread: 0.9 s at 10,000 papers) and indexing follows them.
    indexing = runMode === "build" ? whenSiteDataReady().then((data) => index(data, build, folder)) : undefined;
    // Failures surface when `eleventy.after` awaits it, not as an unhandled rejection before.
    indexing?.catch(() => {});
  });
  eleventyConfig.on("eleventy.after", async () => {
    const pending = indexing ?? index(servedSiteData(), builds, output);
    indexing = undefined;
    await pending;
  });
}
