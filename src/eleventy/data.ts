import path from "node:path";
import { formatProblem, problemReport } from "../content/problems.ts";
import { allPages, pageReuse, type PagePlan } from "../cache/pages.ts";
import { paperKeyOf } from "../cache/papers.ts";
import { buildSiteData, lenientSiteData, type SiteData } from "../pipeline.ts";
import type { SiteConfig } from "../site.ts";
import { themeInit } from "../page/theme-init.ts";
import { katexCssPath } from "./assets.ts";
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
  eleventyConfig.addGlobalData("katex", Object.freeze({ css: katexCssPath }));
  eleventyConfig.addGlobalData("themeInit", themeInit);
  // While serving, a page whose inputs did not change since it was written is left as it is (src/cache/pages.ts).
  const reuse = pageReuse({
    root,
    site,
    outputDir: path.resolve(root, site.outputDir),
    cacheDir: path.resolve(root, site.cacheDir),
    paperKey: paperKeyOf,
  });
  let plan: PagePlan | undefined;
  // Frozen so Eleventy shares it between pages instead of deep-copying it into each one.
  eleventyConfig.addGlobalData("digest", () => {
    let data = prepared ?? (process.env.ELEVENTY_RUN_MODE === "build" ? buildSiteData(root, site) : devSiteData(root, site));
    if (!prepared && process.env.ELEVENTY_RUN_MODE !== "build") {
      plan = reuse.plan(data);
      data = { ...data, render: plan.render };
    }
    const frozen = Object.freeze({ ...data, render: data.render ?? allPages(data) });
    served = prepared && !preparedWholeSite ? undefined : frozen;
    prepared = undefined;
    preparedWholeSite = true;
    return frozen;
  });
  eleventyConfig.on("eleventy.after", () => {
    // Pages only: a dev server's output is never taken as a complete build (it leaves out papers with problems).
    if (plan) reuse.commit(plan, false);
    plan = undefined;
  });
  // resolve, not join: the content folder may be given as an absolute path (SITE_CONTENT_DIR).
  eleventyConfig.addWatchTarget(path.resolve(root, site.contentDir));
}

/** While serving, a broken paper must not take the whole site down: report its problems and leave it out. */
function devSiteData(root: string, site: SiteConfig): SiteData {
  const { data, problems, warnings } = lenientSiteData(root, site);
  if (problems.length) {
    console.error(`\n${problems.map(formatProblem).join("\n")}\n${problems.length} problem(s): those papers are left out until fixed.\n`);
  }
  // Papers with warnings only are served; their warnings are listed as `npm run check` lists them.
  if (warnings.length) console.error(`\n${problemReport([], warnings).join("\n")}\n`);
  return data;
}
