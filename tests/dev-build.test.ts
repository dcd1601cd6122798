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
import { pageManifestFile } from "../src/cache/manifest-files.ts";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";

/**
 * Runs devBuild for `site` in a subprocess (the site's settings come from its environment), with `written` pages;
 * returns the line it logs ("Built ...").
 */
function devBuild(site: FixtureSite, written: string[]): string {
  const code = `
    const { devBuild } = await import(${JSON.stringify(path.join(repoRoot, "src/dev/build.ts"))});
    const { loadSiteConfig } = await import(${JSON.stringify(path.join(repoRoot, "src/site.ts"))});
    await devBuild(process.cwd(), loadSiteConfig(process.cwd()), (line) => console.log(line), ${JSON.stringify(written)});`;
  const result = site.evalModule(code);
  expect(result.status, result.stdout + result.stderr).toBe(0);
  return /^Built .*$/m.exec(result.stdout)?.[0] ?? result.stdout;
}

/** Overwrites a built page and records the new bytes in the page manifest, as a build committing after it would. */
function overwriteRecorded(site: FixtureSite, page: string, html: string): void {
  const file = path.join(site.outputDir, page);
  writeFileSync(file, html);
  const manifestFile = pageManifestFile(site.env.SITE_CACHE_DIR!, site.outputDir);
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

describe("devBuild, build after build in one process (the dev server's build thread)", () => {
  let site: FixtureSite;
  afterAll(() => site?.cleanup());

  // The paper cache stays open between builds. A file broken for one build and then put back to the very bytes it had
  // before is that earlier version again: the paper summaries still name it, and the cache must still give its whole
  // paper (the build that served it failed with "the build cache changed while it was read").
  it("serves a paper file put back to the bytes it had two builds before", () => {
    const good = paper({ title: "Wombatology", arxiv: "2602.00004", date: "2026-02-18" });
    site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16" }),
      "2026-02-17/b.md": paper({ title: "Beta", arxiv: "2602.00002", date: "2026-02-17" }),
      "2026-02-18/broken.md": good,
    });
    const file = path.join(site.contentDir, "2026-02-18", "broken.md");
    const broken = paper({ title: "Wombatology", arxiv: "2602.00004", date: "2026-02-18", upvotes: -1 });
    const code = `
      const { writeFileSync } = await import("node:fs");
      const { devBuild } = await import(${JSON.stringify(path.join(repoRoot, "src/dev/build.ts"))});
      const { loadSiteConfig } = await import(${JSON.stringify(path.join(repoRoot, "src/site.ts"))});
      const site = loadSiteConfig(process.cwd());
      const lines = [];
      const build = async () => (await devBuild(process.cwd(), site, (line) => lines.push(line))).problems.length;
      const problems = [await build()];
      writeFileSync(${JSON.stringify(file)}, ${JSON.stringify(broken)});
      problems.push(await build());
      writeFileSync(${JSON.stringify(file)}, ${JSON.stringify(good)});
      problems.push(await build());
      console.log(JSON.stringify({ problems, last: lines.at(-1) }));`;
    const result = site.evalModule(code, 240_000);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const { problems, last } = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    expect(problems).toEqual([0, 1, 0]);
    // Put back, it is the version the cache already has: nothing is typeset again.
    expect(last).toMatch(/^Built 3 papers \(3 from the cache\)/);
    expect(site.read("papers/2602.00004/index.html")).toContain("Wombatology");
    expect(site.read("date/2026-02-18/index.html")).toContain("Wombatology");
  }, 240_000);
});

