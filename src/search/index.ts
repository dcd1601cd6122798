import { createHash, randomBytes } from "node:crypto";
import {
  closeSync, fstatSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync, writevSync,
} from "node:fs";
import os from "node:os";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";
import { constants as zlibConstants, gzipSync } from "node:zlib";
import { stemmer } from "stemmer";
import { fileIdentity } from "../cache/file-identity.ts";
import { codeFingerprint } from "../cache/fingerprint.ts";
import { takeLock } from "../output/lock-file.ts";
import { isSkipped, newWordPattern, normalizeWord } from "./client/words.js";
import { filterOptions, keptOf, searchFields, type KeptRecord, type SearchField, type SearchRecord } from "./records.ts";

/**
 * The search index: a folder of small gzip-compressed files that the browser engine (src/search/client/engine.js)
 * fetches only as a query needs them. Papers are numbered 0.. in record order (oldest day first).
 *
 *   meta.ix          JSON: paper count, days (runs of `[days since the previous run, papers]`), the dictionary and
 *                    postings chunk tables (`[first key, file]`, sorted), filter values with their files, a version.
 *   w/<hash>.ix      dictionary chunk, JSON `[word, stem, papers]` sorted by word; `stem` is a length when the stem
 *                    is the word's start. A prefix query reads the chunks its prefix spans.
 *   p/<hash>.ix      postings chunk, binary: per stem (sorted) its UTF-8 name, paper count n, n ascending ids as
 *                    varint gaps, n weight bytes (sqrt of the score, times 16; BM25 from the paper count and average
 *                    abstract length rounded, see `roundedStatistic`). Chunks end after a stem picked by its hash
 *                    (see `cutAfter`), about 24 KB apart, so that one paper more or less changes only its stems' chunks.
 *   t/<hash>.ix      the papers of one tag, organization or publication year (count, then varint gaps), loaded when filtering.
 *   u/<hash>.ix      every paper's upvotes (varints), loaded when sorting by upvotes.
 *   f/<n>/<g>.ix     papers g*4 .. g*4+3 as results show them: page, title, authors, day, upvotes (4 to a file: a few
 *                    hundred bytes more per query than one file each, a quarter of the files to write). No abstract:
 *                    a result's excerpt is cut from the abstract on the paper's own page, which the browser fetches
 *                    (layouts/assets/search.js), so the abstract is written once (README, "Output size").
 *
 * Words are cut by the same code in both places (src/search/client/words.js). Forms of a word share a stem (Porter,
 * English sites only), so `models` finds `model` and `modeling`; the dictionary keeps the words as written so that
 * the word being typed can be completed (`lang` -> `language`).
 */
export const searchFolder = "search";

/** What the index owns inside its folder (see the format above). */
export const indexEntries = ["meta.ix", "w", "p", "t", "u", "f"];

