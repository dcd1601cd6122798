// `npm run dev` end to end: the real dev server (scripts/dev.ts) as a subprocess on a small fixture site, checked the
// way a contributor uses it, over HTTP: pages and the search index served, new, edited, broken, renamed and deleted
// paper files picked up, and in the end the same site a cold `npm run build` makes.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../src/search/client/engine.js";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";
import { freePort } from "./helpers/free-port.ts";

/** How long a page or index change may take to show up; generous, as the machine running tests may be busy. */
const patience = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("npm run dev", () => {
  let site: FixtureSite;
  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  let exited: Promise<void> = Promise.resolve();
  let raw = "";
  let base = "";
  /** Everything the server printed so far (stdout and stderr interleaved), without colours. */
  const output = () => stripVTControlCharacters(raw);
  /** Finished builds so far: the dev server ends each one with "Built N papers ...", after the search index. */
  const builds = (text = output()) => text.match(/^Built \d+ papers/gm)?.length ?? 0;

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
      await sleep(100);
    }
  }

  /** The HTTP status and body of a page (status 0 when the request failed). */
  async function get(url: string): Promise<{ status: number; text: string }> {
    try {
      const response = await fetch(`${base}${url}`, { signal: AbortSignal.timeout(15_000) });
      return { status: response.status, text: await response.text() };
    } catch {
      return { status: 0, text: "" };
    }
  }
  const status = async (url: string) => (await get(url)).status;

  /** Polls until `url` answers 200 with a body containing `text`. */
  const servedWith = (url: string, text: string) =>
    until(`${url} to answer 200 with "${text}"`, async () => {
      const page = await get(url);
      return page.status === 200 && page.text.includes(text) ? page.text : undefined;
    });

  /** The page URLs the browser's search engine finds for `query`, reading the served index over HTTP. */
  async function search(query: string): Promise<string[]> {
    // A new engine each time: an engine keeps the index files it loaded, and the index changes between searches.
    const engine = createEngine(async (file: string) => {
      const response = await fetch(`${base}/search/${file}`, { signal: AbortSignal.timeout(15_000) });
      if (!response.ok) throw new Error(`/search/${file}: HTTP ${response.status}`);
      return new Uint8Array(gunzipSync(Buffer.from(await response.arrayBuffer())));
    });
    const found = await engine.search(query);
    return Promise.all(found.ids.map(async (id: number) => (await engine.result(id)).url));
  }

  /** Polls until searching `query` finds exactly `urls`; the index is written after the pages, and may be mid-write. */
  const searchGives = (query: string, urls: string[]) =>
    until(`a search for "${query}" to give ${JSON.stringify(urls)}`, async () => {
      const found = await search(query).catch(() => undefined);
      return JSON.stringify(found) === JSON.stringify(urls) ? found : undefined;
    });

  beforeAll(async () => {
    site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha sparse attention", arxiv: "2602.00001", date: "2026-02-16", upvotes: 5 }, "Alpha abstract."),
      "2026-02-16/b.md": paper({ title: "Beta graph transformers", arxiv: "2602.00002", date: "2026-02-16", tags: ["graphs"] }, "Beta abstract."),
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
    await until("the first build and the server", () => (builds() >= 1 && output().includes("Server at") ? true : undefined), 240_000);
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
    expect((await get("/papers/2602.00001/")).text).toContain("Alpha sparse attention");
    expect(await status("/papers/2602.00002/")).toBe(200);
    expect(await status("/search/meta.ix")).toBe(200);
    expect(await status("/search/")).toBe(200);
    // A page that does not exist gets the site's own 404 page.
    const missing = await get("/papers/2602.09999/");
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("<html");
    expect(await search("alpha ")).toEqual(["/papers/2602.00001/"]);
  });

  it("serves a new paper file's page first, then the rest of the site: day page, neighbours, search", async () => {
    const url = "/papers/2602.00003/";
    expect(await search("quokkanomics ")).toEqual([]);
    const from = output().length;
    site.write("2026-02-17/new.md", paper({ title: "Quokkanomics of long context", arxiv: "2602.00003", date: "2026-02-17" }));
    const page = await servedWith(url, "Quokkanomics of long context");
    // Served ahead of the build, with its neighbour in reading order already linked (the newest day comes first).
    expect(page).toContain('rel=next href="/papers/2602.00001/"');
    await until("the log line of the page served first", () => (/^Served \/papers\/2602\.00003\/ in [\d.]+ s/m.test(output().slice(from)) ? true : undefined));
    expect(await searchGives("quokkanomics ", [url])).toEqual([url]);
    expect((await servedWith("/date/2026-02-17/", "Quokkanomics of long context")).length).toBeGreaterThan(0);
    // The old first paper now links back to the new one: its page was rendered again by the build.
    await servedWith("/papers/2602.00001/", 'rel=prev href="/papers/2602.00003/"');
    await servedWith("/", "Quokkanomics of long context");
  });

  it("serves an edited paper's new title", async () => {
    site.write("2026-02-17/new.md", paper({ title: "Quokkanomics revisited", arxiv: "2602.00003", date: "2026-02-17" }));
    await servedWith("/papers/2602.00003/", "Quokkanomics revisited");
    await servedWith("/date/2026-02-17/", "Quokkanomics revisited");
    await searchGives("revisited ", ["/papers/2602.00003/"]);
  });

  it("reports a broken paper file as path:line: field: message, keeps serving, and serves it once fixed", async () => {
    const problem = 'content/papers/2026-02-18/broken.md:3: date: "2026-02-30" is not a real calendar date';
    const url = "/papers/2602.00004/";
    const from = output().length;
    const since = () => output().slice(from);
    site.write("2026-02-18/broken.md", paper({ title: "Wombatology", arxiv: "2602.00004", date: "2026-02-30" }));
    // Printed at once (the file checked on its own) and by the build that follows.
    await until("the problem report and the build after it", () => {
      const text = since();
      const at = text.indexOf(`${problem}\n`);
      return at >= 0 && builds(text.slice(at)) >= 1 ? true : undefined;
    });
    const report = since();
    const lines = report.split("\n").filter((line) => line.includes("broken.md"));
    expect(lines.length, report).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line, report).toBe(problem);
    expect(report).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(report).not.toMatch(/\b(ReferenceError|TypeError|ContentError|SyntaxError)\b/);
    expect(child?.exitCode).toBeNull();
    expect(await status("/")).toBe(200);
    expect(await status("/papers/2602.00001/")).toBe(200);
    expect(await status("/search/meta.ix")).toBe(200);
    expect(await status(url)).toBe(404);
    expect(await search("wombatology ")).toEqual([]);

    site.write("2026-02-18/broken.md", paper({ title: "Wombatology", arxiv: "2602.00004", date: "2026-02-18" }));
    await servedWith(url, "Wombatology");
    await searchGives("wombatology ", [url]);
  });

  it("a paper that breaks is taken down until fixed", async () => {
    site.write("2026-02-18/broken.md", paper({ title: "Wombatology", arxiv: "2602.00004", date: "2026-02-18", upvotes: -1 }));
    await until("the broken paper's page to go", async () => ((await status("/papers/2602.00004/")) === 404 ? true : undefined));
    await searchGives("wombatology ", []);
    site.write("2026-02-18/broken.md", paper({ title: "Wombatology", arxiv: "2602.00004", date: "2026-02-18" }));
    await servedWith("/papers/2602.00004/", "Wombatology");
  });

  it("moves a renamed file's page, and takes down a deleted file's page, day and tag pages", async () => {
    // Taken down at once by the server, ahead of the build that follows (its log says so).
    const logStart = output().length;
    const since = () => output().slice(logStart);
    // Renamed file, changed id: the page moves.
    const from = path.join(site.contentDir, "2026-02-18", "broken.md");
    const text = readFileSync(from, "utf8").replace('"2602.00004"', '"2602.00005"');
    rmSync(from);
    site.write("2026-02-18/wombat.md", text);
    await servedWith("/papers/2602.00005/", "Wombatology");
    await until("the old page to go", async () => ((await status("/papers/2602.00004/")) === 404 ? true : undefined));
    // Renamed file, same id: the page stays.
    renameSync(path.join(site.contentDir, "2026-02-18", "wombat.md"), path.join(site.contentDir, "2026-02-18", "wombat2.md"));
    await servedWith("/papers/2602.00005/", "Wombatology");

    expect(await status("/tags/graphs/")).toBe(200);
    rmSync(path.join(site.contentDir, "2026-02-16", "b.md"));
    await until("the deleted paper's page to go", async () => ((await status("/papers/2602.00002/")) === 404 ? true : undefined));
    await until("its tag page to go", async () => ((await status("/tags/graphs/")) === 404 ? true : undefined));
    await searchGives("beta ", []);
    await until("the day page without it", async () => {
      const page = await get("/date/2026-02-16/");
      return page.status === 200 && !page.text.includes("Beta graph transformers") ? true : undefined;
    });
    expect(await status("/papers/2602.00001/")).toBe(200);
    // A removed folder takes down the pages of every paper file in it.
    site.write("2026-02-20/gone.md", paper({ title: "Folder paper", arxiv: "2602.00009", date: "2026-02-20" }));
    await servedWith("/papers/2602.00009/", "Folder paper");
    rmSync(path.join(site.contentDir, "2026-02-20"), { recursive: true });
    await until("the removed folder's paper page to go", async () => ((await status("/papers/2602.00009/")) === 404 ? true : undefined));
    await until("the server's word for each page taken down", () => {
      const text = since();
      const said = [
        "Removed /papers/2602.00004/ (content/papers/2026-02-18/broken.md is gone)",
        "Removed /papers/2602.00002/ (content/papers/2026-02-16/b.md is gone)",
        "Removed /papers/2602.00009/ (content/papers/2026-02-20/gone.md is gone)",
      ];
      return said.every((line) => text.includes(line)) ? true : undefined;
    });
  });

  it("ends with the pages, feeds and search index a cold npm run build makes of the same files", async () => {
    const cold = path.join(site.dir, "cold");
    const built = site.build({ SITE_OUTPUT_DIR: cold, SITE_CACHE_DIR: path.join(site.dir, "cold-cache") });
    expect(built.status, built.stdout + built.stderr).toBe(0);
    const expected = filesUnder(cold);
    let differences: string[] = [];
    await until("the dev output to match the cold build", () => {
      const actual = filesUnder(site.outputDir);
      differences = [...new Set([...actual.keys(), ...expected.keys()])].filter((file) => actual.get(file) !== expected.get(file));
      return differences.length ? undefined : true;
    }).catch((error: Error) => {
      throw new Error(`files that differ: ${differences.join(", ")}\n${error.message}`);
    });
  });

  it("holds its output folder while it serves: npm run build on the same folder fails, saying why", () => {
    const built = site.build();
    expect(built.status, built.stdout + built.stderr).toBe(1);
    expect(built.stdout).toContain(`is being served and updated by npm run dev (process ${child!.pid}). Stop it first`);
    expect(built.stdout).toContain("The site was not built");
    expect(readdirSync(path.dirname(site.outputDir)).filter((name) => /\.(tmp|old)-\d+$/.test(name))).toEqual([]);
  });

  it("lets go of its output folder when stopped: npm run build then builds it", async () => {
    expect(existsSync(`${site.outputDir}.lock`)).toBe(true);
    process.kill(child!.pid!, "SIGTERM");
    await exited;
    expect(existsSync(`${site.outputDir}.lock`)).toBe(false);
    const built = site.build();
    expect(built.status, built.stdout + built.stderr).toBe(0);
  });
});

/** Every file under `dir` with its content, by relative path, sorted. */
function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSyncSorted(folder)) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), readFileSync(full, "latin1"));
    }
  };
  walk(dir);
  return files;
}

function readdirSyncSorted(dir: string) {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
}
