import path from "node:path";
import Eleventy from "@11ty/eleventy";
import projectConfig from "../../.eleventy.ts";
import type { SiteData } from "../pipeline.ts";
import { inlinePageWriter, threadPageWriter } from "../output/page-writer.ts";
import { usePreparedSiteData } from "./data.ts";
import { writePagesWith } from "./page-writes.ts";

/**
 * The project's configuration (.eleventy.ts) is handed to Eleventy as a function rather than as a file to import:
 * Eleventy would import the file through whatever TypeScript loader the process has, and its adapters would then be
 * modules of their own, apart from the ones this process imported (the prepared site data would not reach them) when
 * this process runs from compiled JavaScript (scripts/launch.mjs).
 */
const inProcessConfig = { configPath: false } as const;

/**
 * Runs one Eleventy build of the project at `root` into `outputDir`, reusing already computed site data. The pages
 * go through a page writer (src/output/page-writer.ts): on a thread of their own when `threaded`, which hashes them
 * as it writes. Returns when the pages were rendered (`eleventy.after` began: feeds and search follow) as a
 * `performance.now()` time, and, once every page is on disk, each page's hash by its absolute path.
 */
export async function runEleventy(options: {
  root: string;
  outputDir: string;
  data: SiteData;
  /** False when this run writes only part of the pages: feeds and search are left to the run that is. Default true. */
  wholeSite?: boolean;
  /** Pages written on a thread of their own (worth it for hundreds of pages). Default false. */
  threaded?: boolean;
}): Promise<{ pagesWritten: number; pageHashes: Map<string, string> }> {
  usePreparedSiteData(options.data, options.wholeSite ?? true);
  let pagesWritten = 0;
  const eleventy = new Eleventy(path.join(options.root, "layouts"), options.outputDir, {
    ...inProcessConfig,
    quietMode: true,
    config: (eleventyConfig) => {
      // Registered before the project's plugins, so it runs first among the `eleventy.after` handlers.
      eleventyConfig.on("eleventy.after", () => void (pagesWritten = performance.now()));
      projectConfig(eleventyConfig);
    },
  });
  const writer = options.threaded ? threadPageWriter() : inlinePageWriter();
  const { pageHashes } = await writePagesWith(writer, () => eleventy.write());
  return { pagesWritten: pagesWritten || performance.now(), pageHashes };
}

/**
 * Renders the project's templates with already computed site data without writing anything (Eleventy's JSON output
 * mode: no passthrough copies, and the feed and search adapters skip it), and returns each page's output path
 * (relative to the output folder, `/`-separated) and HTML. `template` (a file name under layouts/, e.g. "paper.njk")
 * renders that template alone.
 */
export async function renderPages(options: { root: string; data: SiteData; template?: string }): Promise<{ path: string; content: string }[]> {
  const layouts = path.join(options.root, "layouts");
  usePreparedSiteData(options.data, false);
  const output = path.join(options.root, ".render-only");
  const eleventy = new Eleventy(options.template ? path.join(layouts, options.template) : layouts, output, {
    ...inProcessConfig,
    quietMode: true,
    config: projectConfig,
  });
  const pages = (await eleventy.toJSON()) as { outputPath: string | false; content: string }[];
  return pages.flatMap((page) =>
    page.outputPath ? [{ path: path.relative(output, page.outputPath).split(path.sep).join("/"), content: page.content }] : [],
  );
}
