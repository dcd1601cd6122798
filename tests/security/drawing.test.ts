// What a paper draws stays in its own box: TeX that would paint outside its box, hide what it draws or take a click
// meant for something else is refused (sizes, shifts, zero-size boxes, transparent colours); what a paper renders holds
// no control or bidi character, however written; a title never holds a link. The browser side (clicks on built
// pages, with the CSS clipping each paper) is in clicks.test.ts.
import { describe, expect, it } from "vitest";
import { checkOne, paperText } from "./check.ts";

const F = "content/papers/2026-02-16/x.md";
const tex = (formula: string, message: string, line = 7) => `${F}:${line}: body: TeX error in "${formula}": ${message}`;
const negative = (em: string) => `a size of ${em} is not allowed: a negative size may be at most 1em, so math cannot reach outside its box`;
const negativeSum = "negative sizes add up to more than 2em in one formula, which is not allowed: math cannot reach outside its box";
const shift = (em: string) => `a shift of ${em} is not allowed: \\rule and \\raisebox may move a box at most 1em up or down`;
const zero = (command: string) => `${command} is not allowed: it draws a box of zero size, so its content would overlap what is next to it`;
const colour = (value: string) => `the colour "${value}" is not allowed: math must stay visible (use an opaque colour: a name, #rgb or #rrggbb)`;

/** [case, formula (written as $...$ in the abstract), the exact message] */
const refused: [string, string, string][] = [
  ["a negative \\kern", "a\\kern-5em b", negative("-5em")],
  ["a negative \\mkern", "\\mkern-100mu x", negative("-5.556em")],
  ["a negative \\hskip in points", "\\hskip-40pt x", negative("-4em")],
  ["a huge negative \\hspace", "\\hspace{-300em}x", negative("-300em")],
  ["a negative \\hspace through a \\def", "\\def\\n{-30em}\\hspace{\\n}x", negative("-30em")],
  ["a negative \\mskip", "\\mskip-36mu x", negative("-2em")],
  ["a negative row gap", "\\begin{matrix}a\\\\[-5em]b\\end{matrix}", negative("-5em")],
  ["small negative spaces adding up", `${"\\!".repeat(13)}x`, negativeSum],
  ["\\kern-1em three times", "\\kern-1em\\kern-1em\\kern-1em x", negativeSum],
  ["a \\rule shifted up", "\\rule[5em]{1em}{1em}", shift("5em")],
  ["a \\rule shifted down", "\\rule[-100em]{20em}{20em}", shift("-100em")],
  ["a \\raisebox up", "\\raisebox{10em}{x}", shift("10em")],
  ["a \\raisebox down", "\\raisebox{-2em}{x}", shift("-2em")],
  ["\\mathrlap", "\\mathrlap{\\rule{20em}{1em}}", zero("\\mathrlap")],
  ["\\mathllap", "\\mathllap{x}", zero("\\mathllap")],
  ["\\mathclap", "\\mathclap{x}", zero("\\mathclap")],
  ["\\rlap", "\\rlap{x}", zero("\\rlap")],
  ["\\llap", "\\llap{x}", zero("\\llap")],
  ["\\clap", "\\clap{x}", zero("\\clap")],
  ["\\smash", "\\smash{\\rule{1em}{20em}}", zero("\\smash")],
  ["\\smash through \\let", "\\let\\s\\smash\\s{x}", zero("\\smash")],
  ["\\color{transparent}", "\\color{transparent}{x}", colour("transparent")],
  ["\\textcolor with an alpha channel", "\\textcolor{#0000}{x}", colour("#0000")],
  ["\\colorbox with an alpha channel", "\\colorbox{#ffffff00}{x}", colour("#ffffff00")],
  ["\\fcolorbox with a transparent frame", "\\fcolorbox{transparent}{red}{x}", colour("transparent")],
  ["a huge \\arraystretch", "\\def\\arraystretch{100}\\begin{matrix}a\\\\b\\end{matrix}", "\\arraystretch 100 is not allowed: the limit is 4"],
  ["\\char of a bidi override", '\\char"202E', "the formula typesets control character U+202E (written as \\char?), which is not allowed"],
  ["\\char of a control character", '\\text{\\char"C}', "the formula typesets control character U+000C (written as \\char?), which is not allowed"],
];

