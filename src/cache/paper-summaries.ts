import { renameSync, rmSync, writeFileSync } from "node:fs";
import { deserialize, serialize } from "node:v8";
import type { RenderedPaper } from "../markdown/paper.ts";
import { fileIdentity, readWithStat } from "./file-identity.ts";

/**
 * Paper summaries: one file (`.cache/papers.summaries`, v8 serialised) holding, for each paper the paper cache kept in
 * the last build, by content key, the few fields that grouping the site, planning its pages, the feeds' inputs, the
 * sitemap and the search index's unchanged papers read (`summaryFields`), and the names of all its fields in order.
 * A build that adds a paper at 100,000 papers read and parsed the metadata of every paper from the cache's shard
 * files (100 MB of JSON); from this file it makes each paper from its summary, and the paper's other fields are
 * accessors that decode the paper from the cache when first read (the papers on the pages it renders).
 *
 * Never stale: a summary is found only by the paper's content key (a hash of its file's path and text and of the code
 * that renders it), the same key the cache stores the whole paper under; its fields are copied from that very paper;
 * and the file is used only when it records the cache's shard files with the stat they have now (the cache only
 * appends to a shard or replaces it), so every paper it summarises is in the cache as it was summarised. Anything else
 * (no file, a damaged one, another fingerprint, a shard changed or missing) and the cache is read as before.
 */
export const summaryFields = ["id", "slug", "date", "published", "upvotes", "titleText", "tags", "organization", "source"] as const;

type SummaryField = (typeof summaryFields)[number];

/** Summaries of some papers: their content keys, field names and summary fields, in one order. */
interface Summarised {
  keys: string[];
  /** Distinct lists of field names, and each paper's (same order as `keys`). */
  shapes: string[][];
  shapeOf: number[];
  /** Per summary field, each paper's value (undefined where the paper has no such field). */
  values: Record<SummaryField, unknown[]>;
  /** Where each paper's record is in its cache shard file (see Store.location), or -1 and -1. */
  starts: number[];
  ends: number[];
}

interface Stored extends Summarised {
  version: 3;
  fingerprint: string;
  /** The cache's `Store.identity()` after its files were written. */
  identity: string;
  /**
   * Only in the file of added summaries (`<file>.more`): the stat of the summaries file it adds to (inode, size,
   * modification and change times). Its `identity` is then the cache's after the build that wrote it.
   */
  base?: string;
}

/** Summaries read from the file, for one fingerprint and cache identity. */
export interface PaperSummaries {
  /**
   * The paper of this content key, made from its summary; `full` decodes the whole paper when another field is read,
   * given where its record is in the cache's shard file when the summaries know (see Store.getAt).
   */
  paper(key: string, full: (key: string, at?: [start: number, end: number]) => RenderedPaper): RenderedPaper | undefined;
  /** True when the summaries have a paper of this content key. */
  has(key: string): boolean;
  /** Where the record of this content key is in the cache's shard file, when the summaries know. */
  location(key: string): [start: number, end: number] | undefined;
  /** How many papers they summarise. */
  readonly size: number;
  /** The cache's identity they were read for (see readPaperSummaries). */
  readonly identity: string;
  /** The stat of the summaries file read (see Stored's `base`), and the added summaries read with it, if any. */
  readonly base: string;
  readonly added?: Summarised;
}

/**
 * Where a summarised paper's whole paper comes from (its content key, the summaries that made it, which know where its
 * record is, and what decodes it), and the whole paper once decoded. One small object a paper: where the record is
 * is looked up when the paper is decoded, for the few papers that are.
 */
interface Pending {
  key: string;
  from: PaperSummaries;
  full: (key: string, at?: [start: number, end: number]) => RenderedPaper;
  paper?: RenderedPaper;
}

const pending = Symbol("whole paper");

/** How many summarised papers had their other fields decoded in this process (for tests and profiles). */
export const summaryDecodes = { count: 0 };

const wholeOf = (paper: { [pending]: Pending }): RenderedPaper => {
  const state = paper[pending];
  if (!state.paper) {
    state.paper = state.full(state.key, state.from.location(state.key));
    summaryDecodes.count++;
  }
  return state.paper;
};

