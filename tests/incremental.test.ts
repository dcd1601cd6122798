import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writtenMath } from "./helpers/math.ts";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";

// Every kind of change, built on top of the previous build (cache and output kept), must give byte for byte the site a
// build from nothing gives for the same content, code and configuration.

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A throw-away copy of the project's code, so a test can edit a layout and build with it. */
function projectCopy(): string {
  const root = mkdtempSync(path.join(tmpdir(), "digest-incr-code-"));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  for (const entry of ["src", "layouts", "scripts", ".eleventy.ts", "package.json", "package-lock.json", "tsconfig.json"]) {
    cpSync(path.join(repoRoot, entry), path.join(root, entry), { recursive: true });
  }
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"), "dir");
  return root;
}

/** `npm run build` of `site` with the code in `root`; fails with the build's output when it does not succeed. */
function build(root: string, site: FixtureSite): string {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "build.ts")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...site.env },
    timeout: 300_000,
  });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  return /^(Built|Nothing changed).*$/m.exec(result.stdout)?.[0] ?? result.stdout;
}

/** Every file under `dir`, relative path -> bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(path.relative(dir, full).split(path.sep).join("/"), readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

/** Every paper file of `site`, relative to its content folder. */
function contentOf(site: FixtureSite): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(site.contentDir, full).split(path.sep).join("/")] = readFileSync(full, "utf8");
    }
  };
  walk(site.contentDir);
  return out;
}

/** Fails unless `site`'s output equals, file for file and byte for byte, a build from nothing of the same content. */
function expectSameAsColdBuild(root: string, site: FixtureSite): void {
  const config = JSON.parse(readFileSync(path.join(site.dir, "content", "site.json"), "utf8")) as Record<string, unknown>;
  const cold = fixtureSite(contentOf(site), config);
  try {
    expect(build(root, cold)).toMatch(/\(0 from the cache\)/);
    const want = snapshot(cold.outputDir);
    const got = snapshot(site.outputDir);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    const differing = [...want].filter(([file, bytes]) => !got.get(file)!.equals(bytes)).map(([file]) => file);
    expect(differing).toEqual([]);
  } finally {
    cold.cleanup();
  }
}

const papers = {
  "2026-02-16/a.md": paper({ title: "Alpha $x^2$", arxiv: "2602.00001", upvotes: 3, tags: ["theory"] }, "Bound $\\mathcal O(n)$ here."),
  "2026-02-16/b.md": paper({ title: "Beta", arxiv: "2602.00002", upvotes: 9, tags: ["systems"] }, "Plain abstract with $\\R$."),
  "2026-02-17/c.md": paper({ title: "Gamma", arxiv: "2602.00003", date: "2026-02-17", tags: ["theory"] }, "Display $$\\sum_i x_i$$ math."),
  "2026-03-02/d.md": paper({ title: "Delta", arxiv: "2603.00004", date: "2026-03-02" }, "Another month."),
};

// Each step builds on the one before (vitest runs them in order); builds take seconds each, more on a loaded machine.
const timeout = 600_000;

