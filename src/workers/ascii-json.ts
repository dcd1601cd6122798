import { isAscii } from "node:buffer";

/**
 * JSON text with every character past ASCII written as a `\uXXXX` escape (a character outside the Basic Multilingual
 * Plane as its two surrogates), which JSON.parse reads back as the same string. For a large text that crosses to
 * another thread as UTF-8 (the search rows, src/search/rows.ts): one character past ASCII in it (an author's "ü", a
 * formula's "ℓ") sends V8's UTF-8 decoder (Node 20) down its slow path for the whole text, into a string of two bytes
 * a character (180 to 240 ms for 27 MB of search rows in a microbenchmark), while ASCII is read as Latin-1, a copy
 * (see `jsonText`). Not worth it for many small texts (each paper record's fields: docs/performance.md, round 22).
 */
export function asciiJson(json: string): string {
  return json.replace(pastAscii, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
const pastAscii = /[\u0080-\uffff]/g;

/** The text of `bytes`: read as Latin-1 when it is all ASCII (see asciiJson), else as UTF-8. */
export function jsonText(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}
