// `npm run dev` end to end: the real dev server (scripts/dev.ts) as a subprocess on a small fixture site, checked the
// way a contributor uses it: pages and the search index served, new paper files picked up, broken ones reported.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import path from "node:path";
import type { Readable } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { gunzipSync } from "node:zlib";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../src/search/client/engine.js";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";
import { freePort } from "./helpers/free-port.ts";

/** How long a page or index change may take to show up; generous, as the machine running tests may be busy. */
const patience = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the server printed after it first noticed a change to `file` ("" until it has). */
function afterEvent(text: string, file: string): string {
  const event = new RegExp(`File (added|changed): .*/${file.replace(/\./g, "\\.")}$`, "m").exec(text);
  return event ? text.slice(event.index) : "";
}

describe("npm run dev", () => {
  let site: FixtureSite;
  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  let exited: Promise<void> = Promise.resolve();
  let raw = "";
  let base = "";
  /** Everything the server printed so far (stdout and stderr interleaved), without colours. */
  const output = () => stripVTControlCharacters(raw);
  /** Finished builds so far: Eleventy ends each one with "Wrote N files", after the search index is written. */
  const builds = (text = output()) => text.match(/Wrote \d+ files?\b/g)?.length ?? 0;

  /** Polls `probe` until it returns something other than undefined; fails early if the server died. */
  async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeout = patience): Promise<T> {
    const started = performance.now();
    for (;;) {
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        throw new Error(`the dev server exited while waiting for ${what}:\n${output().slice(-3000)}`);
      }
      const value = await probe();
      if (value !== undefined) return value;
      if (performance.now() - started > timeout) {
        throw new Error(`timed out waiting for ${what}; server output:\n${output().slice(-3000)}`);
      }
      await sleep(250);
    }
  }

  /** The HTTP status of a page (0 when the request failed). */
  async function status(url: string): Promise<number> {
    try {
      const response = await fetch(`${base}${url}`, { signal: AbortSignal.timeout(15_000) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  /** Polls until `url` answers 200. */
  const served = (url: string) => until(`${url} to answer 200`, async () => ((await status(url)) === 200 ? true : undefined));

  /** The page URLs the browser's search engine finds for `query`, reading the served index over HTTP. */
  async function search(query: string): Promise<string[]> {
    // A new engine each time: an engine keeps the index files it loaded, and the index changes between searches.
    const engine = createEngine(async (file: string) => {
      const response = await fetch(`${base}/search/${file}`, { signal: AbortSignal.timeout(15_000) });
      if (!response.ok) throw new Error(`/search/${file}: HTTP ${response.status}`);
      return new Uint8Array(gunzipSync(Buffer.from(await response.arrayBuffer())));
    });
    const found = await engine.search(query);
    return Promise.all(found.ids.map(async (id: number) => (await engine.result(id, found)).url));
  }

  /** Polls until searching `query` finds `url`; the index is written after the pages, and may be mid-write. */
  const searchFinds = (query: string, url: string) =>
    until(`a search for "${query}" to find ${url}`, async () => {
      const urls = await search(query).catch(() => undefined);
      return urls?.includes(url) ? urls : undefined;
    });

  beforeAll(async () => {
    site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha sparse attention", arxiv: "2602.00001", date: "2026-02-16" }, "Alpha abstract."),
      "2026-02-16/b.md": paper({ title: "Beta graph transformers", arxiv: "2602.00002", date: "2026-02-16" }, "Beta abstract."),
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // As scripts/bench/dev.ts starts it: node with tsx, in its own process group so that afterAll ends all of it.
    const started = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "scripts", "dev.ts")], {
      cwd: repoRoot,
      env: { ...process.env, ...site.env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child = started;
    exited = new Promise((resolve) => started.once("exit", () => resolve()));
    started.stdout.on("data", (d: Buffer) => (raw += d.toString()));
    started.stderr.on("data", (d: Buffer) => (raw += d.toString()));
    const up = () => (builds() >= 1 && output().includes("Server at") ? true : undefined);
    await until("the first build and the server", up, 240_000);
  });

  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, "SIGTERM");
      const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!stopped) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
        await exited;
      }
    }
    site?.cleanup();
  });

  it("serves the home page, the paper pages and the search index after the first build", async () => {
    expect(await status("/")).toBe(200);
    expect(await status("/papers/2602.00001/")).toBe(200);
    expect(await status("/papers/2602.00002/")).toBe(200);
    expect(await status("/search/meta.ix")).toBe(200);
    // The search page shares its folder with the index, which is written after the pages.
    expect(await status("/search/")).toBe(200);
    expect(await status("/papers/2602.09999/")).toBe(404);
    expect(await search("alpha ")).toEqual(["/papers/2602.00001/"]);
  });

  it("serves a new paper file's page, then finds it in the search index", async () => {
    const url = "/papers/2602.00003/";
    // A word no other paper has, so that finding it means the index was rewritten with the new paper.
    expect(await search("quokkanomics ")).toEqual([]);
    site.write("2026-02-17/new.md", paper({ title: "Quokkanomics of long context", arxiv: "2602.00003", date: "2026-02-17" }));
    await served(url);
    expect(await searchFinds("quokkanomics ", url)).toEqual([url]);
    expect(await status("/date/2026-02-17/")).toBe(200);
    expect(await status("/papers/2602.00001/")).toBe(200);
  });

  it("reports a broken paper file as path:line: field: message, keeps serving, and serves it once fixed", async () => {
    const problem = 'content/papers/2026-02-18/broken.md:3: date: "2026-02-30" is not a real calendar date';
    const url = "/papers/2602.00004/";
    const from = output().length;
    const since = () => output().slice(from);
    site.write("2026-02-18/broken.md", paper({ title: "Wombatology", arxiv: "2602.00004", date: "2026-02-30" }));
    // The problem is printed while a rebuild gathers its data; wait for that rebuild to finish too. (Not just "the
    // next rebuild": one already under way when the file was written would not have read it.)
    await until("the problem report and the rebuild after it", () => {
      const text = afterEvent(since(), "broken.md");
      const at = text.indexOf(`\n${problem}\n`);
      return at >= 0 && builds(text.slice(at)) >= 1 ? true : undefined;
    });
    const report = since();
    // Every problem line printed is the one expected (a rebuild may print it more than once, but nothing else).
    const lines = report.split("\n").filter((line) => line.includes("broken.md:"));
    expect(lines.length, report).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line, report).toBe(problem);
    expect(report).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(report).not.toMatch(/\b(ReferenceError|TypeError|ContentError|SyntaxError)\b/);
    expect(report).not.toMatch(/Problem writing Eleventy templates|Eleventy (fatal )?watch error/);
    // The rest of the site is still served; the broken paper is left out.
    expect(child?.exitCode).toBeNull();
    expect(await status("/")).toBe(200);
    expect(await status("/papers/2602.00001/")).toBe(200);
    expect(await status("/papers/2602.00002/")).toBe(200);
    expect(await status("/search/meta.ix")).toBe(200);
    expect(await status(url)).toBe(404);
    expect(await search("wombatology ")).toEqual([]);

    site.write("2026-02-18/broken.md", paper({ title: "Wombatology", arxiv: "2602.00004", date: "2026-02-18" }));
    await served(url);
    expect(await searchFinds("wombatology ", url)).toEqual([url]);
    // The rebuild that wrote the fixed paper's page (from the "Watching…" that ended the one before) reported nothing.
    const written = await until("the log of the fixed page's rebuild", () => {
      const at = output().indexOf("/papers/2602.00004/index.html");
      return at >= 0 ? at : undefined;
    });
    const text = output();
    expect(text.slice(text.lastIndexOf("Watching…", written), written)).not.toContain("broken.md:");
    expect(await status("/papers/2602.00001/")).toBe(200);
  });

  it("rebuilds when a paper file is deleted: it leaves its day page and the search index", async () => {
    expect(await searchFinds("beta ", "/papers/2602.00002/")).toEqual(["/papers/2602.00002/"]);
    const home = async () => {
      const response = await fetch(`${base}/date/2026-02-16/`, { signal: AbortSignal.timeout(15_000) });
      return response.text();
    };
    expect(await home()).toContain("Beta graph transformers");
    rmSync(path.join(site.contentDir, "2026-02-16", "b.md"));
    await until("the search index without the deleted paper", async () => ((await search("beta ").catch(() => undefined))?.length === 0 ? true : undefined));
    await until("the day page without the deleted paper", async () => (!(await home()).includes("Beta graph transformers") ? true : undefined));
    expect(await status("/papers/2602.00001/")).toBe(200);
  });
});
