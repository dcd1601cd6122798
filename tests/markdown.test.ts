import * as cheerio from "cheerio";
import { readFileSync } from "node:fs";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { katexSafeOptions, katexVersion, renderTex } from "../src/markdown/katex.ts";
import { createMarkdown, linkTlds, renderInlineMarkdown, renderMarkdown } from "../src/markdown/markdown.ts";
import { realAbstracts } from "./helpers/site.ts";

/** The TeX sources of every typeset formula, read back from KaTeX's MathML annotation. */
const typeset = (html: string) => cheerio.load(html)('annotation[encoding="application/x-tex"]').map((_, el) => cheerio.load(el).text()).get();

describe("renderMarkdown: math", () => {
  it.each([
    ["$x^2$", "x^2", false],
    ["\\(x^2\\)", "x^2", false],
    ["$$\\sum_i x_i$$", "\\sum_i x_i", true],
    ["\\[\\sum_i x_i\\]", "\\sum_i x_i", true],
    ["$$\n\\int_0^1 f\n$$", "\\int_0^1 f", true],
  ])("typesets %j as MathML alone, with its TeX source", (source, tex, display) => {
    const { html, formulas, problems } = renderMarkdown(source);
    expect(problems).toEqual([]);
    expect(formulas).toBe(1);
    expect(typeset(html)).toEqual([tex]);
    const $ = cheerio.load(html);
    expect($("math").length).toBe(1);
    expect($(".katex, .katex-html, .katex-mathml, [aria-hidden]").length).toBe(0);
    expect($("math").attr("display")).toBe(display ? "block" : undefined);
    expect($(".math-display").length).toBe(display ? 1 : 0);
  });

  it.each([
    ["Costs $5 and $10.", "Costs $5 and $10."],
    ["Write \\$x\\$ for dollars.", "Write $x$ for dollars."],
    ["A $1000 prize is not math, nor is $5-$10.", "A $1000 prize is not math, nor is $5-$10."],
  ])("leaves dollar amounts as text: %j", (source, text) => {
    const { html, formulas } = renderMarkdown(source);
    expect(formulas).toBe(0);
    expect(cheerio.load(html).text().trim()).toBe(text);
  });

  it("counts formulas so pages without math skip the stylesheet", () => {
    expect(renderMarkdown("No math here.").formulas).toBe(0);
    expect(renderMarkdown("$a$, $b$ and\n\n$$c$$").formulas).toBe(3);
  });

  it("renders a title inline, without a paragraph", () => {
    const { html, formulas } = renderInlineMarkdown("A $\\mathcal O(n)$ bound");
    expect(html.startsWith("A <math>")).toBe(true);
    expect(html).not.toContain("<p>");
    expect(formulas).toBe(1);
  });
});

