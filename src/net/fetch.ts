/**
 * HTTP GET with every bound a command-line import needs: a time limit covering the whole answer (headers and body),
 * a size limit on the body (read as a stream and abandoned past the limit), and retries with back-off for answers
 * that say "try again" (HTTP 429 and 5xx, honouring Retry-After) and for network failures and timeouts.
 * Every failure is a FetchError whose message is one readable line to put after the service's name ("answered HTTP
 * 500 Internal Server Error (4 attempts)", "could not be reached (ECONNREFUSED)"): never a stack trace, never a crash on an odd
 * error shape (a timeout's DOMException has a numeric `code`).
 */

/** A failed request, worded for the person who ran the command. */
export class FetchError extends Error {
  override name = "FetchError";
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Options of `boundedFetch`; every one has a default. */
export interface BoundedFetchOptions {
  /** Give up on one attempt after this long, body included. Default 30,000 ms. */
  timeoutMs?: number;
  /** Largest body accepted, in bytes. Default 5 MB. */
  maxBytes?: number;
  /** Request headers (a User-Agent saying who we are belongs here). */
  headers?: Record<string, string>;
  /** Attempts in all, the first included. Default 4. */
  attempts?: number;
  /** First back-off wait; doubled after each failed attempt. Default 2,000 ms. */
  backoffMs?: number;
  /** Longest wait between attempts, Retry-After included (a server asking for an hour gets a failure). Default 120,000 ms. */
  maxWaitMs?: number;
  /** Shortest wait between attempts whatever Retry-After says (arXiv asks for 3 s between requests). Default 0. */
  minWaitMs?: number;
  /** Called before each wait, to say what is happening. Default: nothing. */
  onRetry?: (info: { attempt: number; waitMs: number; reason: string }) => void;
  /** How to wait (tests may pass a fake). Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** A successful answer: status 2xx and the whole body as text. */
export interface FetchedText {
  status: number;
  headers: Headers;
  text: string;
}

const defaults = { timeoutMs: 30_000, maxBytes: 5 * 1024 * 1024, attempts: 4, backoffMs: 2_000, maxWaitMs: 120_000, minWaitMs: 0 };

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const when = Date.parse(trimmed);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}

/** One readable reason for a thrown fetch error, whatever its shape. */
export function describeFetchFailure(error: unknown): string {
  const e = error as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  if (e?.name === "TimeoutError") return "no answer in time";
  if (e?.name === "AbortError") return "the request was aborted";
  const code = e?.cause?.code;
  if (typeof code === "string" && code) return code;
  const message = e?.cause?.message ?? e?.message;
  return typeof message === "string" && message ? message.split("\n")[0]! : String(error);
}

/** Reads a body stream up to `maxBytes`, decoding UTF-8; throws a FetchError past the limit. */
async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new FetchError(`sent an answer of ${declared} bytes; the limit is ${maxBytes}`);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new FetchError(`sent an answer of over ${maxBytes} bytes; the limit is ${maxBytes}`);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8").decode(Buffer.concat(chunks));
}

const retryable = (status: number) => status === 429 || status >= 500;

/** GETs `url` within the bounds of `options`; resolves with a 2xx answer's text, or rejects with a FetchError. */
export async function boundedFetch(url: string | URL, options: BoundedFetchOptions = {}): Promise<FetchedText> {
  const o = { ...defaults, ...options };
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    let failure: FetchError;
    let waitMs = o.backoffMs * 2 ** (attempt - 1);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs), headers: o.headers, redirect: "follow" });
      if (response.ok) return { status: response.status, headers: response.headers, text: await readBounded(response, o.maxBytes) };
      await response.body?.cancel().catch(() => {});
      failure = new FetchError(`answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`, response.status);
      if (!retryable(response.status)) throw failure;
      const asked = retryAfterMs(response.headers.get("retry-after"));
      if (asked !== undefined) {
        if (asked > o.maxWaitMs) throw new FetchError(`${failure.message} and asked to wait ${Math.ceil(asked / 1000)} s; try again later`, response.status);
        waitMs = asked;
      }
    } catch (error) {
      if (error instanceof FetchError) {
        // Size limits and refusals are final; only retryable statuses reach here from above via `failure`.
        throw error;
      }
      failure = new FetchError(`could not be reached (${describeFetchFailure(error)})`);
    }
    if (attempt >= o.attempts) throw new FetchError(attempt > 1 ? `${failure.message} (${attempt} attempts)` : failure.message, failure.status);
    waitMs = Math.min(Math.max(waitMs, o.minWaitMs), o.maxWaitMs);
    o.onRetry?.({ attempt, waitMs, reason: failure.message });
    await wait(waitMs);
  }
}
