// Worker thread entry of threadPageWriter (page-writer.ts): writes and hashes pages in the order they come.
import { parentPort } from "node:worker_threads";
import { writePage, type PageBatch, type WriterDone } from "./page-writer.ts";
import { lowerThreadPriority } from "../workers/priority.ts";

lowerThreadPriority();

type Message = { queued: Int32Array } | { pages: PageBatch; size: number } | { close: true };

let queued: Int32Array | undefined;
const made = new Set<string>();
const hashes: WriterDone["hashes"] = [];
let error: string | undefined;

parentPort?.on("message", (message: Message) => {
  if ("queued" in message) queued = message.queued;
  else if ("pages" in message) {
    const { files, lengths, bytes } = message.pages;
    // After a failure the rest is not written: the build fails and its folder is deleted.
    for (let i = 0, offset = 0; i < files.length && !error; offset += lengths[i]!, i++) {
      const file = files[i]!;
      try {
        hashes.push([file, writePage(file, bytes.subarray(offset, offset + lengths[i]!), made)]);
      } catch (failure) {
        error = `Could not write ${file}: ${(failure as Error).message}`;
      }
    }
    if (queued) {
      Atomics.sub(queued, 0, message.size);
      Atomics.notify(queued, 0);
    }
  } else parentPort?.postMessage({ hashes, ...(error ? { error } : {}) } satisfies WriterDone);
});
