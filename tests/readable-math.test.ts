import { describe, expect, it } from "vitest";
import { readableText } from "../src/markdown/markdown.ts";
import { readableMath } from "../src/markdown/readable-math.ts";

describe("readableMath", () => {
  const cases: [string, string, string][] = [
    ["\\tilde{\\mathcal O}(K^{2/3})", "Õ(K^(2/3))", "Õ(<i>K</i><sup>2/3</sup>)"],
    ["\\tilde{\\mathcal O}(\\sqrt K)", "Õ(√K)", "Õ(√<i>K</i>)"],
    ["x_i^2", "xᵢ²", "<i>x</i><sub><i>i</i></sub><sup>2</sup>"],
    ["\\sum_{i=1}^n x_i", "∑ᵢ₌₁ⁿ xᵢ", "∑<sub><i>i</i>=1</sub><sup><i>n</i></sup> <i>x</i><sub><i>i</i></sub>"],
    ["\\lim_{n\\to\\infty} a_n", "lim_(n→∞) aₙ", "lim<sub><i>n</i>→∞</sub> <i>a</i><sub><i>n</i></sub>"],
    ["O(\\log T)", "O(log T)", "<i>O</i>(log <i>T</i>)"],
    ["dk\\log d", "dk log d", "<i>d</i><i>k</i> log <i>d</i>"],
    ["\\frac{a+b}{2c}", "(a+b)/(2c)", "(<i>a</i>+<i>b</i>)/(2<i>c</i>)"],
    ["\\left(\\frac{1}{n}\\right)^2", "(1/n)²", "(1/<i>n</i>)<sup>2</sup>"],
    ["L(s) = L_0 + A\\cdot S_1^{-\\alpha}", "L(s) = L₀ + A ⋅ S₁^(−α)", "<i>L</i>(<i>s</i>) = <i>L</i><sub>0</sub> + <i>A</i> ⋅ <i>S</i><sub>1</sub><sup>−<i>α</i></sup>"],
    ["\\mathbf{x} \\in \\mathbb{R}^d", "x ∈ ℝ^d", "<b>x</b> ∈ ℝ<sup><i>d</i></sup>"],
    ["\\mathbb{E}[X]", "𝔼[X]", "𝔼[<i>X</i>]"],
    ["\\hat{x}_t", "x̂ₜ", "x̂<sub><i>t</i></sub>"],
    ["f'(x) \\le L^*", "f′(x) ≤ L*", "<i>f</i><sup>′</sup>(<i>x</i>) ≤ <i>L</i><sup>∗</sup>"],
    ["\\begin{pmatrix}a&b\\\\c&d\\end{pmatrix}", "(a, b; c, d)", "(<i>a</i>, <i>b</i>; <i>c</i>, <i>d</i>)"],
    ["\\sqrt[3]{n}", "³√n", "<sup>3</sup>√<i>n</i>"],
    ["x<y", "x < y", "<i>x</i> &lt; <i>y</i>"],
    ["\\text{if } x", "if x", "if <i>x</i>"],
    // A root or fraction keeps its extent: √KT would read as (√K)T.
    ["\\sqrt{KT}", "√(KT)", "√(<i>K</i><i>T</i>)"],
    ["l_p", "lₚ", "<i>l</i><sub><i>p</i></sub>"],
    ["\\R^n", "ℝⁿ", "ℝ<sup><i>n</i></sup>"],
  ];
  for (const [tex, text, html] of cases) {
    it(`reads ${tex}`, () => expect(readableMath(tex)).toEqual({ text, html }));
  }
  it("returns undefined for TeX that cannot be typeset", () => {
    expect(readableMath("\\frac{")).toBeUndefined();
  });
});

describe("readableText", () => {
  it("makes the math in a title readable and drops Markdown markup", () => {
    expect(readableText("Regret $\\tilde{\\mathcal O}(\\sqrt K)$ for *linear* MDPs")).toBe("Regret Õ(√K) for linear MDPs");
  });
  it.each([
    ["Sparse $\\ell_p$ recovery", "Sparse ℓₚ recovery"],
    ["Rates $\\sqrt{KT}$ and $\\frac{1}{\\sqrt{n}}$", "Rates √(KT) and 1/√n"],
    ["The \\emph{Sha} group $\\Sha(E)$ of G\\\"odel", "The Sha group Ш(E) of Gödel"],
    ["Bounds in $ \\chi$ -- and \\(x\\) --- \\cite{a} done", "Bounds in χ – and x — done"],
  ])("reads %j as %j", (source, text) => expect(readableText(source)).toBe(text));
  it("keeps dollar amounts and markup-like text as written", () => {
    expect(readableText("Costs $5 and $10 & <b>more</b>")).toBe("Costs $5 and $10 & <b>more</b>");
  });
});
