import { describe, expect, it } from "vitest";
import { markdownMathToText, texToText } from "../src/markdown/plaintext.ts";

describe("texToText", () => {
  it.each([
    ["\\mathcal{O}(K^{2/3})", "O(K^(2/3))"],
    ["\\tilde{\\mathcal O}(\\sqrt K)", "Õ(√K)"],
    ["\\hat{x} + \\bar y", "x̂ + ȳ"],
    ["\\widetilde{AB}", "AB"],
    ["\\alpha^2", "α²"],
    ["x_{12}", "x₁₂"],
    ["x_i", "x_i"],
    ["x^{ab}", "x^(ab)"],
    ["2^n", "2ⁿ"],
    ["\\frac{a}{b}", "a/b"],
    ["\\frac{a+b}{c}", "(a+b)/c"],
    ["\\sqrt{n}", "√n"],
    ["\\left( x \\right)", "( x )"],
    ["\\mathbb{R}^d", "R^d"],
    ["\\ell_1", "ℓ₁"],
    ["O(n \\log n)", "O(n log n)"],
    ["a \\leq b", "a ≤ b"],
    ["\\sqrt K", "√K"],
    ["10\\%", "10%"],
    ["a\\,b", "a b"],
    ["\\ldots", "…"],
    ["\\dots", "…"],
    ["\\unknowncommand x", "unknowncommand x"],
  ])("%s -> %s", (tex, text) => {
    expect(texToText(tex)).toBe(text);
  });
});

describe("markdownMathToText", () => {
  it.each([
    ["Refined Regret with $\\tilde{\\mathcal O}(\\sqrt K)$ Bounds", "Refined Regret with Õ(√K) Bounds"],
    ["A $\\alpha$-stable law", "A α-stable law"],
    ["Costs $5 and $10", "Costs $5 and $10"],
    ["Price \\$5", "Price $5"],
    ["$$x$$ and \\(y\\) and \\[z\\]", "x and y and z"],
    ["  spaced \n  out  ", "spaced out"],
    ["No math at all", "No math at all"],
  ])("%j -> %j", (source, text) => {
    expect(markdownMathToText(source)).toBe(text);
  });
});
