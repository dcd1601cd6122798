// Worker thread entry: parses, validates and typesets batches of paper files with the same functions the main thread uses.
import { parentPort } from "node:worker_threads";
import type { SourceFile } from "../content/load.ts";
import type { MacroTable } from "../markdown/macros.ts";
import { encodeResults, processFile } from "./pool.ts";

parentPort?.on("message", (batch: { files: SourceFile[]; siteMacros?: MacroTable }) => {
  const results = encodeResults(batch.files.map((file) => processFile(file, batch.siteMacros)));
  parentPort?.postMessage(results, [results.bytes.buffer, results.rows.buffer]);
});
