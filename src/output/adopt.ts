import { existsSync, linkSync, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A folder of the previous output taken over whole by the new one, instead of its reused pages being linked one by one.
 * Paper pages are a folder each (`papers/<slug>/index.html`), and making a folder costs about 100 µs of kernel time
 * on ext4 (10 s for 100,000 papers), ten times linking a file. So just before the swap (see writeAtomically), the
 * previous output's folder is moved into the new output: the entries this build rendered replace the previous ones,
 * and entries neither kept nor rendered (deleted papers, pages rendered again) are moved out, to `<output>.displaced-<pid>`.
 * The previous output lacks the folder from then until the swap, for as many renames as entries changed; a build
 * killed in between is undone by `restoreAdopted` (see recoverInterruptedBuilds).
 */
export interface Adoption {
  /** The folder's name in the output, e.g. "papers". */
  folder: string;
  /** Entries (direct children) of the previous output's folder that the new output keeps as they are. */
  keep: ReadonlySet<string>;
  /** Set by the swap (see adoptFolder): the entries moved over as they were. */
  adopted?: ReadonlySet<string>;
  /**
   * Set by adoptFolder: the entries this build wrote into the folder. With `adopted`, every entry the folder holds
   * after the swap, so its manifest need not list it (src/cache/manifest-update.ts).
   */
  rendered?: ReadonlySet<string>;
}

/** Where a build's displaced entries go, and the note naming the folder it adopted. */
export const displacedDir = (target: string, pid: number) => `${target}.displaced-${pid}`;

const noteFile = "folder.json";
const entriesDir = "entries";

/**
 * Splits reused output paths into the entries of `folder` that can be adopted whole (each `folder/<entry>/...`) and the
 * paths to link one by one. Adopting is worth it only for a folder that exists in the previous output.
 */
export function splitAdoptable(reuse: readonly string[], folder: string, previousDir: string): { adoption?: Adoption; link: string[] } {
  if (!existsSync(path.join(previousDir, folder))) return { link: [...reuse] };
  const keep = new Set<string>();
  const link: string[] = [];
  const prefix = `${folder}/`;
  for (const file of reuse) {
    const rest = file.startsWith(prefix) ? file.slice(prefix.length) : "";
    if (rest.includes("/")) keep.add(rest.slice(0, rest.indexOf("/")));
    else link.push(file);
  }
  return keep.size ? { adoption: { folder, keep }, link } : { link };
}

/**
 * Moves `adoption.folder` of `previousDir` into `tempDir` (see Adoption). Entries `tempDir` already holds there were
 * rendered by this build and win; a kept entry that this build also wrote into is left to the build (its kept files are
 * linked into it, as without adoption). `reused` lists the reused output paths. Returns the entries taken over as they
 * were (kept, not written by this build): files in them that are not reused pages were put there by hand, and are for
 * the caller to remove (see pageManifest's `prune`). Throws after putting everything back when a rename fails.
 */
export function adoptFolder(previousDir: string, tempDir: string, adoption: Adoption, reused: readonly string[]): Set<string> {
  const target = path.resolve(previousDir);
  const displaced = displacedDir(target, process.pid);
  const live = path.join(target, adoption.folder);
  const into = path.join(tempDir, adoption.folder);
  const rendered = `${into}.rendered`;
  rmSync(displaced, { recursive: true, force: true });
  mkdirSync(path.join(displaced, entriesDir), { recursive: true });
  writeFileSync(path.join(displaced, noteFile), JSON.stringify({ folder: adoption.folder }));
  const renderedNames = existsSync(into) ? readdirSync(into) : [];
  // An entry both kept and written by this build: its kept files are linked into the written one.
  for (const name of renderedNames) {
    if (!adoption.keep.has(name)) continue;
    for (const file of reused.filter((f) => f.startsWith(`${adoption.folder}/${name}/`))) {
      const to = path.join(tempDir, file);
      mkdirSync(path.dirname(to), { recursive: true });
      try {
        linkSync(path.join(target, file), to);
      } catch {
        copyFileSync(path.join(target, file), to);
      }
    }
  }
  const written = new Set(renderedNames);
  adoption.rendered = written;
  if (existsSync(into)) renameSync(into, rendered);
  try {
    renameSync(live, into);
    for (const name of renderedNames) {
      const old = path.join(into, name);
      if (existsSync(old)) renameSync(old, path.join(displaced, entriesDir, name));
      renameSync(path.join(rendered, name), old);
    }
    rmSync(rendered, { recursive: true, force: true });
    for (const name of readdirSync(into)) {
      if (!adoption.keep.has(name) && !written.has(name)) renameSync(path.join(into, name), path.join(displaced, entriesDir, name));
    }
  } catch (error) {
    restoreAdopted(target, process.pid);
    throw error;
  }
  return new Set([...adoption.keep].filter((name) => !written.has(name)));
}

/**
 * Undoes an adoption by the build with id `pid` that did not reach the swap: when the output lacks the folder and the
 * build's temporary folder holds it, the displaced entries are put back into it and it is moved back into the output.
 * Entries the build added stay (a later build removes them: they are neither kept nor rendered by it), so the output
 * has every page it had. Leaves the displaced folder to the caller to discard.
 */
export function restoreAdopted(target: string, pid: number): void {
  const displaced = displacedDir(target, pid);
  let folder: string;
  try {
    folder = (JSON.parse(readFileSync(path.join(displaced, noteFile), "utf8")) as { folder: string }).folder;
  } catch {
    return; // Killed before the note was written: nothing was moved.
  }
  if (typeof folder !== "string" || !folder || folder.includes("/") || folder.startsWith(".")) return;
  const live = path.join(target, folder);
  const moved = path.join(`${target}.tmp-${pid}`, folder);
  if (existsSync(live) || !existsSync(moved) || !existsSync(target)) return;
  const entries = path.join(displaced, entriesDir);
  for (const name of existsSync(entries) ? readdirSync(entries) : []) {
    rmSync(path.join(moved, name), { recursive: true, force: true });
    renameSync(path.join(entries, name), path.join(moved, name));
  }
  renameSync(moved, live);
}
