import { existsSync, linkSync, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A folder of the previous output taken over whole by the new one, instead of its reused pages being linked one by one.
 * Pages are a folder each (`papers/<slug>/index.html`, `date/<day>/index.html`, `tags/<tag>/...`), and making a folder
 * costs about 100 µs of kernel time on ext4 (10 s for 100,000 papers), ten times linking a file; the day, week, month
 * and tag folders of a 100,000-paper site are 4,600 more (0.7 s). So just before the swap (see writeAtomically), each
 * such folder of the previous output is moved into the new output: the entries this build rendered replace the previous
 * ones, and entries neither kept nor rendered (deleted papers, pages rendered again) are moved out, to
 * `<output>.displaced-<pid>`. The previous output lacks the folders from then until the swap, for as many renames as
 * entries changed; a build killed in between is undone by `restoreAdopted` (see recoverInterruptedBuilds).
 */
export interface Adoption {
  /** The folder's name in the output, e.g. "papers". */
  folder: string;
  /** Entries (direct children) of the previous output's folder that the new output keeps as they are. */
  keep: ReadonlySet<string>;
  /** Set by the swap (see adoptFolders): the entries moved over as they were. */
  adopted?: ReadonlySet<string>;
  /**
   * Set by adoptFolders: the entries this build wrote into the folder. With `adopted`, every entry the folder holds
   * after the swap, so its manifest need not list it (src/cache/manifest-update.ts).
   */
  rendered?: ReadonlySet<string>;
}

/** Where a build's displaced entries go (`entries/<folder>/`), and the note naming the folders it adopts. */
export const displacedDir = (target: string, pid: number) => `${target}.displaced-${pid}`;

const noteFile = "folder.json";
const entriesDir = "entries";

/** The folder and entry of an output path inside an entry (`<folder>/<entry>/...`), else undefined. */
export function entryOf(file: string): [folder: string, entry: string] | undefined {
  const slash = file.indexOf("/");
  const end = slash === -1 ? -1 : file.indexOf("/", slash + 1);
  return end === -1 ? undefined : [file.slice(0, slash), file.slice(slash + 1, end)];
}

/**
 * Splits reused output paths into the entries of each of `folders` that can be adopted whole (each
 * `<folder>/<entry>/...`) and the paths to link one by one. Adopting is worth it only for a folder that exists in the
 * previous output; a folder with no entry to keep is left out. An entry holding one of `unplanned` (a page of the
 * previous output this build does not have) is not kept as it is: its reused files are linked into this build's
 * entry, so the page does not stay.
 */
export function splitAdoptable(
  reuse: readonly string[],
  folders: readonly string[],
  previousDir: string,
  unplanned: Iterable<string> = [],
): { adoptions: Adoption[]; link: string[] } {
  const keeps = new Map<string, Set<string>>();
  for (const folder of folders) {
    if (folder && !folder.includes("/") && existsSync(path.join(previousDir, folder))) keeps.set(folder, new Set());
  }
  const stale = new Set<string>();
  for (const file of unplanned) {
    const at = entryOf(file);
    if (at) stale.add(`${at[0]}/${at[1]}`);
  }
  const link: string[] = [];
  for (const file of reuse) {
    const at = entryOf(file);
    const keep = at && keeps.get(at[0]);
    if (keep && !stale.has(`${at[0]}/${at[1]}`)) keep.add(at[1]);
    else link.push(file);
  }
  const adoptions = [...keeps].flatMap(([folder, keep]) => (keep.size ? [{ folder, keep }] : []));
  return { adoptions, link };
}

/** Hard-links reused pages from the previous output into the new one (copies where links are impossible). */
export function linkReusedPages(reuse: readonly string[], previousDir: string, outputDir: string): void {
  const made = new Set<string>();
  for (const file of reuse) {
    const target = path.join(outputDir, file);
    const dir = path.dirname(target);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    try {
      linkSync(path.join(previousDir, file), target);
    } catch {
      copyFileSync(path.join(previousDir, file), target);
    }
  }
}

/**
 * Moves each adoption's folder of `previousDir` into `tempDir` (see Adoption). Entries `tempDir` already holds there
 * were rendered by this build and win; a kept entry that this build also wrote into is left to the build (its kept
 * files are linked into it, as without adoption). `reused` lists the reused output paths. Sets each adoption's
 * `adopted`, the entries taken over as they were (kept, not written by this build): files in them that are not reused
 * pages were put there by hand, and are for the caller to remove (see pageManifest's `prune`), and `rendered`. Throws
 * after putting everything back when a rename fails.
 */
export function adoptFolders(previousDir: string, tempDir: string, adoptions: readonly Adoption[], reused: readonly string[]): void {
  const target = path.resolve(previousDir);
  const displaced = displacedDir(target, process.pid);
  rmSync(displaced, { recursive: true, force: true });
  mkdirSync(path.join(displaced, entriesDir), { recursive: true });
  // Every folder named before any is moved: a build killed at any point after this is undone folder by folder.
  writeFileSync(path.join(displaced, noteFile), JSON.stringify({ folders: adoptions.map((adoption) => adoption.folder) }));
  const written = adoptions.map((adoption) => {
    const into = path.join(tempDir, adoption.folder);
    return new Set(existsSync(into) ? readdirSync(into) : []);
  });
  // An entry both kept and written by this build: its kept files are linked into the written one.
  const both = new Map(adoptions.map((adoption, i) => [adoption.folder, new Set([...written[i]!].filter((name) => adoption.keep.has(name)))]));
  linkReusedPages(
    reused.filter((file) => {
      const at = entryOf(file);
      return !!at && !!both.get(at[0])?.has(at[1]);
    }),
    target,
    tempDir,
  );
  try {
    for (const [i, adoption] of adoptions.entries()) {
      const names = written[i]!;
      adoption.rendered = names;
      const live = path.join(target, adoption.folder);
      const into = path.join(tempDir, adoption.folder);
      const rendered = `${into}.rendered`;
      const out = path.join(displaced, entriesDir, adoption.folder);
      mkdirSync(out);
      if (existsSync(into)) renameSync(into, rendered);
      renameSync(live, into);
      for (const name of names) {
        const old = path.join(into, name);
        if (existsSync(old)) renameSync(old, path.join(out, name));
        renameSync(path.join(rendered, name), old);
      }
      rmSync(rendered, { recursive: true, force: true });
      for (const name of readdirSync(into)) {
        if (!adoption.keep.has(name) && !names.has(name)) renameSync(path.join(into, name), path.join(out, name));
      }
      adoption.adopted = new Set([...adoption.keep].filter((name) => !names.has(name)));
    }
  } catch (error) {
    restoreAdopted(target, process.pid);
    throw error;
  }
}

/** adoptFolders for one folder; returns the entries taken over as they were (its `adopted`). */
export function adoptFolder(previousDir: string, tempDir: string, adoption: Adoption, reused: readonly string[]): ReadonlySet<string> {
  adoptFolders(previousDir, tempDir, [adoption], reused);
  return adoption.adopted!;
}

/** A folder name a note may give: one plain name in the output. */
const plainFolder = (folder: unknown): folder is string =>
  typeof folder === "string" && folder !== "" && !folder.includes("/") && !folder.includes("\\") && !folder.startsWith(".");

/**
 * Undoes the adoptions of the build with id `pid` that did not reach the swap: for each folder its note names that the
 * output lacks and the build's temporary folder holds, the displaced entries are put back into it and it is moved back
 * into the output. Entries the build added stay (a later build removes them: they are neither kept nor rendered by
 * it), so the output has every page it had. Leaves the displaced folder to the caller to discard. Reads the note of a
 * build of earlier code too, which adopted one folder (`{"folder": ...}`, its entries directly in `entries/`).
 */
export function restoreAdopted(target: string, pid: number): void {
  const displaced = displacedDir(target, pid);
  let note: { folder?: unknown; folders?: unknown };
  try {
    note = JSON.parse(readFileSync(path.join(displaced, noteFile), "utf8")) as typeof note;
  } catch {
    return; // Killed before the note was written: nothing was moved.
  }
  const entries = path.join(displaced, entriesDir);
  const folders: [folder: string, entries: string][] = Array.isArray(note?.folders)
    ? note.folders.filter(plainFolder).map((folder) => [folder, path.join(entries, folder)])
    : plainFolder(note?.folder)
      ? [[note.folder, entries]]
      : [];
  if (!existsSync(target)) return;
  for (const [folder, displacedEntries] of folders) {
    const live = path.join(target, folder);
    const moved = path.join(`${target}.tmp-${pid}`, folder);
    if (existsSync(live) || !existsSync(moved)) continue;
    for (const name of existsSync(displacedEntries) ? readdirSync(displacedEntries) : []) {
      rmSync(path.join(moved, name), { recursive: true, force: true });
      renameSync(path.join(displacedEntries, name), path.join(moved, name));
    }
    renameSync(moved, live);
  }
}