describe("renderMarkdown: TeX errors", () => {
  it("returns each error with its line and TeX, and prints the TeX as code instead of a red box", () => {
    const source = ["First line,", "second $\\frac{1}{$ line,", "third $x + \\href{https://evil.example}{x}$.", "", "New paragraph $\\url{https://x} + 1$."].join("\n");
    const { html, problems } = renderMarkdown(source);
    expect(problems).toEqual([
      { line: 1, tex: "\\frac{1}{", message: "Unexpected end of input in a macro argument, expected '}'" },
      { line: 2, tex: "x + \\href{https://evil.example}{x}", message: "\\href is not allowed: TeX may not emit links, HTML or images" },
      { line: 4, tex: "\\url{https://x} + 1", message: "\\url is not allowed: TeX may not emit links, HTML or images" },
    ]);
    const $ = cheerio.load(html);
    expect($("code.math-error").map((_, el) => $(el).text()).get()).toEqual(["\\frac{1}{", "x + \\href{https://evil.example}{x}", "\\url{https://x} + 1"]);
    expect($("a").length).toBe(0);
    expect($(".katex-error").length).toBe(0);
  });

  it.each(["\\href{https://x.org}{a}", "\\url{https://x.org}", "\\includegraphics{x.png}", "\\htmlClass{a}{b}", "\\htmlId{a}{b}", "\\htmlStyle{color:red}{b}", "\\htmlData{a=b}{c}"])(
    "refuses %s",
    (tex) => {
      const result = renderTex(tex, false);
      expect(result.ok).toBe(false);
      expect(result.ok ? "" : result.message).toMatch(/is not allowed: TeX may not emit links, HTML or images$/);
    },
  );

  it("keeps a macro defined in one formula out of the next", () => {
    const { problems } = renderMarkdown("$\\def\\foo{x}\\foo$ and $\\foo$");
    expect(problems).toEqual([{ line: 0, tex: "\\foo", undefinedMacro: "\\foo", warning: true, message: '\\foo is not defined: add it under macros: in this file, e.g. macros: { "\\\\foo": "\\\\operatorname{foo}" }' }]);
  });

  it("stops a macro that expands forever", () => {
    const { problems } = renderMarkdown("$\\def\\a{\\a}\\a$");
    expect(problems[0]!.message).toMatch(/expands to too much TeX/);
  });

  it("uses the safe settings", () => {
    expect(katexSafeOptions).toMatchObject({ throwOnError: true, trust: false, globalGroup: false, output: "mathml" });
    expect(katexVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("renderMarkdown: untrusted Markdown", () => {
  // HTML forbids <a> in <a>: a browser splits the outer link, and validators refuse the page (real case: arXiv
  // 2503.15683 ends with `$\href{https://yb23.github.io/..}{https://yb23.github.io/..}$`, whose text was linkified).
  it.each([
    ["$\\href{https://x.org/p/}{https://x.org/p/}$", "https://x.org/p/", "https://x.org/p/"],
    ["\\href{https://x.org/a}{see www.y.org and [z](https://z.org)}", "https://x.org/a", "see www.y.org and z"],
    ["[\\url{https://x.org/b}](https://y.org/c)", "https://y.org/c", "https://x.org/b"],
    ["[see https://x.org/d](https://y.org/e)", "https://y.org/e", "see https://x.org/d"],
  ])("a link inside another keeps only its text: %s", (source, href, text) => {
    const $ = cheerio.load(renderMarkdown(source).html);
    expect($("a").length).toBe(1);
    expect($("a a").length).toBe(0);
    expect($("a").attr("href")).toBe(href);
    expect($("a").text()).toBe(text);
  });

  const source = [
    "<script>alert(1)</script> <img src=x onerror=alert(2)>",
    "![pic](https://example.org/a.png)",
    "[js](javascript:alert(3)) [data](data:text/html,x) [vb](vbscript:x)",
    "[ok](https://example.org/) [mail](mailto:a@example.org) https://bare.example.org/",
  ].join("\n");
  const $ = cheerio.load(renderMarkdown(source).html);

  it("prints raw HTML as text", () => {
    expect($("script, img, [onerror]").length).toBe(0);
    expect($.text()).toContain("<script>alert(1)</script>");
  });

  it("makes no images", () => {
    expect($("img").length).toBe(0);
  });

  it("links only http(s) and mailto, each marked as user content", () => {
    const links = $("a").map((_, a) => [[$(a).attr("href"), $(a).attr("rel")]]).get();
    expect(links).toEqual([
      ["https://example.org/a.png", "nofollow ugc noopener"],
      ["https://example.org/", "nofollow ugc noopener"],
      ["mailto:a@example.org", "nofollow ugc noopener"],
      ["https://bare.example.org/", "nofollow ugc noopener"],
    ]);
  });

  it("gives every caller its own instance", () => {
    expect(createMarkdown()).not.toBe(createMarkdown());
  });
});

describe("createMarkdown: linkify-it's quick test, behind a cheaper one", () => {
  // linkify-it as createMarkdown configures it, without the cheaper test in front.
  const reference = new MarkdownIt({ linkify: true }).linkify.tlds(linkTlds, false);
  const ours = createMarkdown().linkify;

  it("answers as linkify-it's own on texts built from every piece a link starts with, in either case", () => {
    const pieces = ["http:", "HTTPS:", "ftp:", "//", "/", "mailto:", "MailTo:", "@", "localhost", "LOCALHOST", "www.", "WwW.",
      ".1.", ".255.", ".1234.", ".com", ".ORG", ".Info", ".xn--p1ai", ".XN--", ".co", ".jp", "example", "a", "1", " ", "\n", ".",
      ":", "_", "-", "(", ">", "｜", "é", "。", "\u00a0", "$x$", "ſ", "K"];
    let seed = 1;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed);
    let links = 0;
    for (let n = 0; n < 40_000; n++) {
      let text = "";
      for (let k = 1 + (next() % 8); k > 0; k--) text += pieces[next() % pieces.length];
      const expected = reference.pretest(text);
      if (ours.pretest(text) !== expected) expect.fail(`pretest differs on ${JSON.stringify(text)}`);
      links += Number(expected);
    }
    // Both answers occur often: the comparison is not all "no".
    expect(links).toBeGreaterThan(10_000);
    expect(links).toBeLessThan(35_000);
  });

  it.runIf(realAbstracts)("answers as linkify-it's own on every real abstract and title", () => {
    let links = 0;
    for (const line of readFileSync(realAbstracts!, "utf8").split("\n").filter(Boolean)) {
      const { title, abstract } = JSON.parse(line) as { title: string; abstract: string };
      for (const text of [title, abstract]) {
        expect(ours.pretest(text)).toBe(reference.pretest(text));
        links += Number(reference.pretest(text));
      }
    }
    expect(links).toBeGreaterThan(100);
  });
});
