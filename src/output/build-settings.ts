import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SiteConfig } from "../site.ts";

/**
 * The settings a build used, recorded in the output folder (`dist/.build.json`), so `npm run verify` checks links
 * against the address the site was built for instead of whatever SITE_* variables happen to be set when it runs (a
 * deploy builds with SITE_URL and SITE_PATH_PREFIX; verifying without them reported every link as broken).
 */
export const buildSettingsFile = ".build.json";

/** What is recorded: only what decides the site's links. */
export type BuildSettings = Pick<SiteConfig, "url" | "pathPrefix">;

/** Writes the settings into an output folder (the build's temporary folder, before it is swapped in). */
export function writeBuildSettings(dir: string, site: BuildSettings): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, buildSettingsFile), `${JSON.stringify({ url: site.url, pathPrefix: site.pathPrefix }, null, 2)}\n`);
}

/** The settings a built folder was made with, or undefined for a folder built before they were recorded. */
export function readBuildSettings(dir: string): BuildSettings | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path.join(dir, buildSettingsFile), "utf8"));
  } catch {
    return undefined;
  }
  const { url, pathPrefix } = (data ?? {}) as Record<string, unknown>;
  return typeof url === "string" && typeof pathPrefix === "string" ? { url, pathPrefix } : undefined;
}
