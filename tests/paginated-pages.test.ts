// src/eleventy/paginated-pages.ts renders the paginated pages (paper, day, week, month, tag and organization pages)
// with Nunjucks directly, not through Eleventy: every page must be byte for byte what Eleventy renders from the same
// template and data (real abstracts, the example papers with their links, venues and organizations, hostile text, a
// path prefix); a layout that does more than paginate is left to Eleventy.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { examplePapers, fixtureSite, paper, realAbstracts as real, repoRoot, type FixtureSite } from "./helpers/site.ts";

/** Paper files: the example papers, up to 250 real abstracts as their authors wrote them, and hostile text. */
function papers(): Record<string, string> {
  const files = examplePapers();
  const records = real ? readFileSync(real, "utf8").split("\n").filter(Boolean).slice(0, 250) : [];
  records.forEach((line, i) => {
    const record = JSON.parse(line) as { arxiv: string; title: string; authors: string[]; abstract: string; category?: string };
    const day = `2026-01-${String(10 + (i % 5)).padStart(2, "0")}`;
    files[`${day}/${record.arxiv.replace("/", "-")}.md`] = paper(
      { title: record.title, arxiv: record.arxiv, authors: record.authors.slice(0, 40), category: record.category, date: day, tags: i % 3 ? ["math"] : [] },
      record.abstract,
    );
  });
  files["2026-01-20/hostile.md"] = paper(
    { title: 'A <script>alert("x")</script> {{ site.title }} {% raw %} & "quotes"', arxiv: "2601.99999", date: "2026-01-20", authors: ["O'Brien <b>", "{{ x }}"] },
    "Text with {{ site.url }}, {% if true %}x{% endif %}, <img src=x onerror=alert(1)> and $\\frac{a}{b}$.",
  );
  return files;
}

/**
 * The start of a subprocess's code (see FixtureSite.evalModule): the modules these tests use, and the fixture's papers
 * checked and grouped, as `root`, `config` and `digest`.
 */
const groupedSite = `
        const { checkContentParallel } = await import(${JSON.stringify(path.join(repoRoot, "src/pipeline.ts"))});
        const { groupDigest } = await import(${JSON.stringify(path.join(repoRoot, "src/digest/group.ts"))});
        const { allPages } = await import(${JSON.stringify(path.join(repoRoot, "src/cache/pages.ts"))});
        const { renderPages } = await import(${JSON.stringify(path.join(repoRoot, "src/eleventy/run.ts"))});
        const { renderSite } = await import(${JSON.stringify(path.join(repoRoot, "src/eleventy/render-pages.ts"))});
        const { pageLayouts, pageRenderers } = await import(${JSON.stringify(path.join(repoRoot, "src/eleventy/paginated-pages.ts"))});
        const { loadSiteConfig } = await import(${JSON.stringify(path.join(repoRoot, "src/site.ts"))});
        const { existsSync, readFileSync, writeFileSync } = await import("node:fs");
        const root = process.cwd();
        const config = loadSiteConfig(root);
        const { papers } = await checkContentParallel(root, config);
        const digest = groupDigest(papers, config);`;

describe("paginated pages rendered outside Eleventy", () => {
  const sites: FixtureSite[] = [];
  afterAll(() => sites.forEach((site) => site.cleanup()));

  for (const [name, config] of [
    ["the default site", {}],
    ["a site under a path prefix", { pathPrefix: "/digest/", authorsShown: 3 }],
  ] as const) {
    it(`are Eleventy's, byte for byte: ${name}`, () => {
      const site = fixtureSite(papers(), config);
      sites.push(site);
      // Written to a file: megabytes of pages are more than a subprocess's output may hold.
      const out = path.join(site.dir, "pages.json");
      const code = `${groupedSite}
        const data = { config, ...digest, render: allPages(digest) };
        const renderers = pageRenderers(root, config, data);
        const kinds = {};
        for (const [kind, layout] of Object.entries(pageLayouts)) {
          const render = renderers(kind);
          if (!render) throw new Error("no renderer for " + kind);
          const eleventy = await renderPages({ root, data, template: layout });
          const ours = data.render[kind].map(render).map(({ file, html }) => ({ path: file, content: html }));
          kinds[kind] = { eleventy, ours };
        }
        writeFileSync(${JSON.stringify(out)}, JSON.stringify(kinds));`;
      const result = site.evalModule(code, 240_000);
      expect(result.status, result.stderr).toBe(0);
      const kinds = JSON.parse(readFileSync(out, "utf8")) as Record<string, Record<string, { path: string; content: string }[]>>;
      const byPath = (pages: { path: string; content: string }[]) => new Map(pages.map((page) => [page.path, page.content]));
      // Every kind has pages in this fixture, so none is compared vacuously.
      expect(Object.keys(kinds).sort()).toEqual(["days", "months", "organizations", "papers", "tags", "weeks"]);
      for (const [kind, { eleventy, ours }] of Object.entries(kinds)) {
        expect(ours!.length, kind).toBeGreaterThan(0);
        expect([...byPath(ours!).keys()].sort(), kind).toEqual([...byPath(eleventy!).keys()].sort());
        for (const [file, html] of byPath(eleventy!)) expect(byPath(ours!).get(file), file).toBe(html);
      }
      const ours = kinds.papers!.ours!;
      expect(ours!.length).toBeGreaterThan(real ? 250 : 40);
      // What the comparison covers: math, a prefixed link, the hostile text escaped.
      const hostile = byPath(ours!).get("papers/2601.99999/index.html")!;
      expect(hostile).toContain("&lt;script&gt;");
      expect(hostile).toContain("{{ site.title }}");
      expect(hostile).toContain("<math");
      if ("pathPrefix" in config) expect(hostile).toContain('href="/digest/date/2026-01-20/"');
      // A day page and a tag page hold the hostile title escaped too.
      const day = byPath(kinds.days!.ours!).get("date/2026-01-20/index.html")!;
      expect(day).toContain("&lt;script&gt;");
      expect(kinds.tags!.ours!.some((page) => page.content.includes("paper-row"))).toBe(true);
    }, 300_000);
  }
});

