// One cache folder, several output folders: each output folder has a page manifest of its own
// (src/cache/manifest-files.ts), the cache folder keeps a bounded number of them, and a cache folder of earlier code
// (one `pages.json`) is taken over by the folder it describes without rendering a page again.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deltaFileOf } from "../src/cache/manifest-delta.ts";
import { keptManifests, legacyManifestFile, manifestOutput, pageManifestFile, pruneManifests } from "../src/cache/manifest-files.ts";
import { readManifest, writeManifest, type PageManifest } from "../src/cache/pages.ts";
import { fixtureSite, paper, type FixtureSite } from "./helpers/site.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "manifest-files-"));
  dirs.push(dir);
  return dir;
};
const manifestOf = (output: string): PageManifest => ({ output, pages: { "index.html": ["key", 1, "2", "3"] }, site: "site", inputs: "inputs" });

describe("page manifest files", () => {
  it("names one file per output folder, the same for the same folder however it is written", () => {
    const cache = "/work/site/.cache";
    const dist = pageManifestFile(cache, "/work/site/dist");
    expect(path.dirname(dist)).toBe(cache);
    expect(path.basename(dist)).toMatch(/^pages\.dist-[0-9a-f]{16}\.json$/);
    expect(pageManifestFile(cache, "/work/site/other/../dist/")).toBe(dist);
    expect(pageManifestFile(cache, "/tmp/dist")).not.toBe(dist);
    // A folder name that is no file name's: only its safe characters are kept, and it stays short.
    const odd = path.basename(pageManifestFile(cache, `/tmp/${"a b\n\"é".repeat(30)}`));
    expect(odd).toMatch(/^pages\.[A-Za-z0-9_-]{0,40}-[0-9a-f]{16}\.json$/);
  });

  it("reads the output folder from a manifest's first line, and from a manifest of earlier code", () => {
    const dir = tempDir();
    const file = path.join(dir, "pages.x.json");
    writeManifest(file, manifestOf('/tmp/a "quoted" folder'));
    expect(manifestOutput(file)).toBe('/tmp/a "quoted" folder');
    writeFileSync(file, JSON.stringify(manifestOf("/tmp/old")));
    expect(manifestOutput(file)).toBe("/tmp/old");
    writeFileSync(file, "not json\n");
    expect(manifestOutput(file)).toBeUndefined();
    expect(manifestOutput(path.join(dir, "missing.json"))).toBeUndefined();
  });

  it("deletes the manifests of output folders that are gone and keeps a bounded number of the others", () => {
    const cache = tempDir();
    const outputs = tempDir();
    const folders = Array.from({ length: keptManifests + 3 }, (_, i) => path.join(outputs, `site${i}`));
    folders.forEach((folder, i) => {
      mkdirSync(folder);
      const file = pageManifestFile(cache, folder);
      writeManifest(file, manifestOf(folder));
      writeFileSync(deltaFileOf(file), "{}");
      // Written one minute apart, site0 first.
      utimesSync(file, 1_000_000 + i * 60, 1_000_000 + i * 60);
    });
    const current = pageManifestFile(cache, folders[0]!);
    const gone = path.join(outputs, "gone");
    writeManifest(pageManifestFile(cache, gone), manifestOf(gone));
    writeManifest(legacyManifestFile(cache), manifestOf(path.join(outputs, "gone too")));
    writeFileSync(path.join(cache, "papers.bin"), "not a manifest");
    pruneManifests(cache, current);
    const left = readdirSync(cache).sort();
    // The current one (the oldest), the 8 most recent of the others, and what is not a manifest.
    const kept = [current, ...folders.slice(-keptManifests).map((folder) => pageManifestFile(cache, folder))];
    const expected = [...kept.flatMap((file) => [path.basename(file), path.basename(deltaFileOf(file))]), "papers.bin"].sort();
    expect(left).toEqual(expected);
  });
});

describe("a cache folder of earlier code (one pages.json)", () => {
  let site: FixtureSite;
  afterAll(() => site?.cleanup());

  it("is taken over by the output folder it describes: the next build has nothing to do", () => {
    site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16" }),
      "2026-02-17/b.md": paper({ title: "Beta", arxiv: "2602.00002", date: "2026-02-17" }),
    });
    const first = site.build();
    expect(first.status, first.stdout + first.stderr).toBe(0);
    const cache = site.env.SITE_CACHE_DIR!;
    const own = pageManifestFile(cache, site.outputDir);
    const recorded = readManifest(own)!;
    expect(recorded.output).toBe(path.resolve(site.outputDir));
    // As earlier code left it: one manifest, pages.json, for the folder built last.
    renameSync(own, legacyManifestFile(cache));
    rmSync(deltaFileOf(own), { force: true });
    const second = site.build();
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(/^(Built|Nothing changed).*$/m.exec(second.stdout)?.[0]).toMatch(/^Nothing changed since the last build/);
    expect(existsSync(legacyManifestFile(cache))).toBe(false);
    expect(readManifest(own)?.pages).toEqual(recorded.pages);
    // A paper edited after the take-over: its pages render again, the others are reused.
    site.write("2026-02-17/b.md", paper({ title: "Beta, edited", arxiv: "2602.00002", date: "2026-02-17" }));
    const third = site.build();
    expect(third.status, third.stdout + third.stderr).toBe(0);
    expect(site.read("papers/2602.00002/index.html")).toContain("Beta, edited");
    expect(Number(/\((\d+) unchanged\)/.exec(third.stdout)?.[1])).toBeGreaterThan(0);
  }, 240_000);
});
