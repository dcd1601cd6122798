// Property-based: random, often hostile, front matter and Markdown go through the check and the renderer. Nothing
// throws, every problem is a located one-line message, and no markup from content survives unescaped.
import * as cheerio from "cheerio";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePapers } from "../src/content/load.ts";
import { formatProblem, type Problem } from "../src/content/problems.ts";
import { checkPaperMath, renderPaper } from "../src/markdown/paper.ts";
import { checkFormats } from "../src/verify/formats.ts";
import { checkPageSecurity } from "../src/verify/page-security.ts";
import { fixtureSite } from "./helpers/site.ts";

const file = "content/papers/2026-02-16/x.md";

/** Pieces an attacker (or a clumsy contributor) would reach for: markup, template syntax, YAML and TeX syntax. */
const fragments = [
  "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<x-evil>", "</p>", "<!--", "]]>", "<![CDATA[",
  "{{ 7*7 }}", "{% raw %}", "{%- include 'x' %}", "<%= x %>", "${x}", "javascript:alert(1)", "[a](javascript:x)",
  "<javascript:x>", "[r]: javascript:x", "![i](https://e.example/i.png)", "https://example.org/a?b=\"c\"", "www.example.org",
  "mailto:a@b.c", "$x^2$", "$\\href{javascript:x}{y}$", "$\\htmlClass{a}{b}$", "$\\def\\a{\\a\\a}\\a$", "\\(", "\\)", "\\[",
  "\\]", "$$", "$", "&amp;", "&#x3C;", "&lt;", "\"", "'", "`", "```", "*", "_", "#", "- ", "> ", "|", "\n", "\n\n", " ",
  "\t", "é", "😀", "\u202E", "\u0000", "\u001b", "\uFEFF", "\r\n", "---", "---js", ":", "[", "]", "{", "}", "&a", "*a",
  "!!js/function", "!!binary", "<<", "__proto__", "%YAML 1.1", "? ", ">-", "|+", "\\", "<", ">",
  // Text-mode TeX (src/markdown/tex-text.ts): links, groups, accents, macros.
  "\\href{javascript:x}{y}", "\\url{javascript:x}", "\\href{https://e.example}{", "\\emph{", "{\\em ", "{\\bf x}", "\\textbf{",
  "\\texttt{<b>}", "\\footnote{", "\\cite{a}", "\\\"o", "\\'{\\i}", "~", "``", "''", "--", "\\begin{align*}", "\\end{align*}",
  "\\unicode{x0}", "\\unicode{x3C}", "\\bW", "\\R", "\\textcolor{red}{", "$1000", "\\ss",
];
const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ unit: "binary", maxLength: 6 })), { maxLength: 24 })
  .map((parts) => parts.join(""));
const lines = fc.array(
  fc.oneof(
    fc.constantFrom("---", "title: x", "date: 2026-02-16", 'arxiv: "2601.00001"', "authors: [A]", "authors:", "  - A", "links:", "  code: x", "a: &a [x, x]", "b: [*a, *a]"),
    hostileText,
  ),
  { maxLength: 16 },
);

const deniedTags = new Set(["script", "iframe", "frame", "object", "embed", "img", "image", "svg", "style", "link", "meta", "base", "form", "input", "button", "x-evil", "video", "audio", "source"]);

/** Markup that content must never produce: forbidden elements, event handlers, styles outside KaTeX, unsafe links. */
function unsafeMarkup(html: string): string[] {
  const $ = cheerio.load(`<div id="root">${html}</div>`, null, false);
  const found: string[] = [];
  $("#root *").each((_, node) => {
    if (node.type !== "tag" && node.type !== "script" && node.type !== "style") return;
    if (deniedTags.has(node.tagName)) found.push(`<${node.tagName}>`);
    for (const [name, value] of Object.entries(node.attribs)) {
      if (/^on/i.test(name)) found.push(`${node.tagName}[${name}]`);
      if (name === "style" && $(node).closest("math").length === 0) found.push(`${node.tagName}[style] outside KaTeX`);
      if (["src", "xlink:href", "action", "formaction"].includes(name)) found.push(`${node.tagName}[${name}]`);
      if (name === "href" && !/^(?:https?:|mailto:)/i.test(value)) found.push(`${node.tagName}[href=${value}]`);
    }
  });
  return found;
}

