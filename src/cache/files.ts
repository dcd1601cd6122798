import { hash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync, type BigIntStats } from "node:fs";
import path from "node:path";
import { fileIdentity, readWithStat } from "./file-identity.ts";

/**
 * What a file's stat says about it: size, modification and change times (nanoseconds), inode and device. Equal tuples
 * mean the file was not touched, as far as the file system can tell: `touch -d`/`utimes` can set the modification time
 * back, but not the change time; a file replaced by another (`cp -p`, a rename over it, `git checkout`, `tar -x`)
 * changes the change time and usually the inode. Written as the start of the file's entry in the index (see Stored).
 */
const tupleOf = (stat: BigIntStats, size: string = String(stat.size)): string => `${size} ${stat.mtimeNs} ${stat.ctimeNs} ${stat.ino} ${stat.dev} `;

/** The hash the index records for a file's text (the paper cache keys papers by it). */
export function textHash(text: string): string {
  return hash("sha256", text, "hex");
}

/**
 * A record of the paper files an earlier build read, in `.cache/files.json`: per path, its stat tuple and the hash of
 * its text. A file whose stat tuple equals the recorded one is not read again: its recorded hash stands for its text.
 *
 * Racy files (git's rule, see git's Documentation/technical/racy-git.txt): a file changed again within the clock tick
 * of its recorded change keeps its stat tuple on a file system with coarse timestamps (1 s on ext3 and HFS+, 2 s on
 * FAT). So a recorded hash is trusted only for a file whose modification and change times are both older than the
 * index file itself (written after every file it records was read), and a file recorded less than `racyMarginNs`
 * (2 s) after its last change is recorded as racy: it is read and hashed again by the next build. A clock-skewed file
 * dated in the future is never trusted. Files with problems are never recorded, so they are read, and reported, on
 * every build.
 */
export interface FileIndex {
  /**
   * True when no earlier build's index was read (none was written yet, or it was unreadable): `known` vouches only for
   * files recorded since.
   */
  readonly empty: boolean;
  /** The recorded hash of the file at `file` (a path as readPaperFiles names it), if its stat allows trusting it. */
  known(file: string, stat: BigIntStats): string | undefined;
  /** Records a file as read now: its stat taken before it was read, and the hash of its text. */
  record(file: string, stat: BigIntStats, hash: string): void;
  /**
   * Writes the index when anything was recorded or a file disappeared since it was opened; keeps only `files`. When
   * few lines changed, only they are written, to the delta file beside the index (see StoredDelta).
   */
  save(files: Iterable<string>): void;
  /** How many files were trusted from the index and how many read since it was opened. */
  readonly stats: { trusted: number; read: number };
}

/**
 * The index as stored, version 3: one string holding a line per file, `<path>\t<size> <mtime> <ctime> <ino> <dev>
 * <hash>\n`, in the order the build listed the files (readPaperFiles' sorted walk). The next build lists them in the same
 * order, so each file's line is found where the previous one ended, by comparing in place: no parse of 100,000 paths and
 * entries into an object (version 2, a JSON object of one string per path: its parse was 1.0 s of the main thread, with
 * its collection, in a profile of a build where nothing changed at 100,000 papers, load 6). A file listed elsewhere (a
 * new or deleted file before it) is found through a map of every line's start, made on the first miss. Paths never hold
 * a tab or a line break: those are control characters, refused in paper file names (src/content/file-names.ts), and
 * never recorded here either.
 */
interface Stored {
  version: 3;
  files: string;
}

/**
 * What changed since the index file was written, in `<index>.delta` (as the page manifest's delta, see
 * src/cache/manifest-delta.ts): a build that adds a paper at 100,000 papers records one file, and writing the whole
 * index again (16 MB: its lines joined, serialised, written) took a third of a second of the main thread after the
 * pages were written. `base` names the index file it applies to (inode, size, modification and change times): a delta
 * of another index file, or a damaged one, is not applied, and the index file alone then reads every file changed since
 * it was written (those are newer than it). `files`: lines as the index's, for files recorded since the index file was
 * written; `removed`: paths, one a line, of the index file's lines that no longer stand. A delta's lines are trusted
 * by the delta file's own modification time, the index file's lines by the index file's (the racy rule, see FileIndex).
 */
interface StoredDelta {
  version: 3;
  base: string;
  files: string;
  removed: string;
}

/** The delta file beside an index file. */
const deltaFileOf = (file: string) => `${file}.delta`;

