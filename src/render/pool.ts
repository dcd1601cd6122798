import { availableParallelism } from "node:os";
import { parsePaper, type ParsedPaper, type SourceFile } from "../content/load.ts";
import type { MacroTable } from "../markdown/macros.ts";
import { renderPaper } from "../markdown/paper.ts";
import { startTypeScriptWorker } from "../workers/typescript-worker.ts";
import { decodePaperRecord, encodePaperRecord } from "../cache/paper-record.ts";
import { keepSearchRow, searchRow } from "../search/rows.ts";
import { utf8Parts } from "../workers/utf8-parts.ts";

const newline = 0x0a;

/** What renderPaper returns for one paper. */
export type RenderResult = ReturnType<typeof renderPaper>;

/** One file parsed and validated, and typeset when it gave a paper. */
export interface FileResult {
  parsed: ParsedPaper;
  rendered?: RenderResult;
  /** The paper record of `rendered.paper` in UTF-8 (src/cache/paper-record.ts), when it came from a worker thread (for the paper cache). */
  paperJson?: Uint8Array;
}

/**
 * What a worker does with one file, done on the calling thread. A typeset paper is sent once: `parsed.paper` is left
 * out when `rendered` holds it (see `parsedPaper`), which halves what crosses threads and what the build holds.
 */
export function processFile({ file, text }: SourceFile, siteMacros: MacroTable = {}): FileResult {
  const { paper, ...parsed } = parsePaper(file, text);
  return paper ? { parsed, rendered: renderPaper(paper, siteMacros) } : { parsed };
}

/**
 * The same data in a fraction of the memory. Typeset HTML is built by thousands of string concatenations, and V8
 * keeps such strings as trees of pieces (57 KB a paper, against 22 KB once flat); at 100,000 papers that is the
 * difference between 2 and 6 GB. A JSON round trip flattens every string, and the results are plain data.
 */
export function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Results as they cross from a worker thread to the main thread (see `encodeResults`). */
export interface EncodedResults {
  /** The results without their typeset papers, as JSON. */
  json: string;
  /** Each result's typeset paper as one line (src/cache/paper-record.ts) in UTF-8; an empty line for a result without one. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Each typeset paper's search row (src/search/rows.ts) as a line in UTF-8, in the same way. */
  rows: Uint8Array<ArrayBuffer>;
}

/**
 * Results as they leave a worker thread. They travel as JSON text: objects rebuilt by JSON.parse take 2.5 times less
 * memory than structured clones, and the text flattens every string (see `compact`). Each typeset paper is a paper
 * record of its own (a line), sent in UTF-8 and moved rather than copied: the paper cache writes those bytes as they
 * are (the main thread does not serialise every paper again: at 100,000 papers that took 10 s), and the main thread
 * decodes a paper's text from them only when something reads it (see decodePaperRecord).
 */
export function encodeResults(results: readonly FileResult[]): EncodedResults {
  // Paper records and search rows never hold a raw line break, so lines separate the papers.
  const json = JSON.stringify(results.map((r) => (r.rendered ? { ...r, rendered: { ...r.rendered, paper: null } } : r)));
  const bytes = utf8Parts(results.map((r) => (r.rendered ? encodePaperRecord(r.rendered.paper) : "")), newline).bytes;
  const rows = utf8Parts(results.map((r) => (r.rendered ? searchRow(r.rendered.paper) : "")), newline).bytes;
  return { json, bytes, rows };
}

/** Results as they arrive on the main thread, each paper with its record in UTF-8 (its text decoded on first use). */
export function decodeResults({ json, bytes, rows }: EncodedResults): FileResult[] {
  const records = lines(bytes);
  const searchRows = lines(rows);
  return (JSON.parse(json) as FileResult[]).map((result) => {
    const record = records.next().value!;
    const row = searchRows.next().value!;
    if (!result.rendered) return result;
    const paper = decodePaperRecord(record, 0, record.length);
    keepSearchRow(paper, row);
    return { ...result, rendered: { ...result.rendered, paper }, paperJson: record };
  });
}

/** The lines of UTF-8 `bytes`, as views of them. */
function* lines(bytes: Uint8Array): Generator<Buffer> {
  const utf8 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let start = 0; start <= utf8.length; ) {
    const found = utf8.indexOf(newline, start);
    const end = found === -1 ? utf8.length : found;
    yield utf8.subarray(start, end);
    start = end + 1;
  }
}

/** The parse result of a processed file, with its paper (the typeset one when there is one). */
export function parsedPaper(result: FileResult): ParsedPaper {
  return result.rendered ? { ...result.parsed, paper: result.rendered.paper } : result.parsed;
}

/** Parses, validates and typesets paper files on worker threads; results come back in input order. */
export interface RenderPool {
  /**
   * Starts on `files` now, before `process` asks for them, for work that overlaps what this thread does meanwhile
   * (reading the rest of the files): `process` takes their results when given the same files (same path and text, the
   * same macros). Up to `readAhead` batches are handed to each worker at once here, since this thread may not return to
   * its event loop for a while; `process` hands out the rest as workers finish.
   */
  submit(files: readonly SourceFile[], siteMacros?: MacroTable): void;
  /** `siteMacros`: the site's TeX macros (site.json), default none. */
  process(files: readonly SourceFile[], siteMacros?: MacroTable): Promise<FileResult[]>;
  /** Stops the workers; the pool cannot be used afterwards. */
  close(): Promise<void>;
}

/** Files sent to a worker at once: large enough to amortise messaging, small enough to balance the load. */
const batchSize = 50;

