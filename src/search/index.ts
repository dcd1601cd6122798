import { createHash } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { stemmer } from "stemmer";
import { indexWords } from "./client/words.js";
import { filterOptions, searchFields, type SearchField, type SearchRecord } from "./records.ts";

/**
 * The search index: a folder of small gzip-compressed files that the browser engine (src/search/client/engine.js)
 * fetches only as a query needs them. Papers are numbered 0.. in record order (oldest day first).
 *
 *   meta.ix          JSON: paper count, days (runs of `[days since the previous run, papers]`), the dictionary and
 *                    postings chunk tables (`[first key, file]`, sorted), filter values with their files, a version.
 *   w/<hash>.ix      dictionary chunk, JSON `[word, stem, papers]` sorted by word; `stem` is a length when the stem
 *                    is the word's start. A prefix query reads the chunks its prefix spans.
 *   p/<hash>.ix      postings chunk, binary: per stem (sorted) its UTF-8 name, paper count n, n ascending ids as
 *                    varint gaps, n weight bytes (sqrt of the score, times 16).
 *   t/<hash>.ix      the papers of one tag, organization or publication year (count, then varint gaps), loaded when filtering.
 *   u/<hash>.ix      every paper's upvotes (varints), loaded when sorting by upvotes.
 *   f/<n>/<g>.ix     papers g*4 .. g*4+3 as results show them: page, title, authors, day, upvotes, abstract text
 *                    (4 to a file: a few KB more per query than one file each, a quarter of the files to write).
 *
 * Words are cut by the same code in both places (src/search/client/words.js). Forms of a word share a stem (Porter,
 * English sites only), so `models` finds `model` and `modeling`; the dictionary keeps the words as written so that
 * the word being typed can be completed (`lang` -> `language`).
 */
export const searchFolder = "search";

/** What the index owns inside its folder (see the format above). */
const indexEntries = ["meta.ix", "w", "p", "t", "u", "f"];

/** What writing the index did, for logs and the benchmark. */
export interface SearchIndexResult {
  outputPath: string;
  records: number;
  files: number;
  bytes: number;
}

/**
 * Added to a stem's abstract score (before idf) when the stem occurs in a field. Larger than the most any number of
 * abstract mentions can add (k1 + 1 = 2.2), so a title word outranks a paper that only repeats it; an exact arXiv id
 * outranks every paper citing it.
 */
export const fieldBonus: Record<Exclude<SearchField, "body">, number> = { title: 2.5, authors: 2.5, organization: 2.5, tags: 2.5, id: 10, category: 1 };
/** BM25 saturation and length normalisation of abstract mentions. */
const k1 = 1.2;
const b = 0.75;
/** Target uncompressed sizes of postings and dictionary chunks: a common word's list gets a chunk of its own. */
const postingsChunkBytes = 48 * 1024;
const dictionaryChunkBytes = 16 * 1024;
/** Papers per result file, and result files per folder. */
export const papersPerFragment = 4;
const fragmentsPerFolder = 1000;

