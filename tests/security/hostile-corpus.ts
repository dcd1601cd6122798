// Worst-case paper files at (or just over) each limit, shared by tests/security/limits.test.ts and
// scripts/bench-hostile.ts. Each is what an attacker would write to make one file cost as much as possible.
import { frontMatterLimits } from "../../src/content/frontmatter.ts";
import { texLimits } from "../../src/markdown/katex.ts";
import { paperBudgetMessage } from "../../src/markdown/tex-limits.ts";
import { paperText } from "./check.ts";

/** Fills about `chars` characters with `unit` repeated. */
const fill = (unit: string, chars: number) => unit.repeat(Math.floor(chars / unit.length));
/** A body just under the body limit, built from `unit`. */
const body = (unit: string, suffix = "") => paperText("", fill(unit, frontMatterLimits.bodyChars - 10 - suffix.length) + suffix);

const tooMuchTex = "the formula expands to too much TeX";
/** `\def`s nested `levels` deep, each repeating the one below `times` times, the innermost `chars` x's. */
const nestedDefs = (levels: number, times: number, chars: number) => {
  const names = "abcdefghij".slice(0, levels).split("").map((c) => `\\${c}`);
  return `\\def${names[0]}{${"x".repeat(chars)}}` + names.slice(1).map((name, i) => `\\def${name}{${names[i]!.repeat(times)}}`).join("") + names.at(-1);
};
/** Up to `count` copies of `formula` (as $...$) that fit in one text's TeX budget. */
const formulas = (formula: string, count = texLimits.formulas) =>
  paperText("", `$${formula}$ `.repeat(Math.min(count, Math.floor(texLimits.totalChars / formula.length))));
/** A macro that pastes its argument 40 times, applied to its own expansion three levels deep (\expandafter). */
const pastes = "\\def\\c#1{" + "#1".repeat(40) + "}\\expandafter\\expandafter\\expandafter\\c\\expandafter\\expandafter\\expandafter{\\expandafter\\c\\expandafter{\\c{" + "x".repeat(30) + "}}}";

/** [name, file text, a fragment of the first problem expected, or "" when the file is valid and renders] */
export const hostileFiles: [string, string, string][] = [
  ["a file over the size limit", paperText("", "x".repeat(frontMatterLimits.fileChars)), `the limit is ${frontMatterLimits.fileChars}`],
  ["front matter over its limit", paperText(`organization: ${"a".repeat(frontMatterLimits.frontMatterChars)}`), `the limit is ${frontMatterLimits.frontMatterChars}`],
  ["an abstract over its limit", paperText("", "x".repeat(frontMatterLimits.bodyChars + 1)), `the limit is ${frontMatterLimits.bodyChars}`],
  ["an alias bomb", paperText("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]"), `the limit is ${frontMatterLimits.aliases} aliases`],
  ["20,000 characters of [ nesting", paperText(`links: ${fill("[", frontMatterLimits.frontMatterChars - 200)}`), `nested deeper than ${frontMatterLimits.depth} levels`],
  ["20,000 characters of - - - nesting", paperText(`organization:\n  ${fill("- ", frontMatterLimits.frontMatterChars - 200)}x`), `nested deeper than ${frontMatterLimits.depth} levels`],
  ["20,000 characters of ? ? ? keys", `---\n${fill("? ", frontMatterLimits.frontMatterChars - 200)}x\n---\nbody\n`, "a key must be a plain name"],
  ["a formula over the formula limit", paperText("", `$${"x".repeat(texLimits.formulaChars + 1)}$`), `the limit is ${texLimits.formulaChars}`],
  ["more formulas than the limit", body("$x$ "), `the limits are ${texLimits.formulas} formulas and ${texLimits.totalChars} characters of TeX`],
  ["matrices up to the TeX budget", body(`$\\begin{matrix}${"x&".repeat(450)}\\end{matrix}$ `), "the formula typesets to"],
  ["matrices under the formula output limit, up to the TeX budget", body(`$\\begin{matrix}${"x&".repeat(150)}\\end{matrix}$ `), paperBudgetMessage],
  ["a \\def bomb", paperText("", "$\\def\\a{\\a\\a}\\a$"), tooMuchTex],
  ["nested \\defs: 1,000 characters that expand to millions", paperText("", `$${nestedDefs(4, 60, 100)}$`), tooMuchTex],
  ["four formulas of nested \\defs", paperText("", `$${nestedDefs(4, 60, 100)}$ `.repeat(4)), tooMuchTex],
  ["nested \\defs in the title", paperText().replace("title: A paper", () => `title: '$${nestedDefs(4, 20, 40)}$'`), tooMuchTex],
  ["an argument pasted 40 times into its own expansion (\\expandafter)", paperText("", `$${pastes}$`), tooMuchTex],
  ["formulas of heavy built-in macros, up to the paper's budget", formulas("\\LaTeX\\LaTeX"), paperBudgetMessage],
  ["formulas of \\ne, up to the paper's output budget", formulas("\\ne\\ne\\ne"), paperBudgetMessage],
  ["300 formulas of \\ne (valid)", formulas("\\ne"), ""],
  // Matrices make the most MathML per character of TeX (a cell `x&` is 86 characters): the two matrix cases reach the
  // formula's and the paper's output limits. Nested \sqrt, the heaviest in KaTeX's HTML, nests linearly in MathML.
  ["nested \\sqrt up to the formula limit (valid: bounded by the TeX limits)", formulas(`${"\\sqrt{".repeat(140)}x${"}".repeat(140)}`), ""],
  ["unclosed \\( openers (quadratic in the TeX plugin without our index)", body("\\("), ""],
  ["unclosed \\( openers and one escaped closer", body("\\(", "\\\\)"), ""],
  ["unclosed \\[ lines", body("\\[\n"), ""],
  ["\\[ lines inside a list item", paperText("", `- x\n${fill("  \\[\n", frontMatterLimits.bodyChars - 40)}y\n\\]`), "too much math in one text"],
  ["unclosed link openers", body("[a]("), ""],
  ["unclosed $$ openers", body("$$ "), ""],
  ["dollars that are prices", body("$1 "), ""],
  ["unclosed \\begin{align} environments", body("\\begin{align} "), ""],
  ["unclosed \\emph{ arguments", body("\\emph{"), ""],
  ["unclosed {\\em groups", body("{\\em "), ""],
  ["nested \\emph{ arguments", body("\\emph{".repeat(1500) + "x" + "}".repeat(1500)), ""],
  ["nested \\mbox{ arguments", body("\\mbox{".repeat(1500) + "x" + "}".repeat(1500)), ""],
  ["unclosed \\footnote{ inside \\href", body("\\href{https://e.example}{\\footnote{"), ""],
  ["accents and no-break spaces", body("\\\"o~"), ""],
  ["unclosed TeX quotes", body("``a "), ""],
  ["emphasis runs", body("**_"), ""],
  ["nested blockquotes", body("> "), ""],
  ["backtick runs", body("`a``"), ""],
  ["autolink-like text", body("<a@b.c>"), ""],
  ["many reference definitions", paperText("", Array.from({ length: 600 }, (_, i) => `[r${i}]: https://x.example/${i}`).join("\n")), ""],
];
