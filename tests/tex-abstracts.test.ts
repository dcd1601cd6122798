// Every construct real arXiv abstracts use (issue 10), each with the HTML it must give. KaTeX's own markup is shown as
// ⟨tex⟩ (inline) and ⟦tex⟧ (display), read back from the MathML annotation of each typeset formula; everything else
// is the exact HTML of the page.
import * as cheerio from "cheerio";
import { describe, expect, it } from "vitest";
import { parsePapers } from "../src/content/load.ts";
import { formatProblem } from "../src/content/problems.ts";
import { renderTex } from "../src/markdown/katex.ts";
import { renderMarkdown } from "../src/markdown/markdown.ts";
import { firstSentence } from "../src/digest/cite.ts";
import { renderPaper } from "../src/markdown/paper.ts";
import { resolveSiteConfig } from "../src/site.ts";

function shape(html: string): string {
  const $ = cheerio.load(html, null, false);
  const tex = (el: Parameters<typeof $>[0]) => $(el).find('annotation[encoding="application/x-tex"]').first().text();
  $("math").each((_, el) => void $(el).replaceWith($(el).is("[display=block]") ? `⟦${tex(el)}⟧` : `⟨${tex(el)}⟩`));
  return $.html().trim();
}

/** The shaped HTML of a source that must render without problems. */
function shaped(source: string): string {
  const { html, problems } = renderMarkdown(source);
  expect(problems).toEqual([]);
  return shape(html);
}

