// Worker thread entry: parses, validates and typesets batches of paper files with the same functions the main thread uses.
import { parentPort } from "node:worker_threads";
import type { SourceFile } from "../content/load.ts";
import { processFile } from "./pool.ts";

parentPort?.on("message", (batch: { files: SourceFile[] }) => {
  parentPort?.postMessage({ results: batch.files.map(processFile) });
});
