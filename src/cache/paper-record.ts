import type { RenderedPaper } from "../markdown/paper.ts";

/**
 * A typeset paper as the paper cache stores it: one line of JSON texts split by tabs (JSON text never holds a raw tab),
 * `<metadata>\t<body>\t<abstractHtml>\t<text>\t<abstractText>`. The text fields, the large ones (about 20 of a paper's
 * 22 KB), each have a JSON text of their own; the metadata holds every other field, and these as 0 where they stand in
 * the paper, so a decoded paper lists its fields in the same order. Grouping the site and planning its pages read only
 * the metadata, and each text field is decoded from the same line when read (see textOf): a paper page reads the
 * typeset abstract, a search record the plain text, a feed item the source; a cold build's main thread never decodes
 * the text a search record is made of (the typesetting worker makes the paper's search row, see src/search/rows.ts). All
 * parts come from one line, written at once, so a paper's metadata and its text are always of the same rendering.
 */
export const textFields = ["body", "abstractHtml", "text", "abstractText"] as const satisfies readonly (keyof RenderedPaper)[];

const tab = 0x09;

/** The record of a paper (see above), as a string. */
export function encodePaperRecord(paper: RenderedPaper): string {
  const meta: Record<string, unknown> = { ...paper };
  for (const field of textFields) meta[field] = 0;
  let record = JSON.stringify(meta);
  for (const field of textFields) record += `\t${JSON.stringify(paper[field]) ?? "null"}`;
  return record;
}

/** The lines a paper record was decoded from (see `recordOf`). */
const records = new WeakMap<RenderedPaper, Buffer>();

/**
 * How many papers had any of their text decoded in this process, and how many text fields in all (for tests and
 * profiles of what a build reads).
 */
export const textDecodes = { count: 0, fields: 0 };

const damaged = () => new Error("damaged paper record in the build cache");

/** Where a decoded paper's text is (see decodePaperRecord). */
interface PendingText {
  /** The record's bytes and where its text fields are in them; or `tail`, which reads the text fields. */
  bytes?: Buffer;
  start: number;
  end: number;
  tail?: () => Buffer;
  /** Where each text field's JSON starts in `bytes`, and where the last one ends (found on first use). */
  bounds?: number[];
  /** The fields read (`unread` for the others), kept while this is the paper whose text was read last. */
  values?: unknown[];
}

const unread = Symbol("unread");

/** A decoded paper's pending text, under a key no paper field can have, not enumerable. */
const pending = Symbol("paper text");

/** The text of the paper whose text was read last: the only one whose decoded fields are kept (see textOf). */
let latest: PendingText | undefined;

/**
 * Text field `i` of a decoded paper, decoded from the record's bytes when read. The fields are kept only until
 * another paper's text is read: a paper's text is read while its page is made (and while its feed items are), and a
 * page reads a field several times, but no page reads it again later. Kept for every paper, the decoded text (two
 * bytes a character: MathML is not Latin-1) was most of what survived the main thread's young collections while
 * the paper pages were made, 80 MB at 10,000 papers, each copied twice by the collector.
 */
function textOf(paper: { [pending]: PendingText }, i: number): unknown {
  const state = paper[pending];
  if (state.values && state.values[i] !== unread) return state.values[i];
  if (latest !== state) {
    if (latest) latest.values = undefined;
    latest = state;
  }
  state.values ??= textFields.map(() => unread);
  if (!state.bounds) {
    if (state.tail) {
      state.bytes = state.tail();
      state.start = 0;
      state.end = state.bytes.length;
      state.tail = undefined;
    }
    const bytes = state.bytes!;
    const bounds = [state.start];
    for (let at = state.start; bounds.length < textFields.length; ) {
      const split = bytes.indexOf(tab, at);
      if (split === -1 || split >= state.end) throw damaged();
      bounds.push((at = split + 1));
    }
    const extra = bytes.indexOf(tab, bounds[bounds.length - 1]);
    if (extra !== -1 && extra < state.end) throw damaged();
    bounds.push(state.end + 1);
    state.bounds = bounds;
    textDecodes.count++;
  }
  const value = JSON.parse(state.bytes!.toString("utf8", state.bounds[i]!, state.bounds[i + 1]! - 1)) as unknown;
  state.values[i] = value;
  textDecodes.fields++;
  return value;
}

/**
 * One accessor per text field, shared by every decoded paper: defining accessors made for each paper (five closures
 * a paper) cost more than parsing its metadata, about 100,000 times in a build that adds a paper at 100,000 papers.
 */
const textAccessors = textFields.map(
  (_field, i): PropertyDescriptor => ({
    get(this: { [pending]: PendingText }) {
      return textOf(this, i);
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
  if (split === -1 || split > end) throw damaged();
  const paper = JSON.parse(bytes.toString("utf8", start, split)) as Record<string | symbol, unknown>;
  if (!paper || typeof paper !== "object") throw damaged();
  // Not enumerable: a spread or a comparison of the paper never sees it.
  const text: PendingText = tail ? { start: 0, end: 0, tail } : { bytes, start: split + 1, end };
  Object.defineProperty(paper, pending, { value: text });
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
