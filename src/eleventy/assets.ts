import path from "node:path";
import { katexDistDir, katexVersion } from "../markdown/katex.ts";
import type { EleventyConfig } from "./types.ts";

/**
 * Copies the site's stylesheet and scripts, the browser half of the search (src/search/client: the same word rules
 * the index was written with), and the KaTeX CSS and fonts of the version that typeset the pages.
 */
export function assetsPlugin(eleventyConfig: EleventyConfig): void {
  const target = `assets/katex-${katexVersion}`;
  eleventyConfig.addPassthroughCopy({ "layouts/assets": "assets" });
  eleventyConfig.addPassthroughCopy({ "src/search/client": "assets/search" });
  eleventyConfig.addPassthroughCopy({ [path.join(katexDistDir, "katex.min.css")]: `${target}/katex.min.css` });
  eleventyConfig.addPassthroughCopy({ [path.join(katexDistDir, "fonts")]: `${target}/fonts` });
}