/** One accessor per field name, shared by every summarised paper (see paper-record.ts's text accessors). */
const accessors = new Map<string, PropertyDescriptor>();
const accessorOf = (name: string): PropertyDescriptor => {
  let descriptor = accessors.get(name);
  if (!descriptor) {
    descriptor = {
      get(this: { [pending]: Pending }) {
        return (wholeOf(this) as unknown as Record<string, unknown>)[name];
      },
      enumerable: true,
      configurable: false,
    };
    accessors.set(name, descriptor);
  }
  return descriptor;
};

const isSummaryField = new Set<string>(summaryFields);

/**
 * The content key of a paper made from summaries (see PaperSummaries.paper) and the summaries that made it; undefined
 * for any other paper. The paper cache keys the papers it makes from summaries by this, rather than in a WeakMap
 * (100,000 entries at 100,000 papers, which the collector walks too).
 */
export function summaryOf(paper: object): { key: string; from: PaperSummaries } | undefined {
  return (paper as { [pending]?: Pending })[pending];
}

/** The stored summaries in `bytes` when they are whole and of this fingerprint, else undefined. */
function parseStored(bytes: Buffer | undefined, fingerprint: string): Stored | undefined {
  if (!bytes) return undefined;
  let stored: Stored;
  try {
    stored = deserialize(bytes) as Stored;
  } catch {
    return undefined;
  }
  if (stored?.version !== 3 || stored.fingerprint !== fingerprint || typeof stored.identity !== "string" || !Array.isArray(stored.keys)) return undefined;
  const { keys, shapes, shapeOf, values } = stored;
  if (!Array.isArray(shapes) || !Array.isArray(shapeOf) || shapeOf.length !== keys.length) return undefined;
  if (summaryFields.some((field) => !Array.isArray(values?.[field]) || values[field].length !== keys.length)) return undefined;
  if (!Array.isArray(stored.starts) || !Array.isArray(stored.ends) || stored.starts.length !== keys.length || stored.ends.length !== keys.length) return undefined;
  return stored;
}

/** The file of summaries added to `file` (see writeAddedSummaries). */
const addedFileOf = (file: string) => `${file}.more`;

/**
 * Reads the summaries in `file`, when they are of this fingerprint and of the cache as its files are (`identity`):
 * the file's own, or the file's and those added to it since (`<file>.more`, see writeAddedSummaries), when that names
 * the file read and the cache's files as they are.
 */
export function readPaperSummaries(file: string, fingerprint: string, identity: string): PaperSummaries | undefined {
  const read = readWithStat(file);
  const stored = parseStored(read?.bytes, fingerprint);
  if (!read || !stored) return undefined;
  const base = fileIdentity(read.stat);
  const more = parseStored(readWithStat(addedFileOf(file))?.bytes, fingerprint);
  const added = more && more.base === base && more.identity === identity ? more : undefined;
  if (!added && stored.identity !== identity) return undefined;
  const parts = added ? [stored, added] : [stored];
  // Key -> part and index in it (the part as the index's high bit: two parts at most).
  const index = new Map<string, number>();
  for (let p = 0; p < parts.length; p++) {
    const { keys } = parts[p]!;
    for (let i = 0; i < keys.length; i++) index.set(keys[i]!, i * 2 + p);
  }
  // Per part and shape, each field in order: its summary values, or the accessor that decodes the paper for it (made
  // once a shape, not looked up for each of 100,000 papers' 20 fields).
  type Field = { name: string; values: unknown[] } | { name: string; accessor: PropertyDescriptor };
  const fieldsOf: (Field[] | undefined)[][] = parts.map(() => []);
  const fields = (p: number, id: number): Field[] | undefined => {
    const known = fieldsOf[p]![id];
    if (known) return known;
    const { shapes, values } = parts[p]!;
    const shape = shapes[id];
    if (!Array.isArray(shape)) return undefined;
    const made = shape.map((name): Field => (isSummaryField.has(name) ? { name, values: values[name as SummaryField] } : { name, accessor: accessorOf(name) }));
    fieldsOf[p]![id] = made;
    return made;
  };
  const summaries: PaperSummaries = {
    size: index.size,
    identity,
    base,
    ...(added ? { added } : {}),
    has: (key) => index.has(key),
    location,
    paper(key, full) {
      const at = index.get(key);
      if (at === undefined) return undefined;
      const i = at >>> 1;
      const shape = fields(at & 1, parts[at & 1]!.shapeOf[i]!);
      if (!shape) return undefined;
      const paper: Record<string | symbol, unknown> = {};
      // Fields in the paper's own order, so a summarised paper lists them as the decoded paper does.
      for (const field of shape) {
        if ("values" in field) paper[field.name] = field.values[i];
        else Object.defineProperty(paper, field.name, field.accessor);
      }
      Object.defineProperty(paper, pending, { value: { key, from: summaries, full } satisfies Pending });
      return paper as unknown as RenderedPaper;
    },
  };
  return summaries;
  function location(key: string): [number, number] | undefined {
    const at = index.get(key);
    if (at === undefined) return undefined;
    const { starts, ends } = parts[at & 1]!;
    const [start, end] = [starts[at >>> 1], ends[at >>> 1]];
    return typeof start === "number" && typeof end === "number" && start >= 0 && end > start ? [start, end] : undefined;
  }
}

