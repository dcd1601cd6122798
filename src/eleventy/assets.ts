import { readFileSync } from "node:fs";
import path from "node:path";
import { siteKatexCss } from "../assets/katex-css.ts";
import { katexDistDir, katexVersion } from "../markdown/katex.ts";
import type { EleventyConfig } from "./types.ts";
import { writeSiteFiles } from "./write-files.ts";

/** Where KaTeX's stylesheet is served: under its version, so a KaTeX upgrade never mixes old CSS with new markup. */
export const katexCssPath = `/assets/katex-${katexVersion}/katex.min.css`;

/**
 * Copies the site's stylesheet and scripts, the browser half of the search (src/search/client: the same word rules
 * the index was written with), and KaTeX's woff2 fonts of the version that typeset the pages; writes KaTeX's CSS
 * with `font-display: swap` and woff2 sources only (src/assets/katex-css.ts).
 */
export function assetsPlugin(eleventyConfig: EleventyConfig): void {
  const target = path.posix.dirname(katexCssPath).slice(1);
  eleventyConfig.addPassthroughCopy({ "layouts/assets": "assets" });
  eleventyConfig.addPassthroughCopy({ "src/search/client": "assets/search" });
  eleventyConfig.addPassthroughCopy({ [path.join(katexDistDir, "fonts", "*.woff2")]: `${target}/fonts` });
  const css = siteKatexCss(readFileSync(path.join(katexDistDir, "katex.min.css"), "utf8"));
  eleventyConfig.on("eleventy.after", async ({ directories, outputMode }: { directories: { output: string }; outputMode?: string }) => {
    if (outputMode && outputMode !== "fs") return;
    await writeSiteFiles(directories.output, [{ path: katexCssPath, body: css }]);
  });
}
