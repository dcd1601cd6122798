// Wires the adapters together. All logic lives in src/; see src/pipeline.ts for the build stages.
import { assetsPlugin } from "./src/eleventy/assets.ts";
import { dataPlugin } from "./src/eleventy/data.ts";
import { feedsPlugin } from "./src/eleventy/feeds.ts";
import { filtersPlugin } from "./src/eleventy/filters.ts";
import { nunjucksCachePlugin } from "./src/eleventy/nunjucks-cache.ts";
import { searchPlugin } from "./src/eleventy/search.ts";
import { sitemapPlugin } from "./src/eleventy/sitemap.ts";
import type { EleventyConfig } from "./src/eleventy/types.ts";
import { loadSiteConfig } from "./src/site.ts";

export default function (eleventyConfig: EleventyConfig) {
  const root = process.cwd();
  const site = loadSiteConfig(root);
  eleventyConfig.addPlugin(nunjucksCachePlugin, undefined);
  eleventyConfig.addPlugin(dataPlugin, { root, site });
  eleventyConfig.addPlugin(filtersPlugin, site);
  eleventyConfig.addPlugin(assetsPlugin, undefined);
  eleventyConfig.addPlugin(feedsPlugin, undefined);
  eleventyConfig.addPlugin(searchPlugin, site);
  eleventyConfig.addPlugin(sitemapPlugin, undefined);
  // Set through the API as well as returned: src/eleventy/run.ts hands this function to Eleventy in-process, as a
  // `config` callback, whose return value Eleventy ignores (the object below serves `npx @11ty/eleventy --config`).
  eleventyConfig.setTemplateFormats(["njk"]);
  eleventyConfig.setIncludesDirectory("_includes");
  return {
    // The output folder is chosen by the runner (scripts/build.ts writes to a temporary folder first).
    dir: { input: "layouts", includes: "_includes" },
    templateFormats: ["njk"],
    htmlTemplateEngine: "njk",
    pathPrefix: site.pathPrefix,
  };
}