/** Bytes with unsigned LEB128 varints, growing as needed. */
class ByteWriter {
  private buffer = new Uint8Array(1024);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
  varint(value: number): void {
    this.room(8);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.length++] = value;
  }
  bytes(data: Uint8Array): void {
    this.room(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }
  take(): Uint8Array {
    const out = this.buffer.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

/** A growable Int32Array (millions of postings at 100,000 papers: plain arrays would cost twice the memory). */
class Int32List {
  data = new Int32Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

const gzip = (data: Uint8Array | string) => gzipSync(data, { level: 6 });
const hashName = (data: Uint8Array) => createHash("sha256").update(data).digest("hex").slice(0, 16);
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/** The stem a word is indexed under: Porter stems for plain English words; numbers, TeX and other scripts as they are. */
function stemFor(word: string, language: string): string {
  return language.startsWith("en") && /^[a-z]+$/.test(word) ? stemmer(word) : word;
}

/** The index's files as `[path under search/, bytes]`, built in memory from the records (fragments are streamed). */
interface IndexParts {
  files: [string, Uint8Array][];
  fragments: (from: number, to: number) => [string, Uint8Array][];
  meta: (version: string) => Uint8Array;
}

/** Tokenises every record, weighs each (stem, paper) pair, and lays out the chunks. */
export function buildIndexParts(records: readonly SearchRecord[], language: string): IndexParts {
  const wordIds = new Map<string, number>();
  const wordStem: number[] = [];
  const stemIds = new Map<string, number>();
  const stems: string[] = [];
  const stemOf = (word: string): number => {
    let id = wordIds.get(word);
    if (id === undefined) {
      id = wordStem.length;
      wordIds.set(word, id);
      const stem = stemFor(word, language);
      let stemId = stemIds.get(stem);
      if (stemId === undefined) {
        stemId = stems.length;
        stemIds.set(stem, stemId);
        stems.push(stem);
      }
      wordStem.push(stemId);
    }
    return wordStem[id]!;
  };

  // Pass 1: per paper, each stem's abstract count (low 16 bits) and the fields it occurs in (a bit each above).
  const postingStem = new Int32List();
  const postingValue = new Int32List();
  const docStart = new Int32Array(records.length + 1);
  const docLength = new Float64Array(records.length);
  const perDoc = new Map<number, number>();
  records.forEach((record, doc) => {
    perDoc.clear();
    searchFields.forEach((field, f) => {
      const words = indexWords(record.fields[field], language);
      if (field === "body") {
        docLength[doc] = words.length;
        for (const word of words) {
          const stem = stemOf(word);
          const value = perDoc.get(stem) ?? 0;
          perDoc.set(stem, (value & 0xffff) === 0xffff ? value : value + 1);
        }
      } else {
        const bit = 1 << (16 + f);
        for (const word of words) {
          const stem = stemOf(word);
          perDoc.set(stem, (perDoc.get(stem) ?? 0) | bit);
        }
      }
    });
    for (const [stem, value] of perDoc) {
      postingStem.push(stem);
      postingValue.push(value);
    }
    docStart[doc + 1] = postingStem.length;
  });

  // Pass 2: group postings by stem (counting sort; ids stay ascending) and weigh them.
  const count = new Int32Array(stems.length + 1);
  for (let i = 0; i < postingStem.length; i++) count[postingStem.data[i]! + 1]!++;
  for (let s = 0; s < stems.length; s++) count[s + 1]! += count[s]!;
  const start = count.slice();
  const byStemDoc = new Int32Array(postingStem.length);
  const byStemWeight = new Uint8Array(postingStem.length);
  const averageLength = docLength.reduce((a, n) => a + n, 0) / Math.max(1, records.length) || 1;
  const bonuses = searchFields.map((field) => (field === "body" ? 0 : fieldBonus[field]));
  const n = records.length;
  for (let doc = 0; doc < n; doc++) {
    const norm = k1 * (1 - b + (b * docLength[doc]!) / averageLength);
    for (let i = docStart[doc]!; i < docStart[doc + 1]!; i++) {
      const stem = postingStem.data[i]!;
      const value = postingValue.data[i]!;
      const df = count[stem + 1]! - count[stem]!;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const tf = value & 0xffff;
      let score = tf ? (tf * (k1 + 1)) / (tf + norm) : 0;
      for (let f = 0; f < bonuses.length; f++) if (value & (1 << (16 + f))) score += bonuses[f]!;
      const at = start[stem]!++;
      byStemDoc[at] = doc;
      byStemWeight[at] = Math.min(255, Math.max(1, Math.round(Math.sqrt(idf * score) * 16)));
    }
  }

  const files: [string, Uint8Array][] = [];
  const add = (folder: string, data: Uint8Array | string): string => {
    const compressed = gzip(data);
    const name = hashName(compressed);
    files.push([`${folder}/${name}.ix`, compressed]);
    return name;
  };

  // Postings chunks, stems in code-unit order (the engine compares with `<=` too).
  const stemOrder = stems.map((_, i) => i).sort((x, y) => (stems[x]! < stems[y]! ? -1 : 1));
  const post: [string, string][] = [];
  const writer = new ByteWriter();
  let first = "";
  const encoder = new TextEncoder();
  for (const stem of stemOrder) {
    if (writer.length === 0) first = stems[stem]!;
    const name = encoder.encode(stems[stem]!);
    writer.varint(name.length);
    writer.bytes(name);
    writer.varint(count[stem + 1]! - count[stem]!);
    let previous = 0;
    for (let i = count[stem]!; i < count[stem + 1]!; i++) {
      writer.varint(byStemDoc[i]! - previous);
      previous = byStemDoc[i]!;
    }
    writer.bytes(byStemWeight.subarray(count[stem]!, count[stem + 1]!));
    if (writer.length >= postingsChunkBytes) post.push([first, add("p", writer.take())]);
  }
  if (writer.length) post.push([first, add("p", writer.take())]);

  // Dictionary chunks: every word as written, with its stem and how many papers the stem has.
  const dict: [string, string][] = [];
  let chunk: unknown[] = [];
  let chunkBytes = 0;
  const words = [...wordIds.keys()].sort((x, y) => (x < y ? -1 : 1));
  const flush = () => {
    if (chunk.length) dict.push([(chunk[0] as [string])[0], add("w", JSON.stringify(chunk))]);
    chunk = [];
    chunkBytes = 0;
  };
  for (const word of words) {
    const stemId = wordStem[wordIds.get(word)!]!;
    const stem = stems[stemId]!;
    chunk.push([word, word.startsWith(stem) ? stem.length : stem, count[stemId + 1]! - count[stemId]!]);
    chunkBytes += word.length + 12;
    if (chunkBytes >= dictionaryChunkBytes) flush();
  }
  flush();

  // Filters: the papers of each tag, organization and publication year, collected in one pass over the records.
  const options = filterOptions(records);
  const papersOf = { tag: new Map<string, number[]>(), organization: new Map<string, number[]>(), published: new Map<string, number[]>() };
  const note = (map: Map<string, number[]>, value: string, doc: number) => {
    const ids = map.get(value);
    if (ids) ids.push(doc);
    else map.set(value, [doc]);
  };
  records.forEach((record, doc) => {
    for (const tag of new Set(record.tags)) note(papersOf.tag, tag, doc);
    if (record.organization) note(papersOf.organization, record.organization, doc);
    if (record.published) note(papersOf.published, record.published, doc);
  });
  const facet = (ids: readonly number[]): string => {
    writer.varint(ids.length);
    let previous = 0;
    for (const id of ids) {
      writer.varint(id - previous);
      previous = id;
    }
    return add("t", writer.take());
  };
  const filters = {
    tag: options.tag.map(([value, papers]) => [value, papers, facet(papersOf.tag.get(value)!)]),
    organization: options.organization.map(([value, papers]) => [value, papers, facet(papersOf.organization.get(value)!)]),
    published: options.published.map(([value, papers]) => [value, papers, facet(papersOf.published.get(value)!)]),
  };
  for (const record of records) writer.varint(Math.max(0, Math.floor(record.upvotes)));
  const upvotes = `u/${add("u", writer.take())}`;

  const days: [number, number][] = [];
  let previousDay = 0;
  for (const record of records) {
    const day = dayNumber(record.day);
    const last = days.at(-1);
    if (last && day === previousDay) last[1]++;
    else days.push([day - previousDay, 1]);
    previousDay = day;
  }

  // Result files for papers `from` to `to` (multiples of papersPerFragment).
  const fragments = (from: number, to: number): [string, Uint8Array][] => {
    const out: [string, Uint8Array][] = [];
    for (let first = from; first < to; first += papersPerFragment) {
      const group = first / papersPerFragment;
      const shown = records.slice(first, first + papersPerFragment).map((r) => ({ url: r.url, title: r.title, authors: r.authors, day: r.day, upvotes: r.upvotes, text: r.excerpt }));
      out.push([`f/${Math.floor(group / fragmentsPerFolder)}/${group}.ix`, gzip(JSON.stringify(shown))]);
    }
    return out;
  };
  const meta = (version: string) => gzip(JSON.stringify({ version, docs: records.length, language, days, dict, post, filters, upvotes, fragment: papersPerFragment, folder: fragmentsPerFolder }));
  return { files, fragments, meta };
}

/** Writes `[path, bytes]` pairs under `root`, a bounded number at a time. */
async function writeAll(root: string, files: readonly [string, Uint8Array][]): Promise<void> {
  const folders = new Set(files.map(([file]) => path.dirname(path.join(root, file))));
  await Promise.all([...folders].map((folder) => mkdir(folder, { recursive: true })));
  for (let i = 0; i < files.length; i += 256) {
    await Promise.all(files.slice(i, i + 256).map(([file, data]) => writeFile(path.join(root, file), data)));
  }
}

/**
 * Writes the search index of `records` into `<siteDir>/search/` (replacing what was there). The same records always
 * give the same bytes. The index's `version` (a hash of everything written) lets the browser refetch result files
 * that kept their names after a rebuild.
 */
export async function writeSearchIndex(records: readonly SearchRecord[], siteDir: string, language = "en"): Promise<SearchIndexResult> {
  const outputPath = path.join(siteDir, searchFolder);
  // Only the index's own files: the folder also holds the search page (search/index.html), which Eleventy may have
  // written already.
  await Promise.all(indexEntries.map((entry) => rm(path.join(outputPath, entry), { recursive: true, force: true })));
  const parts = buildIndexParts(records, language);
  const version = createHash("sha256");
  let bytes = 0;
  let files = 0;
  const write = async (batch: [string, Uint8Array][], hashed = true) => {
    for (const [file, data] of batch) {
      if (hashed) version.update(file).update(data);
      bytes += data.length;
    }
    files += batch.length;
    await writeAll(outputPath, batch);
  };
  await write(parts.files);
  for (let from = 0; from < records.length; from += 4000) await write(parts.fragments(from, Math.min(records.length, from + 4000)));
  const meta = parts.meta(version.digest("hex").slice(0, 16));
  await write([["meta.ix", meta]], false);
  return { outputPath, records: records.length, files, bytes };
}
