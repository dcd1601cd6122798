import { type BigIntStats, closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writevSync } from "node:fs";
import path from "node:path";

/**
 * A persistent key-value store for build results, in `<dir>/<fingerprint>/`: 16 shard files of lines
 * `<64-hex key> <JSON value>` (see Codec for split values and their heads index). A build appends what it computed; a shard whose stale entries
 * outnumber the live ones is rewritten with only the live ones. Lines that do not parse (a build killed mid-write) are
 * misses, never errors. Entries are only ever found by their key, a hash of everything the value was computed from,
 * so a lookup can miss but never return something stale.
 */
export interface Store<T> {
  /** The value stored under `key`, if any. */
  get(key: string): T | undefined;
  /**
   * Records a value computed in this build; it is written by `save()`. `json`, when given, is the value's line as the
   * codec encodes it (`JSON.stringify(value)` in UTF-8 by default), already at hand: it is written as it is.
   */
  set(key: string, value: T, json?: Uint8Array): void;
  /**
   * Writes new entries and compacts; keeps entries read or set since the last save as the live ones. Returns the
   * shards whose files it replaced (compacted): in every other shard file, each entry stored before is still stored,
   * where it was.
   */
  save(): ReadonlySet<string>;
  /**
   * Split codecs: where the value of `key` is in its shard file as this store last read or wrote it (`[start, end]`
   * byte offsets of the line's value), when known: for `getAt` in a later process.
   */
  location(key: string): [start: number, end: number] | undefined;
  /**
   * The value stored under `key` read from `location` in its shard file, without reading the shard's index, when the
   * bytes there are that key's whole line (`<key> <value>\n`); else as `get` finds it. For a caller that recorded the
   * location (see `location`) while the shard file was as `identity` says it still is.
   */
  getAt(key: string, location: readonly [start: number, end: number]): T | undefined;
  /** Lookups since the last save: found and not found. */
  readonly stats: { hits: number; misses: number };
  /** How many entries the store holds, on disk or set since. */
  readonly size: number;
  /** True when the store holds nothing; does not read the shard files (see `size`, which does). */
  isEmpty(): boolean;
  /**
   * Forgets what was read of each shard file that another process appended to or replaced since this store last read
   * or wrote it (`npm run check` or `npm run build` beside a dev server that keeps its store open): such a shard is read
   * again when next used. Call it between builds, when no value read before is still in use.
   */
  refresh(): void;
  /**
   * Keeps `key` live (as a `get` that found it would) without reading the shard files: for a value a caller knows the
   * store holds, from a record of it taken while the store's files were as `identity` says they still are.
   */
  touch(key: string): void;
  /**
   * The stat of every shard file (inode, size, modification and change times), as one string: the store only ever
   * appends to a shard or replaces it, so an equal identity means the same entries, byte for byte.
   */
  identity(): string;
}

/** How a store turns values into the bytes of a line and back; the default is JSON. */
export interface Codec<T> {
  /**
   * The value of the line bytes from `start` to `end` (they may be kept by the value); throws when they are damaged.
   * With `tail` (a split codec, see below), the bytes are the line's head only, and `tail` reads the rest when called.
   */
  decode(bytes: Buffer, start: number, end: number, tail?: () => Buffer): T;
  /** The line bytes of a value (never a line break). */
  encode(value: T): Buffer;
  /**
   * True when a line is `<head>\t<tail>` and the head alone gives a usable value (reading the tail when needed): the
   * store then keeps, beside each shard, an index of the heads (`<shard>.heads`) and reads a shard's tails only when
   * they are used.
   */
  split?: boolean;
}

const jsonCodec: Codec<unknown> = {
  decode: (bytes, start, end) => JSON.parse(bytes.toString("utf8", start, end)) as never,
  encode: (value) => Buffer.from(JSON.stringify(value)),
};

const keyPattern = /^[0-9a-f]{64}$/;
const shardOf = (key: string) => key[0]!;
const allShards = "0123456789abcdef";
const newline = 0x0a;
const tab = 0x09;

type Raw = { buffer: Buffer; start: number; end: number };

/** How many shard files stores read in this process, by their heads index or whole (for tests and profiles). */
export const shardReads = { count: 0 };

/** A shard file as this process opened it: reads of tails go to this very file, even once another replaced it. */
interface ShardFile {
  fd: number;
}

