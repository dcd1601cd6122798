import type { SiteConfig } from "../site.ts";
import { startTypeScriptWorker } from "../workers/typescript-worker.ts";
import { writeSearchIndex, type SearchIndexResult } from "./index.ts";
import { searchPaperFields, searchRecords, type SearchPaper } from "./records.ts";

type IndexSite = Pick<SiteConfig, "pathPrefix" | "authorsShown" | "language">;

/** What the worker is sent: only the fields the search records read (not the typeset HTML). */
export interface IndexJob {
  papers: SearchPaper[];
  siteDir: string;
  site: IndexSite;
}

/** Below this many papers a worker's start-up (about 0.3 s) costs more than indexing on this thread. */
const workerFrom = 1000;

/** Only the fields the records read: the typeset HTML stays on this thread. */
const searchFieldsOf = (p: SearchPaper) => Object.fromEntries(searchPaperFields.map((field) => [field, p[field]])) as SearchPaper;

/**
 * Writes the search index of `papers` into `<siteDir>/search/`, in a worker thread for large sites (the same code and
 * bytes as on this thread; a worker that cannot start falls back to this thread).
 */
export async function buildSearchIndex(papers: readonly SearchPaper[], siteDir: string, site: IndexSite): Promise<SearchIndexResult & { inWorker: boolean }> {
  const here = async () => ({ ...(await writeSearchIndex(searchRecords(papers, site), siteDir, site.language)), inWorker: false });
  if (papers.length < workerFrom) return here();
  const job: IndexJob = { papers: papers.map(searchFieldsOf), siteDir, site: { pathPrefix: site.pathPrefix, authorsShown: site.authorsShown, language: site.language } };
  const worker = startTypeScriptWorker(new URL("./worker.ts", import.meta.url));
  try {
    const reply = await new Promise<{ ok: boolean; result?: SearchIndexResult; message?: string } | undefined>((resolve) => {
      worker.once("message", resolve);
      worker.once("error", () => resolve(undefined));
      worker.once("exit", () => resolve(undefined));
      worker.postMessage(job);
    });
    if (!reply) return here();
    if (!reply.ok) throw new Error(`search index: ${reply.message}`);
    return { ...reply.result!, inWorker: true };
  } finally {
    await worker.terminate();
  }
}
