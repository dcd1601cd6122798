import { createHash } from "node:crypto";
import type { Worker } from "node:worker_threads";
import { startTypeScriptWorker } from "../workers/typescript-worker.ts";
import { utf8Parts } from "../workers/utf8-parts.ts";
import { recordingWrites, writtenOutput, type WrittenOutput, type WrittenOutputMessage } from "./recorded-writes.ts";

/**
 * Writes rendered pages and hashes their bytes as it writes them, so the page manifest (src/cache/pages.ts) does not
 * read every page back to hash it.
 */
export interface PageWriter {
  /** Writes `content` to the absolute path `file` (its folder made as needed); the first failure rejects `close`. */
  write(file: string, content: string | Uint8Array): void;
  /**
   * Once every page is on disk: each file written (absolute path) -> sha256 of its bytes, in hex; and, asked with the
   * output folder `root` of a writer that records them, the stats of what it wrote (see recorded-writes.ts).
   */
  close(root?: string): Promise<WrittenPages>;
}

/** What a page writer's `close` gives. */
export interface WrittenPages {
  hashes: Map<string, string>;
  output?: WrittenOutput;
}

/** The sha256 of what `writeFileSync` writes for `content` (a string in UTF-8), in hex. */
export const hashContent = (content: string | Uint8Array) => createHash("sha256").update(content).digest("hex");

/**
 * Runs `work` (which hands pages to `writer`) and waits until the writer has written them all, also when `work` fails
 * (so nothing writes into a folder its caller then deletes). Returns what `work` returned and the hash of every page
 * written (absolute path -> sha256 hex); rejects with `work`'s error, or else the writer's first failed write.
 */
export async function writeAllWith<T>(writer: PageWriter, work: () => T | Promise<T>): Promise<{ result: T; pageHashes: Map<string, string> }> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await writer.close().catch(() => {});
    throw error;
  }
  return { result, pageHashes: (await writer.close()).hashes };
}

/** Writes on the calling thread, each page as it is given. */
export function inlinePageWriter(): PageWriter {
  const writes = recordingWrites();
  const hashes = new Map<string, string>();
  let failure: unknown;
  return {
    write(file, content) {
      if (failure) return;
      try {
        const bytes = typeof content === "string" ? Buffer.from(content) : content;
        writes.write(file, bytes);
        hashes.set(file, hashContent(bytes));
      } catch (error) {
        failure = error;
      }
    },
    close: (root) => (failure ? Promise.reject(failure) : Promise.resolve({ hashes, ...(root !== undefined ? { output: writtenOutput(writes.done(root)) } : {}) })),
  };
}

/** Bytes of pages given to the writer thread and not yet written beyond which `write` waits for it. */
export const queuedLimit = 64 * 2 ** 20;

/**
 * Pages are sent to the thread in batches of about this many bytes, as UTF-8 in one buffer that is moved, not copied:
 * structured cloning each page's string cost the rendering thread about twice as much as encoding it (Node 20).
 */
const batchSize = 2 ** 20;

/** Pages as they are sent to the writer thread: their paths, and their bytes one after the other. */
export interface PageBatch {
  files: string[];
  /** Each page's length in bytes, in `bytes`. */
  lengths: number[];
  bytes: Uint8Array<ArrayBuffer>;
}

/** A batch of pages in one buffer (strings in UTF-8, as `writeFileSync` writes them). */
function encodeBatch(pages: { file: string; content: string | Uint8Array }[]): PageBatch {
  const { bytes, lengths } = utf8Parts(pages.map(({ content }) => content));
  return { files: pages.map(({ file }) => file), lengths, bytes };
}

/** What the writer thread answers to `close`. */
export interface WriterDone {
  hashes: [file: string, hash: string][];
  error?: string;
  output?: WrittenOutputMessage;
}

/**
 * Writes on a worker thread (src/output/page-writer-worker.ts): the mkdir, open and write of every page, and hashing
 * it, leave the rendering thread for the other core. At most `queuedLimit` bytes wait in the thread's queue: past that
 * `write` blocks until the thread has caught up, so a fast renderer does not hold a second copy of the whole site.
 * `close` resolves once every page is on disk and the thread has ended, and rejects with the first write that failed;
 * nothing is written after it settles.
 */
export function threadPageWriter(): PageWriter {
  // [0]: bytes (UTF-16 units for strings) sent and not yet written; the thread subtracts and notifies.
  const queued = new Int32Array(new SharedArrayBuffer(4));
  const worker: Worker = startTypeScriptWorker(new URL("./page-writer-worker.ts", import.meta.url));
  let crashed: unknown;
  worker.on("error", (error) => (crashed ??= error));
  worker.postMessage({ queued });
  let batch: { file: string; content: string | Uint8Array }[] = [];
  let batched = 0;
  const send = () => {
    if (!batch.length) return;
    // Waits a second at a time; a thread that wrote nothing for a minute is taken for dead (the build fails).
    for (let now = Atomics.load(queued, 0), idle = 0; now > queuedLimit && !crashed; ) {
      const result = Atomics.wait(queued, 0, now, 1000);
      now = Atomics.load(queued, 0);
      if (result === "timed-out" && ++idle >= 60) crashed = new Error("The page writer thread wrote nothing for a minute");
      else if (result !== "timed-out") idle = 0;
    }
    Atomics.add(queued, 0, batched);
    const pages = encodeBatch(batch);
    worker.postMessage({ pages, size: batched }, [pages.bytes.buffer]);
    batch = [];
    batched = 0;
  };
  return {
    write(file, content) {
      if (crashed) return;
      batch.push({ file, content });
      batched += Math.min(content.length, queuedLimit);
      if (batched >= batchSize) send();
    },
    async close(root) {
      if (!crashed) send();
      const done = await new Promise<WriterDone | undefined>((resolve) => {
        worker.once("message", resolve);
        worker.once("exit", () => resolve(undefined));
        worker.postMessage({ close: true, root });
      });
      // The thread answers after its last write: nothing is written once it is stopped here.
      await worker.terminate();
      if (crashed || !done) throw crashed ?? new Error("The page writer thread stopped before writing every page");
      if (done.error) throw new Error(done.error);
      return { hashes: new Map(done.hashes), ...(done.output ? { output: writtenOutput(done.output) } : {}) };
    },
  };
}