/** Formulas with small sizes and shifts, colours and the built-in macros that use zero-size boxes inside: typeset. */
const allowed = [
  "C_1\\!\\to\\!E\\!\\leftarrow\\!C_2", "a \\not= b \\ne c \\notin D", "x \\coloneqq y", "\\rule{1em}{1em}", "\\rule[-0.5em]{1em}{2em}",
  "\\raisebox{0.5ex}{x}", "\\color{red}{x}", "\\textcolor{#1f5fbf}{x}", "\\hspace{1em}x\\kern-0.5em y", "\\substack{a\\\\[-9pt] b}",
  "\\vphantom{\\int}x", "\\begin{array}{cc}a&b\\\\c&d\\end{array}", "\\def\\arraystretch{1.5}\\begin{matrix}a\\\\b\\end{matrix}",
];

describe("TeX that would draw outside its box or invisibly is refused", () => {
  for (const [name, formula, message] of refused) {
    it(name, () => {
      const { problems } = checkOne(paperText("", `Text $${formula}$ text.`));
      expect(problems).toEqual([tex(formula, message)]);
    });
  }

  it("refuses it in a title too, at the title's line", () => {
    const { problems } = checkOne(paperText().replace("title: A paper", () => "title: 'Fast $\\mathrlap{\\rule{20em}{1em}}$'"));
    expect(problems).toEqual([`${F}:2: title: TeX error in "\\mathrlap{\\rule{20em}{1em}}": ${zero("\\mathrlap")}`]);
  });

  it("typesets small sizes, shifts and opaque colours", () => {
    const { problems, papers } = checkOne(paperText("", allowed.map((f) => `$${f}$`).join(" ")));
    expect(problems).toEqual([]);
    expect(papers[0]!.abstractHtml.match(/<math>/g)).toHaveLength(allowed.length);
  });
});

describe("control and bidi characters are refused in what is rendered, however written", () => {
  const renders = (code: string, entity: string) =>
    `renders control character ${code} (written as an HTML entity such as ${entity}), which is not allowed`;
  const cases: [string, string, string][] = [
    ["a bidi override as a hex entity", "Intro.\n\nA &#x202E;reversed text.", `${F}:9: body: ${renders("U+202E", "&#x202E;")}`],
    ["a form feed as a hex entity", "A &#x0C; page break.", `${F}:7: body: ${renders("U+000C", "&#xC;")}`],
    ["a bidi isolate as a decimal entity", "A &#8294; isolate.", `${F}:7: body: ${renders("U+2066", "&#x2066;")}`],
  ];
  for (const [name, body, problem] of cases) {
    it(name, () => {
      expect(checkOne(paperText("", body)).problems).toEqual([problem]);
    });
  }

  it("in a title", () => {
    const { problems } = checkOne(paperText().replace("title: A paper", () => "title: 'A &#x202E; title'"));
    expect(problems).toEqual([`${F}:2: title: ${renders("U+202E", "&#x202E;")}`]);
  });

  it("an entity in a code span stays text and is allowed", () => {
    const { problems, papers } = checkOne(paperText("", "Write `&#x202E;` to reverse text."));
    expect(problems).toEqual([]);
    expect(papers[0]!.abstractHtml).toBe("<p>Write <code>&amp;#x202E;</code> to reverse text.</p>\n");
  });
});

describe("a title is text and math: it never holds a link", () => {
  const titles: [string, string][] = [
    ['"See [the code](https://evil.example)"', "See the code"],
    ['"Fast <https://evil.example/x> training"', "Fast https://evil.example/x training"],
    ['"Scaling on www.example.org and example.ai"', "Scaling on www.example.org and example.ai"],
    ['"[$x^2$](https://evil.example) is *fast*"', "<math>"],
  ];
  for (const [yaml, html] of titles) {
    it(yaml, () => {
      const { problems, papers } = checkOne(paperText().replace("title: A paper", () => `title: ${yaml}`));
      expect(problems).toEqual([]);
      expect(papers[0]!.titleHtml).not.toMatch(/<a[\s>]|href=/);
      if (html.startsWith("<")) expect(papers[0]!.titleHtml.startsWith(html)).toBe(true);
      else expect(papers[0]!.titleHtml).toBe(html);
    });
  }
});