describe("real abstracts render as their authors meant", () => {
  describe("math delimiters as arXiv reads them", () => {
    it.each<[string, string]>([
      ["We bound $ \\chi$ here.", "<p>We bound ⟨\\chi⟩ here.</p>"],
      ["Cost $O(n)$ and $\\sim$66% and 48%$\\sim$66%.", "<p>Cost ⟨O(n)⟩ and ⟨\\sim⟩66% and 48%⟨\\sim⟩66%.</p>"],
      ["Let $$ x^2 = y $$ hold for all $x$.", "<p>Let ⟦x^2 = y⟧ hold for all ⟨x⟩.</p>"],
      ["Let \\[ x^2 = y \\] hold.", "<p>Let ⟦x^2 = y⟧ hold.</p>"],
      ["Inline \\(a +\nb\\) across lines.", "<p>Inline ⟨a +\nb⟩ across lines.</p>"],
      ["$$\nx = 1\n$$", "<div class=\"math-display\" tabindex=\"0\">⟦x = 1⟧</div>"],
      ["Then \\begin{align*} a &= b \\\\ c &= d \\end{align*} holds.", "<p>Then ⟦\\begin{align*} a &amp;= b \\\\ c &amp;= d \\end{align*}⟧ holds.</p>"],
      ["E: \\begin{equation} E = mc^2 \\end{equation}", "<p>E: ⟦ E = mc^2 ⟧</p>"],
      ["G: \\begin{gather} a \\\\ b \\end{gather} x", "<p>G: ⟦\\begin{gather} a \\\\ b \\end{gather}⟧ x</p>"],
      ["M: \\begin{multline*} a + b \\\\ + c \\end{multline*}", "<p>M: ⟦\\begin{gather*} a + b \\\\ + c \\end{gather*}⟧</p>"],
      ["Use $\\begin{align*} a &= b \\end{align*}$ inline.", "<p>Use ⟨\\begin{aligned} a &amp;= b \\end{aligned}⟩ inline.</p>"],
      ["A $\\textbf{16.3%}$ gain, $\\texttt{a_b}$ and \\cite[Thm.~2]{k} done.", "<p>A ⟨\\textbf{16.3\\%}⟩ gain, ⟨\\texttt{a\\_b}⟩ and done.</p>"],
      ["Pay \\$5 for $x$.", "<p>Pay $5 for ⟨x⟩.</p>"],
      ["A $1000 prize and $5-$10 and $5 and $10.", "<p>A $1000 prize and $5-$10 and $5 and $10.</p>"],
      ["Costs $3.5M while $x$ grows.", "<p>Costs $3.5M while ⟨x⟩ grows.</p>"],
    ])("%j", (source, html) => expect(shaped(source)).toBe(html));
  });
  describe("text-mode TeX", () => {
    it.each<[string, string]>([
      ["We are \\emph{very} \\textit{sure}, \\textbf{bold} \\texttt{code\\_x} \\textsc{Caps} \\underline{under}.", "<p>We are <em>very</em> <em>sure</em>, <strong>bold</strong> <code>code_x</code> Caps <u>under</u>.</p>"],
      ["A {\\em new} and {\\it it} and {\\bf strong} result with \\emph{$x$ inside}.", "<p>A <em>new</em> and <em>it</em> and <strong>strong</strong> result with <em>⟨x⟩ inside</em>.</p>"],
      ["As shown~\\cite{a,b} in Sec.~\\ref{s}\\label{x}.", "<p>As shown in Sec..</p>"],
      ["Note\\footnote{A side note.} here.", "<p>Note (A side note.) here.</p>"],
      ["See \\url{https://example.org/a_b} and \\href{https://example.org}{our code}.", "<p>See <a href=\"https://example.org/a_b\" rel=\"nofollow ugc noopener\">https://example.org/a_b</a> and <a href=\"https://example.org\" rel=\"nofollow ugc noopener\">our code</a>.</p>"],
      ["Bad \\href{javascript:alert(1)}{click}.", "<p>Bad click.</p>"],
      ["G\\\"odel, Erd\\H{o}s, Poincar\\'e, \\ss, {\\i}, \\v{S}ediv\\'y, na\\\"{\\i}ve, \\aa.", "<p>Gödel, Erdős, Poincaré, ß, ı, Šedivý, naïve, å.</p>"],
      ["10\\% of R\\&D at \\_x, about ~100 and Fig.~2.", "<p>10% of R&amp;D at _x, about ~100 and Fig.&nbsp;2.</p>"],
      ["Fokker--Planck, yes---no, ``quoted''.", "<p>Fokker–Planck, yes—no, “quoted”.</p>"],
    ])("%j", (source, html) => expect(shaped(source)).toBe(html));
  });
  describe("macros", () => {
    it.each<[string, string]>([
      ["Over $\\R^n$, $\\cA$, $\\bW$, $\\eps$, $\\GL_2(\\Z)$, $\\Sha$, $\\mathbbm{1}$, $\\mbox{ok}$, $\\upmu$m, $\\unicode{x2013}$.", "<p>Over ⟨\\R^n⟩, ⟨\\cA⟩, ⟨\\bW⟩, ⟨\\eps⟩, ⟨\\GL_2(\\Z)⟩, ⟨\\Sha⟩, ⟨\\mathbbm{1}⟩, ⟨\\mbox{ok}⟩, ⟨\\upmu⟩m, ⟨\\unicode{x2013}⟩.</p>"],
      ["Code at $\\href{https://example.org}{here}$.", "<p>Code at <a href=\"https://example.org\" rel=\"nofollow ugc noopener\">here</a>.</p>"],
    ])("%j", (source, html) => expect(shaped(source)).toBe(html));
  });
  describe("plain text", () => {
    it.each<[string, string]>([
      ["The space.In and 4.In stay text.", "<p>The space.In and 4.In stay text.</p>"],
      ["A \\alpha outside math.", "<p>A ⟨\\alpha⟩ outside math.</p>"],
      ["Home page https://example.org/~ada/x here.", "<p>Home page <a href=\"https://example.org/~ada/x\" rel=\"nofollow ugc noopener\">https://example.org/~ada/x</a> here.</p>"],
    ])("%j", (source, html) => expect(shaped(source)).toBe(html));
  });
});

