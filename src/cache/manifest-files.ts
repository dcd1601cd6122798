import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readdirSync, readSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { deltaFileOf } from "./manifest-delta.ts";

/**
 * Which page manifest (src/cache/pages.ts) describes which output folder. One cache folder can serve several output
 * folders (`npm run dev` in dist/, `SITE_OUTPUT_DIR=/tmp/site npm run build` beside it): each has a manifest of its
 * own, `pages.<folder name>-<hash of its absolute path>.json`, so a build into one never makes the other forget which
 * pages it holds (it would render every page again, and could not tell which of its pages to remove).
 */

/** How many manifests of other output folders that still exist are kept: the most recently written. */
export const keptManifests = 8;

const manifestName = /^pages\.[A-Za-z0-9_-]{0,40}-[0-9a-f]{16}\.json$/;

/** The manifest file of the output folder `outputDir` in the cache folder `cacheDir`. */
export function pageManifestFile(cacheDir: string, outputDir: string): string {
  const absolute = path.resolve(outputDir);
  const name = path.basename(absolute).replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40);
  const hash = createHash("sha256").update(absolute).digest("hex").slice(0, 16);
  return path.join(cacheDir, `pages.${name}-${hash}.json`);
}

/** The manifest file of earlier code: one per cache folder, for whichever output folder was built last. */
export const legacyManifestFile = (cacheDir: string): string => path.join(cacheDir, "pages.json");

/**
 * The output folder a manifest file describes, from its first line (see manifestText in src/cache/pages.ts: it holds
 * `output`, never the pages), or from the start of a manifest of earlier code, written as one line of JSON with
 * `output` first; undefined when the file is missing or says nothing readable.
 */
export function manifestOutput(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(64 * 1024);
    const length = readSync(fd, head, 0, head.length, 0);
    const end = head.subarray(0, length).indexOf(10);
    const text = head.toString("utf8", 0, end === -1 ? length : end);
    // A manifest of earlier code, one line of JSON: its `output` leads it.
    const output: unknown = end === -1 ? JSON.parse(/^\{"output":("(?:[^"\\]|\\.)*")/.exec(text)?.[1] ?? "null") : (JSON.parse(text) as { output?: unknown }).output;
    return typeof output === "string" ? output : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Deletes the manifests (and their deltas) of output folders that are gone, and all but the `keptManifests` most
 * recently written of the others; `current`, the manifest just written, is kept. Run after a build records its
 * output, so a cache folder holds a bounded number of manifests (32 MB each at 100,000 papers).
 */
export function pruneManifests(cacheDir: string, current: string): void {
  let names: string[];
  try {
    names = readdirSync(cacheDir).filter((name) => manifestName.test(name));
  } catch {
    return;
  }
  const others = names
    .map((name) => path.join(cacheDir, name))
    .filter((file) => file !== current)
    .map((file) => ({ file, output: manifestOutput(file), written: statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.written - a.written);
  const remove = (file: string) => {
    rmSync(file, { force: true });
    rmSync(deltaFileOf(file), { force: true });
  };
  let kept = 0;
  for (const { file, output } of others) {
    if (output !== undefined && existsSync(output) && kept++ < keptManifests) continue;
    remove(file);
  }
  // Earlier code's manifest, not yet adopted by its output folder (see adoptLegacyManifest in src/cache/pages.ts).
  const legacy = legacyManifestFile(cacheDir);
  const output = manifestOutput(legacy);
  if (existsSync(legacy) && (output === undefined || !existsSync(output))) remove(legacy);
}
