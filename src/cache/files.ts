import { hash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, type BigIntStats } from "node:fs";
import path from "node:path";

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
  /** The recorded hash of the file at `file` (a path as readPaperFiles names it), if its stat allows trusting it. */
  known(file: string, stat: BigIntStats): string | undefined;
  /** Records a file as read now: its stat taken before it was read, and the hash of its text. */
  record(file: string, stat: BigIntStats, hash: string): void;
  /** Writes the index when anything was recorded or a file disappeared since it was opened; keeps only `files`. */
  save(files: Iterable<string>): void;
  /** How many files were trusted from the index and how many read since it was opened. */
  readonly stats: { trusted: number; read: number };
}

/**
 * Per path, one string: size, modification and change times, inode, device and the text's hash, space-separated. One
 * string a file rather than an array of six (version 1): 100,000 strings to parse, keep and collect instead of 700,000
 * values, on every build.
 */
interface Stored {
  version: 2;
  files: Record<string, string>;
}

/** Opens the index at `file` (missing or damaged: empty, every file is read). */
export function openFileIndex(file: string, options: { racyMarginNs?: bigint } = {}): FileIndex {
  const margin = options.racyMarginNs ?? 2_000_000_000n;
  let entries: Stored["files"] = {};
  let writtenNs = 0n;
  try {
    const stat = statSync(file, { bigint: true });
    const stored = JSON.parse(readFileSync(file, "utf8")) as Stored;
    if (stored.version === 2 && stored.files && typeof stored.files === "object") {
      entries = stored.files;
      writtenNs = stat.mtimeNs;
    }
  } catch {
    // No index yet.
  }
  let changed = false;
  const stats = { trusted: 0, read: 0 };
  return {
    stats,
    known(name, stat) {
      const entry = Object.hasOwn(entries, name) ? entries[name] : undefined;
      if (!entry || stat.mtimeNs >= writtenNs || stat.ctimeNs >= writtenNs) return undefined;
      const now = tupleOf(stat);
      if (typeof entry !== "string" || entry.length <= now.length || !entry.startsWith(now)) return undefined;
      stats.trusted++;
      return entry.slice(now.length);
    },
    record(name, stat, hash) {
      const changedNs = stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs;
      // Racy: the size is recorded as "racy", which no file has, so the next build reads it again (git's "smudging").
      const racy = changedNs + margin > BigInt(Date.now()) * 1_000_000n;
      entries[name] = tupleOf(stat, racy ? "racy" : undefined) + hash;
      stats.read++;
      changed = true;
    },
    save(files) {
      const kept: Stored["files"] = {};
      let count = 0;
      for (const name of files) {
        if (Object.hasOwn(entries, name)) {
          kept[name] = entries[name]!;
          count++;
        }
      }
      if (!changed && count === Object.keys(entries).length) return;
      entries = kept;
      mkdirSync(path.dirname(file), { recursive: true });
      // Written beside, then renamed: a killed build leaves the old index or the new one. The index's own modification
      // time, set by this write, is the "written" time of the racy rule: after every file it records was read.
      const temp = `${file}.tmp-${process.pid}`;
      writeFileSync(temp, JSON.stringify({ version: 2, files: kept } satisfies Stored));
      renameSync(temp, file);
      writtenNs = statSync(file, { bigint: true }).mtimeNs;
      changed = false;
    },
  };
}
