import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./helpers/free-port.ts";
import { boundedFetch, describeFetchFailure, FetchError, retryAfterMs } from "../src/net/fetch.ts";

let server: Server;
let base = "";
let hits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === "/huge") {
      // No content-length: the limit must hold while streaming.
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const more = () => {
        while (sent < 100 && res.write(chunk)) sent++;
        if (sent < 100) res.once("drain", more);
        else res.end();
      };
      more();
    } else if (req.url === "/declared") {
      res.writeHead(200, { "content-length": "999999999" }).write("a");
    } else if (req.url === "/stall-body") {
      // Headers at once, then a body that never ends: the time limit covers the body too.
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("partial");
    } else if (req.url === "/404") {
      res.writeHead(404, { "content-type": "text/plain" }).end("no");
    } else if (req.url === "/503") {
      res.writeHead(503, { "retry-after": "0" }).end("busy");
    } else if (req.url === "/hour") {
      res.writeHead(429, { "retry-after": "3600" }).end("later");
    } else res.writeHead(200).end("ok é");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

const failure = async (promise: Promise<unknown>): Promise<FetchError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FetchError);
    return error as FetchError;
  }
  throw new Error("expected a failure");
};

describe("boundedFetch", () => {
  it("returns the body as UTF-8 text", async () => {
    expect((await boundedFetch(`${base}/ok`)).text).toBe("ok é");
  });

  it("stops reading a body past the size limit, with or without a content-length", async () => {
    expect((await failure(boundedFetch(`${base}/huge`, { maxBytes: 100_000 }))).message).toBe("sent an answer of over 100000 bytes; the limit is 100000");
    expect((await failure(boundedFetch(`${base}/declared`, { maxBytes: 1000 }))).message).toBe("sent an answer of 999999999 bytes; the limit is 1000");
  });

  it("times out on a body that never ends, as one readable line (no crash on the DOMException's numeric code)", async () => {
    const error = await failure(boundedFetch(`${base}/stall-body`, { timeoutMs: 300, attempts: 2, backoffMs: 10 }));
    expect(error.message).toBe("could not be reached (no answer in time) (2 attempts)");
  });

  it("does not retry a 404, retries a 503, and refuses to wait an hour", async () => {
    hits = 0;
    expect((await failure(boundedFetch(`${base}/404`, { backoffMs: 1 }))).message).toBe("answered HTTP 404 Not Found");
    expect(hits).toBe(1);
    const waits: number[] = [];
    const error = await failure(boundedFetch(`${base}/503`, { attempts: 3, backoffMs: 5, minWaitMs: 7, sleep: async (ms) => void waits.push(ms) }));
    expect(error.message).toBe("answered HTTP 503 Service Unavailable (3 attempts)");
    expect(error.status).toBe(503);
    // Retry-After: 0 asks for no wait; the minimum still holds.
    expect(waits).toEqual([7, 7]);
    expect((await failure(boundedFetch(`${base}/hour`))).message).toBe("answered HTTP 429 Too Many Requests and asked to wait 3600 s; try again later");
  });

  it("says why a server cannot be reached", async () => {
    const error = await failure(boundedFetch(`http://127.0.0.1:${await freePort()}/`, { attempts: 1 }));
    expect(error.message).toBe("could not be reached (ECONNREFUSED)");
  });

  it("reads Retry-After in seconds and as a date; describes odd errors", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(10_000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    expect(typeof (timeout as unknown as { code: unknown }).code).toBe("number");
    expect(describeFetchFailure(timeout)).toBe("no answer in time");
    expect(describeFetchFailure(undefined)).toBe("undefined");
  });
});
