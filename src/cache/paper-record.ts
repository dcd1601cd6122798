import type { RenderedPaper } from "../markdown/paper.ts";

/**
 * A typeset paper as the paper cache stores it: one line of two JSON texts split by a tab (JSON text never holds a raw
 * tab), `<metadata>\t<text>`. The text part holds the fields below, the large ones (about 20 of a paper's 22 KB); the
 * metadata part holds every other field, and these as 0 where they stand in the paper, so a decoded paper lists its
 * fields in the same order. Grouping the site and planning its pages read only the metadata: a paper's text is decoded
 * from the same line, on first use, only for the pages, feed items and search records that show it. Both parts come
 * from one line, written at once, so a paper's metadata and its text are always of the same rendering.
 */
export const textFields = ["body", "abstractHtml", "text", "abstractText"] as const satisfies readonly (keyof RenderedPaper)[];

const tab = 0x09;

/** The record of a paper (see above), as a string. */
export function encodePaperRecord(paper: RenderedPaper): string {
  const meta: Record<string, unknown> = { ...paper };
  for (const field of textFields) meta[field] = 0;
  return `${JSON.stringify(meta)}\t${JSON.stringify(textFields.map((field) => paper[field]))}`;
}

/** The lines a paper record was decoded from (see `recordOf`). */
const records = new WeakMap<RenderedPaper, Buffer>();

/** How many papers had their text decoded in this process (for tests and profiles of what a build reads). */
export const textDecodes = { count: 0 };

/** A paper record's text part, checked: its fields, in `textFields` order. */
function parseText(json: string): unknown[] {
  const values = JSON.parse(json) as unknown;
  if (!Array.isArray(values) || values.length !== textFields.length) throw new Error("damaged paper record in the build cache");
  return values;
}

/** A paper record decoded whole (a record fresh from a worker thread). */
export function parsePaperRecord(line: string): RenderedPaper {
  const split = line.indexOf("\t");
  if (split === -1) throw new Error("damaged paper record in the build cache");
  const paper = JSON.parse(line.slice(0, split)) as Record<string, unknown>;
  const values = parseText(line.slice(split + 1));
  textFields.forEach((field, i) => (paper[field] = values[i]));
  return paper as unknown as RenderedPaper;
}

/** Where a decoded paper's text is, until it is read (see decodePaperRecord). */
interface PendingText {
  /** The record's bytes and where its text part is in them; or `tail`, which reads the text part. */
  bytes?: Buffer;
  start: number;
  end: number;
  tail?: () => Buffer;
  values?: unknown[];
}

/** A decoded paper's pending text, under a key no paper field can have, not enumerable. */
const pending = Symbol("paper text");

/** The text fields of a decoded paper, decoded on first use; the record's bytes are let go then. */
function textOf(paper: { [pending]: PendingText }): unknown[] {
  const state = paper[pending];
  if (!state.values) {
    state.values = parseText(state.tail ? state.tail().toString("utf8") : state.bytes!.toString("utf8", state.start, state.end));
    state.bytes = undefined;
    state.tail = undefined;
    textDecodes.count++;
  }
  return state.values;
}

/**
 * One accessor per text field, shared by every decoded paper: defining accessors made for each paper (five closures
 * a paper) cost more than parsing its metadata, about 100,000 times in a build that adds a paper at 100,000 papers.
 */
const textAccessors = textFields.map(
  (_field, i): PropertyDescriptor => ({
    get(this: { [pending]: PendingText }) {
      return textOf(this)[i];
    },
    enumerable: true,
    configurable: false,
  }),
);

/**
 * The paper of the record in `bytes` from `start` to `end`: its metadata decoded now, its text (see `textFields`)
 * when a field of it is first read. With `tail`, the bytes are the metadata part alone, and `tail` gives the text
 * part (the paper cache's store reads it from the shard file then). Throws when the metadata does not parse.
 */
export function decodePaperRecord(bytes: Buffer, start: number, end: number, tail?: () => Buffer): RenderedPaper {
  const split = tail ? end : bytes.indexOf(tab, start);
  if (split === -1 || split > end) throw new Error("damaged paper record in the build cache");
  const paper = JSON.parse(bytes.toString("utf8", start, split)) as Record<string | symbol, unknown>;
  if (!paper || typeof paper !== "object") throw new Error("damaged paper record in the build cache");
  // Not enumerable: a spread or a comparison of the paper never sees it.
  Object.defineProperty(paper, pending, { value: tail ? { start: 0, end: 0, tail } : { bytes, start: split + 1, end } });
  // Accessors where the fields stand (the 0s of the metadata), so the paper lists its fields in the stored order.
  for (let i = 0; i < textFields.length; i++) Object.defineProperty(paper, textFields[i]!, textAccessors[i]!);
  // The whole record, to write back as it is (a paper whose text is elsewhere is encoded again when written).
  if (!tail) records.set(paper as unknown as RenderedPaper, bytes.subarray(start, end));
  return paper as unknown as RenderedPaper;
}

/** The record a paper was decoded from, as it is (undefined for a paper built otherwise): written back without decoding. */
export function recordOf(paper: RenderedPaper): Buffer | undefined {
  return records.get(paper);
}
