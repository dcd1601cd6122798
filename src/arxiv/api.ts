import { isArxivId } from "../content/schema.ts";
import { parseArxivFeed, type ArxivEntry } from "./atom.ts";

/** The arXiv API query endpoint; `ARXIV_API_URL` overrides it (tests point it at a local server). */
export const defaultArxivApiUrl = "https://export.arxiv.org/api/query";

/** A problem talking to arXiv, worded for the contributor who ran the command. */
export class ArxivError extends Error {
  override name = "ArxivError";
}

/**
 * The bare arXiv id in what a contributor pasted: "2509.25149", "2509.25149v2", "arXiv:2509.25149",
 * "https://arxiv.org/abs/2509.25149v1", "https://arxiv.org/pdf/2509.25149" or "hep-th/9901001"; undefined otherwise.
 */
export function normalizeArxivId(input: string): string | undefined {
  const id = input
    .trim()
    .replace(/^arxiv:/i, "")
    .replace(/^https?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\//i, "")
    .replace(/\.pdf$/i, "")
    .replace(/v\d+$/, "");
  return isArxivId(id) ? id : undefined;
}

/** Options for one look-up. */
export interface FetchOptions {
  /** Query endpoint. Default: `defaultArxivApiUrl`. */
  apiUrl?: string;
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number;
}

/** Looks one paper up in the arXiv API; every failure is an ArxivError saying what went wrong and what to do. */
export async function fetchArxivEntry(id: string, options: FetchOptions = {}): Promise<ArxivEntry> {
  const url = new URL(options.apiUrl ?? defaultArxivApiUrl);
  url.searchParams.set("id_list", id);
  url.searchParams.set("max_results", "1");
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      headers: { accept: "application/atom+xml", "user-agent": "paper-digest (npm run new)" },
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = (error as Error).name === "TimeoutError" ? "no answer in time" : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new ArxivError(`could not reach the arXiv API at ${url.origin} (${reason}); check your connection and try again`);
  }
  const body = await response.text();
  if (!response.ok) {
    const busy = response.status === 429 || response.status === 503 ? "; arXiv is busy or limiting requests, wait a minute" : "";
    throw new ArxivError(`the arXiv API answered HTTP ${response.status} ${response.statusText} for ${id}${busy}; try again later`);
  }
  let feed;
  try {
    feed = parseArxivFeed(body);
  } catch (error) {
    throw new ArxivError(`the arXiv API's answer could not be read: ${(error as Error).message}`);
  }
  if (feed.errors.length) throw new ArxivError(`arXiv refused the query for ${id}: ${feed.errors.join("; ")}`);
  const entry = feed.entries.find((e) => e.id === id);
  if (!entry) throw new ArxivError(`arXiv has no paper ${id}: check the id (the API returned no entry for it)`);
  return entry;
}
