// src/eleventy/render-pages.ts: a site whose paginated pages Eleventy renders, in several runs into one folder (as
// `npm run build` does past 20,000 papers shown when the layouts do more than paginate), is byte for byte the site
// written with those pages rendered outside Eleventy, feeds and sitemap included.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outputStats } from "../src/cache/output-stats.ts";
import { examplePapers, fixtureSite, repoRoot, type FixtureSite } from "./helpers/site.ts";

/** Every file under `dir` (relative, sorted) with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const result = spawnSync("find", [dir, "-type", "f"], { encoding: "utf8" });
  const files = result.stdout.split("\n").filter(Boolean).sort();
  return new Map(files.map((file) => [path.relative(dir, file), readFileSync(file)]));
}

describe("renderSite in several runs", () => {
  let site: FixtureSite;
  let runs: number[];
  let hashes: Map<string, string>;
  let failure: string;
  let recorded: { files: [string, [number, string]][]; folders: [string, { ctime: string; files: string[] }][] } | undefined;
  beforeAll(() => {
    site = fixtureSite(examplePapers());
    // One subprocess: the papers are typeset once, then the site is rendered with the paginated pages outside
    // Eleventy, and by Eleventy in parts of at most 20 papers shown (the day page of 45 papers is a part of its own).
    const code = `
      const { checkContentParallel } = await import(${JSON.stringify(path.join(repoRoot, "src/pipeline.ts"))});
      const { groupDigest } = await import(${JSON.stringify(path.join(repoRoot, "src/digest/group.ts"))});
      const { allPages, splitSelection } = await import(${JSON.stringify(path.join(repoRoot, "src/cache/pages.ts"))});
      const { renderSite } = await import(${JSON.stringify(path.join(repoRoot, "src/eleventy/render-pages.ts"))});
      const { loadSiteConfig } = await import(${JSON.stringify(path.join(repoRoot, "src/site.ts"))});
      const root = process.cwd();
      const config = loadSiteConfig(root);
      const { papers, problems } = await checkContentParallel(root, config);
      if (problems.length) throw new Error(JSON.stringify(problems));
      const digest = groupDigest(papers, config);
      const data = { config, ...digest, render: allPages(digest) };
      await renderSite({ root, outputDir: ${JSON.stringify(path.join(site.dir, "one"))}, data });
      // Paginated pages go through Eleventy only for a layout that does more than paginate (src/eleventy/paginated-
      // pages.ts): each given front matter of no effect, in a copy of the layouts, so Eleventy renders them all.
      const { cpSync, readFileSync: read, writeFileSync: write } = await import("node:fs");
      const { pageLayouts } = await import(${JSON.stringify(path.join(repoRoot, "src/eleventy/paginated-pages.ts"))});
      const layoutsRoot = ${JSON.stringify(path.join(site.dir, "layouts-root"))};
      cpSync(root + "/layouts", layoutsRoot + "/layouts", { recursive: true });
      for (const layout of Object.values(pageLayouts)) {
        const file = layoutsRoot + "/layouts/" + layout;
        write(file, read(file, "utf8").replace("permalink:", "eleventyExcludeFromCollections: true\\npermalink:"));
      }
      const inParts = await renderSite({ root: layoutsRoot, outputDir: ${JSON.stringify(path.join(site.dir, "parts"))}, data, budget: 20 });
      if (inParts.written) throw new Error("paginated pages rendered outside Eleventy with layouts it must render");
      const { pageHashes, written } = await renderSite({ root, outputDir: ${JSON.stringify(path.join(site.dir, "thread"))}, data, budget: 20, threadedFrom: 0 });
      // Paper pages are still being written on their thread while Eleventy renders the others: a write that fails
      // there (a file where their folder goes) fails the whole render all the same.
      const { mkdirSync, writeFileSync } = await import("node:fs");
      const blocked = ${JSON.stringify(path.join(site.dir, "blocked"))};
      mkdirSync(blocked);
      writeFileSync(blocked + "/papers", "not a folder");
      let failure = "none";
      await renderSite({ root, outputDir: blocked, data, threadedFrom: 0 }).catch((error) => (failure = String(error?.message ?? error)));
      const { existsSync } = await import("node:fs");
      failure += existsSync(blocked + "/index.html") ? " (home page written)" : "";
      const recorded = written && { files: [...written.files], folders: [...written.folders] };
      console.log(JSON.stringify([splitSelection(data.render, 20_000).length, splitSelection(data.render, 20).length, [...pageHashes], failure, recorded]));`;
    const result = site.evalModule(code, 240_000);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const [one, parts, written, failed, output] = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    runs = [one, parts];
    hashes = new Map(written);
    failure = failed;
    recorded = output;
  }, 300_000);
  afterAll(() => site.cleanup());

  it("writes the same files with the same bytes", () => {
    expect(runs[0]).toBe(1);
    expect(runs[1]).toBeGreaterThan(3);
    const one = tree(path.join(site.dir, "one"));
    const parts = tree(path.join(site.dir, "parts"));
    expect([...parts.keys()]).toEqual([...one.keys()]);
    for (const [file, bytes] of one) expect(parts.get(file)?.equals(bytes), file).toBe(true);
    // What only a whole-site run writes is there.
    expect(one.has("feed.xml") && one.has("sitemap.xml")).toBe(true);
    expect(one.size).toBeGreaterThan(60);
  });

  it("writes the same files on a writer thread, and hands back the hash of every page's bytes", () => {
    const one = tree(path.join(site.dir, "one"));
    const thread = tree(path.join(site.dir, "thread"));
    expect([...thread.keys()]).toEqual([...one.keys()]);
    for (const [file, bytes] of one) expect(thread.get(file)?.equals(bytes), file).toBe(true);
    // Every page Eleventy rendered (not the feeds, sitemap or copied assets), each hash that of the bytes on disk.
    const pages = [...one.keys()].filter((file) => file.endsWith(".html"));
    expect([...hashes.keys()].sort()).toEqual(pages);
    for (const file of pages) expect(hashes.get(file), file).toBe(createHash("sha256").update(one.get(file)!).digest("hex"));
  });

  it("records what the paginated pages' writer thread wrote, as a walk finds it: their stats, and their folders as holding them alone", () => {
    const dir = path.join(site.dir, "thread");
    const walked = outputStats(dir, { racyMarginNs: 0n });
    expect(recorded).toBeDefined();
    // Every paginated page (paper, day, week, month, tag and organization pages), none of Eleventy's other pages.
    const pages = Object.keys(walked.files).filter((file) => /^(papers|date|week|month|tags|organizations)\/.+\/index\.html$/.test(file));
    expect(pages.filter((file) => file.startsWith("papers/")).length).toBe(Object.keys(examplePapers()).length);
    expect(pages.some((file) => file.startsWith("date/")) && pages.some((file) => file.startsWith("tags/"))).toBe(true);
    const files = new Map(recorded!.files);
    expect([...files.keys()].sort()).toEqual(pages.sort());
    for (const [file, stats] of files) expect(stats, file).toEqual(walked.files[file]);
    // Every folder the writer describes holds a page of its own; a page's folder it does not describe is one that an
    // Eleventy run made first, writing a tag's or an organization's feeds there while the writer thread was still
    // writing (the two run at once: how far each got depends on the machine's load), and the manifest walks it.
    const pageFolders = new Set(pages.map((file) => path.posix.dirname(file)));
    const described = new Set(recorded!.folders.map(([folder]) => folder));
    for (const folder of described) expect(pageFolders.has(folder), folder).toBe(true);
    for (const folder of pageFolders) {
      if (described.has(folder)) continue;
      expect(folder).toMatch(/^(tags|organizations)\//);
      expect(Object.keys(walked.files).some((file) => path.posix.dirname(file) === folder && !files.has(file)), folder).toBe(true);
    }
    for (const [folder, { ctime, files: inside }] of recorded!.folders) {
      const there = Object.keys(walked.files).filter((file) => path.posix.dirname(file) === folder);
      // A tag's feeds are written beside its page by Eleventy's run: the manifest walks such a folder (describedFolders
      // in src/cache/pages.ts); every other folder holds the writer's pages alone, as it recorded them.
      if (there.some((file) => !files.has(file))) {
        expect(folder).toMatch(/^(tags|organizations)\//);
        continue;
      }
      expect(ctime, folder).toBe(walked.folders[folder]);
      expect(inside).toEqual(there);
    }
  });

  it("fails when a paper page cannot be written, though Eleventy's pages were rendered meanwhile", () => {
    expect(failure).toMatch(/ENOTDIR|EEXIST|not a directory|file already exists/i);
    expect(failure).toContain("papers");
    expect(failure).toMatch(/\(home page written\)$/);
  });
});
