import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { deserialize, serialize } from "node:v8";
import type { RenderedPaper } from "../markdown/paper.ts";

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

interface Stored {
  version: 1;
  fingerprint: string;
  /** The cache's `Store.identity()` after its files were written. */
  identity: string;
  keys: string[];
  /** Distinct lists of field names, and each paper's (same order as `keys`). */
  shapes: string[][];
  shapeOf: number[];
  /** Per summary field, each paper's value (undefined where the paper has no such field). */
  values: Record<SummaryField, unknown[]>;
}

/** Summaries read from the file, for one fingerprint and cache identity. */
export interface PaperSummaries {
  /** The paper of this content key, made from its summary; `full` decodes the whole paper when another field is read. */
  paper(key: string, full: (key: string) => RenderedPaper): RenderedPaper | undefined;
}

/** Where a summarised paper's whole paper comes from, and the whole paper once decoded. */
interface Pending {
  key: string;
  full: (key: string) => RenderedPaper;
  paper?: RenderedPaper;
}

const pending = Symbol("whole paper");

/** How many summarised papers had their other fields decoded in this process (for tests and profiles). */
export const summaryDecodes = { count: 0 };

const wholeOf = (paper: { [pending]: Pending }): RenderedPaper => {
  const state = paper[pending];
  if (!state.paper) {
    state.paper = state.full(state.key);
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

/** Reads the summaries in `file`, when they are of this fingerprint and of the cache as its files are (`identity`). */
export function readPaperSummaries(file: string, fingerprint: string, identity: string): PaperSummaries | undefined {
  let stored: Stored;
  try {
    stored = deserialize(readFileSync(file)) as Stored;
  } catch {
    return undefined;
  }
  if (stored?.version !== 1 || stored.fingerprint !== fingerprint || stored.identity !== identity || !Array.isArray(stored.keys)) return undefined;
  const { keys, shapes, shapeOf, values } = stored;
  if (!Array.isArray(shapes) || !Array.isArray(shapeOf) || shapeOf.length !== keys.length) return undefined;
  if (summaryFields.some((field) => !Array.isArray(values?.[field]) || values[field].length !== keys.length)) return undefined;
  const index = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) index.set(keys[i]!, i);
  return {
    paper(key, full) {
      const i = index.get(key);
      if (i === undefined) return undefined;
      const shape = shapes[shapeOf[i]!];
      if (!shape) return undefined;
      const paper: Record<string | symbol, unknown> = {};
      // Fields in the paper's own order, so a summarised paper lists them as the decoded paper does.
      for (const name of shape) {
        if (isSummaryField.has(name)) paper[name] = values[name as SummaryField][i];
        else Object.defineProperty(paper, name, accessorOf(name));
      }
      Object.defineProperty(paper, pending, { value: { key, full } satisfies Pending });
      return paper as unknown as RenderedPaper;
    },
  };
}

/** Writes the summaries of `papers` (each with the content key the cache stores it under) to `file`, atomically. */
export function writePaperSummaries(file: string, fingerprint: string, identity: string, papers: Iterable<[key: string, paper: RenderedPaper]>): void {
  const keys: string[] = [];
  const shapes: string[][] = [];
  const shapeIds = new Map<string, number>();
  const shapeOf: number[] = [];
  const values = Object.fromEntries(summaryFields.map((field) => [field, [] as unknown[]])) as Stored["values"];
  for (const [key, paper] of papers) {
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
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, serialize({ version: 1, fingerprint, identity, keys, shapes, shapeOf, values } satisfies Stored));
  renameSync(temp, file);
}
