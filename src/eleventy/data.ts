import path from "node:path";
import { formatProblem } from "../content/problems.ts";
import { buildSiteData, lenientSiteData, type SiteData } from "../pipeline.ts";
import type { SiteConfig } from "../site.ts";
import { katexVersion } from "../markdown/katex.ts";
import type { EleventyConfig } from "./types.ts";

let prepared: SiteData | undefined;

/** Hands over site data the build runner already validated, so the next Eleventy build does not compute it again. */
export function usePreparedSiteData(data: SiteData): void {
  prepared = data;
}

/** Makes the validated, typeset papers available to every layout as `digest`, and `site` for the configuration. */
export function dataPlugin(eleventyConfig: EleventyConfig, options: { root: string; site: SiteConfig }): void {
  const { root, site } = options;
  eleventyConfig.addGlobalData("site", Object.freeze({ ...site }));
  eleventyConfig.addGlobalData("katex", Object.freeze({ css: `/assets/katex-${katexVersion}/katex.min.css` }));
  // Frozen so Eleventy shares it between pages instead of deep-copying it into each one.
  eleventyConfig.addGlobalData("digest", () => {
    const data = prepared ?? (process.env.ELEVENTY_RUN_MODE === "build" ? buildSiteData(root, site) : devSiteData(root, site));
    prepared = undefined;
    return Object.freeze(data);
  });
  eleventyConfig.addWatchTarget(path.join(root, site.contentDir));
}

/** While serving, a broken paper must not take the whole site down: report its problems and leave it out. */
function devSiteData(root: string, site: SiteConfig): SiteData {
  const { data, problems } = lenientSiteData(root, site);
  if (problems.length) {
    console.error(`\n${problems.map(formatProblem).join("\n")}\n${problems.length} problem(s): those papers are left out until fixed.\n`);
  }
  return data;
}