describe("incremental builds equal a build from nothing after each kind of change", () => {
  let root = "";
  let site: FixtureSite;

  it("first build, then nothing changed", () => {
    root = projectCopy();
    // One paper a tag page, so tag lists span pages that shift when a paper comes or goes.
    site = fixtureSite(papers, { url: "https://digest.example.org", tagPageSize: 1, macros: { "\\R": "\\mathbb{R}" } });
    cleanups.push(() => site.cleanup());
    expect(build(root, site)).toMatch(/\(0 from the cache\)/);
    expect(build(root, site)).toMatch(/^Nothing changed since the last build/);
  }, timeout);

  it("add", () => {
    // Add: a paper on a new day between two others.
    const feed = (file: string) => path.join(site.outputDir, file);
    const systems = ["tags/systems/feed.xml", "tags/systems/atom.xml", "tags/systems/feed.json"].map((file) => statSync(feed(file)).ino);
    const theory = statSync(feed("tags/theory/feed.xml")).ino;
    site.write("2026-02-20/e.md", paper({ title: "Epsilon", arxiv: "2602.00005", date: "2026-02-20", tags: ["theory"] }, "New $y$."));
    const line = build(root, site);
    expect(line).toMatch(/\(4 from the cache\)/);
    // The feeds of a tag the new paper does not carry are linked from the previous output, not rendered again; the
    // site's, the digest's and the paper's tag's are written anew.
    expect(line).toMatch(/(\d+) feed files \((\d+) unchanged\)/);
    expect(["tags/systems/feed.xml", "tags/systems/atom.xml", "tags/systems/feed.json"].map((file) => statSync(feed(file)).ino)).toEqual(systems);
    expect(statSync(feed("tags/theory/feed.xml")).ino).not.toBe(theory);
    expect(readFileSync(feed("tags/theory/feed.xml"), "utf8")).toContain("Epsilon");
    expect(readFileSync(feed("feed.xml"), "utf8")).toContain("Epsilon");
    expect(readFileSync(feed("digest.xml"), "utf8")).toContain("Epsilon");
    expectSameAsColdBuild(root, site);
  }, timeout);

  it("edit that keeps the size and the modification time", () => {
    // Edit that keeps the file's size and modification time: seen (by its change time), and only that paper typeset.
    const a = path.join(site.contentDir, "2026-02-16/a.md");
    utimesSync(a, 1_700_000_000, 1_700_000_000);
    build(root, site);
    const before = statSync(a);
    writeFileSync(a, readFileSync(a, "utf8").replace("Bound $\\mathcal O(n)$ here.", "Bound $\\mathcal O(m)$ here."));
    utimesSync(a, 1_700_000_000, 1_700_000_000);
    expect([statSync(a).size, statSync(a).mtimeMs]).toEqual([before.size, before.mtimeMs]);
    expect(build(root, site)).toMatch(/\(4 from the cache\)/);
    expect(site.read("papers/2602.00001/index.html")).toContain(writtenMath("\\mathcal O(m)"));
    expectSameAsColdBuild(root, site);
  }, timeout);

  it("a file replaced by an older copy", () => {
    // A file replaced by an older copy of another version of it (renamed over it, dated a year back).
    const older = path.join(site.dir, "older.md");
    writeFileSync(older, paper({ title: "Gamma", arxiv: "2602.00003", date: "2026-02-17", tags: ["theory"] }, "Display $$\\sum_j y_j$$ math."));
    utimesSync(older, 1_670_000_000, 1_670_000_000);
    renameSync(older, path.join(site.contentDir, "2026-02-17/c.md"));
    expect(build(root, site)).toMatch(/\(4 from the cache\)/);
    expect(site.read("papers/2602.00003/index.html")).toContain(writtenMath("\\sum_j y_j", true));
    expectSameAsColdBuild(root, site);
  }, timeout);

  it("delete", () => {
    site.remove("2026-02-16/b.md");
    expect(build(root, site)).toMatch(/\(4 from the cache\)/);
    expect(site.exists("papers/2602.00002/index.html")).toBe(false);
    expectSameAsColdBuild(root, site);
  }, timeout);

  it("rename", () => {
    // Rename (to another day's folder: the date is in the front matter, the path is only the file's name).
    renameSync(path.join(site.contentDir, "2026-03-02/d.md"), path.join(site.contentDir, "2026-02-17/d-renamed.md"));
    expect(build(root, site)).toMatch(/\(3 from the cache\)/);
    expectSameAsColdBuild(root, site);
  }, timeout);

  it("edits of what grouping reads: another day, other tags, an organization (the others made from their summaries)", () => {
    // The other papers come from the paper summaries (src/cache/paper-summaries.ts) of the build before.
    site.write("2026-02-20/e.md", paper({ title: "Epsilon", arxiv: "2602.00005", date: "2026-03-01", upvotes: 7, tags: ["systems", "vision"], organization: "Example Lab" }, "New $y$."));
    expect(build(root, site)).toMatch(/\(3 from the cache\)/);
    expect(site.read("date/2026-03-01/index.html")).toContain("Epsilon");
    expect(site.exists("date/2026-02-20/index.html")).toBe(false);
    expectSameAsColdBuild(root, site);
    const a = path.join(site.contentDir, "2026-02-16/a.md");
    writeFileSync(a, readFileSync(a, "utf8").replace('tags: ["theory"]', 'tags: ["vision"]\norganization: "EXAMPLE lab"'));
    expect(build(root, site)).toMatch(/\(3 from the cache\)/);
    expect(site.exists("tags/theory/index.html")).toBe(true);
    expectSameAsColdBuild(root, site);
  }, timeout);

  it("KaTeX option: the site's macros", () => {
    // A KaTeX option the configuration exposes: the site's macros.
    const config = path.join(site.dir, "content", "site.json");
    writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, "utf8")), macros: { "\\R": "\\mathbf{R}" } }));
    expect(build(root, site)).toMatch(/\(0 from the cache\)/);
    expectSameAsColdBuild(root, site);
  }, timeout);

  it("layout change", () => {
    const layout = path.join(root, "layouts", "paper.njk");
    writeFileSync(layout, readFileSync(layout, "utf8").replace('<h2 id=abstract>Abstract</h2>', '<h2 id=abstract>Abstract</h2><p class="edited-layout"></p>'));
    expect(build(root, site)).toMatch(/\(4 from the cache\).*\(0 unchanged\)/);
    expect(site.read("papers/2602.00001/index.html")).toContain('<p class="edited-layout"></p>');
    expectSameAsColdBuild(root, site);
    expect(build(root, site)).toMatch(/^Nothing changed since the last build/);
  }, timeout);

  it("a checkout, cache and output restored from archives (new inodes, change and modification times)", () => {
    // What CI does: a fresh checkout of the content, and .cache/ and dist/ restored by actions/cache (tar), here with
    // no time kept at all. Every paper file is read again (its stat is new) and every page is reused by its hash.
    for (const dir of [site.contentDir, site.outputDir, path.join(site.dir, ".cache")]) {
      cpSync(dir, `${dir}.restored`, { recursive: true });
      rmSync(dir, { recursive: true, force: true });
      renameSync(`${dir}.restored`, dir);
    }
    // A page whose bytes changed but not its size, restored with it, is rendered again.
    const tampered = path.join(site.outputDir, "papers/2602.00003/index.html");
    writeFileSync(tampered, readFileSync(tampered, "latin1").replace("Gamma", "GAMMA"), "latin1");
    const line = build(root, site);
    const pages = Number(/(\d+) paginated pages/.exec(line)?.[1]);
    expect(line).toMatch(/\(4 from the cache\)/);
    expect(line).toContain(`${pages} paginated pages (${pages - 1} unchanged)`);
    expectSameAsColdBuild(root, site);
    expect(build(root, site)).toMatch(/^Nothing changed since the last build/);
  }, timeout);
});

