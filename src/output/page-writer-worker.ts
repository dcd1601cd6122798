// Worker thread entry of threadPageWriter (page-writer.ts): writes and hashes pages in the order they come, and
// records their stats and the folders it made (recorded-writes.ts).
import { parentPort } from "node:worker_threads";
import { hashContent, type PageBatch, type WriterDone } from "./page-writer.ts";
import { recordingWrites } from "./recorded-writes.ts";
import { lowerThreadPriority } from "../workers/priority.ts";

lowerThreadPriority();

type Message = { queued: Int32Array } | { pages: PageBatch; size: number } | { close: true; root?: string };

let queued: Int32Array | undefined;
const writes = recordingWrites();
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
        const page = bytes.subarray(offset, offset + lengths[i]!);
        writes.write(file, page);
        hashes.push([file, hashContent(page)]);
      } catch (failure) {
        error = `Could not write ${file}: ${(failure as Error).message}`;
      }
    }
    if (queued) {
      Atomics.sub(queued, 0, message.size);
      Atomics.notify(queued, 0);
    }
  } else {
    const output = !error && message.root !== undefined ? writes.done(message.root) : undefined;
    parentPort?.postMessage({ hashes, ...(error ? { error } : {}), ...(output ? { output } : {}) } satisfies WriterDone);
  }
});
