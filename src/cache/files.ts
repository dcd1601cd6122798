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

/** Opens the index at `file` (missing, damaged or of another version: empty, every file is read). */
export function openFileIndex(file: string, options: { racyMarginNs?: bigint } = {}): FileIndex {
  const margin = options.racyMarginNs ?? 2_000_000_000n;
  let list = "";
  let writtenNs = 0n;
  try {
    const stat = statSync(file, { bigint: true });
    const stored = JSON.parse(readFileSync(file, "utf8")) as Stored;
    if (stored.version === 3 && typeof stored.files === "string" && (stored.files === "" || stored.files.endsWith("\n"))) {
      list = stored.files;
      writtenNs = stat.mtimeNs;
    }
  } catch {
    // No index yet.
  }
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
    known(name, stat) {
      if (stat.mtimeNs >= writtenNs || stat.ctimeNs >= writtenNs) return undefined;
      const now = tupleOf(stat);
      const mine = recorded.get(name);
      let hash: string | undefined;
      if (mine !== undefined) hash = mine.length > now.length && mine.startsWith(now) ? mine.slice(now.length) : undefined;
      else {
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
      // Nothing recorded, and the stored lines are these files' in this order: the index stands as it is.
      if (!changed) {
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
      cursor = 0;
      const lines: string[] = [];
      for (const name of names) {
        const mine = recorded.get(name);
        if (mine !== undefined) lines.push(`${name}\t${mine}\n`);
        else {
          const line = lineOf(name);
          if (line) lines.push(list.slice(line.from - name.length - 1, line.to + 1));
        }
      }
      list = lines.join("");
      recorded.clear();
      starts = undefined;
      cursor = 0;
      mkdirSync(path.dirname(file), { recursive: true });
      // Written beside, then renamed: a killed build leaves the old index or the new one. The index's own modification
      // time, set by this write, is the "written" time of the racy rule: after every file it records was read.
      const temp = `${file}.tmp-${process.pid}`;
      writeFileSync(temp, JSON.stringify({ version: 3, files: list } satisfies Stored));
      renameSync(temp, file);
      writtenNs = statSync(file, { bigint: true }).mtimeNs;
      changed = false;
    },
  };
}