/** The entries of a list of lines (`<path>\t<entry>\n`) by path, or undefined when it is not one. */
function entriesOf(lines: string): Map<string, string> | undefined {
  const entries = new Map<string, string>();
  for (let at = 0; at < lines.length; ) {
    const tab = lines.indexOf("\t", at);
    const end = lines.indexOf("\n", at);
    if (tab === -1 || end === -1 || tab > end) return undefined;
    entries.set(lines.slice(at, tab), lines.slice(tab + 1, end));
    at = end + 1;
  }
  return entries;
}

/** A delta is written while it holds fewer than this share of the index's lines (else the index is written whole). */
const deltaShare = 8;

/** Opens the index at `file` (missing, damaged or of another version: empty, every file is read). */
export function openFileIndex(file: string, options: { racyMarginNs?: bigint } = {}): FileIndex {
  const margin = options.racyMarginNs ?? 2_000_000_000n;
  let list = "";
  let writtenNs = 0n;
  // The identity of the index file `list` was read from, when it was one.
  let base: string | undefined;
  try {
    const read = readWithStat(file);
    const stored = read && (JSON.parse(read.bytes.toString("utf8")) as Stored);
    if (read && stored?.version === 3 && typeof stored.files === "string" && (stored.files === "" || stored.files.endsWith("\n"))) {
      list = stored.files;
      writtenNs = read.stat.mtimeNs;
      base = fileIdentity(read.stat);
    }
  } catch {
    // No index yet, or a damaged one: every file is read.
  }
  // The delta applied to the index file: entries recorded since (path -> entry), paths of its lines that no longer
  // stand, and the delta file's modification time, by which its entries are trusted.
  let delta = new Map<string, string>();
  let removed = new Set<string>();
  let deltaWrittenNs = 0n;
  let deltaText: string | undefined;
  try {
    const read = base === undefined ? undefined : readWithStat(deltaFileOf(file));
    const stored = read && (JSON.parse(read.bytes.toString("utf8")) as StoredDelta);
    const entries = stored?.version === 3 && stored.base === base && typeof stored.files === "string" && typeof stored.removed === "string" ? entriesOf(stored.files) : undefined;
    if (read && stored && entries) {
      delta = entries;
      removed = new Set(stored.removed.split("\n").filter(Boolean));
      deltaWrittenNs = read.stat.mtimeNs;
      deltaText = `${stored.files}\0${stored.removed}`;
    }
  } catch {
    // No delta, or a damaged one: the index file alone.
  }
  // How many lines the index file holds (counted when first needed).
  let lineCount: number | undefined;
  const linesInList = () => {
    if (lineCount === undefined) {
      lineCount = 0;
      for (let at = list.indexOf("\n"); at !== -1; at = list.indexOf("\n", at + 1)) lineCount++;
    }
    return lineCount;
  };
  // Where the line of the next file listed is expected, and every line's start by path once a file was not there.
  let cursor = 0;
  let starts: Map<string, number> | undefined;
  const startsOf = (): Map<string, number> => {
    if (starts) return starts;
    starts = new Map();
    for (let at = 0; at < list.length; ) {
      const tab = list.indexOf("\t", at);
      const end = list.indexOf("\n", at);
      if (tab === -1 || end === -1 || tab > end) break;
      starts.set(list.slice(at, tab), at);
      at = end + 1;
    }
    return starts;
  };
  /** The line of `name` in the stored list: where its entry starts and ends; moves the cursor past it. */
  const lineOf = (name: string): { from: number; to: number } | undefined => {
    let at = cursor;
    if (!(list.startsWith(name, at) && list.charCodeAt(at + name.length) === 9)) {
      const found = startsOf().get(name);
      if (found === undefined) return undefined;
      at = found;
    }
    const to = list.indexOf("\n", at);
    cursor = to + 1;
    return { from: at + name.length + 1, to };
  };
  // Files recorded by this build: path -> entry (stat tuple and hash).
  const recorded = new Map<string, string>();
  let changed = false;
  const stats = { trusted: 0, read: 0 };
  return {
    stats,
    get empty() {
      return list === "" && delta.size === 0;
    },
    known(name, stat) {
      // Its entry, and the time it is trusted by: recorded by this index (before it is saved), by its delta, or a line
      // of the index file.
      const entry = recorded.get(name) ?? delta.get(name);
      const trustedBefore = entry === undefined ? writtenNs : deltaWrittenNs > writtenNs ? deltaWrittenNs : writtenNs;
      if (stat.mtimeNs >= trustedBefore || stat.ctimeNs >= trustedBefore) return undefined;
      const now = tupleOf(stat);
      let hash: string | undefined;
      if (entry !== undefined) hash = entry.length > now.length && entry.startsWith(now) ? entry.slice(now.length) : undefined;
      else if (!removed.has(name)) {
        const line = lineOf(name);
        if (line && line.to - line.from > now.length && list.startsWith(now, line.from)) hash = list.slice(line.from + now.length, line.to);
      }
      if (hash === undefined) return undefined;
      stats.trusted++;
      return hash;
    },
    record(name, stat, hash) {
      // Never recorded (nor trusted then): a path or hash that could end a line and forge the next one.
      if (/[\t\n]/.test(name) || /[\t\n]/.test(hash)) return;
      const changedNs = stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs;
      // Racy: the size is recorded as "racy", which no file has, so the next build reads it again (git's "smudging").
      const racy = changedNs + margin > BigInt(Date.now()) * 1_000_000n;
      recorded.set(name, tupleOf(stat, racy ? "racy" : undefined) + hash);
      stats.read++;
      changed = true;
    },
    save(files) {
      const names = [...files];
      // Nothing recorded, no delta, and the stored lines are these files' in this order: the index stands as it is.
      if (!changed && !delta.size && !removed.size) {
        let at = 0;
        let same = true;
        for (const name of names) {
          if (!(list.startsWith(name, at) && list.charCodeAt(at + name.length) === 9)) {
            same = false;
            break;
          }
          at = list.indexOf("\n", at) + 1;
        }
        if (same && at === list.length) return;
      }
      // Each file's entry that is not its line in the index file (recorded now or in the delta), and how many of the
      // index file's lines stand for files listed now (by their line, or by an entry).
      cursor = 0;
      const fresh = new Map<string, string>();
      let listed = 0;
      for (const name of names) {
        const entry = recorded.get(name) ?? delta.get(name);
        const line = lineOf(name);
        if (line && (entry !== undefined || !removed.has(name))) listed++;
        // An entry equal to its line is kept too: a file read again (changed within the index file's clock tick) is
        // trusted next time only by a later written time.
        if (entry !== undefined) fresh.set(name, entry);
      }
      // The index file's lines of files not listed now (none, unless a file was deleted or renamed).
      const gone: string[] = [];
      if (listed !== linesInList()) {
        const now = new Set(names.filter((name) => fresh.has(name) || !removed.has(name)));
        for (let at = 0; at < list.length; ) {
          const tab = list.indexOf("\t", at);
          const end = list.indexOf("\n", at);
          if (tab === -1 || end === -1 || tab > end) break;
          const name = list.slice(at, tab);
          if (!now.has(name)) gone.push(name);
          at = end + 1;
        }
      }
      mkdirSync(path.dirname(file), { recursive: true });
      // Written beside, then renamed: a killed build leaves the old file or the new one. A file's own modification
      // time, set by this write, is the "written" time of the racy rule for its lines: after every file they record
      // was read.
      const replace = (target: string, data: string): bigint => {
        const temp = `${target}.tmp-${process.pid}`;
        writeFileSync(temp, data);
        renameSync(temp, target);
        return statSync(target, { bigint: true }).mtimeNs;
      };
      if (base !== undefined && (fresh.size + gone.length) * deltaShare < linesInList()) {
        if (!fresh.size && !gone.length) {
          // The index file alone is the index again (a paper added, then deleted).
          if (deltaText !== undefined) rmSync(deltaFileOf(file), { force: true });
          deltaText = undefined;
          deltaWrittenNs = 0n;
        } else {
          const lines = [...fresh].map(([name, entry]) => `${name}\t${entry}\n`).join("");
          const gonePaths = gone.map((name) => `${name}\n`).join("");
          const text = `${lines}\0${gonePaths}`;
          if (text !== deltaText) {
            deltaWrittenNs = replace(deltaFileOf(file), JSON.stringify({ version: 3, base, files: lines, removed: gonePaths } satisfies StoredDelta));
            deltaText = text;
          }
        }
        delta = fresh;
        removed = new Set(gone);
      } else {
        cursor = 0;
        const lines: string[] = [];
        for (const name of names) {
          const entry = fresh.get(name);
          if (entry !== undefined) lines.push(`${name}\t${entry}\n`);
          else if (!removed.has(name)) {
            const line = lineOf(name);
            if (line) lines.push(list.slice(line.from - name.length - 1, line.to + 1));
          }
        }
        list = lines.join("");
        writtenNs = replace(file, JSON.stringify({ version: 3, files: list } satisfies Stored));
        base = fileIdentity(statSync(file, { bigint: true }));
        // After the index file: a killed build leaves a delta that names the index file replaced, never applied.
        rmSync(deltaFileOf(file), { force: true });
        delta = new Map();
        removed = new Set();
        deltaText = undefined;
        deltaWrittenNs = 0n;
        starts = undefined;
        lineCount = undefined;
      }
      recorded.clear();
      cursor = 0;
      changed = false;
    },
  };
}