/** Shaped HTML and the warnings of a source that must render without problems (nothing refused a reader can read). */
function withWarnings(source: string): [string, string[]] {
  const { html, problems } = renderMarkdown(source);
  expect(problems.filter((p) => !p.warning)).toEqual([]);
  return [shape(html), problems.map((p) => p.message)];
}

const notDefined = (name: string, definition: string) =>
  `${name} is not defined: add it under macros: in this file, e.g. macros: { ${JSON.stringify(name)}: ${JSON.stringify(definition)} }`;
const notClosed = (command: string) => `${command}{ is not closed: it runs to the end of the paragraph; add the } where it should end`;
const stray = "a $ has no closing $ in its paragraph, so it shows as a dollar sign: add the missing $ around the formula, or write \\$ for a dollar sign";

describe("nothing refused that a reader can read: shown readably, with a warning that names the fix", () => {
  it.each<[string, string, string[]]>([
    // A macro nobody defined: in math its name upright (an operator, so scripts sit beside it), in text a word.
    ["Over $\\Per_n$ and \\sysname{} here.", "<p>Over ⟨\\Per_n⟩ and sysname here.</p>", [notDefined("\\Per", "\\operatorname{Per}"), notDefined("\\sysname", "\\text{sysname}")]],
    ["We call it \\ours, and \\cm{} too.", "<p>We call it ours, and cm too.</p>", [notDefined("\\ours", "\\text{ours}"), notDefined("\\cm", "\\operatorname{cm}")]],
    // With a non-empty argument, the argument (Markdown and math inside it still work).
    ["The \\cyr{A family} of \\jump{$_k$} maps.", "<p>The A family of ⟨_k⟩ maps.</p>", [notDefined("\\cyr", "\\text{#1}"), notDefined("\\jump", "\\text{#1}")]],
    ["\\textbf{\\ORDebug{}} gets \\agenticoverall\\% and \\tc\\ and \\WSe~films.", "<p><strong>ORDebug</strong> gets agenticoverall% and tc and WSe&nbsp;films.</p>",
      [notDefined("\\ORDebug", "\\text{ORDebug}"), notDefined("\\agenticoverall", "\\text{agenticoverall}"), notDefined("\\tc", "\\operatorname{tc}"), notDefined("\\WSe", "\\operatorname{WSe}")]],
    // Reported once per text however often it is used.
    ["$\\kk^2$ and $\\kk$ and \\kk.", "<p>⟨\\kk^2⟩ and ⟨\\kk⟩ and kk.</p>", [notDefined("\\kk", "\\operatorname{kk}")]],
    // An unclosed text command runs to the end of its paragraph.
    ["We \\textbf{claim this.\n\nNext.", "<p>We <strong>claim this.</strong></p>\n<p>Next.</p>", [notClosed("\\textbf")]],
    ["MuTSE\\footnote{Code at https://osf.io/x, an app.", '<p>MuTSE (Code at <a href="https://osf.io/x" rel="nofollow ugc noopener">https://osf.io/x</a>, an app.)</p>', [notClosed("\\footnote")]],
    ["Tasks. \\textit{\\textcolor{blue}{The weights are free.", "<p>Tasks. <em>The weights are free.</em></p>", [notClosed("\\textit"), "\\textcolor{..}{ is not closed: it runs to the end of the paragraph; add the } where it should end"]],
    // A `$` with no partner stays a dollar sign; a price never warns.
    ["Radius p ~= 1.0$), and more.", "<p>Radius p ~= 1.0$), and more.</p>", [stray]],
    ["A $1000 prize.", "<p>A $1000 prize.</p>", []],
    // `_{` and `^{` written without `$` stay as typed.
    ["Over F_{19^3} it fails.", "<p>Over F_{19^3} it fails.</p>", ['"F_{19^3}" is TeX written outside $..$, so it shows as typed: put the formula between $ signs']],
  ])("%j", (source, html, warnings) => expect(withWarnings(source)).toEqual([html, warnings]));

  it.each<[string, string]>([
    // Math inside text inside math, as KaTeX typesets it: the inner `$` pair does not close the formula.
    ["Named $\\textbf{$\\boldsymbol{\\infty}$Bench+}$ and $x$.", "<p>Named ⟨\\textbf{$\\boldsymbol{\\infty}$Bench+}⟩ and ⟨x⟩.</p>"],
    // `\\boldmath{..}` around math in text is bold; bold typewriter is typeset as written (KaTeX's HTML had no font for it).
    ["Models \\boldmath{$π_0$} and {\\boldmath $x$}.", "<p>Models <strong>⟨π_0⟩</strong> and <strong>⟨x⟩</strong>.</p>"],
    ["Termed $\\texttt{$\\textbf{Flora}$}$.", "<p>Termed ⟨\\texttt{$\\textbf{Flora}$}⟩.</p>"],
    ["The \\ac{BnB} and \\acp{LLM} and $\\ac{GP}$.", "<p>The BnB and LLM and ⟨\\ac{GP}⟩.</p>"],
    ["A $\\left\\{x\\right.$ set and $y$.", "<p>A ⟨\\left\\{x\\right.⟩ set and ⟨y⟩.</p>"],
  ])("%j", (source, html) => expect(shaped(source)).toBe(html));
});

