import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { arxivKey } from "../../src/content/identity.ts";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

/** A recorded arXiv answer split into its feed header and its entries (by id), so a fake API can answer any id_list. */
function splitFeed(file: string): { head: string; entries: Map<string, string> } {
  const xml = readFileSync(path.join(fixtures, "arxiv", file), "utf8");
  const first = xml.indexOf("<entry>");
  const entries = new Map<string, string>();
  for (const m of xml.matchAll(/<entry>[\s\S]*?<\/entry>/g)) {
    const id = /arxiv\.org\/abs\/([^<"]+?)(?:v\d+)?[<"]/.exec(m[0])?.[1];
    if (id) entries.set(arxivKey(id)!, m[0]);
  }
  return { head: xml.slice(0, first), entries };
}

/** One request the fake servers answered. */
export interface FakeRequest {
  path: string;
  query: URLSearchParams;
  userAgent: string | undefined;
  at: number;
}

/** The fake Hugging Face and arXiv APIs on one local port; tests change `hfDays`, `failFirst` and `status` as needed. */
export interface FakeApis {
  server: Server;
  /** Base URL for HF_API_URL. */
  hfUrl: string;
  /** Query URL for ARXIV_API_URL. */
  arxivUrl: string;
  requests: FakeRequest[];
  /** Answers of `/api/daily_papers?date=D` by day: a JSON value, or raw text. Days not listed answer `[]`. */
  hfDays: Map<string, unknown>;
  /** Paths (`/api/daily_papers`, `/api/query`) whose next N requests answer 429 with Retry-After: 1. */
  failFirst: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Starts the fake APIs on 127.0.0.1. arXiv answers from the two recorded layouts: ids of `2301.12942.xml` (the
 * layout served for years) in that layout, ids of `new-layout.xml` in the newer one; unknown ids are left out of the
 * answer, as arXiv does.
 */
export function startFakeApis(): Promise<FakeApis> {
  const old = splitFeed("2301.12942.xml");
  for (const [id, entry] of splitFeed("1706.03762.xml").entries) old.entries.set(id, entry);
  const layouts = [old, splitFeed("new-layout.xml")];
  const hfDays = new Map<string, unknown>([
    ["2026-02-16", JSON.parse(readFileSync(path.join(fixtures, "hf", "2026-02-16.json"), "utf8"))],
    ["2026-02-15", JSON.parse(readFileSync(path.join(fixtures, "hf", "empty.json"), "utf8"))],
  ]);
  const failFirst = new Map<string, number>();
  const requests: FakeRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({ path: url.pathname, query: url.searchParams, userAgent: req.headers["user-agent"], at: Date.now() });
    const failures = failFirst.get(url.pathname) ?? 0;
    if (failures > 0) {
      failFirst.set(url.pathname, failures - 1);
      res.writeHead(429, { "retry-after": "1", "content-type": "text/plain" }).end("Too Many Requests");
      return;
    }
    if (url.pathname === "/api/daily_papers") {
      const day = hfDays.get(url.searchParams.get("date") ?? "") ?? [];
      const body = typeof day === "string" ? day : JSON.stringify(day);
      res.writeHead(200, { "content-type": typeof day === "string" ? "text/html" : "application/json" }).end(body);
      return;
    }
    if (url.pathname === "/api/query" && url.searchParams.has("search_query")) {
      // A category's day: the newer layout's entries, one page.
      const layout = layouts[1]!;
      const entries = [...layout.entries.values()];
      const head = layout.head.replace(/(<opensearch:totalResults[^>]*>)\d+/, `$1${entries.length}`);
      res.writeHead(200, { "content-type": "application/atom+xml; charset=utf-8" }).end(`${head}${entries.join("\n")}\n</feed>\n`);
      return;
    }
    if (url.pathname === "/api/query") {
      const ids = (url.searchParams.get("id_list") ?? "").split(",").filter(Boolean).map((id) => arxivKey(id) ?? id);
      const layout = layouts.find((l) => ids.some((id) => l.entries.has(id))) ?? layouts[0]!;
      const entries = ids.map((id) => layout.entries.get(id)).filter(Boolean);
      const head = layout.head.replace(/(<opensearch:totalResults[^>]*>)\d+/, `$1${entries.length}`);
      res.writeHead(200, { "content-type": "application/atom+xml; charset=utf-8" }).end(`${head}${entries.join("\n")}\n</feed>\n`);
      return;
    }
    res.writeHead(404).end("not found");
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}`;
      resolve({
        server, hfUrl: base, arxivUrl: `${base}/api/query`, requests, hfDays, failFirst,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
