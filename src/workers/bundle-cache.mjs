// Where compiled entries are kept and whether one is still up to date (see src/workers/bundle.ts, which compiles
// them). Plain JavaScript, not TypeScript: scripts/launch.mjs checks for a compiled entry before any TypeScript loader
// is in the process, so that a command whose compiled entry is up to date never loads one.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What a compiled entry was made from (the record beside it).
 * @typedef {{ version: 1, esbuild: string, inputs: Record<string, string>, output: string }} BundleRecord
 * `inputs`: absolute path of each input -> sha256 of its bytes. `output`: the compiled entry's path, relative to the
 * cache folder (a file, or a file in a folder of its chunks).
 */

export const recordVersion = 1;
export const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
/** The cache folder inside the project's node_modules, where compiled code can import the project's packages. */
export const packagesCache = path.join(projectRoot, "node_modules", ".cache", "paper-digest-workers");
/** @type {string | undefined} */
let folder;

/** The folder compiled entries are kept in: the project's node_modules/.cache, else (read-only) the system's temporary folder. */
export function cacheFolder() {
  if (folder) return folder;
  for (const candidate of [packagesCache, path.join(os.tmpdir(), `paper-digest-workers-${os.userInfo().uid}`)]) {
    try {
      mkdirSync(candidate, { recursive: true });
      return (folder = candidate);
    } catch {
      // Not writable (a read-only install): the next candidate.
    }
  }
  throw new Error("no folder to keep compiled workers in");
}

/** @param {Uint8Array | string} bytes */
export const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
/** What an entry's files are named by (its record, `<id>.json`; its compiled files, `<id>-<hash of the code>…`). @param {string} entry */
export const entryId = (entry) => sha256(entry).slice(0, 16);
/** @param {string} entry */
export const recordFile = (entry) => path.join(cacheFolder(), `${entryId(entry)}.json`);

/** esbuild's version, or undefined when it is not installed. @returns {string | undefined} */
export function esbuildVersion() {
  try {
    return /** @type {{ version: string }} */ (createRequire(import.meta.url)("esbuild/package.json")).version;
  } catch {
    return undefined;
  }
}

/**
 * The compiled file recorded for `entry` (a file path), when every input still has the bytes it was compiled from.
 * @param {string} entry
 * @returns {string | undefined}
 */
export function upToDateBundle(entry) {
  /** @type {BundleRecord} */
  let record;
  try {
    record = JSON.parse(readFileSync(recordFile(entry), "utf8"));
  } catch {
    return undefined;
  }
  if (record.version !== recordVersion || record.esbuild !== esbuildVersion()) return undefined;
  for (const [file, hash] of Object.entries(record.inputs)) {
    /** @type {Buffer} */
    let bytes;
    try {
      bytes = readFileSync(file);
    } catch {
      return undefined;
    }
    if (sha256(bytes) !== hash) return undefined;
  }
  const output = path.join(cacheFolder(), record.output);
  return statSync(output, { throwIfNoEntry: false })?.isFile() ? output : undefined;
}