const file = "content/papers/2026-02-16/2601.00001.md";
const paperFile = (front: string, body: string) =>
  `---\ntitle: "A title"\ndate: 2026-02-16\narxiv: "2601.00001"\nauthors: [A]\n${front}---\n${body}\n`;

describe("macros", () => {
  it.each([
    "\\R^n \\times \\C", "\\cA \\bW \\bx \\bbR \\fg \\sA", "\\GL_2(\\Z) \\Sha \\eps", "\\mathbbm{1} \\mathds{1} \\mbox{a} \\upmu \\Upomega",
    "\\unicode{x2013} \\unicode{8212}", "\\nicefrac{1}{2} \\SI{3}{\\kelvin} \\num{4} \\abs{x} \\norm{x}", "x \\label{eq:1}", "\\PPAD \\Vol \\mcal{O}",
  ])("typesets the built-ins in %s", (tex) => expect(renderTex(tex, false).ok).toBe(true));

  it("never lets \\unicode produce a control character or a surrogate", () => {
    for (const code of ["x0", "x1B", "x7F", "xD800", "x110000"]) {
      const result = renderTex(`\\unicode{${code}}`, false);
      expect(result.ok && result.html).toContain("<mtext>?</mtext>");
    }
  });

  it("warns about a macro nobody defined once per text, with the line to add, and shows its name upright", () => {
    const loaded = parsePapers([{ file, text: paperFile("", "We use $\\bW_x$, $\\foo$ and $\\foo^2$.") }]);
    const { problems, paper } = renderPaper(loaded.papers[0]!);
    expect(problems.map(formatProblem)).toEqual([
      `${file}:7: body: \\foo is not defined: add it under macros: in this file, e.g. macros: { "\\\\foo": "\\\\operatorname{foo}" }`,
    ]);
    expect(problems[0]!.severity).toBe("warning");
    // As pages show it (no TeX source): \\foo as its name, upright like an operator.
    expect(paper.abstractHtml).toBe(
      "<p>We use <math><msub><mi>𝐖</mi><mi>x</mi></msub></math>, <math><mi>foo</mi><mo>\u2061</mo></math> and " +
        "<math><msup><mrow><mi>foo</mi><mo>\u2061</mo></mrow><mn>2</mn></msup></math>.</p>\n",
    );
    expect(paper.abstractText).toBe("We use Wₓ, foo and foo².");
  });

  it("takes a paper's own macros from its front matter, over the site's and the built-ins", () => {
    const text = paperFile('macros: { "\\\\foo": "\\\\mathbf{F}", "\\\\R": "\\\\mathcal{R}" }\n', "Here $\\foo + \\R + \\bar$.");
    const loaded = parsePapers([{ file, text }]);
    expect(loaded.problems).toEqual([]);
    const { problems, paper } = renderPaper(loaded.papers[0]!, { "\\bar": "\\mathrm{site}", "\\R": "\\mathrm{no}" });
    expect(problems).toEqual([]);
    const mathml = cheerio.load(paper.abstractHtml)("math").html() ?? "";
    expect(mathml).toContain('<mi>𝐅</mi>');
    expect(mathml).toContain('<mi>ℛ</mi>');
    // \\mathrm{site}: one upright word.
    expect(mathml).toContain("<mi>site</mi>");
    expect(paper.abstractText).toBe("Here F + R + site.");
  });

  it("validates and bounds the macros field like every other field", () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`\\m${"a".repeat(i + 1)}`, "x"]));
    const cases: [string, string][] = [
      ["macros: [a]\n", "macros: must be a set of definitions"],
      ['macros: { "bW": "x" }\n', 'macros.bW: "bW" is not a macro name'],
      ['macros: { "\\\\bW": 3 }\n', "macros.\\bW: the definition of \\bW must be text (TeX), got number"],
      [`macros: { "\\\\bW": "${"x".repeat(301)}" }\n`, "the limit is 300"],
      [`macros: ${JSON.stringify(many)}\n`, "defines 101 macros; the limit is 100"],
    ];
    for (const [front, message] of cases) {
      const { problems } = parsePapers([{ file, text: paperFile(front, "Body.") }]);
      expect(problems.map(formatProblem).join("\n")).toContain(message);
    }
  });

  it("keeps a macro bomb of paper macros inside the TeX work limit", () => {
    const text = paperFile('macros: { "\\\\a": "\\\\b\\\\b\\\\b\\\\b", "\\\\b": "\\\\c\\\\c\\\\c\\\\c", "\\\\c": "\\\\d\\\\d\\\\d\\\\d", "\\\\d": "\\\\a\\\\a" }\n', "$\\a$");
    const { problems } = renderPaper(parsePapers([{ file, text }]).papers[0]!);
    expect(problems.map((p) => p.message).join()).toMatch(/the formula expands to too much TeX: more than \d+ tokens/);
  });

  it("reads site-wide macros from site.json and refuses a wrong table", () => {
    expect(resolveSiteConfig({ macros: { "\\bW": "\\mathbf{W}" } }).macros).toEqual({ "\\bW": "\\mathbf{W}" });
    expect(() => resolveSiteConfig({ macros: { bW: "x" } })).toThrow(/site config: "macros": bW: "bW" is not a macro name/);
  });
});