/** Where a value's tail is: in which shard file, at which offset, how many bytes. Updated when the shard is rewritten. */
interface Tail {
  file: ShardFile;
  offset: number;
  length: number;
}

/** One key: its value once decoded, its bytes in a shard file until then, and whether a shard file holds it. */
interface Entry<T> {
  value?: T;
  /** The line's value bytes; only the head when `headOnly`. */
  raw?: Raw;
  headOnly?: boolean;
  /** Split codecs: where the tail is in the shard file. */
  tail?: Tail;
  onDisk: boolean;
}

function readTail(tail: Tail): Buffer {
  const bytes = Buffer.allocUnsafe(tail.length);
  const read = readSync(tail.file.fd, bytes, 0, tail.length, tail.offset);
  if (read !== tail.length) throw new Error("the build cache changed while it was read; delete the cache folder and build again");
  return bytes;
}

/** Closes the shard files a store let go of (read again, or replaced by a rewrite) once no value's tail refers to them. */
const unreferenced = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // closed already
  }
});

/** The stat a heads index records of its shard file: equal stats, the same file as when the index was written. */
const shardStat = (fd: number) => statLine(fstatSync(fd, { bigint: true }));

/** A file's inode, size, modification and change times (ns): equal lines, the same bytes for a file only appended to. */
const statLine = (stat: BigIntStats | undefined): string => (stat ? `${stat.ino} ${stat.size} ${stat.mtimeNs} ${stat.ctimeNs}` : "-");

/**
 * The number of lines a heads index's first line (`<shard file stat> <lines>`) gives, when the stat is `stat`.
 */
function headsHeader(buffer: Buffer, first: number, stat: string): number | undefined {
  if (first === -1 || first <= stat.length || buffer.toString("latin1", 0, stat.length + 1) !== `${stat} `) return undefined;
  return decimalAt(buffer, stat.length + 1, first);
}

/**
 * Indexes a shard by its heads index, when that describes the shard file open at `fd` (same inode, size, modification
 * and change times): a first line `<stat> <lines>`, then lines `<key> <tail offset> <tail length> <head>`. Returns the
 * number of lines, or undefined when there is no usable index.
 */
function indexHeads<T>(headsFile: string, fd: number, file: ShardFile, into: Map<string, Entry<T>>): number | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(headsFile);
  } catch {
    return undefined;
  }
  const first = buffer.indexOf(newline);
  const lines = headsHeader(buffer, first, shardStat(fd));
  if (lines === undefined || buffer[buffer.length - 1] !== newline) return undefined;
  // Keys and entries in two lists, numbers read digit by digit: no pair and no string a number, 100,000 lines a build.
  const keys: string[] = [];
  const found: Entry<T>[] = [];
  for (let start = first + 1; start < buffer.length; ) {
    const end = buffer.indexOf(newline, start);
    const offsetEnd = buffer.indexOf(0x20, start + 65);
    const lengthEnd = offsetEnd === -1 ? -1 : buffer.indexOf(0x20, offsetEnd + 1);
    if (end === -1 || buffer[start + 64] !== 0x20 || lengthEnd === -1 || lengthEnd > end) return undefined;
    const offset = decimalAt(buffer, start + 65, offsetEnd);
    const length = decimalAt(buffer, offsetEnd + 1, lengthEnd);
    if (offset === undefined || length === undefined) return undefined;
    keys.push(buffer.toString("latin1", start, start + 64));
    found.push({ raw: { buffer, start: lengthEnd + 1, end }, headOnly: true, tail: { file, offset, length }, onDisk: true });
    start = end + 1;
  }
  if (found.length !== lines) return undefined;
  for (let i = 0; i < keys.length; i++) into.set(keys[i]!, found[i]!);
  return found.length;
}

/**
 * The number of lines of the shard file `shardFile` by its heads index's first line alone, when that index describes
 * the file as it is; undefined otherwise (no index, another file, damaged).
 */
function linesByHeads(headsFile: string, shardFile: string): number | undefined {
  let fd: number | undefined;
  let heads: number | undefined;
  try {
    fd = openSync(shardFile, "r");
    heads = openSync(headsFile, "r");
    const buffer = Buffer.alloc(256);
    const read = readSync(heads, buffer, 0, buffer.length, 0);
    return headsHeader(buffer, buffer.subarray(0, read).indexOf(newline), shardStat(fd));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
    if (heads !== undefined) closeSync(heads);
  }
}