/**
 * Batches handed to each worker at once by `submit`: 500 files, a few tenths of a second of typesetting. More keep the
 * workers busy longer while the files are read, but batches handed out cannot be taken back, so the last ones no
 * longer go to whichever worker is free: with 40 (all of 4,000 real abstracts handed out while they were read) the
 * cold build was 0.1 to 0.3 s slower than without submit, with 10 it was 0.15 to 1.3 s faster (3 pairs each, 4,000
 * real abstracts and 10,000 bench papers). `process` keeps two per worker, so a worker never waits for this thread.
 */
const readAhead = 10;
const inFlight = 2;

/** Files processed together, on a worker or (when none is left) on this thread. */
interface Batch {
  files: SourceFile[];
  siteMacros: MacroTable;
  /** `siteMacros` as JSON: what tells whether a submitted file was typeset with the macros `process` is given. */
  macrosKey: string;
  done: Promise<FileResult[]>;
  resolve: (results: FileResult[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Starts `size` workers (default: one per core) at once, so their start-up (loading KaTeX, markdown-it and yaml)
 * overlaps with whatever the main thread does next. The main thread only hands out batches and decodes the results:
 * it holds every paper of the build, and its garbage collection grows with that heap (13 s at 100,000 papers with no
 * typesetting on it at all). If a worker cannot start or fails, the files it had are processed on the main thread: the
 * result is the same, only slower. `entry`: the workers' module (tests give one that fails).
 */
export function startRenderPool(size: number = availableParallelism(), entry = new URL("./worker.ts", import.meta.url)): RenderPool {
  const workers = Array.from({ length: Math.max(1, size) }, () => ({ worker: startTypeScriptWorker(entry), pending: [] as Batch[], broken: false }));
  type Slot = (typeof workers)[number];
  const queue: Batch[] = [];
  let closed = false;
  /** Files given to `submit` and not yet taken by `process`, by path. */
  const submitted = new Map<string, { file: SourceFile; batch: Batch; index: number }>();

  const batchOf = (files: SourceFile[], siteMacros: MacroTable, macrosKey: string): Batch => {
    let resolve!: Batch["resolve"];
    let reject!: Batch["reject"];
    const done = new Promise<FileResult[]>((res, rej) => ((resolve = res), (reject = rej)));
    // A batch `submit` started that `process` never asks for must not fail the process when it fails.
    done.catch(() => {});
    return { files, siteMacros, macrosKey, done, resolve, reject };
  };
  const here = (batch: Batch) => {
    try {
      batch.resolve(compact(batch.files.map((file) => processFile(file, batch.siteMacros))));
    } catch (error) {
      batch.reject(error);
    }
  };
  /** Hands out queued batches, to the least busy worker first, until each has `limit`; none left: processed here. */
  const pump = (limit: number) => {
    while (queue.length) {
      const live = workers.filter((slot) => !slot.broken);
      if (!live.length) {
        for (const batch of queue.splice(0)) here(batch);
        return;
      }
      const slot = live.reduce((a, b) => (b.pending.length < a.pending.length ? b : a));
      if (slot.pending.length >= limit) return;
      const batch = queue.shift()!;
      // A worker with work keeps the process alive until its results are in: an idle one does not.
      if (!slot.pending.length) slot.worker.ref();
      slot.pending.push(batch);
      try {
        slot.worker.postMessage({ files: batch.files, siteMacros: batch.siteMacros });
      } catch {
        fail(slot);
      }
    }
  };
  const fail = (slot: Slot) => {
    if (slot.broken || closed) return;
    slot.broken = true;
    slot.worker.unref();
    for (const batch of slot.pending.splice(0)) here(batch);
    pump(inFlight);
  };
  for (const slot of workers) {
    slot.worker.on("message", (message: EncodedResults) => {
      const batch = slot.pending.shift();
      if (!slot.pending.length) slot.worker.unref();
      if (!batch) return;
      try {
        batch.resolve(decodeResults(message));
      } catch (error) {
        batch.reject(error);
      }
      pump(inFlight);
    });
    // A worker that stops without an error (it should not) must not leave its batches unanswered either.
    slot.worker.on("error", () => fail(slot));
    slot.worker.on("exit", () => fail(slot));
    slot.worker.unref();
  }

  const enqueue = (files: readonly SourceFile[], siteMacros: MacroTable, macrosKey: string): Batch[] => {
    const batches: Batch[] = [];
    for (let start = 0; start < files.length; start += batchSize) batches.push(batchOf(files.slice(start, start + batchSize), siteMacros, macrosKey));
    queue.push(...batches);
    return batches;
  };

  const submit = (files: readonly SourceFile[], siteMacros: MacroTable = {}) => {
    for (const batch of enqueue(files, siteMacros, JSON.stringify(siteMacros))) batch.files.forEach((file, index) => submitted.set(file.file, { file, batch, index }));
    pump(readAhead);
  };

  const run = async (files: readonly SourceFile[], siteMacros: MacroTable = {}): Promise<FileResult[]> => {
    const macrosKey = JSON.stringify(siteMacros);
    const taken = files.map((file) => {
      const early = submitted.get(file.file);
      if (!early || early.file.text !== file.text || early.batch.macrosKey !== macrosKey) return undefined;
      submitted.delete(file.file);
      return early;
    });
    const rest = files.filter((_, i) => !taken[i]);
    const batches = enqueue(rest, siteMacros, macrosKey);
    pump(inFlight);
    const results: FileResult[] = new Array(files.length);
    let next = 0;
    for (const [i, early] of taken.entries()) {
      if (early) results[i] = (await early.batch.done)[early.index]!;
      else {
        const batch = batches[Math.floor(next / batchSize)]!;
        results[i] = (await batch.done)[next % batchSize]!;
        next++;
      }
    }
    return results;
  };

  const close = async () => {
    closed = true;
    await Promise.all(workers.map((slot) => slot.worker.terminate()));
  };
  return { submit, process: run, close };
}
