// Worker thread entry of threadPageWriter (page-writer.ts): writes and hashes pages in the order they come.
import { parentPort } from "node:worker_threads";
import { queuedLimit, writePage, type WriterDone } from "./page-writer.ts";

type Message = { queued: Int32Array } | { file: string; content: string | Uint8Array } | { close: true };

let queued: Int32Array | undefined;
const made = new Set<string>();
const hashes: WriterDone["hashes"] = [];
let error: string | undefined;

parentPort?.on("message", (message: Message) => {
  if ("queued" in message) queued = message.queued;
  else if ("file" in message) {
    // After a failure the rest is not written: the build fails and its folder is deleted.
    if (!error) {
      try {
        hashes.push([message.file, writePage(message.file, message.content, made)]);
      } catch (failure) {
        error = `Could not write ${message.file}: ${(failure as Error).message}`;
      }
    }
    if (queued) {
      Atomics.sub(queued, 0, Math.min(message.content.length, queuedLimit));
      Atomics.notify(queued, 0);
    }
  } else {
    parentPort?.postMessage({ hashes, ...(error ? { error } : {}) } satisfies WriterDone);
  }
});
