import path from "node:path";
import Eleventy from "@11ty/eleventy";
import type { SiteData } from "../pipeline.ts";
import { usePreparedSiteData } from "./data.ts";

/**
 * Runs one Eleventy build of the project at `root` into `outputDir`, reusing already computed site data. Returns when
 * the pages were written (`eleventy.after` began: feeds and search follow) as a `performance.now()` time.
 */
export async function runEleventy(options: {
  root: string;
  outputDir: string;
  data: SiteData;
  /** False when this run writes only part of the pages: feeds and search are left to the run that is. Default true. */
  wholeSite?: boolean;
}): Promise<{ pagesWritten: number }> {
  usePreparedSiteData(options.data, options.wholeSite ?? true);
  let pagesWritten = 0;
  const eleventy = new Eleventy(path.join(options.root, "layouts"), options.outputDir, {
    configPath: path.join(options.root, ".eleventy.ts"),
    quietMode: true,
    // Registered before the project's plugins, so it runs first among the `eleventy.after` handlers.
    config: (eleventyConfig) => eleventyConfig.on("eleventy.after", () => void (pagesWritten = performance.now())),
  });
  await eleventy.write();
  return { pagesWritten: pagesWritten || performance.now() };
}
