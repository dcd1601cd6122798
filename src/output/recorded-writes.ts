import { closeSync, fstatSync, mkdirSync, openSync, statSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * What a page writer saw of what it wrote, so that the page manifest (src/cache/pages.ts) need not walk those files
 * and folders again once the build is done (at 10,000 papers, cold, a third of a second on the main thread alone at
 * the end of the build: a stat and a listing of every paper's folder, and a stat of its page).
 */
export interface WrittenOutput {
  /** Each file written: its size and modification time (ns), fstat'ed once its bytes were written. */
  files: Map<string, [size: number, mtime: string]>;
  /**
   * Folders the writer made itself (so they were empty then) and in which it wrote files and made no folder: the
   * files it wrote there and the folder's change time (ns) once it was done writing. They hold nothing else unless
   * someone else wrote there too, which only the caller can tell (see src/cache/pages.ts, `pageManifest`).
   */
  folders: Map<string, { ctime: string; files: string[] }>;
}

/** WrittenOutput as it crosses from a thread: plain arrays. */
export interface WrittenOutputMessage {
  files: [file: string, size: number, mtime: string][];
  folders: [folder: string, ctime: string, ...files: string[]][];
}

/**
 * Writes files (each made or truncated, as `writeFileSync` does, its folder made as needed) and records what
 * WrittenOutput says of them; `done` stats the folders it made, once nothing more is written, and names everything
 * relative to `root` (`/`-separated, as manifests name files).
 */
export function recordingWrites(): { write(file: string, bytes: Uint8Array): void; done(root: string): WrittenOutputMessage } {
  // Folders known to exist; those made here, with the files written directly in them (null once one holds a folder).
  const existing = new Set<string>();
  const made = new Map<string, string[] | null>();
  const files: WrittenOutputMessage["files"] = [];
  /** Makes `dir` (true), or finds it there already (false); its parent is made first when missing (`recursive`). */
  const mkdirHere = (dir: string, recursive: boolean): boolean => {
    try {
      mkdirSync(dir);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return false;
      if (code !== "ENOENT" || !recursive) throw error;
      mkdirSync(path.dirname(dir), { recursive: true });
      return mkdirHere(dir, false);
    }
  };
  const makeFolder = (dir: string) => {
    const madeHere = mkdirHere(dir, true);
    existing.add(dir);
    if (!madeHere) return;
    made.set(dir, []);
    // A folder made here that now holds a folder (made here or by mkdir's recursion) is not described.
    for (let parent = path.dirname(dir); parent !== path.dirname(parent); parent = path.dirname(parent)) {
      if (made.has(parent)) made.set(parent, null);
    }
  };
  return {
    write(file, bytes) {
      const dir = path.dirname(file);
      if (!existing.has(dir)) makeFolder(dir);
      const fd = openSync(file, "w");
      try {
        for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd, bytes, at);
        const stat = fstatSync(fd, { bigint: true });
        files.push([file, Number(stat.size), String(stat.mtimeNs)]);
      } finally {
        closeSync(fd);
      }
      made.get(dir)?.push(file);
    },
    done(root) {
      // Most paths start with the root itself: sliced rather than resolved (path.relative resolves both, each time).
      const prefix = path.resolve(root) + path.sep;
      const relative = (file: string) => (file.startsWith(prefix) && path.sep === "/" ? file.slice(prefix.length) : path.relative(root, file).split(path.sep).join("/"));
      const folders: WrittenOutputMessage["folders"] = [];
      for (const [dir, inside] of made) {
        if (!inside?.length) continue;
        const stat = statSync(dir, { bigint: true, throwIfNoEntry: false });
        if (stat?.isDirectory()) folders.push([relative(dir), String(stat.ctimeNs), ...inside.map(relative)]);
      }
      return { files: files.map(([file, size, mtime]) => [relative(file), size, mtime]), folders };
    },
  };
}

/** A WrittenOutputMessage as WrittenOutput. */
export function writtenOutput(message: WrittenOutputMessage): WrittenOutput {
  return {
    files: new Map(message.files.map(([file, size, mtime]) => [file, [size, mtime]])),
    folders: new Map(message.folders.map(([dir, ctime, ...inside]) => [dir, { ctime, files: inside }])),
  };
}