describe("the same readable text everywhere", () => {
  it("gives the title's <title>, feed and search text readable math, and the abstract's excerpt too", () => {
    const text = paperFile("", "Rates $\\sqrt{KT}$ in $l_p$, \\emph{fast}.").replace('"A title"', '"Sparse $l_p$ recovery in $\\\\R^n$"');
    const { paper } = renderPaper(parsePapers([{ file, text }]).papers[0]!);
    expect(paper.titleText).toBe("Sparse lₚ recovery in ℝⁿ");
    expect(paper.abstractText).toBe("Rates √(KT) in lₚ, fast.");
    // The search index still reads the TeX source, so `\sqrt` finds the paper.
    expect(paper.text.body).toBe("Rates $\\sqrt{KT}$ in $l_p$, fast.");
  });
});

describe("the description of a paper page", () => {
  it("is the first sentence of the abstract as the render read it: no Markdown, no text-mode TeX, readable math", () => {
    const text = paperFile("", "We use **bold**, \\emph{TeX} and [a link](https://x.org) for $\\sqrt{KT}$ regret. Then more.");
    const { paper } = renderPaper(parsePapers([{ file, text }]).papers[0]!);
    expect(firstSentence(paper.abstractText)).toBe("We use bold, TeX and a link for √(KT) regret.");
  });
});