/** Runs the check and the renderer on one file as the pipeline does; returns problems and rendered HTML. */
function checkAndRender(text: string): { problems: Problem[]; html: string[] } {
  const loaded = parsePapers([{ file, text }]);
  const problems = [...loaded.problems, ...loaded.rejected.flatMap((text) => checkPaperMath(text))];
  const html: string[] = [];
  for (const paper of loaded.papers) {
    const rendered = renderPaper(paper);
    problems.push(...rendered.problems);
    html.push(rendered.paper.titleHtml, rendered.paper.abstractHtml);
  }
  return { problems, html };
}

/** Every problem names the file, a plausible line, and is one line of text without a stack trace. */
function expectWellFormed(problems: Problem[], text: string): void {
  const lineCount = text.split(/\r\n?|\n/).length + 1;
  for (const problem of problems) {
    expect(problem.file).toBe(file);
    if (problem.line !== undefined) {
      expect(Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lineCount, formatProblem(problem)).toBe(true);
    }
    expect(problem.message.length).toBeGreaterThan(0);
    expect(formatProblem(problem)).not.toMatch(/\n\s+at |\bat .*\.(?:ts|js):\d+/);
  }
}

const quoted = (value: unknown) => JSON.stringify(value);

describe("the unsafe-markup detector the properties rely on", () => {
  it.each([
    ['<img src="x" onerror="alert(1)">', ["<img>", "img[src]", "img[onerror]"]],
    ["<p><script>alert(1)</script></p>", ["<script>"]],
    ['<a href="javascript:alert(1)">x</a>', ["a[href=javascript:alert(1)]"]],
    ['<b style="color:red">x</b>', ["b[style] outside KaTeX"]],
    ['<math><menclose style="border:1px solid red"><mi>x</mi></menclose></math> <a href="https://example.org">x</a>', []],
  ])("%s", (html, expected) => {
    expect(unsafeMarkup(html)).toEqual(expected);
  });
});

describe("property: random files through check and render", () => {
  it("never throws on random text with YAML-ish and Markdown-ish lines, and locates every problem", () => {
    fc.assert(
      fc.property(lines, fc.boolean(), (body, opened) => {
        const text = (opened ? "---\n" : "") + body.join("\n");
        const { problems, html } = checkAndRender(text);
        expectWellFormed(problems, text);
        for (const h of html) expect(unsafeMarkup(h)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("renders hostile titles, authors and abstracts without unescaped markup", () => {
    const paperArb = fc.record({
      title: hostileText,
      authors: fc.array(hostileText, { minLength: 1, maxLength: 3 }),
      organization: fc.option(hostileText, { nil: undefined }),
      upvotes: fc.oneof(fc.nat(), fc.double(), fc.string({ maxLength: 3 })),
      tags: fc.array(fc.constantFrom("ml", "Bad Tag", "a-b", "<x>"), { maxLength: 3 }),
      body: fc.array(hostileText, { maxLength: 4 }).map((blocks) => blocks.join("\n\n")),
    });
    fc.assert(
      fc.property(paperArb, (p) => {
        const front = [
          `title: ${quoted(p.title)}`, "date: 2026-02-16", 'arxiv: "2601.00001"',
          `authors: [${p.authors.map(quoted).join(", ")}]`,
          ...(p.organization === undefined ? [] : [`organization: ${quoted(p.organization)}`]),
          `upvotes: ${quoted(p.upvotes)}`, `tags: ${quoted(p.tags)}`,
        ];
        const text = `---\n${front.join("\n")}\n---\n${p.body}\n`;
        const { problems, html } = checkAndRender(text);
        expectWellFormed(problems, text);
        for (const h of html) expect(unsafeMarkup(h), h).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("builds a site from random valid hostile papers whose every page and feed passes the safety checks", () => {
    const valid = fc
      .array(fc.record({ title: hostileText, author: hostileText, body: hostileText }), { minLength: 8, maxLength: 8 })
      .map((papers) =>
        papers.map((p, i) => {
          const visible = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069$\\]/g, "").replace(/\s+/g, " ").trim().slice(0, 200) || "x";
          return `---\ntitle: ${quoted(visible(p.title))}\ndate: 2026-02-1${i % 3}\narxiv: "2601.0000${i}"\nauthors: [${quoted(visible(p.author))}]\ntags: [t${i % 2}]\n---\n${visible(p.body)}\n`;
        }),
      );
    const [papers] = fc.sample(valid, 1);
    const site = fixtureSite(Object.fromEntries(papers!.map((text, i) => [`2026-02-1${i % 3}/p${i}.md`, text])));
    try {
      const result = site.build();
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(checkPageSecurity(site.outputDir)).toEqual([]);
      expect(checkFormats(site.outputDir)).toEqual([]);
    } finally {
      site.cleanup();
    }
  });
});
