import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { outputStats, type FileStats, type FolderStats, type OutputChanges } from "./output-stats.ts";
import type { AdoptedFolder } from "./pages.ts";

/**
 * The page manifest of an output folder that took over folders of the previous output (src/output/adopt.ts: the
 * 100,000 paper folders and 4,600 day, week, month and tag folders at 100,000 papers), made by patching the previous
 * manifest rather than walking the new output and diffing the result against it: the entries taken over as they were
 * keep their records (the plan's worker found them as recorded during this build, src/cache/output-check.ts), the
 * rest of the output (what this build wrote into its temporary folder) is walked, and the entries that changed are
 * listed, so the delta file (src/cache/manifest-delta.ts) is made from them alone. The result is the manifest
 * `pageManifest` (src/cache/pages.ts) would make of the same folder (tests/manifest-update.test.ts). Walking the whole
 * output and diffing it took 1.6 s of the swap at 100,000 papers, most of it building and comparing 340,000 entries
 * that did not change.
 */

type Pages = Record<string, [key: string, size: number, mtime: string, hash?: string]>;

export interface PatchableManifest {
  pages: Pages;
  files: FileStats;
  folders: FolderStats;
  site?: string;
}

/** The names set or removed in each section of a manifest by `patchManifest`. */
export interface ManifestChanges {
  pages: Set<string>;
  files: Set<string>;
  folders: Set<string>;
}

const sameStats = (a: readonly unknown[] | undefined, b: readonly unknown[]) => !!a && a[0] === b[0] && a[1] === b[1];

/** The pages a plan reused as the manifest records them (see PagePlan.recorded in src/cache/pages.ts). */
export type RecordedPages = { files: ReadonlySet<string>; pages: Pages };

/** The recorded size and modification time of `file` when the plan reused it as recorded, else undefined. */
export function recordedStats(recorded: RecordedPages | undefined, file: string): [number, string] | undefined {
  const entry = recorded?.files.has(file) ? recorded.pages[file] : undefined;
  return entry && [entry[1], entry[2]];
}

/** The recorded hash of `file`'s bytes when the plan reused it as recorded, else undefined. */
export const recordedHash = (recorded: RecordedPages | undefined, file: string): string | undefined =>
  recorded?.files.has(file) ? recorded.pages[file]?.[3] : undefined;

/**
 * Patches `previous`, the manifest of `outputDir` before the swap, into the manifest of `outputDir` now, in place, and
 * returns what changed, and whether every planned page is in the output (when one is not, the caller records the pages
 * alone, as pageManifest does). `adopted`: per folder taken over, its entries taken over as they were (see Prune in
 * src/cache/pages.ts) and, when known, the entries this build wrote there: then the folder is not listed (100,000
 * entries), only its entries recorded as racy, so the next walk of the output lists them. `drop`: files to delete from
 * entries taken over that are listed.
 */
