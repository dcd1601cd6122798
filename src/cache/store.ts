import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A persistent key-value store for build results, in `<dir>/<fingerprint>/`: 16 shard files of lines
 * `<64-hex key> <JSON value>`. A build appends what it computed; a shard whose stale entries
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
  /** Writes new entries and compacts; keeps entries read or set since the last save as the live ones. */
  save(): void;
  /** Lookups since the last save: found and not found. */
  readonly stats: { hits: number; misses: number };
  /** How many entries the store holds, on disk or set since. */
  readonly size: number;
  /** True when the store holds nothing; does not read the shard files (see `size`, which does). */
  isEmpty(): boolean;
}

/** How a store turns values into the bytes of a line and back; the default is JSON. */
export interface Codec<T> {
  /** The value of the line bytes from `start` to `end` (they may be kept by the value); throws when they are damaged. */
  decode(bytes: Buffer, start: number, end: number): T;
  /** The line bytes of a value (never a line break). */
  encode(value: T): Buffer;
}

const jsonCodec: Codec<unknown> = {
  decode: (bytes, start, end) => JSON.parse(bytes.toString("utf8", start, end)) as never,
  encode: (value) => Buffer.from(JSON.stringify(value)),
};

const keyPattern = /^[0-9a-f]{64}$/;
const shardOf = (key: string) => key[0]!;
const newline = 0x0a;

type Raw = { buffer: Buffer; start: number; end: number };

/**
 * Byte ranges of a shard file's lines, by key (values are decoded only when asked for), and the number of lines; a
 * file cut short by a killed build counts as all stale, so the next save rewrites it instead of appending to a torn line,
 * and its last line, torn, is not indexed (a codec may decode part of a value only when it is used).
 */
function indexShard(file: string, into: Map<string, Raw>): number {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch {
    return 0;
  }
  let lines = 0;
  for (let start = 0; start < buffer.length; ) {
    const end = buffer.indexOf(newline, start);
    if (end === -1) break;
    if (end - start > 65 && buffer[start + 64] === 0x20) {
      into.set(buffer.toString("latin1", start, start + 64), { buffer, start: start + 65, end });
      lines++;
    }
    start = end + 1;
  }
  return buffer.length && buffer[buffer.length - 1] !== newline ? Number.MAX_SAFE_INTEGER : lines;
}

/** One key: its value once decoded, its bytes in a shard file until then, and whether a shard file holds it. */
interface Entry<T> {
  value?: T;
  raw?: Raw;
  onDisk: boolean;
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
  // The shard files are read on first use: a build that finds nothing changed never needs them.
  let loaded = false;
  const load = (): void => {
    if (loaded) return;
    loaded = true;
    for (const name of shardNames()) {
      const raws = new Map<string, Raw>();
      linesPerShard.set(name[0]!, indexShard(path.join(folder, name), raws));
      for (const [key, raw] of raws) entries.set(key, { raw, onDisk: true });
    }
  };
  const live = new Set<string>();
  const stats = { hits: 0, misses: 0 };

  const get = (key: string): T | undefined => {
    load();
    const entry = entries.get(key);
    if (entry && entry.value === undefined && entry.raw) {
      try {
        entry.value = codec.decode(entry.raw.buffer, entry.raw.start, entry.raw.end);
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
    load();
    const entry = entries.get(key);
    if (entry) entry.value = value;
    else {
      const raw = json && { buffer: Buffer.from(json.buffer, json.byteOffset, json.byteLength), start: 0, end: json.byteLength };
      entries.set(key, { value, onDisk: false, ...(raw && { raw }) });
    }
    live.add(key);
  };

  // Lines are written as bytes, a few megabytes at a time: values still in their shard's bytes (or given as JSON) are
  // copied as they are, and no string of a whole shard is built (hundreds of megabytes at 100,000 papers, next to the
  // papers in memory, cost more than the writing).
  const space = Buffer.from(" ");
  const newlineBytes = Buffer.from("\n");
  const writeLines = (file: string, flag: "w" | "a", keys: readonly string[]): void => {
    const fd = openSync(file, flag);
    try {
      let chunk: Buffer[] = [];
      let bytes = 0;
      for (const key of keys) {
        const { raw, value } = entries.get(key)!;
        const json = raw ? raw.buffer.subarray(raw.start, raw.end) : codec.encode(value!);
        chunk.push(Buffer.from(key, "latin1"), space, json, newlineBytes);
        bytes += json.length + 66;
        if (bytes >= 4_000_000) {
          writeFileSync(fd, Buffer.concat(chunk));
          chunk = [];
          bytes = 0;
        }
      }
      if (chunk.length) writeFileSync(fd, Buffer.concat(chunk));
    } finally {
      closeSync(fd);
    }
  };

  const save = (): void => {
    load();
    mkdirSync(folder, { recursive: true });
    for (const name of readdirSync(dir)) {
      if (name !== path.basename(folder)) rmSync(path.join(dir, name), { recursive: true, force: true });
    }
    const liveByShard = new Map<string, string[]>();
    for (const key of live) {
      const list = liveByShard.get(shardOf(key)) ?? [];
      list.push(key);
      liveByShard.set(shardOf(key), list);
    }
    for (const shard of "0123456789abcdef") {
      const file = path.join(folder, `${shard}.jsonl`);
      const keys = liveByShard.get(shard) ?? [];
      const fresh = keys.filter((key) => !entries.get(key)!.onDisk);
      const stored = linesPerShard.get(shard) ?? 0;
      const stale = stored - (keys.length - fresh.length);
      if (stale > 64 && stale > keys.length) {
        // Written beside the shard, then renamed over it: a reader sees the old shard or the new one, never half of one.
        const temp = `${file}.tmp-${process.pid}`;
        writeLines(temp, "w", keys);
        renameSync(temp, file);
        linesPerShard.set(shard, keys.length);
      } else if (fresh.length) {
        writeLines(file, "a", fresh);
        linesPerShard.set(shard, stored + fresh.length);
      }
    }
    // A dev server rebuilds from what this build used, kept decoded; the rest stays on disk only, and file bytes are let go.
    for (const [key, entry] of entries) {
      if (!live.has(key)) entries.delete(key);
      else {
        entry.onDisk = true;
        delete entry.raw;
      }
    }
    live.clear();
    stats.hits = 0;
    stats.misses = 0;
  };

  return {
    get,
    set,
    save,
    stats,
    get size() {
      load();
      return entries.size;
    },
    isEmpty: () => (loaded ? entries.size === 0 : !shardNames().some((name) => (statSync(path.join(folder, name), { throwIfNoEntry: false })?.size ?? 0) > 0)),
  };
}
