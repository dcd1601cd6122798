import { asciiJson, jsonText } from "../workers/ascii-json.ts";
import type { SearchPaper } from "./records.ts";

/**
 * A paper as the search index's worker is sent it: the fields its record reads, as one JSON array (the text as its
 * title and body), in ASCII (see asciiJson: the worker reads all rows as one text). Made where the paper is typeset,
 * on a typesetting worker thread, and kept here as bytes (see `keepSearchRow`): the main thread then hands the search
 * index's worker these bytes as they are and never decodes a paper's plain text itself (10,000 papers' in a cold
 * build, and the strings kept to the end).
 */
export function searchRow(p: SearchPaper): string {
  return asciiJson(JSON.stringify([p.slug, p.id, p.arxiv, p.date, p.published, p.upvotes, p.titleText, p.authors, p.authorCount, p.organization, p.tags, p.category, p.text.title, p.text.body]));
}

/** The text of `bytes` from `encodeRows` (ASCII, see asciiJson). */
export function decodeRows(bytes: Uint8Array): string {
  return jsonText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Rows made where their papers were typeset, by paper. */
const made = new WeakMap<object, Uint8Array>();

/** Keeps `row` (UTF-8 of `searchRow(paper)`, made elsewhere) as the row of `paper`. */
export function keepSearchRow(paper: object, row: Uint8Array): void {
  made.set(paper, row);
}

const utf8 = new TextEncoder();
const zero = utf8.encode("0");

/**
 * The papers' rows as one JSON array, in UTF-8, for the search index's worker (see IndexJob.encoded in
 * src/search/build.ts): a paper sent without its text (see `SearchRecord.textless`), one the previous index has, as 0,
 * then `more` zeros (papers given by their keys alone), between `before` and `after`. A paper's row is the one kept
 * for it, if any. In a buffer of its own, to be moved to the worker; the rows, most of the bytes, copied once (not
 * through a scratch buffer, which would stay as large as the largest job: 260 MB in a cold build at 100,000 papers).
 * Rows, not objects: 100,000 papers a build (a row each for the papers the previous index has took 0.3 s to
 * stringify and 0.5 s for the worker to parse at 100,000 papers).
 */
export function encodeRows(papers: readonly SearchPaper[], textless?: readonly boolean[], more = 0, before = "", after = ""): Uint8Array<ArrayBuffer> {
  const items = papers.map((paper, i) => (textless?.[i] ? zero : (made.get(paper) ?? utf8.encode(searchRow(paper)))));
  for (let i = 0; i < more; i++) items.push(zero);
  const head = utf8.encode(asciiJson(`${before}[`));
  const tail = utf8.encode(asciiJson(`]${after}`));
  let length = head.length + tail.length + Math.max(0, items.length - 1);
  for (const item of items) length += item.length;
  const bytes = new Uint8Array(length);
  bytes.set(head);
  let at = head.length;
  for (let i = 0; i < items.length; i++) {
    if (i) bytes[at++] = 0x2c; // ","
    bytes.set(items[i]!, at);
    at += items[i]!.length;
  }
  bytes.set(tail, at);
  return bytes;
}
