// A worker thread for tests/search-incremental.test.ts: for each round, waits for a start signal shared by several such threads, then
// tries to take a search state lock at the same instant as the others, and replies whether it got it.
import { parentPort } from "node:worker_threads";
import { takeStateLock } from "../../src/search/index.ts";

parentPort?.on("message", ({ lock, signal }: { lock: string; signal: SharedArrayBuffer }) => {
  const flags = new Int32Array(signal);
  Atomics.add(flags, 0, 1);
  while (Atomics.load(flags, 1) === 0) Atomics.wait(flags, 1, 0, 20);
  parentPort?.postMessage(takeStateLock(lock));
});
