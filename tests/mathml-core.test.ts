// KaTeX's MathML as MathML Core (Chromium) draws it: styled letters as Unicode characters, \rule in a box of its size.
import { readFileSync } from "node:fs";
import * as cheerio from "cheerio";
import { describe, expect, it } from "vitest";
import { styledChar, unicodeVariants, withBareMathValues, withMathmlNamespace, withoutTexSource } from "../src/markdown/mathml-core.ts";
import { renderMarkdown } from "../src/markdown/markdown.ts";
import { realAbstracts } from "./helpers/site.ts";

/** The MathML of one formula as the page shows it, without its wrapper and TeX annotation. */
const mathml = (tex: string) => /<semantics>(.*)<annotation/.exec(renderMarkdown(`$${tex}$`).html)?.[1];

describe("styled letters in pages and feeds", () => {
  it.each([
    ["\\mathbb{R}^n", "<msup><mi>ℝ</mi><mi>n</mi></msup>"],
    ["\\mathbb{ABCHNPQZ}", "<mi>𝔸</mi><mi>𝔹</mi><mi>ℂ</mi><mi>ℍ</mi><mi>ℕ</mi><mi>ℙ</mi><mi>ℚ</mi><mi>ℤ</mi>"],
    ["\\mathbb{k}", "<mi>𝕜</mi>"],
    ["\\mathbb{1}", "<mn>𝟙</mn>"],
    ["\\mathcal{L}", "<mi>ℒ</mi>"],
    ["\\mathcal{ABEFHIMOR}", "<mi>𝒜</mi><mi>ℬ</mi><mi>ℰ</mi><mi>ℱ</mi><mi>ℋ</mi><mi>ℐ</mi><mi>ℳ</mi><mi>𝒪</mi><mi>ℛ</mi>"],
    ["\\mathscr{eg}", "<mi>ℯ</mi><mi>ℊ</mi>"],
    ["\\mathfrak{gCHIRZ}", "<mi>𝔤</mi><mi>ℭ</mi><mi>ℌ</mi><mi>ℑ</mi><mi>ℜ</mi><mi>ℨ</mi>"],
    ["\\mathbf{x}_1", "<msub><mi>𝐱</mi><mn>1</mn></msub>"],
    ["\\mathbf{W2}", "<mi>𝐖</mi><mn>𝟐</mn>"],
    ["\\mathbf{\\Gamma\\nabla}", "<mi>𝚪</mi><mi>𝛁</mi>"],
    ["\\boldsymbol{\\alpha}", "<mi>𝜶</mi>"],
    ["\\bm{\\theta x}", "<mi><mrow><mi>𝜽</mi><mi>𝒙</mi></mrow></mi>"],
    ["\\mathsf{A1}", "<mi>𝖠</mi><mn>𝟣</mn>"],
    ["\\mathtt{ab0}", "<mi>𝚊</mi><mi>𝚋</mi><mn>𝟶</mn>"],
    ["\\mathit{ab}", "<mi>a</mi><mi>b</mi>"],
    // What Unicode has no styled form of keeps KaTeX's mathvariant; upright (normal) is MathML Core's own.
    ["\\mathbf{\\ell}", '<mi mathvariant="bold">ℓ</mi>'],
    ["\\mathcal{1}", '<mn mathvariant="script">1</mn>'],
    ["\\mathrm{d}", '<mi mathvariant="normal">d</mi>'],
    // Text keeps its mathvariant, styled by the site's CSS: words stay words for search, copy and screen readers.
    ["\\textbf{ab}", '<mtext mathvariant="bold">ab</mtext>'],
  ])("%s", (tex, expected) => {
    expect(mathml(tex)).toBe(`<mrow>${expected}</mrow>`);
  });

  it.each([
    ["h", "italic", "ℎ"], ["A", "italic", "𝐴"], ["z", "bold-italic", "𝒛"], ["B", "bold-script", "𝓑"], ["R", "bold-fraktur", "𝕽"],
    ["a", "bold-sans-serif", "𝗮"], ["9", "bold-sans-serif", "𝟵"], ["Ω", "bold-sans-serif", "\u{1D76E}"], ["a", "sans-serif-italic", "𝘢"],
    ["ω", "sans-serif-bold-italic", "\u{1D7C2}"], ["ϴ", "bold", "𝚹"], ["ϖ", "bold", "𝛡"], ["∂", "italic", "𝜕"], ["9", "monospace", "𝟿"],
    ["0", "script", undefined], ["α", "double-struck", undefined], ["x", "normal", undefined], ["+", "bold", undefined],
  ])("%s in %s is %s", (char, variant, expected) => {
    expect(styledChar(char, variant)).toBe(expected);
  });

  it("keeps an element whole when one of its characters has no styled form", () => {
    expect(unicodeVariants('<mi mathvariant="bold">aℓ</mi><mi mathvariant="bold">ab</mi>')).toBe('<mi mathvariant="bold">aℓ</mi><mi>𝐚𝐛</mi>');
  });

  it("reads styled letters as before: ℝ, bold as <b>", () => {
    expect(renderMarkdown("$\\mathbb{R}^n$, $\\mathbf{x}$ and $\\mathcal{L}$").readable).toBe("ℝⁿ, x and L");
  });
});