/** The decimal number written from `start` to `end` in `bytes` (digits only, at least one), or undefined. */
function decimalAt(bytes: Buffer, start: number, end: number): number | undefined {
  if (end <= start || end - start > 15) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Byte ranges of a shard file's lines, by key (values are decoded only when asked for), and the number of lines; a
 * file cut short by a killed build counts as all stale, so the next save rewrites it instead of appending to a torn line,
 * and its last line, torn, is not indexed (a codec may decode part of a value only when it is used). With `file`
 * (split codecs), each entry also gets where its tail is.
 */
function indexShard<T>(buffer: Buffer, into: Map<string, Entry<T>>, file?: ShardFile): number {
  let lines = 0;
  for (let start = 0; start < buffer.length; ) {
    const end = buffer.indexOf(newline, start);
    if (end === -1) break;
    if (end - start > 65 && buffer[start + 64] === 0x20) {
      const entry: Entry<T> = { raw: { buffer, start: start + 65, end }, onDisk: true };
      if (file) {
        const split = buffer.indexOf(tab, start + 65);
        if (split !== -1 && split < end) entry.tail = { file, offset: split + 1, length: end - split - 1 };
      }
      into.set(buffer.toString("latin1", start, start + 64), entry);
      lines++;
    }
    start = end + 1;
  }
  return buffer.length && buffer[buffer.length - 1] !== newline ? Number.MAX_SAFE_INTEGER : lines;
}

/**
 * Opens (or creates) the store for one fingerprint in `dir`, a folder of its own: other fingerprints' stores there are
 * deleted on save. `codec` (default JSON) is part of what the fingerprint must cover.
 */
export function openStore<T>(dir: string, fingerprint: string, codec = jsonCodec as Codec<T>): Store<T> {
  const folder = path.join(dir, fingerprint.slice(0, 32));
  const entries = new Map<string, Entry<T>>();
  const linesPerShard = new Map<string, number>();
  const shardNames = (): string[] => {
    try {
      return readdirSync(folder).filter((name) => /^[0-9a-f]\.jsonl$/.test(name));
    } catch {
      return []; // No store yet.
    }
  };
  // Each shard file is read on first use: a build that finds nothing changed never needs them, and one that looks up a
  // few keys (the others known from a record of the store, see `touch`) reads only the shards of those.
  const loadedShards = new Set<string>();
  // Each read shard's file as this store last read or wrote it (see shardStat; "-" when there was none): `refresh`
  // compares it with the file as it is.
  const knownStats = new Map<string, string>();
  const statOfShard = (shard: string) => statLine(statSync(path.join(folder, `${shard}.jsonl`), { bigint: true, throwIfNoEntry: false }));
  // Split codecs: the shard files this process opened (tails are read from them), and the shards whose heads index
  // describes their file as it is.
  const files = new Map<string, ShardFile>();
  const headsCurrent = new Set<string>();
  const headsOf = (shard: string) => path.join(folder, `${shard}.heads`);
  const loadShard = (shard: string): void => {
    if (loadedShards.has(shard)) return;
    loadedShards.add(shard);
    let fd: number;
    try {
      fd = openSync(path.join(folder, `${shard}.jsonl`), "r");
    } catch {
      knownStats.set(shard, "-");
      return; // No such shard (yet).
    }
    knownStats.set(shard, shardStat(fd));
    shardReads.count++;
    if (!codec.split) {
      try {
        linesPerShard.set(shard, indexShard(readFileSync(fd), entries));
      } finally {
        closeSync(fd);
      }
      return;
    }
    const file = { fd };
    files.set(shard, file);
    const lines = indexHeads(headsOf(shard), fd, file, entries);
    if (lines !== undefined) headsCurrent.add(shard);
    linesPerShard.set(shard, lines ?? indexShard(readFileSync(fd), entries, file));
  };
  const load = (): void => {
    for (const shard of allShards) loadShard(shard);
  };
  const live = new Set<string>();
  const stats = { hits: 0, misses: 0 };

  // Shard files read at a recorded location (see getAt), by shard: opened once each.
  const direct = new Map<string, number>();
  const getAt = (key: string, [start, end]: readonly [number, number]): T | undefined => {
    const shard = shardOf(key);
    if (loadedShards.has(shard) || !keyPattern.test(key) || !Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 65 || end <= start) return get(key);
    let fd = direct.get(shard);
    try {
      if (fd === undefined) direct.set(shard, (fd = openSync(path.join(folder, `${shard}.jsonl`), "r")));
      // The key and its space before, the line break after: the bytes are that key's whole line, whatever happened to
      // the file (a key names one value: any whole line of it is right).
      const bytes = Buffer.allocUnsafe(end - start + 66);
      if (readSync(fd, bytes, 0, bytes.length, start - 65) === bytes.length && bytes.toString("latin1", 0, 64) === key && bytes[64] === 0x20 && bytes[bytes.length - 1] === newline) {
        const value = codec.decode(bytes, 65, bytes.length - 1);
        stats.hits++;
        live.add(key);
        return value;
      }
    } catch {
      // Damaged or gone: read as get does.
    }
    return get(key);
  };
  const location = (key: string): [number, number] | undefined => {
    const entry = entries.get(key);
    const { raw, tail } = entry ?? {};
    if (!entry || !raw || !tail) return undefined;
    const head = entry.headOnly ? raw.end - raw.start : raw.buffer.indexOf(tab, raw.start) - raw.start;
    if (head < 0 || (!entry.headOnly && head > raw.end - raw.start)) return undefined;
    return [tail.offset - 1 - head, tail.offset + tail.length];
  };

  const get = (key: string): T | undefined => {
    loadShard(shardOf(key));
    const entry = entries.get(key);
    if (entry && entry.value === undefined && entry.raw) {
      try {
        const { buffer, start, end } = entry.raw;
        const tail = entry.tail;
        entry.value = entry.headOnly && tail ? codec.decode(buffer, start, end, () => readTail(tail)) : codec.decode(buffer, start, end);
      } catch {
        entries.delete(key);
      }
    }
    const value = entries.get(key)?.value;
    if (value === undefined) stats.misses++;
    else {
      stats.hits++;
      live.add(key);
    }
    return value;
  };

  const set = (key: string, value: T, json?: Uint8Array): void => {
    if (!keyPattern.test(key)) throw new Error(`cache key must be 64 hex digits, got ${JSON.stringify(key)}`);
    loadShard(shardOf(key));
    const entry = entries.get(key);
    if (entry) entry.value = value;
    else {
      const raw = json && { buffer: Buffer.from(json.buffer, json.byteOffset, json.byteLength), start: 0, end: json.byteLength };
      entries.set(key, { value, onDisk: false, ...(raw && { raw }) });
    }
    live.add(key);
  };

  const space = Buffer.from(" ");
  const tabBytes = Buffer.from("\t");
  const newlineBytes = Buffer.from("\n");
  /** An entry's value bytes as a line holds them. */
  const lineOf = (entry: Entry<T>): Buffer => {
    const { raw } = entry;
    if (raw && entry.headOnly) return Buffer.concat([raw.buffer.subarray(raw.start, raw.end), tabBytes, readTail(entry.tail!)]);
    return raw ? raw.buffer.subarray(raw.start, raw.end) : codec.encode(entry.value!);
  };
  // Lines are written as bytes, a few megabytes at a time: values still in their shard's bytes (or given as JSON) are
  // copied as they are, and no string of a whole shard is built (hundreds of megabytes at 100,000 papers, next to the
  // papers in memory, cost more than the writing). Split codecs: each entry written learns where its tail now is, in
  // `file` from offset `at` on.
  const writeLines = (target: string, flag: "w" | "a", keys: readonly string[], file?: ShardFile, at = 0): void => {
    const fd = openSync(target, flag);
    try {
      let chunk: Buffer[] = [];
      let bytes = 0;
      for (const key of keys) {
        const entry = entries.get(key)!;
        const json = lineOf(entry);
        if (file) {
          const split = json.indexOf(tab);
          if (split !== -1) {
            const tail = { file, offset: at + 65 + split + 1, length: json.length - split - 1 };
            if (entry.tail) Object.assign(entry.tail, tail);
            else entry.tail = tail;
            if (!entry.raw) entry.raw = { buffer: json, start: 0, end: json.length };
          } else delete entry.tail;
        }
        chunk.push(Buffer.from(key, "latin1"), space, json, newlineBytes);
        bytes += json.length + 66;
        at += json.length + 66;
        if (bytes >= 4_000_000) {
          writeBuffers(fd, chunk);
          chunk = [];
          bytes = 0;
        }
      }
      writeBuffers(fd, chunk);
    } finally {
      closeSync(fd);
    }
  };

  /**
   * Writes the heads index of a shard whose file holds the lines of `keys`, for the file as it is now; when a line's
   * head is not at hand, removes the index instead (the next process reads the shard whole).
   */
  const writeHeads = (shard: string, keys: Iterable<string>): void => {
    const file = files.get(shard);
    const target = headsOf(shard);
    const parts: Buffer[] = [];
    for (const key of keys) {
      const { raw, tail, headOnly } = entries.get(key)!;
      if (!raw || !tail || !file) return void rmSync(target, { force: true });
      const end = headOnly ? raw.end : raw.buffer.indexOf(tab, raw.start);
      if (end === -1 || end > raw.end) return void rmSync(target, { force: true });
      parts.push(Buffer.from(`${key} ${tail.offset} ${tail.length} `, "latin1"), raw.buffer.subarray(raw.start, end), newlineBytes);
    }
    const temp = `${target}.tmp-${process.pid}`;
    const fd = openSync(temp, "w");
    try {
      writeBuffers(fd, [Buffer.from(`${shardStat(file!.fd)} ${parts.length / 3}\n`, "latin1"), ...parts]);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    headsCurrent.add(shard);
  };

  const save = (): ReadonlySet<string> => {
    // Every shard: one whose stale entries outnumber the live ones is rewritten even when nothing was added to it.
    // Split codecs: a shard not read in this process had nothing set (a `set` reads its shard) and its heads index
    // counts its lines; when that index describes the file as it is and the stale lines (all but the live keys, which
    // `touch` vouched for) do not call for a rewrite, the shard is left as it is, unread (a build that adds a paper at
    // 100,000 papers used to read 15 shards' heads indexes, 100 MB, for nothing).
    const liveCount = new Map<string, number>();
    for (const key of live) liveCount.set(shardOf(key), (liveCount.get(shardOf(key)) ?? 0) + 1);
    const untouched = new Set<string>();
    for (const shard of allShards) {
      if (loadedShards.has(shard)) continue;
      const lines = codec.split ? linesByHeads(headsOf(shard), path.join(folder, `${shard}.jsonl`)) : undefined;
      const stale = lines === undefined ? undefined : lines - (liveCount.get(shard) ?? 0);
      if (stale !== undefined && !(stale > 64 && stale > (liveCount.get(shard) ?? 0))) untouched.add(shard);
      else loadShard(shard);
    }
    const rewritten = new Set<string>();
    mkdirSync(folder, { recursive: true });
    for (const name of readdirSync(dir)) {
      if (name !== path.basename(folder)) rmSync(path.join(dir, name), { recursive: true, force: true });
    }
    const liveByShard = new Map<string, string[]>();
    for (const key of live) {
      // A key touched (see `touch`) that no shard holds after all is not kept: it has no value to keep.
      if (!entries.has(key)) continue;
      const list = liveByShard.get(shardOf(key)) ?? [];
      list.push(key);
      liveByShard.set(shardOf(key), list);
    }
    const onDiskByShard = new Map<string, string[]>();
    if (codec.split) {
      for (const [key, entry] of entries) {
        if (!entry.onDisk) continue;
        const list = onDiskByShard.get(shardOf(key)) ?? [];
        list.push(key);
        onDiskByShard.set(shardOf(key), list);
      }
    }
    for (const shard of allShards) {
      if (untouched.has(shard)) continue;
      const file = path.join(folder, `${shard}.jsonl`);
      const keys = liveByShard.get(shard) ?? [];
      const fresh = keys.filter((key) => !entries.get(key)!.onDisk);
      const stored = linesPerShard.get(shard) ?? 0;
      const stale = stored - (keys.length - fresh.length);
      if (stale > 64 && stale > keys.length) {
        // Written beside the shard, then renamed over it: a reader sees the old shard or the new one, never half of one.
        const temp = `${file}.tmp-${process.pid}`;
        const written = codec.split ? { fd: openSync(temp, "w+") } : undefined;
        writeLines(temp, "w", keys, written);
        renameSync(temp, file);
        rewritten.add(shard);
        if (loadedShards.has(shard)) knownStats.set(shard, statOfShard(shard));
        linesPerShard.set(shard, keys.length);
        if (written) {
          // The replaced file stays open while a value's tail may still refer to it (see refresh).
          const replaced = files.get(shard);
          if (replaced) unreferenced.register(replaced, replaced.fd);
          files.set(shard, written);
          writeHeads(shard, keys);
        }
      } else if (fresh.length) {
        if (codec.split && !files.has(shard)) files.set(shard, { fd: openSync(file, "a+") });
        const at = codec.split ? Number(fstatSync(files.get(shard)!.fd).size) : 0;
        writeLines(file, "a", fresh, files.get(shard), at);
        if (loadedShards.has(shard)) knownStats.set(shard, statOfShard(shard));
        linesPerShard.set(shard, stored + fresh.length);
        if (codec.split) writeHeads(shard, [...(onDiskByShard.get(shard) ?? []), ...fresh]);
      } else if (codec.split && files.has(shard) && !headsCurrent.has(shard)) writeHeads(shard, onDiskByShard.get(shard) ?? []);
    }
    // A dev server rebuilds from what this build used, kept decoded, and file bytes are let go (but for split codecs,
    // whose values keep them until their tails are read, and the heads index needs them). An entry this build did not
    // use keeps its place but not its value while its line is still in the shard file: a read shard is not read again,
    // so its entries are all the store knows of that file, and the next build may ask for such a paper again (the
    // version of a file from two builds ago, which the paper summaries still name). Only a line the shard's rewrite left
    // out is forgotten.
    for (const [key, entry] of entries) {
      if (live.has(key)) {
        entry.onDisk = true;
        if (!codec.split) delete entry.raw;
      } else if (rewritten.has(shardOf(key)) || !entry.onDisk) entries.delete(key);
      else if (entry.raw) delete entry.value;
    }
    live.clear();
    stats.hits = 0;
    stats.misses = 0;
    return rewritten;
  };

  return {
    get,
    getAt,
    location,
    set,
    save,
    stats,
    get size() {
      load();
      return entries.size;
    },
    touch: (key) => void live.add(key),
    refresh() {
      // Files read at a recorded location are opened again when next used, so as to be the files as they are now.
      for (const fd of direct.values()) closeSync(fd);
      direct.clear();
      const changed = new Set([...loadedShards].filter((shard) => statOfShard(shard) !== knownStats.get(shard)));
      if (!changed.size) return;
      for (const key of entries.keys()) if (changed.has(shardOf(key))) entries.delete(key);
      for (const shard of changed) {
        for (const set of [loadedShards, headsCurrent]) set.delete(shard);
        for (const map of [linesPerShard, knownStats]) map.delete(shard);
        // Its tails may still be read by a value decoded before (a paper whose text is read when first used): the file
        // is closed once nothing refers to it.
        const file = files.get(shard);
        files.delete(shard);
        if (file) unreferenced.register(file, file.fd);
      }
    },
    identity: () =>
      [...shardNames()]
        .sort()
        .map((name) => {
          const stat = statSync(path.join(folder, name), { bigint: true, throwIfNoEntry: false });
          return `${name} ${statLine(stat)}`;
        })
        .join("\n"),
    isEmpty: () => (loadedShards.size === allShards.length ? entries.size === 0 : !shardNames().some((name) => (statSync(path.join(folder, name), { throwIfNoEntry: false })?.size ?? 0) > 0)),
  };
}

/**
 * Writes `buffers` whole at the file's position, without first copying them into one (a shard is about 100 MB at
 * 100,000 papers: the copy cost more than the write). A call writes at most 1,024 buffers (IOV_MAX), and may write
 * fewer bytes than asked.
 */
function writeBuffers(fd: number, buffers: readonly Buffer[]): void {
  let list = buffers;
  while (list.length) {
    let written = writevSync(fd, list.length > 1024 ? list.slice(0, 1024) : (list as Buffer[]));
    let done = 0;
    while (done < list.length && written >= list[done]!.length) written -= list[done++]!.length;
    if (done === 0 && written === 0 && list[0]!.length) throw new Error("the file system wrote nothing");
    list = done < list.length ? [list[done]!.subarray(written), ...list.slice(done + 1)] : [];
  }
}