describe("devBuild beside another command that writes the build cache", () => {
  let site: FixtureSite;
  afterAll(() => site?.cleanup());

  // A contributor runs `npm run check` (or `npm run build`) while `npm run dev` runs: that process typesets the new
  // paper into the shared cache and writes the paper summaries, which then name a paper the dev server's open cache
  // has never seen in a shard it read before.
  it("builds after `npm run check` wrote the cache, with the paper that check typeset", () => {
    site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16" }),
      "2026-02-17/b.md": paper({ title: "Beta", arxiv: "2602.00002", date: "2026-02-17" }),
    });
    // Enough papers that every shard of the cache is likely read by the first build (16 shards).
    for (let n = 3; n <= 60; n++) site.write(`2026-02-16/p${n}.md`, paper({ title: `Paper ${n}`, arxiv: `2602.${String(n).padStart(5, "0")}`, date: "2026-02-16" }));
    const code = `
      const { spawnSync } = await import("node:child_process");
      const { writeFileSync } = await import("node:fs");
      const { devBuild } = await import(${JSON.stringify(path.join(repoRoot, "src/dev/build.ts"))});
      const { loadSiteConfig } = await import(${JSON.stringify(path.join(repoRoot, "src/site.ts"))});
      const site = loadSiteConfig(process.cwd());
      const lines = [];
      await devBuild(process.cwd(), site, (line) => lines.push(line));
      for (let n = 61; n <= 76; n++) writeFileSync(${JSON.stringify(site.contentDir)} + "/2026-02-18-" + n + ".md", ${JSON.stringify(paper({ title: "Wombatology NN", arxiv: "2602.000NN", date: "2026-02-18" }))}.replaceAll("NN", String(n)));
      const check = spawnSync(process.execPath, ["--import", "tsx", ${JSON.stringify(path.join(repoRoot, "scripts", "check.ts"))}], { encoding: "utf8" });
      if (check.status !== 0) throw new Error("npm run check failed: " + check.stdout + check.stderr);
      await devBuild(process.cwd(), site, (line) => lines.push(line));
      console.log(JSON.stringify(lines.at(-1)));`;
    const result = site.evalModule(code, 240_000);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split("\n").at(-1)!)).toMatch(/^Built 76 papers/);
    for (let n = 61; n <= 76; n++) expect(site.read(`papers/2602.000${n}/index.html`)).toContain(`Wombatology ${n}`);
  }, 240_000);
});

describe("devBuild after npm run build", () => {
  let site: FixtureSite;
  afterAll(() => site?.cleanup());

  // `npm run build`, then `npm run dev`: the build's manifest records the feeds among its pages. The dev server's
  // first build planned no feeds, took every tag's and organization's feeds for pages it no longer makes, and removed
  // them (103 files of the example site) while the tag pages still linked to them.
  it("keeps the feeds npm run build wrote, and the site it serves links only to files it has", () => {
    site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16", tags: ["wombats"] }),
      "2026-02-17/b.md": paper({ title: "Beta", arxiv: "2602.00002", date: "2026-02-17", tags: ["wombats", "numbats"] }),
    });
    const built = site.build();
    expect(built.status, built.stdout + built.stderr).toBe(0);
    const feeds = () => site.files().filter((file) => /(^|\/)(feed\.xml|atom\.xml|feed\.json|digest\.xml)$/.test(file));
    const before = feeds();
    expect(before).toEqual(expect.arrayContaining(["tags/wombats/feed.xml", "tags/numbats/atom.xml", "feed.json"]));
    const bytes = before.map((file) => site.read(file));
    devBuild(site, []);
    expect(feeds()).toEqual(before);
    expect(feeds().map((file) => site.read(file))).toEqual(bytes);
    const verified = site.run("verify.ts");
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  }, 240_000);
});

describe("devBuild after a build into another output folder with the same cache", () => {
  let site: FixtureSite;
  afterAll(() => site?.cleanup());

  // The dev server serves dist/ while `SITE_OUTPUT_DIR=/tmp/site npm run build` builds elsewhere with the same
  // .cache/. With one page manifest per cache folder, the other build's replaced the server's: its next build rendered
  // every page again and, not knowing which pages dist/ held, left the page of a tag no paper has any more, linking to
  // a paper page it had removed.
  it("still knows its own pages: reuses them, and removes the ones it no longer makes", () => {
    site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16", tags: ["wombats"] }),
      "2026-02-17/b.md": paper({ title: "Beta", arxiv: "2602.00002", date: "2026-02-17", tags: ["numbats"] }),
      "2026-02-17/c.md": paper({ title: "Gamma", arxiv: "2602.00003", date: "2026-02-17", tags: ["wombats"] }),
    });
    devBuild(site, []);
    expect(site.exists("tags/numbats/index.html")).toBe(true);
    const elsewhere = path.join(site.dir, "elsewhere");
    const built = site.build({ SITE_OUTPUT_DIR: elsewhere });
    expect(built.status, built.stdout + built.stderr).toBe(0);
    site.remove("2026-02-17/b.md");
    const line = devBuild(site, []);
    expect(site.exists("papers/2602.00002/index.html")).toBe(false);
    expect(site.exists("tags/numbats/index.html")).toBe(false);
    // The pages of Alpha and Gamma and the wombats tag did not change: reused, not rendered again.
    expect(Number(/(\d+) unchanged/.exec(line)?.[1])).toBeGreaterThanOrEqual(3);
    const verified = site.run("verify.ts");
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    // The other folder's build is still a build that changes nothing.
    const again = site.build({ SITE_OUTPUT_DIR: elsewhere });
    expect(again.status, again.stdout + again.stderr).toBe(0);
  }, 240_000);
});