describe("incremental builds of a site big enough for the search index's worker equal a build from nothing", () => {
  it("one paper added, then one edited: the worker is given only their text and the others' keys", () => {
    const root = projectCopy();
    // 1,100 papers over 11 days (the index's worker takes over from 1,000), short plain abstracts to typeset fast.
    const many: Record<string, string> = {};
    for (let i = 0; i < 1100; i++) {
      const date = `2026-03-${String(1 + (i % 11)).padStart(2, "0")}`;
      many[`${date}/p${i}.md`] = paper({ title: `Paper number ${i}`, arxiv: `2603.${String(10000 + i)}`, date, upvotes: i % 5, tags: [`t${i % 7}`] }, `Abstract ${i} about topic${i % 13} and graphs.`);
    }
    const site = fixtureSite(many, { url: "https://digest.example.org" });
    cleanups.push(() => site.cleanup());
    expect(build(root, site)).toMatch(/\(0 from the cache\)/);
    site.write("2026-03-12/new.md", paper({ title: "A new paper", arxiv: "2603.20000", date: "2026-03-12", tags: ["t1"] }, "Uniquenewterm abstract."));
    expect(build(root, site)).toMatch(/\(1100 from the cache\)/);
    expectSameAsColdBuild(root, site);
    site.write("2026-03-05/p4.md", paper({ title: "Paper number 4, edited", arxiv: "2603.10004", date: "2026-03-05", upvotes: 9, tags: ["t2"] }, "Edited abstract rewiredterm."));
    expect(build(root, site)).toMatch(/\(1100 from the cache\)/);
    expectSameAsColdBuild(root, site);
    // The output deleted, the cache kept (`rm -rf dist`): every page is made again, the search index from its state in
    // the cache (the papers given by their keys, their results from what the state kept), and the site is the same.
    rmSync(site.outputDir, { recursive: true, force: true });
    expect(build(root, site)).toMatch(/\(1101 from the cache\)/);
    expectSameAsColdBuild(root, site);
  }, 900_000);
});
