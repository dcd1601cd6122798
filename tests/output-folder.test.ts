// A build replaces its output folder whole, so an output folder that is (or holds) the project, the paper files, the
// layouts, the build cache, the site configuration or someone else's files is refused before anything is written
// (src/output/output-folder.ts): `SITE_OUTPUT_DIR=content npm run build` used to delete every paper file.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pageManifestFile } from "../src/cache/manifest-files.ts";
import { writeManifest } from "../src/cache/pages.ts";
import { outputFolderProblem } from "../src/output/output-folder.ts";
import { fixtureSite, paper, type FixtureSite } from "./helpers/site.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A project folder with content/papers (one file), content/site.json and layouts/. */
function project(): string {
  const root = mkdtempSync(path.join(tmpdir(), "output-folder-"));
  dirs.push(root);
  mkdirSync(path.join(root, "content", "papers"), { recursive: true });
  mkdirSync(path.join(root, "layouts"));
  writeFileSync(path.join(root, "content", "papers", "a.md"), "---\n---\n");
  writeFileSync(path.join(root, "content", "site.json"), "{}");
  return root;
}

const site = (outputDir: string, more: { contentDir?: string; cacheDir?: string } = {}) => ({ outputDir, contentDir: "content/papers", cacheDir: ".cache", ...more });

describe("outputFolderProblem", () => {
  const root = project();
  const config = path.join(root, "content", "site.json");
  const problem = (outputDir: string, more?: { contentDir?: string; cacheDir?: string }, configFile = config) => outputFolderProblem(root, site(outputDir, more), configFile);

  it("accepts a folder of its own: missing, empty, or one a build wrote", () => {
    expect(problem("dist")).toBeUndefined();
    expect(problem(path.join(root, "build", "site"))).toBeUndefined();
    mkdirSync(path.join(root, "empty"));
    expect(problem("empty")).toBeUndefined();
    mkdirSync(path.join(root, "built"));
    writeFileSync(path.join(root, "built", ".build.json"), "{}");
    writeFileSync(path.join(root, "built", "index.html"), "<!doctype html>");
    expect(problem("built")).toBeUndefined();
    // What `npm run digest` writes into the output folder before any build (email/<date>.html and .txt).
    mkdirSync(path.join(root, "digests", "email"), { recursive: true });
    writeFileSync(path.join(root, "digests", "email", "2026-02-16.html"), "<p>");
    writeFileSync(path.join(root, "digests", "email", "2026-02-16.txt"), "text");
    expect(problem("digests")).toBeUndefined();
    writeFileSync(path.join(root, "digests", "email", "notes.md"), "mine");
    expect(problem("digests")).toMatch(/holds files no build wrote/);
    // A site inside the build cache's folder: deleting the cache deletes a site, never a paper.
    expect(problem(".cache/site")).toBeUndefined();
  });

  it("refuses the project folder and every folder holding it", () => {
    for (const outputDir of [".", root, path.dirname(root), "/", "..", `${root}/`]) expect(problem(outputDir), outputDir).toMatch(/is the project folder or holds it/);
  });

  it("refuses the paper folder, a folder holding it, and a folder inside it", () => {
    expect(problem("content/papers")).toMatch(/^outputDir "content\/papers" \(.*\) holds the paper files \(contentDir "content\/papers"\)/);
    expect(problem("content")).toMatch(/holds the paper files/);
    expect(problem("content/papers/site")).toMatch(/is inside the folder of the paper files/);
    // Anywhere on the disk: a paper folder outside the project.
    const outside = mkdtempSync(path.join(tmpdir(), "output-folder-papers-"));
    dirs.push(outside);
    expect(problem(outside, { contentDir: path.join(outside, "papers") })).toMatch(/holds the paper files/);
  });

  it("refuses the layouts, the build cache and the site configuration", () => {
    expect(problem("layouts")).toMatch(/holds the layouts/);
    expect(problem("layouts/site")).toMatch(/is inside the folder of the layouts/);
    expect(problem("dist", { cacheDir: "dist/.cache" })).toMatch(/holds the build cache \(cacheDir "dist\/\.cache"\): every build would delete it/);
    expect(problem("site", { cacheDir: "site" })).toMatch(/holds the build cache/);
    const elsewhere = path.join(root, "config", "site.json");
    expect(problem("config", undefined, elsewhere)).toMatch(/holds the site configuration \(config\/site\.json\)/);
  });

  it("sees through symbolic links", () => {
    const link = path.join(root, "linked");
    symlinkSync(path.join(root, "content"), link);
    expect(problem("linked")).toMatch(/holds the paper files/);
    expect(problem("linked/papers/x")).toMatch(/is inside the folder of the paper files/);
  });

  it("refuses a file, and a folder of files no build wrote unless the build cache knows it", () => {
    writeFileSync(path.join(root, "notes.txt"), "mine");
    expect(problem("notes.txt")).toMatch(/is a file, not a folder/);
    const foreign = path.join(root, "photos");
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, "cat.jpg"), "jpeg");
    expect(problem("photos")).toMatch(/holds files no build wrote \(it has no \.build\.json, and the build cache does not know it\)/);
    // A site built before builds recorded .build.json: its page manifest in the cache names it.
    writeManifest(pageManifestFile(path.join(root, ".cache"), foreign), { output: foreign, pages: {} });
    expect(problem("photos")).toBeUndefined();
  });
});

describe("npm run build and npm run dev with a wrong output folder", () => {
  let fixture: FixtureSite;
  afterAll(() => fixture?.cleanup());

  it("refuses before writing anything, and every file is still there", async () => {
    fixture = fixtureSite({ "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16" }) });
    const paperFile = path.join(fixture.contentDir, "2026-02-16", "a.md");
    const before = readFileSync(paperFile, "utf8");
    const content = path.dirname(fixture.contentDir);
    for (const outputDir of [fixture.contentDir, content, fixture.dir]) {
      const result = fixture.build({ SITE_OUTPUT_DIR: outputDir });
      expect(result.status, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toMatch(/holds the paper files|is the project folder or holds it/);
      expect(result.stdout).toContain("The site was not built; nothing was written.");
      expect(readFileSync(paperFile, "utf8")).toBe(before);
      expect(readdirSync(path.dirname(outputDir)).filter((name) => /\.(tmp|old|trash)-\d+$/.test(name))).toEqual([]);
    }
    const foreign = path.join(fixture.dir, "photos");
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, "cat.jpg"), "jpeg");
    const refused = fixture.build({ SITE_OUTPUT_DIR: foreign });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/holds files no build wrote/);
    expect(readdirSync(foreign)).toEqual(["cat.jpg"]);
    // The dev server, which writes into its folder in place, refuses the same folders and exits.
    const dev = await fixture.start("dev.ts", [], { SITE_OUTPUT_DIR: content, PORT: "0" });
    expect(dev.status).toBe(1);
    expect(dev.stderr).toMatch(/^npm run dev: outputDir ".*" holds the paper files/m);
    expect(existsSync(path.join(content, "index.html"))).toBe(false);
    expect(readFileSync(paperFile, "utf8")).toBe(before);
    // A folder of its own still builds.
    const built = fixture.build();
    expect(built.status, built.stdout + built.stderr).toBe(0);
  }, 240_000);
});
