/**
 * Strings (in UTF-8) and bytes one after the other in a buffer of their own, to be moved to another thread, and each
 * part's length in bytes; with `separator`, that byte between parts (not counted in the lengths). Written into a
 * scratch buffer kept from call to call (one per thread: each thread loads this module) and copied out: each string
 * is read once, as it is written, not a first time to count its bytes (Buffer.byteLength cost as much as the writing),
 * and no joined string is built first (half a megabyte for 50 typeset papers: a large object of its own for V8, fresh
 * memory every time).
 */
export function utf8Parts(parts: readonly (string | Uint8Array)[], separator?: number): { bytes: Uint8Array<ArrayBuffer>; lengths: number[] } {
  // Room for the longest UTF-8 a string can have: 3 bytes a UTF-16 unit.
  let room = separator === undefined ? 0 : parts.length;
  for (const part of parts) room += typeof part === "string" ? 3 * part.length : part.byteLength;
  if (scratch.length < room) scratch = Buffer.allocUnsafeSlow(room);
  const lengths: number[] = [];
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    if (i && separator !== undefined) scratch[at++] = separator;
    const part = parts[i]!;
    const length = typeof part === "string" ? scratch.write(part, at) : (scratch.set(part, at), part.byteLength);
    lengths.push(length);
    at += length;
  }
  const bytes = new Uint8Array(at);
  bytes.set(scratch.subarray(0, at));
  return { bytes, lengths };
}
let scratch = Buffer.alloc(0);
