import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { parsePaper, type ParsedPaper, type SourceFile } from "../content/load.ts";
import { renderPaper } from "../markdown/paper.ts";

/** What renderPaper returns for one paper. */
export type RenderResult = ReturnType<typeof renderPaper>;

/** One file parsed and validated, and typeset when it gave a paper. */
export interface FileResult {
  parsed: ParsedPaper;
  rendered?: RenderResult;
}

/**
 * What a worker does with one file, done on the calling thread. A typeset paper is sent once: `parsed.paper` is left
 * out when `rendered` holds it (see `parsedPaper`), which halves what crosses threads and what the build holds.
 */
export function processFile({ file, text }: SourceFile): FileResult {
  const { paper, ...parsed } = parsePaper(file, text);
  return paper ? { parsed, rendered: renderPaper(paper) } : { parsed };
}

/**
 * The same data in a fraction of the memory. Typeset HTML is built by thousands of string concatenations, and V8
 * keeps such strings as trees of pieces (57 KB a paper, against 22 KB once flat); at 100,000 papers that is the
 * difference between 2 and 6 GB. A JSON round trip flattens every string, and the results are plain data.
 */
export function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The parse result of a processed file, with its paper (the typeset one when there is one). */
export function parsedPaper(result: FileResult): ParsedPaper {
  return result.rendered ? { ...result.parsed, paper: result.rendered.paper } : result.parsed;
}

/** Parses, validates and typesets paper files on worker threads; results come back in input order. */
export interface RenderPool {
  process(files: readonly SourceFile[]): Promise<FileResult[]>;
  /** Stops the workers; the pool cannot be used afterwards. */
  close(): Promise<void>;
}

/** Files sent to a worker at once: large enough to amortise messaging, small enough to balance the load. */
const batchSize = 50;

/**
 * Starts `size` workers (default: one per core but this thread's, which works too) at once, so their start-up
 * (loading KaTeX, markdown-it and yaml) overlaps with whatever the main thread does next. If a worker cannot start or
 * fails, the files it had are processed on the main thread: the result is the same, only slower.
 */
export function startRenderPool(size: number = availableParallelism() - 1): RenderPool {
  const workers = Array.from({ length: Math.max(1, size) }, () => new Worker(new URL("./worker.ts", import.meta.url)));
  const broken = new Set<Worker>();
  for (const worker of workers) {
    worker.on("error", () => broken.add(worker));
    worker.unref();
  }

  const run = async (files: readonly SourceFile[]): Promise<FileResult[]> => {
    const results: FileResult[] = new Array(files.length);
    let next = 0;
    const drain = async (worker: Worker): Promise<void> => {
      while (next < files.length && !broken.has(worker)) {
        const start = next;
        const batch = files.slice(start, (next += batchSize));
        try {
          const done = await new Promise<FileResult[]>((resolve, reject) => {
            const onMessage = (message: { json: string }) => {
              worker.off("error", onError);
              resolve(JSON.parse(message.json) as FileResult[]);
            };
            const onError = (error: Error) => {
              worker.off("message", onMessage);
              reject(error);
            };
            worker.once("message", onMessage);
            worker.once("error", onError);
            worker.postMessage({ files: batch });
          });
          done.forEach((result, i) => (results[start + i] = result));
        } catch {
          broken.add(worker);
          compact(batch.map(processFile)).forEach((result, i) => (results[start + i] = result));
        }
      }
    };
    // The calling thread takes batches too, between handling the workers' messages.
    const drainHere = async (): Promise<void> => {
      while (next < files.length) {
        const start = next;
        const batch = files.slice(start, (next += batchSize));
        compact(batch.map(processFile)).forEach((result, i) => (results[start + i] = result));
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([...workers.map(drain), drainHere()]);
    // Every worker broke: whatever is left is processed here.
    for (; next < files.length; next++) results[next] = compact(processFile(files[next]!));
    return results;
  };

  const close = async () => {
    await Promise.all(workers.map((worker) => worker.terminate()));
  };
  return { process: run, close };
}
