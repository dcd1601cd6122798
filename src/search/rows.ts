import type { SearchPaper } from "./records.ts";

/**
 * A paper as the search index's worker is sent it: the fields its record reads, as one JSON array (the text as its
 * title and body). Made where the paper is typeset, on a typesetting worker thread, and kept here as UTF-8 (see
 * `keepSearchRow`): the main thread then hands the search index's worker these bytes as they are and never decodes
 * a paper's plain text itself (10,000 papers' in a cold build, and the strings kept to the end).
 */
export function searchRow(p: SearchPaper): string {
  return JSON.stringify([p.slug, p.id, p.arxiv, p.date, p.published, p.upvotes, p.titleText, p.authors, p.authorCount, p.organization, p.tags, p.category, p.text.title, p.text.body]);
}

/** Rows made where their papers were typeset, by paper. */
const made = new WeakMap<object, Uint8Array>();

/** Keeps `row` (UTF-8 of `searchRow(paper)`, made elsewhere) as the row of `paper`. */
export function keepSearchRow(paper: object, row: Uint8Array): void {
  made.set(paper, row);
}

const utf8 = new TextEncoder();
const zero = utf8.encode("0");
const comma = utf8.encode(",");

/**
 * The JSON array of the papers' rows (a paper sent without its text, see `SearchRecord.textless`, as 0), then `more`
 * zeros, as UTF-8 in a buffer of its own (to be moved to a worker). A paper's row is the one kept for it, if any.
 */
export function encodeRows(papers: readonly SearchPaper[], textless?: readonly boolean[], more = 0, before = "", after = ""): Uint8Array<ArrayBuffer> {
  const pieces: Uint8Array[] = [utf8.encode(`${before}[`)];
  for (let i = 0; i < papers.length; i++) {
    if (i) pieces.push(comma);
    const paper = papers[i]!;
    pieces.push(textless?.[i] ? zero : (made.get(paper) ?? utf8.encode(searchRow(paper))));
  }
  for (let i = 0; i < more; i++) pieces.push(...(papers.length || i ? [comma, zero] : [zero]));
  pieces.push(utf8.encode(`]${after}`));
  let length = 0;
  for (const piece of pieces) length += piece.length;
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    bytes.set(piece, at);
    at += piece.length;
  }
  return bytes;
}
