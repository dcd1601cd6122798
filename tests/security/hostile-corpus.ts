// Worst-case paper files at (or just over) each limit, shared by tests/security/limits.test.ts and
// scripts/bench-hostile.ts. Each is what an attacker would write to make one file cost as much as possible.
import { frontMatterLimits } from "../../src/content/frontmatter.ts";
import { texLimits } from "../../src/markdown/katex.ts";
import { paperText } from "./check.ts";

/** Fills about `chars` characters with `unit` repeated. */
const fill = (unit: string, chars: number) => unit.repeat(Math.floor(chars / unit.length));
/** A body just under the body limit, built from `unit`. */
const body = (unit: string, suffix = "") => paperText("", fill(unit, frontMatterLimits.bodyChars - 10 - suffix.length) + suffix);

/** [name, file text, a fragment of the one problem expected, or "" when the file is valid and renders] */
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
  ["matrices up to the TeX budget", body(`$\\begin{matrix}${"x&".repeat(450)}\\end{matrix}$ `), "too much math in one text"],
  ["a \\def bomb", paperText("", "$\\def\\a{\\a\\a}\\a$"), "Too many expansions"],
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
