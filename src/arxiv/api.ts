import { arxivKey, parseArxivId } from "../content/identity.ts";
import { boundedFetch, FetchError, type BoundedFetchOptions } from "../net/fetch.ts";
import { parseArxivFeed, type ArxivEntry, type ArxivFeed } from "./atom.ts";

/** The arXiv API query endpoint; `ARXIV_API_URL` overrides it (tests point it at a local server). */
export const defaultArxivApiUrl = "https://export.arxiv.org/api/query";

/** Who is asking, as arXiv's API terms ask clients to say. */
export const arxivUserAgent = "paper-digest/0.1 (static paper digest generator; npm run import / npm run new)";

/** arXiv asks API clients for no more than one request every 3 seconds. */
export const arxivRequestIntervalMs = 3_000;

/** Ids asked for in one request (`id_list`); arXiv answers up to 2,000 entries a page, 100 keeps answers small. */
export const arxivBatchSize = 100;

/** A problem talking to arXiv, worded for the contributor who ran the command. */
export class ArxivError extends Error {
  override name = "ArxivError";
}

/**
 * The bare arXiv id in what a contributor pasted: "2509.25149", "2509.25149v2", "arXiv:2509.25149",
 * "https://arxiv.org/abs/2509.25149v1", "https://arxiv.org/pdf/2509.25149" or "hep-th/9901001"; undefined otherwise.
 */
export function normalizeArxivId(input: string): string | undefined {
  return parseArxivId(input);
}

/** Options for talking to the arXiv API. */
export interface ArxivOptions {
  /** Query endpoint. Default: `defaultArxivApiUrl`. */
  apiUrl?: string;
  /** Give up on one request after this long, body included. Default 30 s. */
  timeoutMs?: number;
  /** Largest answer accepted. Default 20 MB (a page of 100 entries is about 300 KB). */
  maxBytes?: number;
  /** Shortest time between two requests. Default `arxivRequestIntervalMs` (3 s). */
  intervalMs?: number;
  /** Attempts per request (429 and 5xx are retried, honouring Retry-After). Default 4. */
  attempts?: number;
  /** Called with a line to print when a request is retried. Default: nothing. */
  log?: (line: string) => void;
}

/** Kept for `npm run new`'s one look-up. */
export type FetchOptions = ArxivOptions;

/** A client that keeps to arXiv's pace: every request, retries included, starts `intervalMs` after the previous one. */
export class ArxivClient {
  private last = 0;
  constructor(private readonly options: ArxivOptions = {}) {}

  private get interval(): number {
    return this.options.intervalMs ?? arxivRequestIntervalMs;
  }

  private async pace(): Promise<void> {
    const wait = this.last + this.interval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.last = Date.now();
  }

  /** One API request with the given query parameters; the parsed feed, or an ArxivError. */
  async query(params: Record<string, string>): Promise<ArxivFeed> {
    const url = new URL(this.options.apiUrl ?? defaultArxivApiUrl);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    await this.pace();
    const fetchOptions: BoundedFetchOptions = {
      timeoutMs: this.options.timeoutMs ?? 30_000,
      maxBytes: this.options.maxBytes ?? 20 * 1024 * 1024,
      attempts: this.options.attempts ?? 4,
      minWaitMs: this.interval,
      backoffMs: Math.max(this.interval, 1_000),
      headers: { accept: "application/atom+xml", "user-agent": arxivUserAgent },
      onRetry: ({ waitMs, reason }) => this.options.log?.(`arXiv: ${reason}; trying again in ${Math.ceil(waitMs / 1000)} s`),
      sleep: async (ms) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        this.last = Date.now();
      },
    };
    let text: string;
    try {
      text = (await boundedFetch(url, fetchOptions)).text;
    } catch (error) {
      const status = error instanceof FetchError ? error.status : undefined;
      const busy = status === 429 || status === 503 ? "; arXiv is busy or limiting requests, wait a few minutes" : "";
      const what = `the arXiv API at ${url.origin} ${(error as Error).message}`;
      throw new ArxivError(status === undefined && /could not be reached/.test(what) ? `${what}; check your connection and try again` : `${what}${busy}; try again later`);
    } finally {
      this.last = Date.now();
    }
    try {
      return parseArxivFeed(text);
    } catch (error) {
      throw new ArxivError(`the arXiv API's answer could not be read: ${(error as Error).message}`);
    }
  }

  /**
   * Looks many papers up, `arxivBatchSize` ids a request. Each id gets its entry or its own error (an unknown id, or a
   * batch that failed); one bad id never costs the others their papers.
   */
  async entries(ids: readonly string[]): Promise<Map<string, ArxivEntry | ArxivError>> {
    const results = new Map<string, ArxivEntry | ArxivError>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += arxivBatchSize) {
      const batch = unique.slice(i, i + arxivBatchSize);
      let feed: ArxivFeed;
      try {
        feed = await this.query({ id_list: batch.join(","), max_results: String(batch.length) });
      } catch (error) {
        for (const id of batch) results.set(id, error as ArxivError);
        continue;
      }
      const byKey = new Map(feed.entries.map((entry) => [arxivKey(entry.id) ?? entry.id, entry]));
      for (const id of batch) {
        const entry = byKey.get(arxivKey(id) ?? id);
        if (entry) results.set(id, entry);
        else if (feed.errors.length && batch.length === 1) results.set(id, new ArxivError(`arXiv refused the query for ${id}: ${feed.errors.join("; ")}`));
        else results.set(id, new ArxivError(`arXiv has no paper ${id}: check the id (the API returned no entry for it)`));
      }
      // arXiv refuses a whole id_list when one id in it is malformed: ask for the others one by one.
      if (feed.errors.length && batch.length > 1 && feed.entries.length === 0) {
        for (const id of batch) {
          const one = await this.entries([id]);
          results.set(id, one.get(id)!);
        }
      }
    }
    return results;
  }

  /**
   * The papers of one category first submitted on one day (UTC), oldest first, page by page (`max` at most, default
   * 2,000: a busy category gets a few hundred a day).
   */
  async categoryDay(category: string, date: string, max = 2_000): Promise<ArxivEntry[]> {
    const day = date.replaceAll("-", "");
    const pageSize = 200;
    const found: ArxivEntry[] = [];
    for (let start = 0; start < max; start += pageSize) {
      const feed = await this.query({
        search_query: `cat:${category} AND submittedDate:[${day}0000 TO ${day}2359]`,
        sortBy: "submittedDate",
        sortOrder: "ascending",
        start: String(start),
        max_results: String(pageSize),
      });
      if (feed.errors.length) throw new ArxivError(`arXiv refused the query for ${category} on ${date}: ${feed.errors.join("; ")}`);
      found.push(...feed.entries);
      const total = feed.totalResults ?? found.length;
      if (feed.entries.length < pageSize || found.length >= total) break;
    }
    return found.slice(0, max);
  }
}

/** Looks one paper up in the arXiv API; every failure is an ArxivError saying what went wrong and what to do. */
export async function fetchArxivEntry(id: string, options: ArxivOptions = {}): Promise<ArxivEntry> {
  const result = (await new ArxivClient(options).entries([id])).get(id);
  if (!result) throw new ArxivError(`arXiv has no paper ${id}`);
  if (result instanceof Error) throw result;
  return result;
}
