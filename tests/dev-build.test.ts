// The dev server's build (src/dev/build.ts devBuild) against a page the server wrote on its own while a build ran.
// The server serves a written paper's page first, on its own thread, while the build thread may be between rendering
// that page and recording it in the manifest: the manifest then describes the server's page (placed among the papers
// as they were before the change). The next build, told which pages the server wrote, must render them again; this
// test makes that state on purpose, instead of waiting for the race.
import { createHash } from "node:crypto";
import { statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest, writeManifest } from "../src/cache/pages.ts";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";

/** Runs devBuild for `site` in a subprocess (the site's settings come from its environment), with `written` pages. */
function devBuild(site: FixtureSite, written: string[]): void {
  const code = `
    const { devBuild } = await import(${JSON.stringify(path.join(repoRoot, "src/dev/build.ts"))});
    const { loadSiteConfig } = await import(${JSON.stringify(path.join(repoRoot, "src/site.ts"))});
    await devBuild(process.cwd(), loadSiteConfig(process.cwd()), () => {}, ${JSON.stringify(written)});`;
  const result = site.evalModule(code);
  expect(result.status, result.stdout + result.stderr).toBe(0);
}

/** Overwrites a built page and records the new bytes in the page manifest, as a build committing after it would. */
function overwriteRecorded(site: FixtureSite, page: string, html: string): void {
  const file = path.join(site.outputDir, page);
  writeFileSync(file, html);
  const manifestFile = path.join(site.env.SITE_CACHE_DIR!, "pages.json");
  const manifest = readManifest(manifestFile)!;
  const stat = statSync(file, { bigint: true });
  const [key] = manifest.pages[page]!;
  manifest.pages[page] = [key, Number(stat.size), String(stat.mtimeNs), createHash("sha256").update(html).digest("hex")];
  writeManifest(manifestFile, manifest);
}

describe("devBuild and pages the server wrote", () => {
  let site: FixtureSite;
  const page = "papers/2602.00002/index.html";
  let built = "";
  beforeAll(() => {
    site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16" }),
      "2026-02-16/b.md": paper({ title: "Beta", arxiv: "2602.00002", date: "2026-02-16" }),
      "2026-02-17/c.md": paper({ title: "Gamma", arxiv: "2602.00003", date: "2026-02-17" }),
    });
    devBuild(site, []);
    built = site.read(page);
  }, 240_000);
  afterAll(() => site?.cleanup());

  it("keeps a recorded page it was not told about (the state the race leaves is real)", () => {
    overwriteRecorded(site, page, "<p>served first, with the neighbours of before</p>");
    devBuild(site, []);
    expect(site.read(page)).toBe("<p>served first, with the neighbours of before</p>");
  }, 120_000);

  it("renders again a page the server wrote, even when the manifest records its bytes", () => {
    overwriteRecorded(site, page, "<p>served first, with the neighbours of before</p>");
    devBuild(site, [page]);
    expect(site.read(page)).toBe(built);
  }, 120_000);
});
