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

type TextField = (typeof textFields)[number];

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

/**
 * The paper of the record in `bytes` from `start` to `end`: its metadata decoded now, its text (see `textFields`)
 * when a field of it is first read. With `tail`, the bytes are the metadata part alone, and `tail` gives the text
 * part (the paper cache's store reads it from the shard file then). Throws when the metadata does not parse.
 */
export function decodePaperRecord(bytes: Buffer, start: number, end: number, tail?: () => Buffer): RenderedPaper {
  const split = tail ? end : bytes.indexOf(tab, start);
  if (split === -1 || split > end) throw new Error("damaged paper record in the build cache");
  const paper = JSON.parse(bytes.toString("utf8", start, split)) as Record<string, unknown>;
  if (!paper || typeof paper !== "object") throw new Error("damaged paper record in the build cache");
  let source: Buffer | undefined = bytes;
  let values: unknown[] | undefined;
  const text = (): unknown[] => {
    if (!values) {
      values = parseText(tail ? tail().toString("utf8") : source!.toString("utf8", split + 1, end));
      source = undefined;
      textDecodes.count++;
    }
    return values;
  };
  // Accessors where the fields stand (the 0s of the metadata), so the paper lists its fields in the stored order.
  textFields.forEach((field: TextField, i) =>
    Object.defineProperty(paper, field, { get: () => text()[i], enumerable: true, configurable: false }),
  );
  // The whole record, to write back as it is (a paper whose text is elsewhere is encoded again when written).
  if (!tail) records.set(paper as unknown as RenderedPaper, bytes.subarray(start, end));
  return paper as unknown as RenderedPaper;
}

/** The record a paper was decoded from, as it is (undefined for a paper built otherwise): written back without decoding. */
export function recordOf(paper: RenderedPaper): Buffer | undefined {
  return records.get(paper);
}
