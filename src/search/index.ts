import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import * as pagefind from "pagefind";
import { filterOptions, type SearchRecord } from "./records.ts";

/** Files Pagefind writes that our client never fetches: its ready-made UIs, and the worker (the client runs without). */
const unusedBundleFiles = [
  "pagefind-worker.js",
  "pagefind-ui.js",
  "pagefind-ui.css",
  "pagefind-modular-ui.js",
  "pagefind-modular-ui.css",
  "pagefind-component-ui.js",
  "pagefind-component-ui.css",
  "pagefind-highlight.js",
];

/** Records sent to Pagefind at once: bounds the memory held by pending requests. */
const batchSize = 2000;

/** What writing the index did, for logs and the benchmark. */
export interface SearchIndexResult {
  outputPath: string;
  records: number;
}

/** The search page's filter menus, beside Pagefind's files (see `filterOptions`). */
export const filterOptionsFile = "search-filters.json";

/**
 * Writes a chunked Pagefind index of `records` into `<siteDir>/pagefind/`: the browser fetches only the chunks a query
 * needs. Page numbers, and so the bytes written, follow the records' order. Also writes the filter menus.
 * Throws with Pagefind's message when it reports an error.
 */
export async function writeSearchIndex(records: readonly SearchRecord[], siteDir: string): Promise<SearchIndexResult> {
  const outputPath = path.join(siteDir, "pagefind");
  const fail = (step: string, errors: string[]) => {
    throw new Error(`search index: ${step} failed: ${errors.join("; ")}`);
  };
  try {
    const { index, errors } = await pagefind.createIndex({});
    if (!index) return fail("creating the index", errors);
    // Pagefind's service reads requests in order, so batches keep page numbers (and the bytes) in record order while
    // sparing one round trip per record (sequential adds take ~4 ms each: minutes at 100k papers).
    for (let start = 0; start < records.length; start += batchSize) {
      const batch = records.slice(start, start + batchSize);
      const added = await Promise.all(batch.map((record) => index.addCustomRecord(record)));
      added.forEach((result, i) => result.errors.length && fail(`adding ${batch[i]!.url}`, result.errors));
    }
    const written = await index.writeFiles({ outputPath });
    if (written.errors.length) fail("writing files", written.errors);
  } finally {
    // The Node API runs Pagefind as a child process; closing it lets the build exit.
    await pagefind.close();
  }
  await Promise.all(unusedBundleFiles.map((file) => rm(path.join(outputPath, file), { force: true })));
  await writeFile(path.join(outputPath, filterOptionsFile), JSON.stringify(filterOptions(records)));
  return { outputPath, records: records.length };
}
