import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { parsePaper, type ParsedPaper, type SourceFile } from "../content/load.ts";
import type { MacroTable } from "../markdown/macros.ts";
import { renderPaper } from "../markdown/paper.ts";
import { startTypeScriptWorker } from "../workers/typescript-worker.ts";
import { encodePaperRecord, parsePaperRecord } from "../cache/paper-record.ts";

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
  /** Each result's typeset paper as one line of JSON (an empty line for a result without one). */
  papers: string;
  /** `papers` in UTF-8. */
  bytes: Uint8Array<ArrayBuffer>;
}

/**
 * Results as they leave a worker thread. They travel as JSON text: objects rebuilt by JSON.parse take 2.5 times less
 * memory than structured clones, and the text flattens every string (see `compact`). Each typeset paper is a line of
 * JSON of its own, also sent in UTF-8 (moved rather than copied) for the paper cache to write as it is: the main
 * thread does not serialise every paper again (at 100,000 papers that took 10 s).
 */
export function encodeResults(results: readonly FileResult[]): EncodedResults {
  // Paper records never hold a raw line break, so lines separate the papers.
  const papers = results.map((r) => (r.rendered ? encodePaperRecord(r.rendered.paper) : "")).join("\n");
  const json = JSON.stringify(results.map((r) => (r.rendered ? { ...r, rendered: { ...r.rendered, paper: null } } : r)));
  return { json, papers, bytes: new TextEncoder().encode(papers) };
}

/** Results as they arrive on the main thread, each paper with its JSON in UTF-8. */
export function decodeResults({ json, papers, bytes }: EncodedResults): FileResult[] {
  const lines = papers.split("\n");
  const utf8 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = 0;
  return (JSON.parse(json) as FileResult[]).map((result, i) => {
    const newline = utf8.indexOf(0x0a, start);
    const end = newline === -1 ? utf8.length : newline;
    const paperJson = utf8.subarray(start, end);
    start = end + 1;
    if (!result.rendered) return result;
    const paper = parsePaperRecord(lines[i]!);
    return { ...result, rendered: { ...result.rendered, paper }, paperJson };
  });
}

/** The parse result of a processed file, with its paper (the typeset one when there is one). */
export function parsedPaper(result: FileResult): ParsedPaper {
  return result.rendered ? { ...result.parsed, paper: result.rendered.paper } : result.parsed;
}

/** Parses, validates and typesets paper files on worker threads; results come back in input order. */
export interface RenderPool {
  /** `siteMacros`: the site's TeX macros (site.json), default none. */
  process(files: readonly SourceFile[], siteMacros?: MacroTable): Promise<FileResult[]>;
  /** Stops the workers; the pool cannot be used afterwards. */
  close(): Promise<void>;
}

/** Files sent to a worker at once: large enough to amortise messaging, small enough to balance the load. */
const batchSize = 50;

/**
 * Starts `size` workers (default: one per core) at once, so their start-up (loading KaTeX, markdown-it and yaml)
 * overlaps with whatever the main thread does next. The main thread only hands out batches and decodes the results:
 * it holds every paper of the build, and its garbage collection grows with that heap (13 s at 100,000 papers with no
 * typesetting on it at all). If a worker cannot start or fails, the files it had are processed on the main thread: the
 * result is the same, only slower.
 */
export function startRenderPool(size: number = availableParallelism()): RenderPool {
  const entry = new URL("./worker.ts", import.meta.url);
  const workers = Array.from({ length: Math.max(1, size) }, () => startTypeScriptWorker(entry));
  const broken = new Set<Worker>();
  for (const worker of workers) {
    worker.on("error", () => broken.add(worker));
    worker.on("exit", () => broken.add(worker));
    worker.unref();
  }

  const run = async (files: readonly SourceFile[], siteMacros: MacroTable = {}): Promise<FileResult[]> => {
    const results: FileResult[] = new Array(files.length);
    let next = 0;
    const here = (start: number, end: number) =>
      compact(files.slice(start, end).map((file) => processFile(file, siteMacros))).forEach((result, i) => (results[start + i] = result));
    // Each worker has a second batch queued behind the one it works on, so it never waits for this thread.
    const drain = (worker: Worker) =>
      new Promise<void>((resolve, reject) => {
        const pending: Array<[number, number]> = [];
        const send = () => {
          while (pending.length < 2 && next < files.length && !broken.has(worker)) {
            const batch: [number, number] = [next, (next = Math.min(files.length, next + batchSize))];
            pending.push(batch);
            worker.postMessage({ files: files.slice(...batch), siteMacros });
          }
          if (!pending.length) finish();
        };
        const onMessage = (message: EncodedResults) => {
          const [start] = pending.shift()!;
          decodeResults(message).forEach((result, i) => (results[start + i] = result));
          send();
        };
        const onError = () => {
          broken.add(worker);
          try {
            for (const [start, end] of pending.splice(0)) here(start, end);
            finish();
          } catch (error) {
            stop();
            reject(error);
          }
        };
        const stop = () => {
          worker.off("message", onMessage);
          worker.off("error", onError);
          worker.off("exit", onError);
        };
        const finish = () => {
          stop();
          resolve();
        };
        worker.on("message", onMessage);
        // A worker that stops without an error (it should not) must not leave its batches unanswered either.
        worker.on("error", onError);
        worker.on("exit", onError);
        send();
      });
    await Promise.all(workers.map(drain));
    // Every worker broke: whatever is left is processed here.
    if (next < files.length) here(next, files.length);
    return results;
  };

  const close = async () => {
    await Promise.all(workers.map((worker) => worker.terminate()));
  };
  return { process: run, close };
}