/** Where a paper's record is in the cache's shard file (see Store.location), if known. */
export type Locate = (key: string) => [start: number, end: number] | undefined;

/** The summaries of `papers` (each with the content key the cache stores it under), appended to `into`. */
function summarise(papers: Iterable<[key: string, paper: RenderedPaper]>, locate: Locate, into?: Summarised): Summarised {
  const keys: string[] = into ? [...into.keys] : [];
  const shapes: string[][] = into ? [...into.shapes] : [];
  const shapeIds = new Map(shapes.map((names, id) => [names.join("\0"), id]));
  const shapeOf: number[] = into ? [...into.shapeOf] : [];
  const values = Object.fromEntries(summaryFields.map((field) => [field, into ? [...into.values[field]] : []])) as Summarised["values"];
  const starts: number[] = into ? [...into.starts] : [];
  const ends: number[] = into ? [...into.ends] : [];
  for (const [key, paper] of papers) {
    const [start, end] = locate(key) ?? [-1, -1];
    starts.push(start);
    ends.push(end);
    // A summarised paper's names are its own (Object.keys reads no accessor); another paper's, but those of fields it
    // holds as undefined, which its record (JSON) leaves out.
    const names = pending in paper ? Object.keys(paper) : Object.keys(paper).filter((name) => Object.getOwnPropertyDescriptor(paper, name)!.get || (paper as unknown as Record<string, unknown>)[name] !== undefined);
    const joined = names.join("\0");
    let id = shapeIds.get(joined);
    if (id === undefined) {
      shapeIds.set(joined, (id = shapes.length));
      shapes.push(names);
    }
    keys.push(key);
    shapeOf.push(id);
    const record = paper as unknown as Record<string, unknown>;
    for (const field of summaryFields) values[field].push(record[field]);
  }
  return { keys, shapes, shapeOf, values, starts, ends };
}

/** Writes `stored` to `file` atomically (written beside it, then renamed over it). */
function writeStored(file: string, stored: Stored): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, serialize(stored));
  renameSync(temp, file);
}

/** Writes the summaries of `papers` (each with the content key the cache stores it under) to `file`, atomically. */
export function writePaperSummaries(file: string, fingerprint: string, identity: string, papers: Iterable<[key: string, paper: RenderedPaper]>, locate: Locate = () => undefined): void {
  writeStored(file, { version: 3, fingerprint, identity, ...summarise(papers, locate) });
  // Added summaries name the file they add to, which is replaced: they would not be used again.
  rmSync(addedFileOf(file), { force: true });
}

/**
 * Adds the summaries of `papers` to those `previous` read from `file` (and the ones added to it then), for the cache
 * as it is now (`identity`), without writing `file` again (27 MB at 100,000 papers): they go to `<file>.more` with the
 * stat of `file`. Only for a cache that was only appended to since `previous` was read (no shard replaced: every paper
 * the summaries name is still in it). Returns false, writing nothing, when the added summaries would be over an eighth
 * of the file's: then the caller writes them all (writePaperSummaries).
 */
export function writeAddedSummaries(
  file: string,
  fingerprint: string,
  identity: string,
  previous: PaperSummaries,
  papers: readonly [key: string, paper: RenderedPaper][],
  locate: Locate = () => undefined,
): boolean {
  const fresh = papers.filter(([key]) => !previous.has(key));
  const count = (previous.added?.keys.length ?? 0) + fresh.length;
  if (count > Math.max(64, (previous.size - count) / 8)) return false;
  if (!fresh.length && previous.identity === identity) return true;
  writeStored(addedFileOf(file), { version: 3, fingerprint, identity, base: previous.base, ...summarise(fresh, locate, previous.added) });
  return true;
}
