// The baseline the benchmark compares against: the Eleventy project a user would write first for the same papers.
// One Markdown template per paper (a directory data file gives the layout), markdown-it with a KaTeX plugin, day
// pages by pagination over a collection; no feeds, no search, no week/month/tag pages, no validation.
import { copyFileSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

const config = `import markdownIt from "markdown-it";
import markdownItKatex from "@vscode/markdown-it-katex";

export default function (eleventyConfig) {
  const katex = markdownItKatex.default ?? markdownItKatex;
  eleventyConfig.setLibrary("md", markdownIt({ html: false, linkify: true }).use(katex));
  eleventyConfig.addCollection("days", (api) => {
    const byDate = new Map();
    for (const paper of api.getFilteredByTag("paper")) {
      const date = paper.date.toISOString().slice(0, 10);
      if (!byDate.has(date)) byDate.set(date, []);
      byDate.get(date).push(paper);
    }
    return [...byDate].sort((a, b) => (a[0] < b[0] ? 1 : -1)).map(([date, papers]) => ({ date, papers }));
  });
  return {
    dir: { input: ".", includes: "_includes", output: "_site" },
    // TeX is full of braces: Markdown is not run through a template language first.
    markdownTemplateEngine: false,
  };
}
`;

const base = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/katex/dist/katex.min.css"></head>
<body><main>
{{ content | safe }}
</main></body>
</html>
`;

const paperLayout = `---
layout: base.njk
---
<article>
<h1>{{ title }}</h1>
<p>{{ authors | join(", ") }}</p>
<p>{{ category }} · {{ upvotes }} upvotes · <a href="https://arxiv.org/abs/{{ arxiv }}">arXiv:{{ arxiv }}</a></p>
{{ content | safe }}
</article>
`;

const days = `---
pagination:
  data: collections.days
  size: 1
  alias: day
permalink: "date/{{ day.date }}/"
layout: base.njk
eleventyExcludeFromCollections: true
---
<h1>{{ day.date }}</h1>
{%- for paper in day.papers %}
<article>
<h2><a href="{{ paper.url }}">{{ paper.data.title }}</a></h2>
<p>{{ paper.data.authors | join(", ") }}</p>
{{ paper.templateContent | safe }}
</article>
{%- endfor %}
`;

/**
 * Writes the baseline project into `dir` over the corpus at `contentDir` (paper files hard-linked, copied when links
 * are impossible) and links `node_modules` so it runs the repository's own Eleventy 3 and markdown-it.
 */
export function writeBaselineProject(dir: string, contentDir: string, files: string[], nodeModules: string): void {
  mkdirSync(path.join(dir, "_includes"), { recursive: true });
  writeFileSync(path.join(dir, "eleventy.config.mjs"), config);
  writeFileSync(path.join(dir, "_includes", "base.njk"), base);
  writeFileSync(path.join(dir, "_includes", "paper.njk"), paperLayout);
  writeFileSync(path.join(dir, "days.njk"), days);
  const papers = path.join(dir, "papers");
  mkdirSync(papers, { recursive: true });
  writeFileSync(path.join(papers, "papers.json"), JSON.stringify({ layout: "paper.njk", tags: ["paper"] }));
  linkCorpus(contentDir, files, papers);
  symlinkSync(nodeModules, path.join(dir, "node_modules"), "dir");
}

/** Hard-links each corpus file under `into` at the same relative path (copies it when links are impossible). */
export function linkCorpus(contentDir: string, files: string[], into: string): void {
  for (const file of files) {
    const target = path.join(into, file);
    mkdirSync(path.dirname(target), { recursive: true });
    try {
      linkSync(path.join(contentDir, file), target);
    } catch {
      copyFileSync(path.join(contentDir, file), target);
    }
  }
}

/** The command that builds the baseline project (run with the project folder as working directory). */
export function baselineCommand(nodeModules: string): { command: string; args: string[] } {
  return { command: process.execPath, args: [path.join(nodeModules, "@11ty", "eleventy", "cmd.cjs"), "--quiet"] };
}
