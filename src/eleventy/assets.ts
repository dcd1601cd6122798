import { createRequire } from "node:module";
import type { EleventyConfig } from "./types.ts";

const require = createRequire(import.meta.url);

/**
 * The math font published with the site, for readers who have none: STIX Two Math (SIL Open Font License, from
 * @fontsource/stix-two-math; its woff2 keeps the OpenType MATH table the browser lays MathML out with, and covers the
 * math letters and symbols, not only Latin). site.css names it after the readers' own math fonts, so a browser
 * downloads it only when none of those is installed.
 */
export const mathFont = {
  file: require.resolve("@fontsource/stix-two-math/files/stix-two-math-latin-400-normal.woff2"),
  path: "assets/fonts/stix-two-math.woff2",
};

/**
 * Copies the site's stylesheet and scripts, the browser half of the search (src/search/client: the same word rules
 * the index was written with), and the math font. Math needs nothing more: it is MathML, laid out by the browser
 * (src/markdown/katex.ts).
 */
export function assetsPlugin(eleventyConfig: EleventyConfig): void {
  eleventyConfig.addPassthroughCopy({ "layouts/assets": "assets" });
  eleventyConfig.addPassthroughCopy({ "src/search/client": "assets/search" });
  eleventyConfig.addPassthroughCopy({ [mathFont.file]: mathFont.path });
}