describe("a paginated layout that does more than paginate", () => {
  it("is left to Eleventy, which writes the same pages", () => {
    const site = fixtureSite(examplePapers());
    const layoutsRoot = mkdtempSync(path.join(tmpdir(), "digest-layouts-"));
    try {
      // Front matter the direct renderer does not know (harmless here): the day pages must go through Eleventy.
      cpSync(path.join(repoRoot, "layouts"), path.join(layoutsRoot, "layouts"), { recursive: true });
      const dayLayout = path.join(layoutsRoot, "layouts", "day.njk");
      writeFileSync(dayLayout, readFileSync(dayLayout, "utf8").replace("permalink:", "eleventyExcludeFromCollections: true\npermalink:"));
      const out = path.join(site.dir, "result.json");
      const code = `${groupedSite}
        const data = { config, ...digest, render: allPages(digest) };
        const changed = ${JSON.stringify(layoutsRoot)};
        const result = {};
        for (const [name, from] of [["direct", root], ["changed", changed]]) {
          const outputDir = ${JSON.stringify(site.dir)} + "/out-" + name;
          const { written } = await renderSite({ root: from, outputDir, data, threadedFrom: 1 });
          const days = data.render.days.map((day) => "date/" + day.date + "/index.html");
          result[name] = {
            renderer: Boolean(pageRenderers(from, config, data)("days")),
            written: days.filter((file) => written?.files.has(file)).length,
            pages: Object.fromEntries(days.map((file) => [file, readFileSync(outputDir + "/" + file, "utf8")])),
          };
        }
        writeFileSync(${JSON.stringify(out)}, JSON.stringify(result));`;
      const result = site.evalModule(code, 240_000);
      expect(result.status, result.stderr).toBe(0);
      const { direct, changed } = JSON.parse(readFileSync(out, "utf8")) as Record<string, { renderer: boolean; written: number; pages: Record<string, string> }>;
      expect(direct!.renderer).toBe(true);
      expect(changed!.renderer).toBe(false);
      const days = Object.keys(direct!.pages);
      expect(days.length).toBeGreaterThan(0);
      // Written by the paginated pages' writer with the shipped layout, by Eleventy with the changed one.
      expect(direct!.written).toBe(days.length);
      expect(changed!.written).toBe(0);
      expect(changed!.pages).toEqual(direct!.pages);
    } finally {
      rmSync(layoutsRoot, { recursive: true, force: true });
      site.cleanup();
    }
  }, 300_000);
});

describe("a paginated page whose permalink leads out of the site's folder", () => {
  it("fails the render, and nothing is written outside the folder", () => {
    const site = fixtureSite(examplePapers());
    try {
      const out = path.join(site.dir, "result.json");
      const code = `${groupedSite}
        const render = allPages(digest);
        if (!render.tags.length) throw new Error("no tag page in the fixture");
        // tag.njk's permalink is the page's url: here one that climbs out of the output folder.
        render.tags = [{ ...render.tags[0], url: "/../escaped/" }, ...render.tags.slice(1)];
        const outputDir = ${JSON.stringify(path.join(site.dir, "site", "out"))};
        let error = "none";
        await renderSite({ root, outputDir, data: { config, ...digest, render } }).catch((e) => (error = String(e?.message ?? e)));
        writeFileSync(${JSON.stringify(out)}, JSON.stringify({ error, escaped: existsSync(${JSON.stringify(path.join(site.dir, "site", "escaped"))}) }));`;
      const result = site.evalModule(code, 240_000);
      expect(result.status, result.stderr).toBe(0);
      const { error, escaped } = JSON.parse(readFileSync(out, "utf8")) as { error: string; escaped: boolean };
      expect(error).toContain("tag.njk: the permalink of a page renders to \"/../escaped/index.html\", outside the site's folder");
      expect(escaped).toBe(false);
    } finally {
      site.cleanup();
    }
  }, 300_000);
});
