// Hostile Markdown, HTML, links and TeX in abstracts and titles: inert in the output or refused with a located message.
import { describe, expect, it } from "vitest";
import { texWorkLimits } from "../../src/markdown/tex-limits.ts";
import { checkFiles, checkOne, paperText } from "./check.ts";

const F = "content/papers/2026-02-16/x.md";
const rel = 'rel="nofollow ugc noopener"';
const refusedTex = (tex: string, command: string, line = 7, field = "body") =>
  `${F}:${line}: ${field}: TeX error in "${tex}": \\${command} is not allowed: TeX may not emit links, HTML or images`;

/** The abstract's HTML when the paper is valid, or the problems when it is not. */
function abstractOf(body: string): { html?: string; problems: string[] } {
  const { problems, papers } = checkOne(paperText("", body));
  return { html: papers[0]?.abstractHtml, problems };
}

// [case, abstract Markdown, the exact abstract HTML]
const inert: [string, string, string][] = [
  // Template languages are never run on content: the text appears as written.
  ["Nunjucks/Liquid output tags", "{{ 7*7 }} {{ site.title }}", "<p>{{ 7*7 }} {{ site.title }}</p>\n"],
  ["Liquid raw and include tags", '{% raw %}x{% endraw %} {%- include "x" %}', "<p>{% raw %}x{% endraw %} {%- include &quot;x&quot; %}</p>\n"],
  ["EJS tags", "<%= process.exit(1) %>", "<p>&lt;%= process.exit(1) %&gt;</p>\n"],
  ["a JavaScript template literal", "${process.exit(1)}", "<p>${process.exit(1)}</p>\n"],
  // Raw HTML is text.
  ["a script element", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"],
  ["an on* attribute", '<img src="x" onerror="alert(1)">', "<p>&lt;img src=&quot;x&quot; onerror=&quot;alert(1)&quot;&gt;</p>\n"],
  ["an iframe", "<iframe src=x></iframe>", "<p>&lt;iframe src=x&gt;&lt;/iframe&gt;</p>\n"],
  ["style element and attribute", '<style>body{display:none}</style><b style="color:red">x</b>',
    "<p>&lt;style&gt;body{display:none}&lt;/style&gt;&lt;b style=&quot;color:red&quot;&gt;x&lt;/b&gt;</p>\n"],
  ["an HTML block", '<div onclick="alert(1)">\n\ntext\n\n</div>', "<p>&lt;div onclick=&quot;alert(1)&quot;&gt;</p>\n<p>text</p>\n<p>&lt;/div&gt;</p>\n"],
  // Links: only http(s) and mailto become links.
  ["a javascript: link", "[click](javascript:alert(1))", "<p>[click](javascript:alert(1))</p>\n"],
  ["a javascript: link hidden by an entity", "[click](java&#x73;cript:alert(1))", "<p>[click](javascript:alert(1))</p>\n"],
  ["a JaVaScRiPt: link", "[click](JaVaScRiPt:alert(1))", "<p>[click](JaVaScRiPt:alert(1))</p>\n"],
  ["a data: link", "[click](data:text/html;base64,PHNjcmlwdD4=)", "<p>[click](data:text/html;base64,PHNjcmlwdD4=)</p>\n"],
  ["a vbscript: link", "[click](vbscript:msgbox(1))", "<p>[click](vbscript:msgbox(1))</p>\n"],
  ["a file: link", "[click](file:///etc/passwd)", "<p>[click](file:///etc/passwd)</p>\n"],
  ["a protocol-relative link", "[click](//evil.example)", "<p>[click](//evil.example)</p>\n"],
  ["a site-relative link", "[admin](/admin)", "<p>[admin](/admin)</p>\n"],
  ["a javascript: autolink", "<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>\n"],
  ["a javascript: reference definition", "[x][r]\n\n[r]: javascript:alert(1)", "<p>[x][r]</p>\n<p>[r]: javascript:alert(1)</p>\n"],
  ["bare javascript: text is not linkified", "see javascript:alert(1)", "<p>see javascript:alert(1)</p>\n"],
  ["an image is not an image", "![x](https://evil.example/t.png)", `<p>!<a href="https://evil.example/t.png" ${rel}>x</a></p>\n`],
  ["a link title cannot break out of its attribute", '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    `<p><a href="https://example.org" title="a&quot; onmouseover=&quot;alert(1)" ${rel}>x</a></p>\n`],
  ["a quote in a link URL is encoded", '<https://x.example/"onmouseover="x>',
    `<p><a href="https://x.example/%22onmouseover=%22x" ${rel}>https://x.example/&quot;onmouseover=&quot;x</a></p>\n`],
  ["safe links are kept, marked nofollow", "<https://example.org/a> <mailto:a@example.org> www.example.org",
    `<p><a href="https://example.org/a" ${rel}>https://example.org/a</a> <a href="mailto:a@example.org" ${rel}>mailto:a@example.org</a> <a href="http://www.example.org" ${rel}>www.example.org</a></p>\n`],
  ["dollar amounts stay text", "costs $5 and $10", "<p>costs $5 and $10</p>\n"],
  // A formula that is only a link is read as the link arXiv shows, under the Markdown link rules.
  ["a formula that is only \\href to javascript: is its text", "$\\href{javascript:alert(1)}{x}$", "<p>x</p>\n"],
  ["a formula that is only \\url is a link with rel", "$\\url{https://evil.example}$", `<p><a href="https://evil.example" ${rel}>https://evil.example</a></p>\n`],
  ["text-mode \\href to javascript: is its text", "\\href{javascript:alert(1)}{x} \\url{data:text/html,x}", "<p>x data:text/html,x</p>\n"],
];

const tooMuchTex = (tex: string) =>
  `the formula expands to too much TeX: more than ${texWorkLimits.tokensBase + texWorkLimits.tokensPerChar * tex.length} tokens for a formula of its length (nested or repeated macros?)`;
const expDefs = "\\def\\a{xxxxxxxxxx}\\def\\b{\\a\\a\\a\\a\\a\\a\\a\\a\\a\\a}\\def\\c{\\b\\b\\b\\b\\b\\b\\b\\b\\b\\b}\\def\\d{\\c\\c\\c\\c\\c\\c\\c\\c\\c\\c}\\d";

// [case, abstract with TeX, the exact problem]
const refused: [string, string, string][] = [
  ["\\href inside a formula", "$x + \\href{javascript:alert(1)}{x}$", refusedTex("x + \\href{javascript:alert(1)}{x}", "href")],
  ["\\url inside a formula", "$\\url{https://evil.example} + 1$", refusedTex("\\url{https://evil.example} + 1", "url")],
  ["\\includegraphics", "$\\includegraphics{https://evil.example/x.png}$", refusedTex("\\includegraphics{https://evil.example/x.png}", "includegraphics")],
  ["\\htmlClass", "$\\htmlClass{x}{y}$", refusedTex("\\htmlClass{x}{y}", "htmlClass")],
  ["\\htmlId", "$\\htmlId{x}{y}$", refusedTex("\\htmlId{x}{y}", "htmlId")],
  ["\\htmlStyle", "$\\htmlStyle{color:red}{y}$", refusedTex("\\htmlStyle{color:red}{y}", "htmlStyle")],
  ["\\htmlData", "$\\htmlData{foo=bar}{y}$", refusedTex("\\htmlData{foo=bar}{y}", "htmlData")],
  ["\\href in display math, on its line", "Intro.\n\n$$\n\\href{https://e.example}{x}\n$$", refusedTex("\\href{https://e.example}{x}", "href", 9)],
  ["a \\def macro bomb", "$\\def\\a{\\a\\a}\\a$",
    `${F}:7: body: TeX error in "\\def\\a{\\a\\a}\\a": ${tooMuchTex("\\def\\a{\\a\\a}\\a")}`],
  ["exponential \\defs", `$${expDefs}$`,
    `${F}:7: body: TeX error in "${expDefs.slice(0, 80)}…": ${tooMuchTex(expDefs)}`],
  ["a recursive \\newcommand", "$\\newcommand{\\x}{\\x}\\x$",
    `${F}:7: body: TeX error in "\\newcommand{\\x}{\\x}\\x": ${tooMuchTex("\\newcommand{\\x}{\\x}\\x")}`],
  ["a colour that is a URL", "$\\color{javascript:alert(1)}{x}$", `${F}:7: body: TeX error in "\\color{javascript:alert(1)}{x}": Invalid color: 'javascript:alert(1)'`],
  ["deeply nested braces", `$${"{".repeat(600)}x${"}".repeat(600)}$`,
    `${F}:7: body: TeX error in "${"{".repeat(80)}…": the formula is 1201 characters; the limit is 1000`],
  ["too many formulas", "$x$ ".repeat(301),
    `${F}:7: body: TeX error in "x": too much math in one text: the limits are 300 formulas and 3000 characters of TeX`],
];

describe("hostile abstracts render inert", () => {
  for (const [name, body, html] of inert) {
    it(name, () => {
      expect(abstractOf(body)).toEqual({ html, problems: [] });
    });
  }
});

describe("TeX that would emit links, HTML or images, or run away, is refused", () => {
  for (const [name, body, problem] of refused.filter(([, body]) => body)) {
    it(name, () => {
      const { html, problems } = abstractOf(body);
      expect(problems).toEqual([problem]);
      // The page is never built with a problem; even so, what was rendered holds no link, image or attribute from TeX.
      expect(html).not.toMatch(/<a |<img|href=|src=|data-|\bid="/);
    });
  }

  it("refuses \\href in a title, at the title's line", () => {
    const { problems } = checkOne(paperText().replace("title: A paper", () => "title: 'Fast $x + \\href{https://e.example}{x}$'"));
    expect(problems).toEqual([refusedTex("x + \\href{https://e.example}{x}", "href", 2, "title")]);
  });

  it("caps \\rule and sizes at maxSize instead of drawing a page-sized box", () => {
    const { html } = abstractOf("$\\rule{100000em}{100000em}$");
    // In a box as tall as the rule (src/markdown/mathml-core.ts), not KaTeX's zero-height one that paints over the lines above.
    expect(html).toContain('<mpadded voffset="0em"><mspace mathbackground="black" width="20em" height="20em"></mspace></mpadded>');
    expect(html).not.toContain("100000em;");
  });

  it("escapes markup inside \\text", () => {
    const { html } = abstractOf("$\\text{<script>alert(1)</script>}$");
    expect(html).toContain("<mtext>&lt;script&gt;alert(1)&lt;/script&gt;</mtext>");
    expect(html).not.toContain("<script>");
  });

  it("keeps macros inside one paper: a \\gdef or \\global\\def in one paper is undefined in another", () => {
    const { problems, warnings, papers } = checkFiles({
      "2026-02-16/a.md": paperText("", "$\\gdef\\leak{EVIL}\\global\\def\\leaktoo{EVIL}$ defined here."),
      "2026-02-16/b.md": paperText("", "Used here: $\\leak$ and $\\leaktoo$.").replace("2601.00001", "2601.00002"),
    });
    expect(problems).toEqual([]);
    // Undefined in b: shown as their names (a warning each), never as what a defined them to be.
    expect(warnings).toEqual([
      'content/papers/2026-02-16/b.md:7: body: \\leak is not defined: add it under macros: in this file, e.g. macros: { "\\\\leak": "\\\\text{leak}" }',
      'content/papers/2026-02-16/b.md:7: body: \\leaktoo is not defined: add it under macros: in this file, e.g. macros: { "\\\\leaktoo": "\\\\text{leaktoo}" }',
    ]);
    const b = papers.find((p) => p.source.file.endsWith("b.md"))!;
    expect(b.abstractText).toBe("Used here: leak and leaktoo.");
    expect(b.abstractHtml).not.toContain("EVIL");
  });

  it("\\gdef does not reach the next formula", () => {
    const { problems, warnings, papers } = checkOne(paperText("", "$\\gdef\\foo{EVIL}$ then $\\foo$"));
    expect(problems).toEqual([]);
    expect(warnings).toEqual([`${F}:7: body: \\foo is not defined: add it under macros: in this file, e.g. macros: { "\\\\foo": "\\\\operatorname{foo}" }`]);
    expect(papers[0]!.abstractText).toBe("then foo");
  });

  it("shows at most a bounded number of macros nobody defined as their names; the next is refused", () => {
    const names = Array.from({ length: 12 }, (_, i) => `\\zz${String.fromCharCode(97 + i)}`);
    const { problems, warnings } = checkOne(paperText("", `$${names.join(" ")}$ and ${names.map((n) => `${n}y`).join(" ")}`));
    // Ten in the formula stand in as names, the eleventh refuses it; ten in the text show as words, the rest are math.
    expect(warnings).toHaveLength(10);
    expect(warnings[0]).toBe(`${F}:7: body: \\zzay is not defined: add it under macros: in this file, e.g. macros: { "\\\\zzay": "\\\\text{zzay}" }`);
    expect(problems).toEqual([
      `${F}:7: body: \\zzk is not defined: add it under macros: in this file, e.g. macros: { "\\\\zzk": "\\\\operatorname{zzk}" }`,
      `${F}:7: body: \\zzky is not defined: add it under macros: in this file, e.g. macros: { "\\\\zzky": "\\\\text{zzky}" }`,
      `${F}:7: body: \\zzly is not defined: add it under macros: in this file, e.g. macros: { "\\\\zzly": "\\\\text{zzly}" }`,
    ]);
  });
});

describe("hostile titles render inert", () => {
  // [title as written in YAML, titleHtml, titleText (used in <title> and feeds, escaped by the layouts)]
  const titles: [string, string, string][] = [
    ['"<script>alert(1)</script>"', "&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"],
    ['"{{ 7*7 }} {% raw %}"', "{{ 7*7 }} {% raw %}", "{{ 7*7 }} {% raw %}"],
    ['"[x](javascript:alert(1))"', "[x](javascript:alert(1))", "[x](javascript:alert(1))"],
  ];
  for (const [yaml, html, text] of titles) {
    it(yaml, () => {
      const { problems, papers } = checkOne(paperText().replace("title: A paper", () => `title: ${yaml}`));
      expect(problems).toEqual([]);
      expect([papers[0]!.titleHtml, papers[0]!.titleText]).toEqual([html, text]);
    });
  }
});