/** What writing the index did, for logs and the benchmark. */
export interface SearchIndexResult {
  outputPath: string;
  records: number;
  files: number;
  /** Bytes written (linked files not counted). */
  bytes: number;
  /** Files linked from the previous index because their content did not change. */
  linked: number;
  /**
   * Those of them that are hard links to the previous index's files (paths under the index folder): the same files,
   * with the size and modification time they had there (the page manifest takes them from its record, src/build.ts).
   */
  linkedFiles: string[];
  /** Stems with papers, and how many of them were weighed and encoded again (all of them unless updated in place). */
  stems: { total: number; encoded: number };
  /** Milliseconds per step: reading the state, analysing and laying out, writing the files, saving the state. */
  steps: { state: number; analyse: number; write: number; save: number };
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
/**
 * Steps per octave of the paper count and the average abstract length the weights are computed from. Exact values
 * would change weight bytes in every postings chunk whenever one paper is added; rounded, the count changes once in
 * about 4,400 papers at 100,000 (steps of 4.4%), the average length (steps of 9%) far less often, and BM25's idf and
 * length norm move by at most 0.022 and 4.4% (below a weight byte's step for most pairs).
 */
const paperCountSteps = 16;
const averageLengthSteps = 8;
/** `value` rounded to the nearest of `steps` points per octave (powers of two in between), the same wherever built. */
export const roundedStatistic = (value: number, steps: number): number => 2 ** (Math.round(Math.log2(value) * steps) / steps);
/** Target uncompressed size of dictionary chunks. */
const dictionaryChunkBytes = 16 * 1024;
/**
 * Postings chunks are cut where their stems say, not after a fixed size: after a stem whose hash (uniform in [0, 1))
 * is below its entry's share of postingsChunkTarget, or once a chunk reaches postingsChunkMax. A paper added or
 * deleted changes the entries of its own stems, which moves no cut elsewhere (a cut after a size moves every later
 * cut), so the other chunks keep their bytes. Chunk sizes are then spread about the target (a query fetches the
 * chunk of each of its stems, on average twice the target: the size-after-a-fixed-size scheme's 48 KB).
 */
const postingsChunkTarget = 24 * 1024;
const postingsChunkMax = 96 * 1024;
/** FNV-1a of a stem's UTF-16 code units, in [0, 1). */
function stemHash(stem: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < stem.length; i++) hash = Math.imul(hash ^ stem.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 2 ** 32;
}
const cutAfter = (stem: string, entryBytes: number, chunkBytes: number) =>
  chunkBytes >= postingsChunkMax || stemHash(stem) * postingsChunkTarget < entryBytes;
/**
 * Papers per result file, and result files per folder. A result file holds what a result shows (page, title, authors,
 * day, upvotes; about 80 bytes a paper gzipped), so 16 papers make a file of about 1.3 KB: a results page of 20 fetches
 * 20 of them at most (26 KB, beside the 20 paper pages its excerpts are cut from, 2.5 KB each with gzip), and a
 * 100,000-paper site has 6,250 of them, not 25,000 of 4 papers: each is a file to link, stat and record in every build
 * that adds a paper.
 */
export const papersPerFragment = 16;
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

const gzip = (data: Uint8Array | string) => gzipSync(data, { level: 6 });
/**
 * Postings chunks (varint gaps and weight bytes, 23 MB at 100,000 papers) compress at 15 MB/s with gzip's default
 * level: the chunks of the stems of one added paper (17 MB of them, its common words' long lists) took 1.8 s of a
 * build that adds a paper at 100,000 papers. Level 4 with the filtered strategy is 4 times faster on them, 2% larger.
 */
const gzipPostings = (data: Uint8Array | string) => gzipSync(data, { level: 4, strategy: zlibConstants.Z_FILTERED });
const hashName = (data: Uint8Array) => createHash("sha256").update(data).digest("hex").slice(0, 16);
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/** The stem a word is indexed under: Porter stems for plain English words; numbers, TeX and other scripts as they are. */
function stemFor(word: string, language: string): string {
  return language.startsWith("en") && /^[a-z]+$/.test(word) ? stemmer(word) : word;
}

/** One file of the index: its path under search/, a digest naming its content, and either its bytes or, when the
 * previous build wrote the very same file, nothing: it is linked from there (`make` gives the bytes if that fails). */
interface IndexFile {
  file: string;
  digest: string;
  data?: Uint8Array;
  make?: () => Uint8Array;
}

/** The index's files, built in memory from the records (result files are made a block at a time). */
interface IndexParts {
  files: IndexFile[];
  fragments: (from: number, to: number) => IndexFile[];
  meta: (version: string) => Uint8Array;
  /** What the next build needs to update this index instead of building it again (see `IndexState`). */
  state: (metaDigest: string) => IndexState;
  stems: SearchIndexResult["stems"];
}

/**
 * What an index build leaves for the next one, so that adding a paper does not tokenise 100,000 abstracts again nor
 * rewrite files whose content did not change. Words and stems have ids that only mean something inside one state:
 * nothing written depends on them (chunks are laid out in word and stem order), so a state and a cold build give the
 * same bytes.
 */
export interface IndexState {
  /** What the analysis depends on besides each paper: the index code, the language, the caller's context. */
  fingerprint: string;
  /** Every word seen (some maybe in no current paper), its stem, and the stems; ids sorted by their text. */
  words: string[];
  wordStem: number[];
  stems: string[];
  /** How many of `words` a current paper has. */
  usedWords: number;
  wordOrder: Int32Array;
  stemOrder: Int32Array;
  /** Per paper, in index order: its key, abstract length, postings (`postStem` and `postValue`, see pass 1) and words. */
  keys: string[];
  /** Per paper, in index order: what its record is made from when it is sent without its text (see KeptRecord). */
  kept: KeptRecord[];
  /**
   * `kept` as JSON, when known (read from the state, or made from the previous one's): a build that only adds papers
   * appends theirs to it rather than stringifying 100,000 again. Saved as `kept`.
   */
  keptJson?: string;
  /**
   * Per paper, in index order, what its result shows besides its record's kept part (its title and authors): one line
   * each, `["<title>","<authors>"]` as JSON in UTF-8. A paper sent without its text shows this (see previousShown),
   * whether or not the previous output's result files are still there. Kept as bytes, in one or more pieces written
   * one after the other: only the lines of the result files made again are parsed, and a build that only adds papers
   * writes the previous bytes and its own lines after them, never copying them (16 MB at 100,000 papers) into one.
   */
  shown: Buffer[];
  /** Where each line of `shown` starts, and where the last ends (found when first needed). Not saved. */
  shownStarts?: Int32Array;
  docLength: Int32Array;
  postStart: Int32Array;
  postStem: Int32Array;
  postValue: Int32Array;
  wordStart: Int32Array;
  wordIds: Int32Array;
  /** Per word, how many current papers have it (0: kept for ids, left out of the dictionary). */
  wordDocs: Int32Array;
  /** Content-named files (`w`, `p`, `t`, `u`) by `folder:hash of their uncompressed bytes`. */
  chunks: [string, string][];
  /** The rounded paper count and average abstract length the weights were computed from. */
  statistics: [number, number];
  /** Per stem, the bytes of its entry in a postings chunk (0 for a stem no paper has). */
  stemBytes: Int32Array;
  /** The postings chunks: first and last stem, file name, and key in `chunks`. */
  postChunks: [number, number, string, string][];
  /** The digest of each result file, and of meta.ix (which says whether an output folder is this state's). */
  groups: string[];
  meta: string;
  /** Built when preloaded (see preloadState): each key's paper number, and the postings by stem. Not saved. */
  docOf?: Map<string, number>;
  inverted?: Inverted;
  /** Read from files (see readState): where from. Not saved. */
  stored?: StoredState;
  /** The paper arrays begin with those of `stored`, unchanged: saving appends to its files. Not saved. */
  grown?: boolean;
  /**
   * When grown: the papers' words after the previous ones (from value `from` on), all that saving appends (`wordIds`
   * then reads the previous ones from their file, only if needed). Not saved.
   */
  wordTail?: { from: number; values: Int32Array };
}

/** A paper was sent without its text, but the previous state does not say what its result shows. */
const noShownLine = "search index: the previous state does not say what a paper sent without its text shows";

/** Where each line of `state.shown` starts, and where the last ends; undefined unless there is one line a paper. */
function shownStarts(state: IndexState): Int32Array | undefined {
  if (state.shownStarts) return state.shownStarts;
  const bytes = shownBytes(state);
  const starts = new Int32Array(state.keys.length + 1);
  let at = 0;
  for (let doc = 0; doc < state.keys.length; doc++) {
    starts[doc] = at;
    const end = bytes.indexOf(0x0a, at);
    if (end === -1) return undefined;
    at = end + 1;
  }
  starts[state.keys.length] = at;
  if (at !== bytes.length) return undefined;
  return (state.shownStarts = starts);
}

/** The lines of `state.shown` as one buffer (a state read from its file has them in one piece). */
function shownBytes(state: IndexState): Buffer {
  if (state.shown.length !== 1) state.shown = [Buffer.concat(state.shown)];
  return state.shown[0]!;
}

/** Paper `doc`'s line of `state.shown` (without its line break), if the state has it. */
function shownLine(state: IndexState, doc: number): Buffer | undefined {
  const starts = shownStarts(state);
  return starts && doc < state.keys.length ? shownBytes(state).subarray(starts[doc]!, starts[doc + 1]! - 1) : undefined;
}

/**
 * The `shown` lines of a new state for `records` (see IndexState.shown): a record sent without its text takes its
 * line from `previous` (by its key, through `before`); when every previous paper comes first, unchanged (`grown`),
 * their lines are taken over whole. Throws a MissingTextError when the previous state lacks a line it needs.
 */
function shownLines(records: readonly SearchRecord[], keys: readonly string[], previous: IndexState | undefined, before: ReadonlyMap<string, number>, grown: boolean): Buffer[] {
  const starts = previous && shownStarts(previous);
  const line = (record: SearchRecord, doc: number): Buffer => {
    if (!record.textless) return Buffer.from(`${JSON.stringify([record.title, record.authors])}\n`);
    const old = before.get(keys[doc]!);
    if (!previous || !starts || old === undefined) throw new MissingTextError(noShownLine);
    return shownBytes(previous).subarray(starts[old]!, starts[old + 1]!);
  };
  if (grown && previous && starts) {
    const added = Array.from({ length: records.length - previous.keys.length }, (_, i) => line(records[previous.keys.length + i]!, previous.keys.length + i));
    return [shownBytes(previous), ...(added.length ? [Buffer.concat(added)] : [])];
  }
  return [Buffer.concat(records.map(line))];
}

/** The JSON of `state.kept`. */
const keptJsonOf = (state: IndexState) => state.keptJson ?? JSON.stringify(state.kept);

/** The JSON array `json` with `values` appended. */
function appendJson(json: string, values: readonly unknown[]): string {
  if (!values.length) return json;
  const added = JSON.stringify(values).slice(1);
  return json === "[]" ? `[${added}` : `${json.slice(0, -1)},${added}`;
}

/**
 * A state's postings by stem: the papers (ascending) and values (see pass 1) of stem s are `docs` and `values` from
 * `start[s]` to `start[s + 1]`, for the state's first `stems` stems. Made while the worker waits for its job (see
 * preloadState), so that weighing the stems of a new paper reads only their postings, not the 12 million of all
 * papers at 100,000 (three scans of them took about a second of a build that adds one paper).
 */
interface Inverted {
  stems: number;
  start: Int32Array;
  docs: Int32Array;
  values: Int32Array;
}

/** The postings of `state` by stem. */
function invert(state: IndexState): Inverted {
  const stems = state.stems.length;
  const start = new Int32Array(stems + 1);
  const { postStem, postValue, postStart } = state;
  for (let i = 0; i < postStem.length; i++) start[postStem[i]! + 1]!++;
  for (let s = 0; s < stems; s++) start[s + 1]! += start[s]!;
  const next = start.slice(0, stems);
  const docs = new Int32Array(postStem.length);
  const values = new Int32Array(postStem.length);
  for (let doc = 0; doc + 1 < postStart.length; doc++) {
    for (let i = postStart[doc]!; i < postStart[doc + 1]!; i++) {
      const at = next[postStem[i]!]!++;
      docs[at] = doc;
      values[at] = postValue[i]!;
    }
  }
  return { stems, start, docs, values };
}

/** A growable Int32Array (millions of postings at 100,000 papers: plain arrays would cost twice the memory). */
class Int32List {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1 << 16) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  private room(n: number): void {
    if (this.length + n <= this.data.length) return;
    const next = new Int32Array(Math.max(this.data.length * 2, this.length + n));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push(value: number): void {
    if (this.length === this.data.length) this.room(1);
    this.data[this.length++] = value;
  }
  append(values: Int32Array): void {
    this.room(values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }
  /**
   * Takes over `values` (an array read with room to grow, see readInt32s) instead of copying them: appending writes
   * into the room after them. Only when whatever else reads `values` reads no further than its length.
   */
  adopt(values: Int32Array): void {
    this.data = new Int32Array(values.buffer, values.byteOffset, (values.buffer.byteLength - values.byteOffset) / 4);
    this.length = values.length;
  }
  /** The values (a view: the list must not be used after). */
  take(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** `ids` (all below `count`) followed by `count - fromId` new ids, sorted by `text`: the old part is sorted already. */
function mergeOrder(old: Int32Array, fromId: number, count: number, text: readonly string[]): Int32Array {
  const added = Array.from({ length: count - fromId }, (_, i) => fromId + i).sort((x, y) => (text[x]! < text[y]! ? -1 : 1));
  if (!added.length) return old;
  const out = new Int32Array(old.length + added.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = j >= added.length || (i < old.length && text[old[i]!]! < text[added[j]!]!) ? old[i++]! : added[j++]!;
  }
  return out;
}

const sha = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex").slice(0, 32);

/**
 * Words as cut from the text whose ids one index build keeps (see `tokenId` in buildIndexParts): each is a distinct
 * piece of the text indexed, so they never hold more characters than that text, in at most 2 ** 20 entries.
 */
const tokenMemoLimit = 2 ** 20;

/** A record's key when the caller gave none: a hash of all of it. */
export const recordKey = (record: SearchRecord): string => sha(JSON.stringify(record));

/** How a build may reuse the previous one: its state, and whether the previous index folder holds that state's files. */
export interface PartsReuse {
  previous?: IndexState;
  fingerprint: string;
  /** Keys of the records (same order): a record with the key of a previous one is the same record. */
  keys: readonly string[];
  /** The previous folder holds exactly the files `previous` describes, so they may be linked. */
  linkable: boolean;
  /** That folder (result files of textless records are read from it). */
  previousDir?: string;
}

/** A record was sent without its text, but the previous build's analysis or result file for it is not there. */
export class MissingTextError extends Error {}

/** A part of the previous state read only when needed could not be read then. */
class StateUnreadableError extends Error {}

/**
 * Tokenises every new record (reusing the analysis of the records of `reuse.previous` with the same key), weighs each
 * (stem, paper) pair, and lays out the chunks; files identical to the previous build's are linked, not compressed.
 */
export function buildIndexParts(records: readonly SearchRecord[], language: string, reuse?: PartsReuse): IndexParts {
  const keys = reuse?.keys ?? records.map(() => "");
  const linkable = Boolean(reuse?.linkable && reuse.previous);
  let previous = reuse?.previous?.fingerprint === reuse?.fingerprint ? reuse?.previous : undefined;
  // Words of deleted papers stay in the tables; when they are most of them, start again.
  if (previous && previous.words.length > 10_000 && previous.words.length > 2 * previous.usedWords) previous = undefined;
  const words = previous ? previous.words : [];
  const wordStem = previous ? previous.wordStem : [];
  const stems = previous ? previous.stems : [];
  const oldWords = words.length;
  const oldStems = stems.length;
  // Ids of words and stems by text: the previous state's by binary search in their sorted order (a Map of a million
  // words took a second to make for one paper's few hundred words), the ones added here in a Map; a build that looks
  // up many words makes the Map of all of them after all.
  const wordIds = new Map<string, number>();
  const stemIds = new Map<string, number>();
  const oldWordOrder = previous?.wordOrder ?? new Int32Array(0);
  const oldStemOrder = previous?.stemOrder ?? new Int32Array(0);
  let searches = 0;
  const lookUp = (ids: Map<string, number>, list: readonly string[], order: Int32Array, text: string): number | undefined => {
    const id = ids.get(text);
    if (id !== undefined || !order.length) return id;
    if (++searches === 100_000) {
      oldWordOrder.forEach((i) => wordIds.set(words[i]!, i));
      oldStemOrder.forEach((i) => stemIds.set(stems[i]!, i));
    }
    if (searches >= 100_000) return ids.get(text);
    let low = 0;
    let high = order.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = list[order[middle]!]!;
      if (found === text) return order[middle];
      if (found < text) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  };
  const seenIn: number[] = [];
  const wordOf = (word: string): number => {
    let id = lookUp(wordIds, words, oldWordOrder, word);
    if (id === undefined) {
      id = words.length;
      wordIds.set(word, id);
      words.push(word);
      const stem = stemFor(word, language);
      let stemId = lookUp(stemIds, stems, oldStemOrder, stem);
      if (stemId === undefined) {
        stemId = stems.length;
        stemIds.set(stem, stemId);
        stems.push(stem);
      }
      wordStem.push(stemId);
    }
    return id;
  };
  // What each word as cut from the text (`newWordPattern`, before `normalizeWord`) stands for: its word id, or -1 when
  // it is skipped. An abstract's words are mostly words seen before, and one lookup of the cut word replaces
  // normalizing it, the stop-word test and the id lookup: a third of this function's time on the 10,000 bench papers
  // (docs/performance.md, round 20). Bounded: past the limit, words not seen yet are worked out each time.
  const pattern = newWordPattern();
  const tokenIds = new Map<string, number>();
  const tokenId = (raw: string): number => {
    let id = tokenIds.get(raw);
    if (id === undefined) {
      const normal = normalizeWord(raw);
      id = isSkipped(normal, language) ? -1 : wordOf(normal);
      if (tokenIds.size < tokenMemoLimit) tokenIds.set(raw, id);
    }
    return id;
  };

  // Pass 1: per paper, each stem's abstract count (low 16 bits) and the fields it occurs in (a bit each above), and
  // the paper's words. A paper the previous build analysed is copied from its state.
  const before = previous?.docOf ?? new Map<string, number>();
  if (previous && !previous.docOf) previous.keys.forEach((key, doc) => before.set(key, doc));
  const postingStem = new Int32List(previous ? previous.postStem.length + 4096 : undefined);
  const postingValue = new Int32List(previous ? previous.postValue.length + 4096 : undefined);
  // The papers' words from value `wordBase` on: when every previous paper comes first, unchanged, theirs are not read
  // (they are 40 MB at 100,000 papers, and a build that only adds papers needs only how many papers have each word).
  const docWords = new Int32List();
  let wordBase = 0;
  const docStart = new Int32Array(records.length + 1);
  const wordStart = new Int32Array(records.length + 1);
  const docLength = new Int32Array(records.length);
  const perDoc = new Map<number, number>();
  // Papers copied from the previous state in a run of consecutive old numbers are copied as one block (100,000
  // small copies took seconds): `run` is the run's first old and new numbers and its length.
  const run = { old: 0, doc: 0, length: 0 };
  // Whether a paper copied from the previous state has another number now, and the papers analysed here.
  let moved = false;
  const fresh: number[] = [];
  // Whether the paper arrays begin with the previous ones, taken over (see Int32List.adopt): the state is appended to.
  let grown = false;
  const copyRun = () => {
    if (!run.length || !previous) return;
    const { old, doc, length } = run;
    const postFrom = previous.postStart[old]!;
    const wordFrom = previous.wordStart[old]!;
    // Every previous paper first, in the same order: nothing reads the previous arrays past their end, so they are
    // taken over and grown (pass 2 reads the postings of previous papers at `fresh` numbers, all of them new).
    if (!postingStem.length && !docWords.length && old === 0 && doc === 0 && length === previous.keys.length && previous.stored) {
      postingStem.adopt(previous.postStem);
      postingValue.adopt(previous.postValue);
      wordBase = previous.wordStart[length]!;
      grown = true;
    } else {
      postingStem.append(previous.postStem.subarray(postFrom, previous.postStart[old + length]));
      postingValue.append(previous.postValue.subarray(postFrom, previous.postStart[old + length]));
      docWords.append(previous.wordIds.subarray(wordFrom, previous.wordStart[old + length]));
    }
    docLength.set(previous.docLength.subarray(old, old + length), doc);
    for (let i = 1; i <= length; i++) {
      docStart[doc + i] = docStart[doc]! + previous.postStart[old + i]! - postFrom;
      wordStart[doc + i] = wordStart[doc]! + previous.wordStart[old + i]! - wordFrom;
    }
    run.length = 0;
  };
  records.forEach((record, doc) => {
    const old = previous && keys[doc] ? before.get(keys[doc]!) : undefined;
    if (old !== undefined && previous) {
      if (old !== doc) moved = true;
      if (run.length && old === run.old + run.length) run.length++;
      else {
        copyRun();
        Object.assign(run, { old, doc, length: 1 });
      }
      return;
    }
    copyRun();
    fresh.push(doc);
    if (record.textless) throw new MissingTextError(`search index: no analysis of ${record.url} to reuse`);
    perDoc.clear();
    const word = (id: number): number => {
      while (seenIn.length <= id) seenIn.push(-1);
      if (seenIn[id] !== doc) {
        seenIn[id] = doc;
        docWords.push(id);
      }
      return wordStem[id]!;
    };
    searchFields.forEach((field, f) => {
      const text = record.fields[field];
      const bit = field === "body" ? 0 : 1 << (16 + f);
      let length = 0;
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        const id = tokenId(match[0]);
        if (id < 0) continue;
        const stem = word(id);
        const value = perDoc.get(stem) ?? 0;
        if (bit) perDoc.set(stem, value | bit);
        else {
          length++;
          perDoc.set(stem, (value & 0xffff) === 0xffff ? value : value + 1);
        }
      }
      if (!bit) docLength[doc] = length;
    });
    for (const [stem, value] of perDoc) {
      postingStem.push(stem);
      postingValue.push(value);
    }
    docStart[doc + 1] = postingStem.length;
    wordStart[doc + 1] = wordBase + docWords.length;
  });
  copyRun();
  const wordOrder = mergeOrder(previous?.wordOrder ?? new Int32Array(0), oldWords, words.length, words);
  const stemOrder = mergeOrder(previous?.stemOrder ?? new Int32Array(0), oldStems, stems.length, stems);

  // Pass 2: each stem's papers (ascending ids) and their weights, laid out in postings chunks.
  const n = records.length;
  // The previous papers by stem (see Inverted), when no paper changed number: then a stem's papers are its previous
  // ones but those analysed here (changed) or gone (deleted at the end), and those analysed here.
  const inverted = linkable && previous === reuse?.previous && !moved ? previous?.inverted : undefined;
  const previousCount = previous?.keys.length ?? 0;
  const changed = new Uint8Array(Math.max(n, previousCount));
  for (const doc of fresh) changed[doc] = 1;
  for (let doc = n; doc < previousCount; doc++) changed[doc] = 1;
  const count = new Int32Array(stems.length + 1);
  if (inverted && previous) {
    for (let s = 0; s < inverted.stems; s++) count[s + 1] = inverted.start[s + 1]! - inverted.start[s]!;
    for (let doc = 0; doc < previousCount; doc++) {
      if (changed[doc]) for (let i = previous.postStart[doc]!; i < previous.postStart[doc + 1]!; i++) count[previous.postStem[i]! + 1]!--;
    }
    for (const doc of fresh) for (let i = docStart[doc]!; i < docStart[doc + 1]!; i++) count[postingStem.data[i]! + 1]!++;
  } else for (let i = 0; i < postingStem.length; i++) count[postingStem.data[i]! + 1]!++;
  for (let s = 0; s < stems.length; s++) count[s + 1]! += count[s]!;
  const dfOf = (stem: number) => count[stem + 1]! - count[stem]!;
  // The corpus statistics the weights depend on, rounded (see `roundedStatistic`): a paper added, edited or deleted
  // changes the weights of its own stems only, so the other postings chunks keep their bytes and are linked.
  const averageLength = roundedStatistic(docLength.reduce((a, n) => a + n, 0) / Math.max(1, records.length) || 1, averageLengthSteps);
  const bonuses = searchFields.map((field) => (field === "body" ? 0 : fieldBonus[field]));
  const papers = roundedStatistic(Math.max(1, n), paperCountSteps);
  const statistics: [number, number] = [papers, averageLength];
  const idfs = new Float64Array(stems.length);
  for (let stem = 0; stem < stems.length; stem++) {
    const df = dfOf(stem);
    idfs[stem] = Math.log(1 + Math.max(0, papers - df + 0.5) / (df + 0.5));
  }
  /** The papers and weight bytes of the `selected` stems (all without), grouped by stem: `at[stem]` to `at[stem + 1]`. */
  const place = (selected?: Uint8Array) => {
    const at = new Int32Array(stems.length + 1);
    for (let s = 0; s < stems.length; s++) at[s + 1] = at[s]! + (!selected || selected[s] ? dfOf(s) : 0);
    const next = at.slice(0, stems.length);
    const docs = new Int32Array(at[stems.length]!);
    const weights = new Uint8Array(at[stems.length]!);
    if (inverted && selected && previous) {
      // The selected stems' previous papers from the inverted postings, those analysed here merged in by number.
      const added = new Map<number, number[]>();
      for (const doc of fresh) {
        for (let i = docStart[doc]!; i < docStart[doc + 1]!; i++) {
          const stem = postingStem.data[i]!;
          if (!selected[stem]) continue;
          const list = added.get(stem);
          if (list) list.push(doc, postingValue.data[i]!);
          else added.set(stem, [doc, postingValue.data[i]!]);
        }
      }
      for (let stem = 0; stem < stems.length; stem++) {
        if (!selected[stem]) continue;
        const extra = added.get(stem) ?? [];
        let e = 0;
        let to = at[stem]!;
        const end = stem < inverted.stems ? inverted.start[stem + 1]! : 0;
        for (let i = stem < inverted.stems ? inverted.start[stem]! : 0; i < end; i++) {
          const doc = inverted.docs[i]!;
          if (changed[doc]) continue;
          for (; e < extra.length && extra[e]! < doc; e += 2, to++) weigh(stem, extra[e]!, extra[e + 1]!, docs, weights, to);
          weigh(stem, doc, inverted.values[i]!, docs, weights, to++);
        }
        for (; e < extra.length; e += 2, to++) weigh(stem, extra[e]!, extra[e + 1]!, docs, weights, to);
      }
      return { at, docs, weights };
    }
    for (let doc = 0; doc < n; doc++) {
      for (let i = docStart[doc]!; i < docStart[doc + 1]!; i++) {
        const stem = postingStem.data[i]!;
        if (selected && !selected[stem]) continue;
        weigh(stem, doc, postingValue.data[i]!, docs, weights, next[stem]!++);
      }
    }
    return { at, docs, weights };
  };
  /** Puts paper `doc` and its weight for `stem` (BM25 of its `value`, see pass 1) at `to`. */
  const weigh = (stem: number, doc: number, value: number, docs: Int32Array, weights: Uint8Array, to: number) => {
    const norm = k1 * (1 - b + (b * docLength[doc]!) / averageLength);
    const tf = value & 0xffff;
    let score = tf ? (tf * (k1 + 1)) / (tf + norm) : 0;
    for (let f = 0; f < bonuses.length; f++) if (value & (1 << (16 + f))) score += bonuses[f]!;
    docs[to] = doc;
    weights[to] = Math.min(255, Math.max(1, Math.round(Math.sqrt(idfs[stem]! * score) * 16)));
  };
  const encoder = new TextEncoder();
  /** Writes a stem's entry: its UTF-8 name, paper count, ids as varint gaps, weight bytes. */
  const entry = (writer: ByteWriter, stem: number, placed: ReturnType<typeof place>) => {
    const name = encoder.encode(stems[stem]!);
    writer.varint(name.length);
    writer.bytes(name);
    writer.varint(dfOf(stem));
    let previousId = 0;
    for (let i = placed.at[stem]!; i < placed.at[stem + 1]!; i++) {
      writer.varint(placed.docs[i]! - previousId);
      previousId = placed.docs[i]!;
    }
    writer.bytes(placed.weights.subarray(placed.at[stem]!, placed.at[stem + 1]!));
  };

  // Content-named files: one whose uncompressed bytes the previous build wrote too is linked, not compressed again.
  const files: IndexFile[] = [];
  // Named by their content (uncompressed), which the same code compresses the same: only the same code's chunks.
  const written = new Map(linkable && reuse?.previous?.fingerprint === reuse?.fingerprint ? reuse!.previous!.chunks : []);
  const chunks: [string, string][] = [];
  const add = (folder: string, data: Uint8Array | string): string => {
    const key = `${folder}:${sha(data)}`;
    const compress = folder === "p" ? gzipPostings : gzip;
    let name = written.get(key);
    if (name) files.push({ file: `${folder}/${name}.ix`, digest: name, make: () => compress(data) });
    else {
      const compressed = compress(data);
      name = hashName(compressed);
      files.push({ file: `${folder}/${name}.ix`, digest: name, data: compressed });
    }
    chunks.push([key, name]);
    return name;
  };

  // Postings chunks, stems in code-unit order (the engine compares with `<=` too), cut where `cutAfter` says. When
  // the previous build's chunks are linkable, its statistics are these and no paper changed number, only the entries
  // of stems of papers added, changed or deleted ("dirty") can change: a chunk between the same first and last stem
  // as a previous one, with no dirty stem, is that chunk (named from the state, linked), and only the other chunks'
  // stems are weighed and encoded. Else (a paper inserted before others, a statistic's step) every stem is.
  const post: [string, string][] = [];
  const postChunks: [number, number, string, string][] = [];
  const stemBytes = new Int32Array(stems.length);
  const writer = new ByteWriter();
  // Only a state whose analysis was taken over (the same code and context): stem ids mean something else in another.
  const old = linkable && previous === reuse?.previous ? previous : undefined;
  const encodedStems = { total: 0, encoded: 0 };
  const incremental = Boolean(old && old.statistics?.[0] === papers && old.statistics[1] === averageLength && !moved && old.postChunks && old.stemBytes);
  if (!incremental) {
    const placed = place();
    let firstStem = -1;
    let lastStem = -1;
    for (const stem of stemOrder) {
      if (!dfOf(stem)) continue;
      if (writer.length === 0) firstStem = stem;
      const before = writer.length;
      entry(writer, stem, placed);
      stemBytes[stem] = writer.length - before;
      encodedStems.total++;
      encodedStems.encoded++;
      lastStem = stem;
      if (cutAfter(stems[stem]!, stemBytes[stem]!, writer.length)) {
        post.push([stems[firstStem]!, add("p", writer.take())]);
        postChunks.push([firstStem, lastStem, post.at(-1)![1], chunks.at(-1)![0]]);
      }
    }
    if (writer.length) {
      post.push([stems[firstStem]!, add("p", writer.take())]);
      postChunks.push([firstStem, lastStem, post.at(-1)![1], chunks.at(-1)![0]]);
    }
  } else {
    const previous = old!;
    const dirty = new Uint8Array(stems.length);
    const mark = (from: Int32Array, start: number, end: number) => {
      for (let i = start; i < end; i++) dirty[from[i]!] = 1;
    };
    for (const doc of fresh) {
      mark(postingStem.data, docStart[doc]!, docStart[doc + 1]!);
      if (doc < previous.keys.length) mark(previous.postStem, previous.postStart[doc]!, previous.postStart[doc + 1]!);
    }
    for (let doc = n; doc < previous.keys.length; doc++) mark(previous.postStem, previous.postStart[doc]!, previous.postStart[doc + 1]!);
    for (let stem = previous.stemBytes.length; stem < stems.length; stem++) dirty[stem] = 1;
    // The dirty stems' entries, then the layout from every stem's size (the others' from the previous state).
    const dirtyPlaced = place(dirty);
    const dirtyEntries = new Map<number, Uint8Array>();
    for (let stem = 0; stem < stems.length; stem++) {
      if (!dirty[stem] || !dfOf(stem)) continue;
      entry(writer, stem, dirtyPlaced);
      dirtyEntries.set(stem, writer.take());
    }
    stemBytes.set(previous.stemBytes);
    for (let stem = 0; stem < stems.length; stem++) if (dirty[stem]) stemBytes[stem] = dirtyEntries.get(stem)?.length ?? 0;
    const previousChunks = new Map(previous.postChunks.map((c) => [c[0], c]));
    const layout: { stems: number[]; same?: [number, number, string, string] }[] = [];
    let current: number[] = [];
    let size = 0;
    let clean = true;
    const cut = () => {
      const found = previousChunks.get(current[0]!);
      layout.push({ stems: current, same: clean && found && found[1] === current.at(-1) ? found : undefined });
      current = [];
      size = 0;
      clean = true;
    };
    for (const stem of stemOrder) {
      // A dirty stem no paper has now was in the chunk being laid out, if any.
      if (dirty[stem]) clean = false;
      if (!dfOf(stem)) continue;
      encodedStems.total++;
      current.push(stem);
      size += stemBytes[stem]!;
      if (cutAfter(stems[stem]!, stemBytes[stem]!, size)) cut();
    }
    if (current.length) cut();
    const needed = new Uint8Array(stems.length);
    for (const chunk of layout) if (!chunk.same) for (const stem of chunk.stems) if (!dirty[stem]) needed[stem] = 1;
    const placed = place(needed);
    for (const chunk of layout) {
      const [firstStem, lastStem] = [chunk.stems[0]!, chunk.stems.at(-1)!];
      if (chunk.same) {
        const [, , name, key] = chunk.same;
        // Linked from the previous index; its bytes only if linking fails (copied from there).
        const file = `p/${name}.ix`;
        files.push({ file, digest: name, make: () => readFileSync(path.join(reuse!.previousDir!, file)) });
        chunks.push([key, name]);
        post.push([stems[firstStem]!, name]);
        postChunks.push(chunk.same);
        continue;
      }
      encodedStems.encoded += chunk.stems.length;
      for (const stem of chunk.stems) {
        const done = dirtyEntries.get(stem);
        if (done) writer.bytes(done);
        else entry(writer, stem, placed);
      }
      post.push([stems[firstStem]!, add("p", writer.take())]);
      postChunks.push([firstStem, lastStem, post.at(-1)![1], chunks.at(-1)![0]]);
    }
  }

  // Dictionary chunks: every word of a current paper as written, with its stem and how many papers the stem has.
  // Papers per word: the previous counts plus the new papers' words when those are all that was added, else counted.
  const wordDocs = new Int32Array(words.length);
  if (grown) wordDocs.set(previous!.wordDocs);
  for (let i = 0; i < docWords.length; i++) wordDocs[docWords.data[i]!]!++;
  const used = wordDocs.map((n) => (n ? 1 : 0));
  const usedWords = used.reduce((sum, u) => sum + u, 0);
  const dict: [string, string][] = [];
  let chunk: unknown[] = [];
  let chunkBytes = 0;
  const flush = () => {
    if (chunk.length) dict.push([(chunk[0] as [string])[0], add("w", JSON.stringify(chunk))]);
    chunk = [];
    chunkBytes = 0;
  };
  for (const id of wordOrder) {
    if (!used[id]) continue;
    const word = words[id]!;
    const stemId = wordStem[id]!;
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
    let previousId = 0;
    for (const id of ids) {
      writer.varint(id - previousId);
      previousId = id;
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
  let previousText = "";
  for (const record of records) {
    // Papers come a day at a time: the day's number is computed once a day, not for each of 100,000 papers.
    if (record.day === previousText && days.length) {
      days[days.length - 1]![1]++;
      continue;
    }
    previousText = record.day;
    const day = dayNumber(record.day);
    const last = days.at(-1);
    if (last && day === previousDay) last[1]++;
    else days.push([day - previousDay, 1]);
    previousDay = day;
  }

  // Result files for papers `from` to `to` (multiples of papersPerFragment). One holding the same papers (same keys)
  // at the same place as in the previous build is linked.
  const groups: string[] = [];
  // What each paper's result shows, for the next build (see IndexState.shown): made now, so that a paper sent without
  // its text whose line the previous state lacks stops the build before any file is written.
  const shown = shownLines(records, keys, previous, before, grown);
  // What a paper sent without its text shows, from the previous state (the same key, the same record).
  const previousShown = (record: SearchRecord, key: string): unknown => {
    const old = before.get(key);
    const line = previous && old !== undefined ? shownLine(previous, old) : undefined;
    if (!line) throw new MissingTextError(noShownLine);
    const [title, authors] = JSON.parse(line.toString("utf8")) as [string, string];
    return { url: record.url, title, authors, day: record.day, upvotes: record.upvotes };
  };
  const same = (group: number): boolean => {
    const old = reuse?.previous;
    // The same keys make the same records only for the same code and context (path prefix...).
    if (!linkable || !old || old.fingerprint !== reuse.fingerprint || group >= old.groups.length) return false;
    const from = group * papersPerFragment;
    const to = Math.min(records.length, from + papersPerFragment);
    if (Math.min(old.keys.length, from + papersPerFragment) !== to) return false;
    for (let doc = from; doc < to; doc++) if (!keys[doc] || old.keys[doc] !== keys[doc]) return false;
    return true;
  };
  const fragments = (from: number, to: number): IndexFile[] => {
    const out: IndexFile[] = [];
    for (let first = from; first < to; first += papersPerFragment) {
      const group = first / papersPerFragment;
      const file = `f/${Math.floor(group / fragmentsPerFolder)}/${group}.ix`;
      const make = () => {
        const shown = records.slice(first, first + papersPerFragment).map((r, i) =>
          r.textless ? previousShown(r, keys[first + i]!) : { url: r.url, title: r.title, authors: r.authors, day: r.day, upvotes: r.upvotes },
        );
        return gzip(JSON.stringify(shown));
      };
      if (same(group)) out.push({ file, digest: reuse!.previous!.groups[group]!, make });
      else {
        const data = make();
        out.push({ file, digest: hashName(data), data });
      }
      groups[group] = out.at(-1)!.digest;
    }
    return out;
  };
  const meta = (version: string) => gzip(JSON.stringify({ version, docs: records.length, language, days, dict, post, filters, upvotes, fragment: papersPerFragment, folder: fragmentsPerFolder }));
  const state = (metaDigest: string): IndexState => ({
    fingerprint: reuse?.fingerprint ?? "",
    words,
    wordStem,
    stems,
    usedWords,
    wordOrder,
    stemOrder,
    keys: [...keys],
    shown,
    // Made only when saved: 100,000 small arrays (the JSON alone is carried over when papers were only added).
    get kept() {
      return records.map(keptOf);
    },
    keptJson: grown && previous && previous === reuse?.previous && previous.keptJson ? appendJson(previous.keptJson, records.slice(previous.keys.length).map(keptOf)) : undefined,
    docLength,
    postStart: docStart,
    postStem: postingStem.take(),
    postValue: postingValue.take(),
    wordStart,
    wordIds: docWords.take(),
    wordDocs,
    chunks,
    statistics,
    stemBytes,
    postChunks,
    groups,
    meta: metaDigest,
    stored: reuse?.previous?.stored,
    grown: grown && previous === reuse?.previous,
  });
  /** The state, with the previous papers' words read only when its `wordIds` are (see `wordTail`). */
  const stateOf = (metaDigest: string): IndexState => {
    const made = state(metaDigest);
    if (!grown) return made;
    const tail = made.wordIds;
    const old = previous!;
    let all: Int32Array | undefined;
    Object.defineProperty(made, "wordIds", {
      enumerable: true,
      get: () => {
        if (all) return all;
        all = new Int32Array(wordBase + tail.length);
        all.set(old.wordIds.subarray(0, wordBase));
        all.set(tail, wordBase);
        return all;
      },
    });
    made.wordTail = { from: wordBase, values: tail };
    return made;
  };
  return { files, fragments, meta, state: stateOf, stems: encodedStems };
}

/**
 * Writes index files under `root`: new bytes are written (a bounded number at a time), a file the previous build wrote
 * the same is hard-linked from `previousDir` (copied or made again when linking fails). Links are made one after the
 * other on this thread: 25,000 at 100,000 papers took 0.54 to 0.70 s against 0.71 to 1.13 s as promises 256 at a
 * time (a microbenchmark, load 5), the thread pool's round trips costing more than the links.
 */
async function writeAll(root: string, files: readonly IndexFile[], previousDir: string | undefined, linked?: string[]): Promise<void> {
  const folders = new Set(files.map(({ file }) => path.dirname(path.join(root, file))));
  await Promise.all([...folders].map((folder) => mkdir(folder, { recursive: true })));
  const written = files.filter((file) => file.data);
  for (let i = 0; i < written.length; i += 256) await Promise.all(written.slice(i, i + 256).map(({ file, data }) => writeFile(path.join(root, file), data!)));
  for (const { file, data, make } of files) {
    if (data) continue;
    const target = path.join(root, file);
    try {
      linkSync(path.join(previousDir!, file), target);
      linked?.push(file);
    } catch {
      writeFileSync(target, make!());
    }
  }
}

/** How `writeSearchIndex` may update the previous index instead of building it again. */
export interface IndexReuse {
  /** A file of the build cache holding what the last index build analysed and wrote (read, then replaced). */
  stateFile: string;
  /** The previous site's index folder, whose files are linked where they are unchanged. */
  previousDir?: string;
  /** Whatever else the records depend on (the site's path prefix...): a different context reuses nothing. */
  context?: string;
}

/**
 * A state is kept in four files: `search-index.bin` (JSON parts, then the arrays sized by words, stems or papers,
 * raw) and one file per array of the papers' postings and words (`search-index.bin.<generation>.<array>`, raw: 130 MB
 * of the 143 at 100,000 papers). A build that only added papers after the previous ones appends to those (their first
 * values are the previous build's, unchanged) instead of writing them again, and reads them into arrays with room to
 * grow, which the analysis then extends in place (src/search/index.ts pass 1) rather than copying. The first file,
 * replaced whole (written beside, renamed), says how many values of each array are the state's: values a killed build
 * appended beyond are never read.
 */
const stateArrays = ["wordOrder", "stemOrder", "docLength", "postStart", "wordStart", "stemBytes", "wordDocs"] as const;
const paperArrays = ["postStem", "postValue", "wordIds"] as const;
const stateFormat = 8;

/** Where a state read from its files came from: its arrays' generation and lengths, and its first file's identity. */
interface StoredState {
  generation: string;
  lengths: number[];
  identity: string;
}

/**
 * A length-prefixed (u32, little-endian) part, padded to 4 bytes: `value` as JSON, or `bytes` (already made, in
 * pieces), as pieces to write one after the other (the bytes are not copied).
 */
function part(value: unknown, bytes: readonly Buffer[] = [Buffer.from(JSON.stringify(value))]): Buffer[] {
  const length = bytes.reduce((sum, piece) => sum + piece.length, 0);
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(length, 0);
  const pad = (4 - (length % 4)) % 4;
  return [prefix, ...bytes, ...(pad ? [Buffer.alloc(pad)] : [])];
}

const int32Bytes = (values: Int32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

/**
 * A state's first file as bytes: a first JSON part with what the main thread reads alone (`readIndexedPapers`) and
 * where the paper arrays are, a second with the rest but the arrays and the kept records, a third with those (see
 * KeptRecord; its JSON carried over from the previous state when papers were only added), a fourth with what each
 * paper's result shows (`shown`, lines of JSON), then the arrays sized by words, stems or papers.
 */
function encodeState(state: IndexState, generation: string): Buffer[] {
  const rest: Record<string, unknown> = { lengths: stateArrays.map((name) => state[name].length) };
  // Not read at all (a getter would make them): what goes in parts of its own, and what is not saved.
  const elsewhere = new Set<string>([...stateArrays, ...paperArrays, "keys", "meta", "stored", "grown", "wordTail", "kept", "keptJson", "shown", "shownStarts", "docOf", "inverted"]);
  for (const name of Object.keys(state) as (keyof IndexState)[]) if (!elsewhere.has(name)) rest[name] = state[name];
  const head = { format: stateFormat, meta: state.meta, generation, lengths: paperArrays.map((name) => lengthOf(state, name)), keys: state.keys };
  return [...part(head), ...part(rest), ...part(undefined, [Buffer.from(keptJsonOf(state))]), ...part(undefined, state.shown), ...stateArrays.map((name) => int32Bytes(state[name]))];
}

interface StateHead {
  format: number;
  meta: string;
  keys: string[];
  generation: string;
  lengths: number[];
  end: number;
}

/** Reads the first JSON part of a state file, given a way to read its bytes, or throws. */
function readHead(bytesAt: (from: number, length: number) => Buffer): StateHead {
  const length = bytesAt(0, 4).readUInt32LE(0);
  const json = bytesAt(4, length);
  if (json.length !== length) throw new Error("truncated");
  const head = JSON.parse(json.toString("utf8")) as StateHead;
  if (head.format !== stateFormat || os.endianness() !== "LE") throw new Error("another format");
  if (!/^[0-9a-f]{12}$/.test(head.generation) || head.lengths.length !== paperArrays.length) throw new Error("damaged");
  return { ...head, end: 4 + length + ((4 - (length % 4)) % 4) };
}

/** How many values a paper array of `state` holds (the words' without reading the previous ones, see `wordTail`). */
const lengthOf = (state: IndexState, name: (typeof paperArrays)[number]) =>
  name === "wordIds" && state.wordTail ? state.wordTail.from + state.wordTail.values.length : state[name].length;

/** The file of one paper array of a state's generation. */
const arrayFile = (stateFile: string, generation: string, name: string) => `${stateFile}.${generation}.${name}`;

/**
 * The keys of the papers the state in `stateFile` describes (else undefined): those papers' text need not be sent to
 * the index worker (see `SearchRecord.textless`), which makes their records from what the state kept of them (see
 * KeptRecord), whether or not the previous output is still there.
 */
export function readIndexedPapers(stateFile: string): Set<string> | undefined {
  try {
    const fd = openSync(stateFile, "r");
    try {
      const head = readHead((from, length) => {
        const out = Buffer.alloc(length);
        return out.subarray(0, readSync(fd, out, 0, length, from));
      });
      return new Set(head.keys);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** `length` values of a raw file into a new array with room for `room` more (see Int32List.adopt), or throws. */
function readInt32s(file: string, length: number, room: number): Int32Array {
  const values = new Int32Array(length + room);
  const bytes = Buffer.from(values.buffer, 0, length * 4);
  const fd = openSync(file, "r");
  try {
    for (let at = 0; at < bytes.length; ) {
      const read = readSync(fd, bytes, at, bytes.length - at, at);
      if (!read) throw new Error("truncated");
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  return values.subarray(0, length);
}

/** The state in `file` (and its arrays' files), or undefined when there is none or it cannot be read (a cold build follows). */
function readState(file: string): IndexState | undefined {
  try {
    const fd = openSync(file, "r");
    let bytes: Buffer;
    let identity: string;
    try {
      identity = fileIdentity(fstatSync(fd, { bigint: true }));
      bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
    const head = readHead((from, length) => bytes.subarray(from, from + length));
    const length = bytes.readUInt32LE(head.end);
    const state = JSON.parse(bytes.toString("utf8", head.end + 4, head.end + 4 + length)) as IndexState & { lengths: number[] };
    state.keys = head.keys;
    state.meta = head.meta;
    const keptAt = head.end + 4 + length + ((4 - (length % 4)) % 4);
    const keptLength = bytes.readUInt32LE(keptAt);
    state.keptJson = bytes.toString("utf8", keptAt + 4, keptAt + 4 + keptLength);
    state.kept = JSON.parse(state.keptJson) as KeptRecord[];
    if (state.kept.length !== state.keys.length) throw new Error("damaged");
    const shownAt = keptAt + 4 + keptLength + ((4 - (keptLength % 4)) % 4);
    const shownLength = bytes.readUInt32LE(shownAt);
    if (shownAt + 4 + shownLength > bytes.length) throw new Error("truncated");
    state.shown = [bytes.subarray(shownAt + 4, shownAt + 4 + shownLength)];
    const from = shownAt + 4 + shownLength + ((4 - (shownLength % 4)) % 4);
    // Int32Array views need 4-byte alignment: a large file's buffer has it (offset 0), a pooled small one may not.
    const copy = (bytes.byteOffset + from) % 4 ? Uint8Array.prototype.slice.call(bytes, from) : bytes.subarray(from);
    let at = 0;
    stateArrays.forEach((name, i) => {
      const n = state.lengths[i]!;
      if (at + n * 4 > copy.byteLength) throw new Error("truncated");
      state[name] = new Int32Array(copy.buffer, copy.byteOffset + at, n);
      at += n * 4;
    });
    // Room for a few thousand papers more: the build appends to these arrays (pass 1).
    paperArrays.forEach((name, i) => {
      const n = head.lengths[i]!;
      const read = () => readInt32s(arrayFile(file, head.generation, name), n, Math.max(1 << 16, n >> 5));
      if (name !== "wordIds") state[name] = read();
      else {
        // Read when first needed (see IndexState.wordTail), if at all. Checked now; should it go missing meanwhile (a
        // build that started a new generation deleted it), writeSearchIndex analyses every paper after all.
        if (statSync(arrayFile(file, head.generation, name)).size < n * 4) throw new Error("truncated");
        let values: Int32Array | undefined;
        const readOrThrow = () => {
          try {
            return read();
          } catch (error) {
            throw new StateUnreadableError(`search index: the previous state's ${name} cannot be read`, { cause: error });
          }
        };
        Object.defineProperty(state, name, { enumerable: true, configurable: true, get: () => (values ??= readOrThrow()) });
      }
    });
    state.stored = { generation: head.generation, lengths: head.lengths, identity };
    return state;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock that appending to a state's arrays needs (`<file>.lock`, src/output/lock-file.ts): false when another
 * process that is running holds it; one left by a process that died is taken over.
 */
export function takeStateLock(lock: string): boolean {
  return takeLock(lock) === true;
}

/**
 * Writes `values` from value `from` on into `file` at value `from + offset` (a new file when that is 0): `offset` is
 * where `values` begins in the array the file holds.
 */
function writeInt32s(file: string, values: Int32Array, from: number, offset = 0): void {
  const bytes = int32Bytes(values.subarray(from));
  const fd = openSync(file, from + offset ? "r+" : "w");
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, (from + offset) * 4 + at);
  } finally {
    closeSync(fd);
  }
}

/**
 * Saves `state` in `file` and its arrays' files. When the state read at the start of the build (`stored`) is still the
 * one in `file`, and `state`'s paper arrays begin with its values (`state.grown`), only the values after them are
 * written (under a lock, so that two builds never append to the same files); else the arrays go to files of a new
 * generation and the previous generation's are deleted once `file` names the new one. A state that cannot be saved
 * costs the next build time, never its correctness (see readState and `linkable`).
 */
function saveState(file: string, state: IndexState): void {
  const stored = state.stored;
  const lock = `${file}.lock`;
  let locked = false;
  let generation = randomBytes(6).toString("hex");
  let from = paperArrays.map(() => 0);
  const temp = `${file}.tmp-${process.pid}-${threadId}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    if (stored && state.grown && (locked = takeStateLock(lock))) {
      const now = statSync(file, { bigint: true, throwIfNoEntry: false });
      if (now && fileIdentity(now) === stored.identity) {
        generation = stored.generation;
        from = stored.lengths;
      }
    }
    paperArrays.forEach((name, i) => {
      const tail = name === "wordIds" && state.wordTail?.from === from[i] && from[i] ? state.wordTail : undefined;
      if (tail) writeInt32s(arrayFile(file, generation, name), tail.values, 0, tail.from);
      else writeInt32s(arrayFile(file, generation, name), state[name], from[i]!);
    });
    const parts = encodeState(state, generation);
    const fd = openSync(temp, "w");
    try {
      if (writevSync(fd, parts) !== parts.reduce((n, part) => n + part.length, 0)) throw new Error("short write");
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch {
    rmSync(temp, { force: true });
    if (generation !== stored?.generation) for (const name of paperArrays) rmSync(arrayFile(file, generation, name), { force: true });
    return;
  } finally {
    if (locked) rmSync(lock, { force: true });
  }
  if (generation === stored?.generation) return;
  // Arrays of earlier generations: the one this build read, and any a killed build left (older than an hour).
  const prefix = `${path.basename(file)}.`;
  for (const name of readdirSync(path.dirname(file))) {
    const match = name.startsWith(prefix) && /^([0-9a-f]{12})\.(\w+)$/.exec(name.slice(prefix.length));
    if (!match || match[1] === generation || !(paperArrays as readonly string[]).includes(match[2]!)) continue;
    const full = path.join(path.dirname(file), name);
    try {
      if (match[1] === stored?.generation || Date.now() - statSync(full).mtimeMs > 3_600_000) rmSync(full, { force: true });
    } catch {
      // Deleted meanwhile.
    }
  }
}

/** A state read ahead of its build (see preloadState), by file, and its kept records by key (see keptRecords). */
let preloaded: { file: string; state: IndexState | undefined } | undefined;

/**
 * Reads the state in `file` now, for the next writeSearchIndex with that state file: a worker started before its
 * papers are known (src/search/build.ts, startSearchIndex) reads the 140 MB of a 100,000-paper state while the main
 * thread is still reading the content, instead of after. The build checks what it reads as it would have then (the
 * previous index folder's meta.ix against the state; the state file's identity before appending to its arrays).
 */
export function preloadState(file: string): void {
  preloaded = { file, state: readState(file) };
  const state = preloaded.state;
  if (!state) return;
  state.docOf = new Map(state.keys.map((key, doc) => [key, doc]));
  if (state.postStart.length === state.keys.length + 1) state.inverted = invert(state);
}

/** A paper's kept record by its key, from a state (see keptRecords). */
const keptByKey = (state: IndexState) => {
  const docOf = (state.docOf ??= new Map(state.keys.map((key, doc) => [key, doc])));
  return (key: string): KeptRecord | undefined => {
    const doc = docOf.get(key);
    return doc === undefined ? undefined : state.kept[doc];
  };
};

/**
 * What the state of `reuse` kept of each paper by its key (see KeptRecord), when it was made with the same code,
 * language and context (else its records would differ): the records of papers sent without their text are made from
 * it. Reads the state for the build that follows, unless preloaded.
 */
export function keptRecords(reuse: IndexReuse, language: string): ((key: string) => KeptRecord | undefined) | undefined {
  if (preloaded?.file !== reuse.stateFile) preloaded = { file: reuse.stateFile, state: readState(reuse.stateFile) };
  const state = preloaded.state;
  return state?.fingerprint === fingerprintOf(language, reuse) ? keptByKey(state) : undefined;
}

/** What the analysis depends on besides each paper: the index code, the language, the caller's context. */
const fingerprintOf = (language: string, reuse: IndexReuse) => sha(JSON.stringify([indexCode(), language, reuse.context ?? ""]));

/** The state preloaded from `file`, once (a later build reads it again), else read now. */
function takeState(file: string): IndexState | undefined {
  const ready = preloaded?.file === file ? preloaded : undefined;
  preloaded = undefined;
  return ready ? ready.state : readState(file);
}

let codeHash: string | undefined;
/** The index code (this module, the words and records it imports, the stemmer's version). */
const indexCode = () => (codeHash ??= codeFingerprint([fileURLToPath(import.meta.url)]));

/**
 * Writes the search index of `records` into `<siteDir>/search/` (replacing what was there). The same records always
 * give the same bytes, whether built from scratch or, with `reuse`, updated from the previous build: only new papers
 * are tokenised, and files whose content did not change are linked from the previous index folder. The index's
 * `version` (a hash of every file's name and digest) lets the browser refetch result files that kept their names
 * after a rebuild.
 */
export async function writeSearchIndex(records: readonly SearchRecord[], siteDir: string, language = "en", reuse?: IndexReuse): Promise<SearchIndexResult> {
  const outputPath = path.join(siteDir, searchFolder);
  // Only the index's own files: the folder also holds the search page (search/index.html), which Eleventy may have
  // written already.
  await Promise.all(indexEntries.map((entry) => rm(path.join(outputPath, entry), { recursive: true, force: true })));
  let parts: IndexParts;
  let clock = performance.now();
  const lap = () => -clock + (clock = performance.now());
  const steps = { state: 0, analyse: 0, write: 0, save: 0 };
  let previousDir = reuse?.previousDir && path.resolve(reuse.previousDir) !== path.resolve(outputPath) ? reuse.previousDir : undefined;
  if (reuse) {
    const previous = takeState(reuse.stateFile);
    let linkable = false;
    if (previous && previousDir) {
      try {
        linkable = hashName(readFileSync(path.join(previousDir, "meta.ix"))) === previous.meta;
      } catch {
        linkable = false;
      }
    }
    if (!linkable) previousDir = undefined;
    const fingerprint = fingerprintOf(language, reuse);
    steps.state = lap();
    const keys = records.map((r) => r.key ?? recordKey(r));
    try {
      parts = buildIndexParts(records, language, { previous, fingerprint, keys, linkable, previousDir });
    } catch (error) {
      if (!(error instanceof StateUnreadableError)) throw error;
      previousDir = undefined;
      parts = buildIndexParts(records, language, { fingerprint, keys, linkable: false });
    }
  } else parts = buildIndexParts(records, language);
  steps.analyse = lap();
  const version = createHash("sha256");
  let bytes = 0;
  let files = 0;
  let linked = 0;
  const linkedFiles: string[] = [];
  const write = async (batch: IndexFile[]) => {
    for (const { file, digest, data } of batch) {
      version.update(`${file}\0${digest}\n`);
      if (data) bytes += data.length;
      else linked++;
    }
    files += batch.length;
    await writeAll(outputPath, batch, previousDir, linkedFiles);
  };
  await write(parts.files);
  for (let from = 0; from < records.length; from += 4000) await write(parts.fragments(from, Math.min(records.length, from + 4000)));
  const meta = parts.meta(version.digest("hex").slice(0, 16));
  await writeAll(outputPath, [{ file: "meta.ix", digest: "", data: meta }], undefined);
  files++;
  bytes += meta.length;
  steps.write = lap();
  if (reuse) saveState(reuse.stateFile, parts.state(hashName(meta)));
  steps.save = lap();
  return { outputPath, records: records.length, files, bytes, linked, linkedFiles, stems: parts.stems, steps };
}
