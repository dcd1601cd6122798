import { parseArxivId } from "../content/identity.ts";
import { isWebUrl } from "../content/schema.ts";
import { boundedFetch, type BoundedFetchOptions } from "../net/fetch.ts";
import { paragraphs } from "../arxiv/atom.ts";
import type { ImportCandidate } from "./run.ts";

/** The Hugging Face site; `HF_API_URL` overrides it (tests point it at a local server). */
export const defaultHfApiUrl = "https://huggingface.co";

/** Options for reading one day of Hugging Face daily papers. */
export interface HfOptions {
  /** Base URL of the site serving `/api/daily_papers`. Default `defaultHfApiUrl`. */
  apiUrl?: string;
  /** Give up on one request after this long, body included. Default 30 s. */
  timeoutMs?: number;
  /** Largest answer accepted. Default 20 MB (a day of 50 papers is about 200 KB). */
  maxBytes?: number;
  /** Attempts (429 and 5xx retried, honouring Retry-After). Default 4. */
  attempts?: number;
  /** First back-off wait. Default 2 s. */
  backoffMs?: number;
  /** Called with a line to print when a request is retried. */
  log?: (line: string) => void;
}

/** One item of the day that could not become a paper, and why. */
export interface HfItemFailure {
  item: string;
  reason: string;
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value.trim() ? value.trim() : undefined);
const record = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/**
 * Turns the API's answer for one day into paper candidates. The digest day is the day asked for (the day the paper was
 * featured), not the paper's `publishedAt`, which becomes `published`. Each item is checked on its own: an item
 * without an arXiv id, a title or authors is a failure of that item only.
 */
export function readHfDay(body: unknown, date: string): { candidates: ImportCandidate[]; failures: HfItemFailure[] } {
  if (!Array.isArray(body)) throw new Error(`expected a list of papers, got ${body === null ? "null" : typeof body}`);
  const candidates: ImportCandidate[] = [];
  const failures: HfItemFailure[] = [];
  body.forEach((raw, i) => {
    const item = record(raw);
    const paper = record(item?.paper);
    const label = str(paper?.id) ?? `item ${i + 1}`;
    if (!item || !paper) return failures.push({ item: label, reason: "has no \"paper\" object" });
    const arxiv = str(paper.id) && parseArxivId(str(paper.id)!);
    if (!arxiv) return failures.push({ item: label, reason: `"${String(paper.id)}" is not an arXiv id` });
    const title = str(paper.title) ?? str(item.title);
    if (!title) return failures.push({ item: label, reason: "has no title" });
    const authors = (Array.isArray(paper.authors) ? paper.authors : [])
      .map((a) => str(record(a)?.name))
      .filter((name): name is string => name !== undefined);
    if (!authors.length) return failures.push({ item: label, reason: "has no authors" });
    const summary = str(paper.summary) ?? str(item.summary);
    const organization = str(record(paper.organization)?.fullname) ?? str(record(item.organization)?.fullname);
    const upvotes = typeof paper.upvotes === "number" && Number.isSafeInteger(paper.upvotes) && paper.upvotes >= 0 ? paper.upvotes : undefined;
    const links: Record<string, string> = {};
    const code = str(paper.githubRepo);
    if (code && isWebUrl(code)) links.code = code;
    const project = str(paper.projectPage);
    if (project && isWebUrl(project)) links.project = project;
    const published = /^\d{4}-\d{2}-\d{2}/.exec(str(paper.publishedAt) ?? "")?.[0];
    candidates.push({
      label: arxiv,
      paper: {
        title: title.replace(/\s+/g, " "),
        date,
        arxiv,
        authors,
        published,
        organization,
        upvotes,
        links: Object.keys(links).length ? links : undefined,
        // TeX kept exactly; only hard line breaks inside a paragraph are joined, as for arXiv abstracts.
        abstract: summary === undefined ? undefined : paragraphs(summary),
      },
    });
  });
  return { candidates, failures };
}

/** Reads one day of the Hugging Face daily papers API (`GET <base>/api/daily_papers?date=YYYY-MM-DD`). */
export async function fetchHfDay(date: string, options: HfOptions = {}): Promise<{ candidates: ImportCandidate[]; failures: HfItemFailure[] }> {
  const url = new URL("/api/daily_papers", options.apiUrl ?? defaultHfApiUrl);
  url.searchParams.set("date", date);
  const fetchOptions: BoundedFetchOptions = {
    timeoutMs: options.timeoutMs ?? 30_000,
    maxBytes: options.maxBytes ?? 20 * 1024 * 1024,
    attempts: options.attempts ?? 4,
    backoffMs: options.backoffMs ?? 2_000,
    headers: { accept: "application/json", "user-agent": "paper-digest/0.1 (static paper digest generator; npm run import)" },
    onRetry: ({ waitMs, reason }) => options.log?.(`Hugging Face: ${reason}; trying again in ${Math.ceil(waitMs / 1000)} s`),
  };
  const { text } = await boundedFetch(url, fetchOptions);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url} did not answer JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  try {
    return readHfDay(body, date);
  } catch (error) {
    throw new Error(`${url} answered something else than a day of papers: ${(error as Error).message}`);
  }
}
