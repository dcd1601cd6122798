import { readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";

/** A running watcher; `close` stops every folder watch. */
export interface FolderWatcher {
  close(): void;
  /** How many folders are watched (one inotify watch each). */
  readonly folders: number;
}

/** What to watch: a folder and everything under it, or one file (watched through its folder, which editors replace files in). */
export type WatchTarget = { tree: string } | { file: string };

/**
 * Watches folder trees and single files with one `fs.watch` per folder, never one per file: at 100,000 papers in
 * 2,500 day folders that is 2,500 inotify watches instead of 100,000 (chokidar, which Eleventy uses, watches every
 * file, and the machine's limit is often a few hundred thousand for all processes together). Calls `onChange` with
 * the absolute paths created, written or removed (files or folders), once no event came for `settleMs` (default 30):
 * a file being written gives several events. A folder that appears is watched too, and every file already in it is
 * reported (it may have been written before its watch started).
 */
export function watchPaths(
  targets: readonly WatchTarget[],
  onChange: (paths: string[]) => void,
  options: { settleMs?: number } = {},
): FolderWatcher {
  const settleMs = options.settleMs ?? 30;
  const watchers = new Map<string, FSWatcher>();
  const files = new Set(targets.flatMap((t) => ("file" in t ? [path.resolve(t.file)] : [])));
  const trees = targets.flatMap((t) => ("tree" in t ? [path.resolve(t.tree)] : []));
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = () => {
    timer = undefined;
    const paths = [...pending].sort();
    pending = new Set();
    if (paths.length && !closed) onChange(paths);
  };
  const report = (file: string) => {
    pending.add(file);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, settleMs);
  };
  const inTree = (file: string) => trees.some((tree) => file === tree || file.startsWith(tree + path.sep));
  const unwatchUnder = (dir: string) => {
    for (const [folder, watcher] of watchers) {
      if (folder === dir || folder.startsWith(dir + path.sep)) {
        watcher.close();
        watchers.delete(folder);
      }
    }
  };

  /** Watches `dir`; with `recursive`, its sub-folders too, reporting the files found when `announce` is set. */
  const watchFolder = (dir: string, recursive: boolean, announce: boolean) => {
    if (watchers.has(dir) || closed) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true }, (_event, name) => {
        const changed = name ? path.join(dir, name.toString()) : dir;
        if (!recursive) {
          if (files.has(changed)) report(changed);
          return;
        }
        report(changed);
        if (changed === dir) return;
        let isFolder = false;
        try {
          isFolder = statSync(changed).isDirectory();
        } catch {
          // Removed (or moved away): stop watching it and what was under it.
          unwatchUnder(changed);
          return;
        }
        if (isFolder) watchFolder(changed, true, true);
      });
    } catch {
      return; // removed before it could be watched; its parent reported it
    }
    watcher.on("error", () => unwatchUnder(dir));
    watchers.set(dir, watcher);
    if (!recursive) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) watchFolder(full, true, announce);
      else if (announce) report(full);
    }
  };

  for (const tree of trees) watchFolder(tree, true, false);
  // A single file outside every tree is watched through its folder, without the folder's other files.
  for (const file of files) if (!inTree(file)) watchFolder(path.dirname(file), false, false);
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
    get folders() {
      return watchers.size;
    },
  };
}
