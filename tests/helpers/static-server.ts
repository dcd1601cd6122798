import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createGzip } from "node:zlib";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  // Search index files: gzip-compressed by the build, unpacked by the browser.
  ".ix": "application/octet-stream",
};

// Types a static host (GitHub Pages, Netlify) gzips on the fly; the search index's .ix files are compressed already.
const compressible = new Set([".html", ".css", ".js", ".json", ".xml", ".svg"]);

/** One response the server sent: path and body bytes on the wire (after gzip when used). */
export interface Served {
  path: string;
  status: number;
  bytes: number;
}

/** A running static file server for a built site. */
export interface StaticServer {
  /** Origin plus mount path, ending in "/": `http://127.0.0.1:1234/digest/`. */
  url: string;
  /** Every response since start (or the last `reset()`), in order. */
  log: Served[];
  reset(): void;
  close(): Promise<void>;
}

/** Options for `serveStatic`. */
export interface ServeOptions {
  /** URL path the folder is served under, like the site's path prefix. Default "/". */
  mount?: string;
  /** Gzip compressible types when the client accepts it, as static hosts do. Default false. */
  gzip?: boolean;
}

/** Serves `root` on a free local port, logging every response's body size (for tests and the search benchmark). */
export async function serveStatic(root: string, options: ServeOptions = {}): Promise<StaticServer> {
  const mount = `/${(options.mount ?? "/").replace(/^\/+|\/+$/g, "")}/`.replace("//", "/");
  const log: Served[] = [];
  const server: Server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const record = (status: number, bytes: number) => log.push({ path: urlPath, status, bytes });
    const notFound = () => {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      record(404, 9);
    };
    if (!urlPath.startsWith(mount)) return notFound();
    let file = path.join(root, urlPath.slice(mount.length));
    if (!file.startsWith(root)) return notFound();
    try {
      if (statSync(file).isDirectory()) file = path.join(file, "index.html");
      statSync(file);
    } catch {
      return notFound();
    }
    const ext = path.extname(file);
    const gzip = options.gzip && compressible.has(ext) && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    res.writeHead(200, {
      "content-type": contentTypes[ext] ?? "application/octet-stream",
      "cache-control": "no-store",
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    });
    let bytes = 0;
    const body = gzip ? createReadStream(file).pipe(createGzip()) : createReadStream(file);
    body.on("data", (chunk: Buffer) => (bytes += chunk.length));
    body.on("end", () => record(200, bytes));
    body.pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${mount}`,
    log,
    reset: () => void log.splice(0),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
