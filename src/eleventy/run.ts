import path from "node:path";
import Eleventy from "@11ty/eleventy";
import type { SiteData } from "../pipeline.ts";
import { usePreparedSiteData } from "./data.ts";

/** Runs one Eleventy build of the project at `root` into `outputDir`, reusing already computed site data. */
export async function runEleventy(options: { root: string; outputDir: string; data: SiteData }): Promise<void> {
  usePreparedSiteData(options.data);
  const eleventy = new Eleventy(path.join(options.root, "layouts"), options.outputDir, {
    configPath: path.join(options.root, ".eleventy.ts"),
    quietMode: true,
  });
  await eleventy.write();
}