describe("the <math> element", () => {
  it("stands alone in pages, without KaTeX's wrapper or namespace (the HTML parser gives it), which feeds get back", () => {
    const { html } = renderMarkdown("$x$ and\n\n$$y$$");
    expect(html).toBe(
      '<p><math><semantics><mrow><mi>x</mi></mrow><annotation encoding="application/x-tex">x</annotation></semantics></math> and</p>\n' +
        '<div class="math-display" tabindex="0"><math display="block"><semantics><mrow><mi>y</mi></mrow><annotation encoding="application/x-tex">y</annotation></semantics></math></div>\n',
    );
    expect(withMathmlNamespace(html).match(/<math xmlns="http:\/\/www\.w3\.org\/1998\/Math\/MathML"/g)).toHaveLength(2);
  });
});

describe("\\rule", () => {
  it("sits in a box as tall as the rule, shifted by at most its bounded shift", () => {
    expect(mathml("\\rule{1em}{2em}")).toBe('<mrow><mpadded voffset="0em"><mspace mathbackground="black" width="1em" height="2em"></mspace></mpadded></mrow>');
    expect(mathml("\\rule[-0.5em]{1em}{2em}")).toBe('<mrow><mpadded voffset="-0.5em"><mspace mathbackground="black" width="1em" height="2em"></mspace></mpadded></mrow>');
  });
});

