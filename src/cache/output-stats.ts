import { readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

/** Every file of an output folder with its size and modification time (ns), by relative `/`-separated path. */
export type FileStats = Record<string, [size: number, mtime: string]>;

/**
 * Every folder of an output folder ("" for the folder itself) with its change time (ns), or "racy" when it changed
 * less than `racyMarginNs` before it was recorded (see `outputStats`).
 */
export type FolderStats = Record<string, string>;

/** What a walk of the output folder found, and what it recorded there before (a page manifest's `files` and `folders`). */
export interface OutputStats {
  files: FileStats;
  folders: FolderStats;
}

/**
 * What a check of an output folder against a record found not as recorded: files (missing, not a file, another size or
 * modification time) and folders (another change time, or racy when recorded).
 */
export interface OutputChanges {
  files: ReadonlySet<string>;
  folders: ReadonlySet<string>;
}

/** A folder changed less than this before it was recorded is listed again next time, whatever its change time. */
const racyMarginNs = 2_000_000_000n;

/** The files and folders recorded under each folder. */
function childrenOf(recorded: OutputStats): Map<string, { files: string[]; folders: string[] }> {
  const children = new Map<string, { files: string[]; folders: string[] }>();
  const add = (name: string, kind: "files" | "folders") => {
    const slash = name.lastIndexOf("/");
    const parent = slash === -1 ? "" : name.slice(0, slash);
    let entry = children.get(parent);
    if (!entry) children.set(parent, (entry = { files: [], folders: [] }));
    entry[kind].push(name);
  };
  for (const name of Object.keys(recorded.files)) add(name, "files");
  for (const name of Object.keys(recorded.folders)) if (name) add(name, "folders");
  return children;
}

/**
 * Size and modification time of every file under `dir`, and the change time of every folder. A folder whose change
 * time is the one `previous` recorded (and was not racy then) holds the entries recorded under it: creating, deleting
 * or renaming an entry changes a folder's change time, which nothing can set back. So such a folder is not listed,
 * only its recorded files stat'ed; a folder of 100,000 paper pages costs a stat per page rather than a listing (a
 * fifth of the time). `drop` says which files to delete (files put by hand into folders a build took over): a folder
 * where one was deleted is recorded as racy.
 */
export function outputStats(
  dir: string,
  options: {
    previous?: Partial<OutputStats>;
    drop?: (file: string) => boolean;
    racyMarginNs?: bigint;
    /** Files whose size and modification time the caller took already (the pages a build reused): not stat'ed again. */
    known?: Pick<ReadonlyMap<string, [size: number, mtime: string]>, "get">;
    /**
     * Folders whose change time the caller took already (not racy then), before the files under them were stat'ed
     * or taken: not stat'ed again. A folder changed since has another change time, so it is listed next time.
     */
    knownFolders?: ReadonlyMap<string, string>;
    /** Folders not walked at all (their records are the caller's, see src/cache/manifest-update.ts). */
    skip?: Pick<ReadonlySet<string>, "has">;
    /**
     * Folders whose every entry the caller knows: files only, each of them in `known`, and the folder's change time
     * taken once they were all made (src/output/recorded-writes.ts). Recorded as they are, neither stat'ed nor listed
     * (racy when that change time is within the margin of now); one with a file not in `known` is walked.
     */
    described?: ReadonlyMap<string, { ctime: string; files: readonly string[] }>;
    /**
     * Folders whose entries the caller knows (by name) without listing them: each entry is stat'ed and walked or
     * recorded, and the folder is recorded as racy, so the next walk lists it.
     */
    entries?: ReadonlyMap<string, Iterable<string>>;
  } = {},
): OutputStats {
  const { previous, drop, known: taken, knownFolders, skip, entries, described } = options;
  const margin = options.racyMarginNs ?? racyMarginNs;
  const known = previous?.files && previous.folders ? { files: previous.files, folders: previous.folders } : undefined;
  const children = known && childrenOf(known);
  const now = BigInt(Date.now()) * 1_000_000n;
  const files: FileStats = {};
  const folders: FolderStats = {};
  const statFile = (name: string): boolean => {
    const given = taken?.get(name);
    if (given) {
      files[name] = [given[0], given[1]];
      return true;
    }
    const stat = statSync(path.join(dir, name), { bigint: true, throwIfNoEntry: false });
    if (!stat?.isFile()) return false;
    files[name] = [Number(stat.size), String(stat.mtimeNs)];
    return true;
  };
  const visit = (name: string): void => {
    if (skip?.has(name)) return;
    const whole = described?.get(name);
    if (whole && whole.files.every((file) => taken?.get(file))) {
      for (const file of whole.files) statFile(file);
      folders[name] = BigInt(whole.ctime) + margin < now ? whole.ctime : "racy";
      return;
    }
    const full = name ? path.join(dir, name) : dir;
    const given = knownFolders?.get(name);
    const stat = given === undefined ? statSync(full, { bigint: true, throwIfNoEntry: !!name }) : undefined;
    if (given === undefined && !stat) return; // No output folder: nothing in it.
    const changed = given ?? String(stat!.ctimeNs);
    const recorded = known?.folders[name];
    const current = given ?? (stat!.ctimeNs + margin < now ? changed : "racy");
    if (recorded && recorded !== "racy" && recorded === changed) {
      const mine = children!.get(name) ?? { files: [], folders: [] };
      // A recorded file that is not a file any more: the folder is listed after all.
      if (mine.files.every(statFile)) {
        folders[name] = current;
        for (const folder of mine.folders) visit(folder);
        return;
      }
    }
    const listed = entries?.get(name);
    if (listed) {
      for (const entry of listed) {
        const child = name ? `${name}/${entry}` : entry;
        if (skip?.has(child)) continue;
        const stat = statSync(path.join(dir, child), { throwIfNoEntry: false });
        if (stat?.isDirectory()) visit(child);
        else if (stat?.isFile()) statFile(child);
      }
      folders[name] = "racy";
      return;
    }
    let dropped = false;
    for (const entry of readdirSync(full, { withFileTypes: true })) {
      const child = name ? `${name}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(child);
      else if (entry.isFile()) {
        if (drop?.(child)) {
          rmSync(path.join(dir, child), { force: true });
          dropped = true;
        } else statFile(child);
      }
    }
    folders[name] = dropped ? "racy" : current;
  };
  visit("");
  return { files, folders };
}

/**
 * Whether `dir` holds exactly the recorded files, each with its recorded size and modification time (`same`), which
 * recorded files it does not hold as recorded (`changed`: missing, not a file, another size or time), and which
 * recorded folders do not have the recorded change time (`changedFolders`, racy ones included).
 *
 * Compared in place rather than by walking the folder into a new record (`outputStats`) and diffing the two: every
 * recorded file is stat'ed and compared with its record, every recorded folder too, and only the folders whose change
 * time is not the recorded one are listed, for entries the record lacks (creating, deleting or renaming an entry
 * changes a folder's change time, which nothing can set back). The same answer as the walk, without building and
 * diffing 230,000 records at 100,000 papers: the walk, the grouping of the record by folder and the diff were 2.4 s of
 * the output check's 4.6 s in a profile of a build where nothing changed (load 6).
 */
export function compareOutput(
  dir: string,
  recorded: Partial<OutputStats>,
  options: { racyMarginNs?: bigint } = {},
): { same: boolean; changed?: Set<string>; changedFolders?: Set<string> } {
  const { files, folders } = recorded;
  if (!files) return { same: false };
  // A record without folders (an older manifest) says nothing of what folders held: the walk lists every one.
  if (!folders || !Object.hasOwn(folders, "")) return compareByWalk(dir, recorded, options);
  const margin = options.racyMarginNs ?? racyMarginNs;
  const now = BigInt(Date.now()) * 1_000_000n;
  const full = (name: string) => (name ? `${dir}/${name}` : dir);
  // A stat that fails for any reason (gone, a file where a folder was: ENOTDIR, no permission) is "not as recorded".
  const stat = (name: string) => {
    try {
      return statSync(full(name), { bigint: true, throwIfNoEntry: false });
    } catch {
      return undefined;
    }
  };
  const changedFolders = new Set<string>();
  for (const name in folders) {
    if (!Object.hasOwn(folders, name)) continue;
    const ctime = folders[name];
    const found = stat(name);
    // As outputStats records it now: a folder changed within the margin would be "racy", never the recorded time.
    if (ctime === "racy" || !found?.isDirectory() || found.ctimeNs + margin >= now || String(found.ctimeNs) !== ctime) changedFolders.add(name);
  }
  if (!folders[""] || !stat("")?.isDirectory()) return { same: false };
  const changed = new Set<string>();
  for (const name in files) {
    if (!Object.hasOwn(files, name)) continue;
    const [size, mtime] = files[name]!;
    const found = stat(name);
    if (!found?.isFile() || Number(found.size) !== size || String(found.mtimeNs) !== mtime) changed.add(name);
  }
  // Entries the record lacks can only be in folders whose change time is not the recorded one (or under those).
  let extra = false;
  const hasFile = (folder: string): boolean => {
    let entries;
    try {
      entries = readdirSync(full(folder), { withFileTypes: true });
    } catch {
      return false;
    }
    for (const entry of entries) {
      const child = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isFile() || (entry.isDirectory() && hasFile(child))) return true;
    }
    return false;
  };
  for (const folder of changedFolders) {
    if (extra) break;
    let entries;
    try {
      entries = readdirSync(full(folder), { withFileTypes: true });
    } catch {
      continue; // Gone, or not a folder: its recorded files are missing, which `changed` says.
    }
    for (const entry of entries) {
      const child = folder ? `${folder}/${entry.name}` : entry.name;
      // A file the record lacks, or one in a folder it lacks (an empty folder added holds no file: the walk agrees).
      if (entry.isFile() ? !Object.hasOwn(files, child) : entry.isDirectory() && !Object.hasOwn(folders, child) && hasFile(child)) {
        extra = true;
        break;
      }
    }
  }
  return { same: !changed.size && !extra, changed, changedFolders };
}

/** compareOutput by walking `dir` into a new record (outputStats) and diffing it against `recorded`. */
function compareByWalk(
  dir: string,
  recorded: Partial<OutputStats>,
  options: { racyMarginNs?: bigint },
): { same: boolean; changed?: Set<string>; changedFolders?: Set<string> } {
  if (!recorded.files) return { same: false };
  let now: OutputStats;
  try {
    now = outputStats(dir, { previous: recorded, ...options });
  } catch {
    return { same: false };
  }
  const changed = new Set<string>();
  for (const [name, [size, mtime]] of Object.entries(recorded.files)) {
    const stat = now.files[name];
    if (stat?.[0] !== size || stat[1] !== mtime) changed.add(name);
  }
  const changedFolders = new Set<string>();
  for (const [name, ctime] of Object.entries(recorded.folders ?? {})) if (ctime === "racy" || now.folders[name] !== ctime) changedFolders.add(name);
  return { same: !changed.size && Object.keys(now.files).length === Object.keys(recorded.files).length, changed, changedFolders };
}

/** True when `dir` holds exactly the recorded files, each with its recorded size and modification time. */
export function sameOutput(dir: string, recorded: Partial<OutputStats>, options: { racyMarginNs?: bigint } = {}): boolean {
  return compareOutput(dir, recorded, options).same;
}
