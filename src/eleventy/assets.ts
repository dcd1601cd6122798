import type { EleventyConfig } from "./types.ts";

/**
 * Copies the site's stylesheet and scripts, and the browser half of the search (src/search/client: the same word rules
 * the index was written with). Math needs nothing more: it is MathML, laid out by the browser (src/markdown/katex.ts).
 */
export function assetsPlugin(eleventyConfig: EleventyConfig): void {
  eleventyConfig.addPassthroughCopy({ "layouts/assets": "assets" });
  eleventyConfig.addPassthroughCopy({ "src/search/client": "assets/search" });
}
