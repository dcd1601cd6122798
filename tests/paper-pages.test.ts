// src/eleventy/paper-pages.ts renders paper pages with Nunjucks directly, not through Eleventy: every page must be
// byte for byte what Eleventy renders from the same template and data (real abstracts, the example papers with their
// links, venues and organizations, hostile text, a path prefix).
import { readFileSync } from "node:fs";
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

describe("paper pages rendered outside Eleventy", () => {
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
      const code = `
        const { checkContentParallel } = await import(${JSON.stringify(path.join(repoRoot, "src/pipeline.ts"))});
        const { groupDigest } = await import(${JSON.stringify(path.join(repoRoot, "src/digest/group.ts"))});
        const { allPages } = await import(${JSON.stringify(path.join(repoRoot, "src/cache/pages.ts"))});
        const { renderPages } = await import(${JSON.stringify(path.join(repoRoot, "src/eleventy/run.ts"))});
        const { paperPageRenderer } = await import(${JSON.stringify(path.join(repoRoot, "src/eleventy/paper-pages.ts"))});
        const { loadSiteConfig } = await import(${JSON.stringify(path.join(repoRoot, "src/site.ts"))});
        const root = process.cwd();
        const config = loadSiteConfig(root);
        const { papers } = await checkContentParallel(root, config);
        const digest = groupDigest(papers, config);
        const data = { config, ...digest, render: allPages(digest) };
        const eleventy = await renderPages({ root, data, template: "paper.njk" });
        const render = paperPageRenderer(root, config, data);
        const ours = data.render.papers.map(render).map(({ file, html }) => ({ path: file, content: html }));
        (await import("node:fs")).writeFileSync(${JSON.stringify(out)}, JSON.stringify({ eleventy, ours }));`;
      const result = site.evalModule(code, 240_000);
      expect(result.status, result.stderr).toBe(0);
      const { eleventy, ours } = JSON.parse(readFileSync(out, "utf8")) as Record<string, { path: string; content: string }[]>;
      const byPath = (pages: { path: string; content: string }[]) => new Map(pages.map((page) => [page.path, page.content]));
      expect([...byPath(ours!).keys()].sort()).toEqual([...byPath(eleventy!).keys()].sort());
      for (const [file, html] of byPath(eleventy!)) expect(byPath(ours!).get(file), file).toBe(html);
      expect(ours!.length).toBeGreaterThan(real ? 250 : 40);
      // What the comparison covers: math, a prefixed link, the hostile text escaped.
      const hostile = byPath(ours!).get("papers/2601.99999/index.html")!;
      expect(hostile).toContain("&lt;script&gt;");
      expect(hostile).toContain("{{ site.title }}");
      expect(hostile).toContain("<math");
      if ("pathPrefix" in config) expect(hostile).toContain('href="/digest/date/2026-01-20/"');
    }, 300_000);
  }
});