describe("withoutTexSource: pages' MathML without what draws nothing", () => {
  /** One formula as pages and feeds carry it. */
  const lean = (tex: string, display = false) => withoutTexSource(renderMarkdown(display ? `$$${tex}$$` : `$${tex}$`).html).trim();
  it.each([
    // No <semantics> and TeX annotation; <math> is a row itself, so no <mrow> directly inside it.
    ["x", "<p><math><mi>x</mi></math></p>"],
    ["a+b", "<p><math><mi>a</mi><mo>+</mo><mi>b</mi></math></p>"],
    // A run of upright letters is one word; one upright letter keeps the attribute only where MathML Core italicises it.
    ["\\mathrm{softmax}(x)", '<p><math><mi>softmax</mi><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo></math></p>'],
    ["\\mathrm{d}x", '<p><math><mi mathvariant="normal">d</mi><mi>x</mi></math></p>'],
    ["\\Gamma", '<p><math><mi mathvariant="normal">Γ</mi></math></p>'],
    ["\\ell_t", "<p><math><msub><mi>ℓ</mi><mi>t</mi></msub></math></p>"],
    ["K^{2/3}", "<p><math><msup><mi>K</mi><mrow><mn>2</mn><mi>/</mi><mn>3</mn></mrow></msup></math></p>"],
    // An <mrow> around one element goes; one around several stays (the fences stretch to what it holds).
    ["\\sqrt{K}", "<p><math><msqrt><mi>K</mi></msqrt></math></p>"],
    ["a{=}b", '<p><math><mi>a</mi><mo lspace="0em" rspace="0em">=</mo><mi>b</mi></math></p>'],
    ["x\\left(\\frac{a}{b}\\right)", '<p><math><mi>x</mi><mrow><mo fence="true">(</mo><mfrac><mi>a</mi><mi>b</mi></mfrac><mo fence="true">)</mo></mrow></math></p>'],
    // KaTeX closes some <mspace> itself (\\pmod): kept as written.
    ["a \\pmod{p}", '<p><math><mi>a</mi><mspace></mspace><mspace width="0.4444em"/><mo stretchy="false">(</mo><mi>mod</mi><mspace width="0.3333em"/><mi>p</mi><mo stretchy="false">)</mo></math></p>'],
    // Text and escapes stay as KaTeX wrote them.
    ["x < y \\text{ if } a\\&b", "<p><math><mi>x</mi><mo>&lt;</mo><mi>y</mi><mtext>\u00a0if\u00a0</mtext><mi>a</mi><mi>&amp;</mi><mi>b</mi></math></p>"],
  ])("%s", (tex, expected) => {
    expect(lean(tex)).toBe(expected);
  });

  it("drops KaTeX's classes, which serve only its stylesheet (written `class =\"mtr-glue\"`, which validators flag)", () => {
    const html = renderMarkdown("$$\\begin{align}a&=b\\end{align}$$").html;
    expect(html).toContain('<mtd class ="mtr-glue"></mtd>');
    expect(withoutTexSource(html)).toBe('<div class="math-display" tabindex="0"><math display="block"><mtable rowspacing="0.25em" columnalign="right left" columnspacing="0em"><mtr><mtd></mtd><mtd><mstyle scriptlevel="0" displaystyle="true"><mi>a</mi></mstyle></mtd><mtd><mstyle scriptlevel="0" displaystyle="true"><mrow><mrow></mrow><mo>=</mo><mi>b</mi></mrow></mstyle></mtd><mtd></mtd><mtd></mtd></mtr></mtable></math></div>\n');
  });

  it("drops separator=\"true\" on \",\" and \";\", the operator dictionary's own, and keeps what changes the layout", () => {
    const html = renderMarkdown("$f(x, y; z) = \\left(a, b\\right)$").html;
    expect(html).toContain('<mo separator="true">,</mo>');
    expect(html).toContain('<mo separator="true">;</mo>');
    expect(lean("f(x, y; z) = \\left(a, b\\right)")).toBe(
      '<p><math><mi>f</mi><mo stretchy="false">(</mo><mi>x</mi><mo>,</mo><mi>y</mi><mo>;</mo><mi>z</mi><mo stretchy="false">)</mo><mo>=</mo><mrow><mo fence="true">(</mo><mi>a</mi><mo>,</mo><mi>b</mi><mo fence="true">)</mo></mrow></math></p>',
    );
  });

  it("keeps display math and what surrounds each formula", () => {
    expect(lean("E = mc^2", true)).toBe('<div class="math-display" tabindex="0"><math display="block"><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup></math></div>');
    const html = renderMarkdown("Text & $x$ then $$y$$ and `<math>`.").html;
    expect(withoutTexSource(html)).toBe("<p>Text &amp; <math><mi>x</mi></math> then <math display=\"block\"><mi>y</mi></math> and <code>&lt;math&gt;</code>.</p>\n");
    expect(withoutTexSource("no math")).toBe("no math");
  });

  it("leaves a formula it cannot read as KaTeX's MathML as it is", () => {
    for (const odd of ["<math><mi>x</mo></math>", "<math><mi>x</mi>", "<math><mi>x</mi></math><math>", "<math><mi>x < y</mi></math>"]) {
      expect(withoutTexSource(odd)).toBe(odd);
    }
  });

  it("takes time in proportion to the MathML: the longest formula the limits let through, nested and flat", () => {
    const nested = renderMarkdown(`$${"{".repeat(300)}x${"}".repeat(300)}$`).html;
    const wide = renderMarkdown(`$${"\\mathrm{ab}".repeat(80)}$`).html;
    const started = performance.now();
    expect(withoutTexSource(nested)).toBe("<p><math><mi>x</mi></math></p>\n");
    // Each \\mathrm{..} is a group of its own: a word each.
    expect(withoutTexSource(wide)).toBe(`<p><math>${"<mi>ab</mi>".repeat(80)}</math></p>\n`);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("withBareMathValues: KaTeX's fixed values unquoted in pages, quoted again in feeds", () => {
  const lean = (source: string) => withoutTexSource(renderMarkdown(source).html);
  /** The document an HTML parser (parse5, through cheerio) builds from a fragment, written out. */
  const dom = (html: string) => cheerio.load(html, null, false).html();

  it("writes display, stretchy, fence and the display box's class and tabindex bare; other values and self-closing tags keep their quotes", () => {
    const html = lean("$f(x) = \\left(a \\pmod{p}\\right) + \\mathbf{b} + \\hat{x} + \\color{red}{y}$\n\n$$E = mc^2$$");
    const bare = withBareMathValues(html);
    expect(bare).toContain("<mo stretchy=false>(</mo>");
    expect(bare).toContain("<mo fence=true>(</mo>");
    expect(bare).toContain("<div class=math-display tabindex=0><math display=block>");
    expect(bare).toContain('<mspace width="0.4444em"/>');
    expect(bare).toContain('mathcolor="red"');
    expect(bare.length).toBeLessThan(html.length);
    expect(dom(bare)).toBe(dom(html));
    expect(withMathmlNamespace(bare)).toBe(withMathmlNamespace(html));
    // Text that reads like an attribute stays as it is, in and out of math.
    const text = lean("display=\"block\" stretchy=\"false\" $\\text{ display=\"block\"}$");
    expect(withBareMathValues(text)).toBe(text);
  });

  const real = realAbstracts ?? "";
  it.runIf(real !== "")("gives the HTML parser the same document on every real abstract and title, and the feeds the same bytes", () => {
    let quoted = 0;
    let bare = 0;
    for (const line of readFileSync(real, "utf8").split("\n").filter(Boolean)) {
      const record = JSON.parse(line) as { title: string; abstract: string };
      for (const source of [record.title, record.abstract]) {
        const html = lean(source);
        const short = withBareMathValues(html);
        if (short === html) continue;
        expect(dom(short), source).toBe(dom(html));
        expect(withMathmlNamespace(short), source).toBe(withMathmlNamespace(html));
        quoted += html.length;
        bare += short.length;
      }
    }
    expect(bare).toBeLessThan(quoted);
  }, 120_000);
});
