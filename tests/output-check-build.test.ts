// A build of a big site checks its output against the page manifest on a worker thread while it stats the paper files
// (src/cache/output-check.ts; from a 5 MB manifest, about 15,000 papers). The fixture's manifest is small, so the
// build is told to use the worker from 0 bytes: the same answers as the check on the build's own thread.
import { createHash } from "node:crypto";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest } from "../src/cache/pages.ts";
import { pageManifestFile } from "../src/cache/manifest-files.ts";
import { createEngine } from "../src/search/client/engine.js";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";

/** Runs buildSite on `site` in a subprocess with the output checked on a worker thread; returns its summary line. */
function buildWithWorker(site: FixtureSite): string {
  const code = `
    const { buildSite } = await import(${JSON.stringify(path.join(repoRoot, "src/build.ts"))});
    const { ok } = await buildSite({ root: process.cwd(), outputCheckWorkerFrom: 0 });
    process.exitCode = ok ? 0 : 1;`;
  const result = site.evalModule(code, 240_000);
  expect(result.status, result.stdout + result.stderr).toBe(0);
  expectManifestTrue(site);
  return /^(Built|Nothing changed).*$/m.exec(result.stdout)?.[0] ?? result.stdout;
}

/**
 * The page manifest says what the output folder holds: every file with its size and modification time, every page's
 * with the hash of its bytes, after a build whose plan took the worker thread's stats of the output.
 */
function expectManifestTrue(site: FixtureSite): void {
  const manifest = readManifest(pageManifestFile(path.join(path.dirname(site.outputDir), ".cache"), site.outputDir));
  expect(manifest?.output).toBe(path.resolve(site.outputDir));
  const files = Object.fromEntries(
    site.files().map((file) => {
      const stat = statSync(path.join(site.outputDir, file), { bigint: true });
      return [file, [Number(stat.size), String(stat.mtimeNs)]];
    }),
  );
  expect(manifest?.files).toEqual(files);
  const pages = Object.entries(manifest?.pages ?? {});
  expect(pages.length).toBeGreaterThan(5);
  for (const [file, [, size, mtime, hash]] of pages) {
    expect([size, mtime], file).toEqual(files[file]);
    expect(hash, file).toBe(createHash("sha256").update(readFileSync(path.join(site.outputDir, file))).digest("hex"));
  }
}

/** The URLs of the papers a search of the built site's index for `query` finds, read as a browser reads them. */
async function search(site: FixtureSite, query: string): Promise<string[]> {
  const engine = createEngine(async (file: string) => new Uint8Array(gunzipSync(readFileSync(path.join(site.outputDir, "search", file.split("?")[0]!)))));
  const found = await engine.search(query);
  return Promise.all(found.ids.map(async (id: number) => (await engine.result(id)).url));
}

describe("a build whose output is checked on a worker thread", () => {
  let site: FixtureSite;
  const page = "papers/2602.00002/index.html";
  let built = "";
  beforeAll(() => {
    site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16" }),
      "2026-02-16/b.md": paper({ title: "Beta", arxiv: "2602.00002", date: "2026-02-16" }),
    });
    expect(buildWithWorker(site)).toMatch(/^Built 2 papers/);
    built = site.read(page);
  }, 240_000);
  afterAll(() => site?.cleanup());

  it("says nothing changed when nothing did", () => {
    expect(buildWithWorker(site)).toMatch(/^Nothing changed since the last build/);
  }, 240_000);

  it("finds a page deleted from the output and writes it again", () => {
    rmSync(path.join(site.outputDir, page));
    expect(buildWithWorker(site)).toMatch(/^Built 2 papers/);
    expect(site.read(page)).toBe(built);
    expect(buildWithWorker(site)).toMatch(/^Nothing changed since the last build/);
  }, 240_000);

  it("finds a page edited in the output and writes it again", () => {
    writeFileSync(path.join(site.outputDir, page), "<p>edited by hand</p>");
    expect(buildWithWorker(site)).toMatch(/^Built 2 papers/);
    expect(site.read(page)).toBe(built);
  }, 240_000);

  it("finds a file added to the output", () => {
    writeFileSync(path.join(site.outputDir, "stray.html"), "<p>stray</p>");
    expect(buildWithWorker(site)).toMatch(/^Built 2 papers|^Nothing changed since the last build: dist\/ is up to date/);
    expect(site.exists("stray.html")).toBe(false);
  }, 240_000);

  it("builds a new paper, and finds a page edited in the output meanwhile from the worker's stats", async () => {
    // Same size, another modification time: only a stat tells. The worker stat'ed the output; the plan trusts it.
    const edited = built.replace(/Beta/g, "BETA");
    expect(edited.length).toBe(built.length);
    writeFileSync(path.join(site.outputDir, page), edited);
    site.write("2026-02-17/c.md", paper({ title: "Gamma", arxiv: "2602.00003", date: "2026-02-17" }));
    expect(buildWithWorker(site)).toMatch(/^Built 3 papers/);
    expect(site.exists("papers/2602.00003/index.html")).toBe(true);
    // The search index's worker, started with the output check (before the walk found the new paper), indexed it.
    expect(await search(site, "gamma")).toEqual(["/papers/2602.00003/"]);
    expect(await search(site, "alpha")).toEqual(["/papers/2602.00001/"]);
    expect(site.read(page)).toBe(built);
    expect(buildWithWorker(site)).toMatch(/^Nothing changed since the last build/);
  }, 240_000);

  it("removes a file put by hand into a paper's folder that a build with a new paper takes over as it was", async () => {
    // Folders recorded less than 2 s after they changed are racy (listed again whatever their change time): a build
    // more than 2 s later records them with their change times.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    site.write("2026-02-18/d.md", paper({ title: "Delta", arxiv: "2602.00004", date: "2026-02-18" }));
    expect(buildWithWorker(site)).toMatch(/^Built 4 papers/);
    // The worker finds this folder changed, so the manifest lists it again instead of taking its recorded change time.
    writeFileSync(path.join(site.outputDir, "papers/2602.00002/stray.html"), "<p>stray</p>");
    site.write("2026-02-19/e.md", paper({ title: "Epsilon", arxiv: "2602.00005", date: "2026-02-19" }));
    expect(buildWithWorker(site)).toMatch(/^Built 5 papers/);
    expect(site.read(page)).toBe(built);
    expect(site.exists("papers/2602.00002/stray.html")).toBe(false);
    expect(buildWithWorker(site)).toMatch(/^Nothing changed since the last build/);
  }, 240_000);
});