export function patchManifest(
  previous: PatchableManifest,
  outputDir: string,
  plan: {
    keys: ReadonlyMap<string, string>;
    site: string;
    hashes?: ReadonlyMap<string, string>;
    stats?: ReadonlyMap<string, [number, string]>;
    recorded?: RecordedPages;
    outputChanges: OutputChanges;
  },
  options: {
    adopted: ReadonlyMap<string, AdoptedFolder>;
    drop?: (file: string) => boolean;
    /** Output paths linked from the previous output (see pageManifest's `linked`). */
    linked?: readonly string[];
  },
): { complete: boolean; changes: ManifestChanges } {
  const { files, folders, pages } = previous;
  // Sections read from JSON: without a prototype, an output path ("__proto__", "constructor") is a key like any other.
  for (const section of [files, folders, pages]) Object.setPrototypeOf(section, null);
  const changedFolders = plan.outputChanges.folders;
  const changedFiles = plan.outputChanges.files;
  // Entries taken over whose folder the plan's worker found with its recorded change time hold what is recorded: all
  // but those it found changed, missing or racy when recorded (all of which it names), so no pass over 100,000 names.
  const excluded = new Set<string>();
  for (const name of changedFolders) {
    const slash = name.indexOf("/");
    if (slash !== -1 && name.indexOf("/", slash + 1) === -1 && options.adopted.has(name.slice(0, slash))) excluded.add(name);
  }
  // `name`: a folder's path in the output, `<folder>/<entry>`.
  const isCarried = (folder: string, entry: string, name: string) => !!options.adopted.get(folder)?.adopted.has(entry) && !excluded.has(name);
  // The recorded folders other than those carried over, which the walk below records again or not at all.
  const others: string[] = [];
  for (const name of Object.keys(folders)) {
    const slash = name.indexOf("/");
    if (slash === -1 || name.indexOf("/", slash + 1) !== -1 || !isCarried(name.slice(0, slash), name.slice(slash + 1), name)) others.push(name);
  }
  const changes: ManifestChanges = { pages: new Set(), files: new Set(), folders: new Set() };
  // Files linked from the previous output that the worker found as recorded: their records are their stats.
  const linkedStats = new Map<string, [number, string]>();
  for (const file of options.linked ?? []) {
    const recorded = files[file];
    if (recorded && !changedFiles.has(file)) linkedStats.set(file, recorded);
  }
  const known = { get: (file: string) => plan.stats?.get(file) ?? linkedStats.get(file) ?? recordedStats(plan.recorded, file) };
  // The entry a path is in (`<folder>/<entry>`, or the entry's folder itself) when it is one carried over, else undefined.
  const carriedEntry = (name: string): string | undefined => {
    const slash = name.indexOf("/");
    if (slash === -1 || !options.adopted.has(name.slice(0, slash))) return undefined;
    const end = name.indexOf("/", slash + 1);
    const entry = end === -1 ? name : name.slice(0, end);
    return isCarried(name.slice(0, slash), entry.slice(slash + 1), entry) ? entry : undefined;
  };
  // The rest of the output: what this build wrote, and the entries taken over that are listed again.
  const skip = { has: (name: string) => carriedEntry(name) === name };
  const entries = new Map<string, string[]>();
  for (const [folder, { adopted, rendered }] of options.adopted) {
    if (rendered) entries.set(folder, [...rendered, ...[...adopted].filter((name) => !isCarried(folder, name, `${folder}/${name}`))]);
  }
  const walked = outputStats(outputDir, { drop: options.drop, known, skip, entries });
  Object.setPrototypeOf(walked.files, null);
  Object.setPrototypeOf(walked.folders, null);
  // Copied when it is recorded: `stat` may be the plan's, which is not the manifest's to keep.
  const setFile = (name: string, stat: readonly [number, string]) => {
    if (!sameStats(files[name], stat)) {
      files[name] = [stat[0], stat[1]];
      changes.files.add(name);
    }
  };
  for (const name in walked.files) setFile(name, walked.files[name]!);
  const gone: string[] = [];
  const racy = new Set<string>();
  for (const name of Object.keys(files)) {
    const entry = carriedEntry(name);
    if (entry === undefined) {
      if (walked.files[name] === undefined) gone.push(name);
      continue;
    }
    // A page reused as recorded: its file's record is its page's (planPages checked they are the same).
    if (plan.recorded?.files.has(name)) continue;
    const given = plan.stats?.get(name);
    if (given) setFile(name, given);
    else if (changedFiles.has(name)) {
      // Not a page, and changed since recorded (a file edited by hand in a folder taken over): as it is now.
      const stat = statSync(path.join(outputDir, name), { bigint: true, throwIfNoEntry: false });
      if (stat?.isFile()) setFile(name, [Number(stat.size), String(stat.mtimeNs)]);
      else {
        gone.push(name);
        racy.add(entry);
      }
    }
  }
  for (const name of gone) {
    delete files[name];
    changes.files.add(name);
  }
  const setFolder = (name: string, ctime: string) => {
    if (folders[name] !== ctime) {
      folders[name] = ctime;
      changes.folders.add(name);
    }
  };
  for (const name in walked.folders) setFolder(name, walked.folders[name]!);
  const goneFolders: string[] = [];
  for (const name of others) if (walked.folders[name] === undefined && carriedEntry(name) === undefined) goneFolders.push(name);
  for (const name of goneFolders) {
    delete folders[name];
    changes.folders.add(name);
  }
  for (const name of racy) setFolder(name, "racy");
  // The pages: each planned page whose file is there, with its stats as recorded above.
  let complete = true;
  for (const [file, key] of plan.keys) {
    const stat = files[file];
    const old = pages[file];
    if (!stat) {
      complete = false;
      if (old) {
        delete pages[file];
        changes.pages.add(file);
      }
      continue;
    }
    const hash = plan.hashes?.get(file) ?? recordedHash(plan.recorded, file) ?? createHash("sha256").update(readFileSync(path.join(outputDir, file))).digest("hex");
    if (!old || old[0] !== key || old[1] !== stat[0] || old[2] !== stat[1] || old[3] !== hash) {
      pages[file] = [key, stat[0], stat[1], hash];
      changes.pages.add(file);
    }
  }
  const unplanned: string[] = [];
  for (const file of Object.keys(pages)) if (!plan.keys.has(file)) unplanned.push(file);
  for (const file of unplanned) {
    delete pages[file];
    changes.pages.add(file);
  }
  previous.site = plan.site;
  return { complete, changes };
}
