import path from "node:path";
import { allPages } from "../cache/pages.ts";
import { buildSiteData, type SiteData } from "../pipeline.ts";
import type { SiteConfig } from "../site.ts";
import type { EleventyConfig } from "./types.ts";

let prepared: SiteData | undefined;
let preparedWholeSite = true;
let served: SiteData | undefined;

/** The site data the latest build rendered its pages from, for adapters that write files after the pages (search). */
export function servedSiteData(): SiteData | undefined {
  return served;
}

/**
 * Hands over site data the build runner already validated, so the next Eleventy build does not compute it again.
 * `wholeSite` false: that build writes only some pages (`data.render`), and adapters that write whole-site files
 * (feeds, search) skip it, as `servedSiteData()` is undefined for it.
 */
export function usePreparedSiteData(data: SiteData, wholeSite = true): void {
  prepared = data;
  preparedWholeSite = wholeSite;
}

/** Makes the validated, typeset papers available to every layout as `digest`, and `site` for the configuration. */
export function dataPlugin(eleventyConfig: EleventyConfig, options: { root: string; site: SiteConfig }): void {
  const { root, site } = options;
  eleventyConfig.addGlobalData("site", Object.freeze({ ...site }));
  // Frozen so Eleventy shares it between pages instead of deep-copying it into each one. Without prepared data (a
  // plain `npx @11ty/eleventy` run) the site is built from scratch, and refused when a paper has a problem.
  eleventyConfig.addGlobalData("digest", () => {
    const data = prepared ?? buildSiteData(root, site);
    const frozen = Object.freeze({ ...data, render: data.render ?? allPages(data) });
    served = prepared && !preparedWholeSite ? undefined : frozen;
    prepared = undefined;
    preparedWholeSite = true;
    return frozen;
  });
  // resolve, not join: the content folder may be given as an absolute path (SITE_CONTENT_DIR).
  eleventyConfig.addWatchTarget(path.resolve(root, site.contentDir));
}
