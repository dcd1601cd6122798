import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { legacyManifestFile, manifestOutput, pageManifestFile } from "../cache/manifest-files.ts";
import { isWithin, realPath } from "../paths.ts";
import type { SiteConfig } from "../site.ts";
import { buildSettingsFile } from "./build-settings.ts";

/**
 * Whether the configured output folder is one a build may write and replace. `npm run build` replaces its output
 * folder whole (src/output/atomic.ts: the new site is swapped in, the previous folder deleted), so an `outputDir` set
 * to the project folder, the paper folder, a folder holding them, or a folder of someone else's files would delete
 * them: `SITE_OUTPUT_DIR=content npm run build` deleted every paper file and the site configuration. Such a folder is
 * refused before anything is written, by the build and by the dev server (which writes into the folder in place).
 */
export class OutputFolderError extends Error {}

/** `folder` holds only what `npm run digest` writes into the output folder (`email/<date>.html` and `.txt`). */
function onlyDigests(folder: string): boolean {
  try {
    return readdirSync(folder).every((name) => /^\d{4}-\d{2}-\d{2}\.(html|txt)$/.test(name));
  } catch {
    return false;
  }
}

/**
 * Why the site's output folder must not be written and replaced, or undefined when it may. `root`: the project folder;
 * `configFile`: the site configuration's file.
 */
export function outputFolderProblem(root: string, site: Pick<SiteConfig, "outputDir" | "contentDir" | "cacheDir">, configFile?: string): string | undefined {
  const output = realPath(path.resolve(root, site.outputDir));
  const named = `outputDir "${site.outputDir}"${path.isAbsolute(site.outputDir) ? "" : ` (${output})`}`;
  const advice = `a build replaces its output folder whole. Choose a folder of its own, such as "dist".`;
  const project = realPath(root);
  if (isWithin(project, output)) return `${named} is the project folder or holds it: ${advice}`;
  // Folders the output must neither be nor hold; `inside`: whether it may be inside them (a cache may hold a site).
  const guarded: { folder: string; what: string; inside?: boolean; advice?: string }[] = [
    { folder: realPath(path.resolve(root, site.contentDir)), what: `the paper files (contentDir "${site.contentDir}")` },
    { folder: realPath(path.join(root, "layouts")), what: "the layouts (layouts/)" },
    {
      folder: realPath(path.resolve(root, site.cacheDir)),
      what: `the build cache (cacheDir "${site.cacheDir}")`,
      inside: true,
      advice: `every build would delete it. Keep the cache outside the output folder, such as ".cache".`,
    },
  ];
  if (configFile) guarded.push({ folder: realPath(configFile), what: `the site configuration (${path.relative(root, configFile)})`, inside: true });
  for (const { folder, what, inside, advice: own } of guarded) {
    if (isWithin(folder, output)) return `${named} holds ${what}: ${own ?? advice}`;
    if (!inside && isWithin(output, folder)) return `${named} is inside the folder of ${what}: ${advice}`;
  }
  const stat = statSync(output, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (!stat.isDirectory()) return `${named} is a file, not a folder: ${advice}`;
  let entries: string[];
  try {
    entries = readdirSync(output);
  } catch (error) {
    return `${named} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ${advice}`;
  }
  if (entries.includes(buildSettingsFile) || entries.every((entry) => entry === "email" && onlyDigests(path.join(output, entry)))) return undefined;
  // A site built before builds recorded their settings is still known to the build cache.
  const cacheDir = path.resolve(root, site.cacheDir);
  for (const manifest of [pageManifestFile(cacheDir, path.resolve(root, site.outputDir)), legacyManifestFile(cacheDir)]) {
    const described = manifestOutput(manifest);
    if (described !== undefined && realPath(described) === output) return undefined;
  }
  return (
    `${named} holds files no build wrote (it has no ${buildSettingsFile}, and the build cache does not know it), and a ` +
    `build replaces its output folder whole. Move those files away or empty the folder, or choose another outputDir.`
  );
}
