// Worker thread entry (started by src/search/build.ts): makes the search records and writes the index, so that
// tokenising, weighing and compressing run on another core while the main thread renders pages.
import { parentPort } from "node:worker_threads";
import { runIndexJob, type IndexJob, type IndexPrepare, type IndexReply } from "./build.ts";
import { MissingTextError, preloadState } from "./index.ts";
import { lowerThreadPriority } from "../workers/priority.ts";

lowerThreadPriority();

// Started early (see startSearchIndex), the worker is first told which state to read while it waits for its job.
parentPort?.on("message", async (message: IndexJob | IndexPrepare) => {
  if ("prepare" in message) return preloadState(message.prepare);
  const job = message;
  try {
    const result = await runIndexJob(job);
    parentPort?.postMessage({ ok: true, result } satisfies IndexReply);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    parentPort?.postMessage({ ok: false, message, missingText: error instanceof MissingTextError } satisfies IndexReply);
  }
});
