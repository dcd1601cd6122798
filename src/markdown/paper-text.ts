import { findControlChar } from "../content/frontmatter.ts";
import type { PaperText } from "../content/paper.ts";
import type { MacroTable } from "./macros.ts";
import { renderInlineMarkdown, renderMarkdown, type MathProblem, type Rendered } from "./markdown.ts";
import { paperBudgetMessage, withPaperBudget } from "./tex-limits.ts";

/** Largest typeset title plus abstract of one paper, in characters of HTML: what one paper adds to a page at most. */
export const paperHtmlChars = 400_000;

/**
 * A paper's title and abstract typeset with one math budget for both, plus the problems of what they render to:
 * characters the file may not hold written as HTML entities (`&#x202E;`), and a size over `paperHtmlChars`.
 * A title is text plus math: `renderInlineMarkdown` renders its links (`[x](url)`, autolinks, bare addresses, `\href`)
 * as their text, since a title sits inside the link to the paper's page.
 */
export function renderPaperText(text: Pick<PaperText, "title" | "body">, macros: MacroTable = {}): { title: Rendered; body: Rendered; problems: { field: "title" | "body"; line: number; message: string }[] } {
  const { title, body } = withPaperBudget(() => ({ title: renderInlineMarkdown(text.title, macros), body: renderMarkdown(text.body, macros) }));
  // The paper's budget is reported once, at the formula that ran out of it.
  let budgetReported = false;
  const once = (p: MathProblem) => p.message !== paperBudgetMessage || (!budgetReported && (budgetReported = true));
  title.problems = title.problems.filter(once);
  body.problems = body.problems.filter(once);
  const problems: { field: "title" | "body"; line: number; message: string }[] = [];
  for (const [field, source, rendered] of [["title", text.title, title], ["body", text.body, body]] as const) {
    // Control characters and bidirectional overrides are refused in paper files; entities must not bring them back.
    const found = findControlChar(rendered.html) ?? findControlChar(rendered.text);
    if (found) {
      const code = parseInt(found.code.slice(2), 16);
      problems.push({ field, line: entityLine(source, code), message: `renders control character ${found.code} (written as an HTML entity such as &#x${code.toString(16).toUpperCase()};), which is not allowed` });
    }
  }
  const size = title.html.length + body.html.length;
  if (size > paperHtmlChars) {
    problems.push({ field: "body", line: 0, message: `the title and abstract typeset to ${size} characters of HTML; the limit is ${paperHtmlChars}` });
  }
  return { title, body, problems };
}

/** The line (0-based, within `source`) of the first HTML entity that stands for the character `char`, or 0. */
function entityLine(source: string, char: number): number {
  for (const match of source.matchAll(/&#(?:[xX]([0-9a-fA-F]+)|(\d+));/g)) {
    const code = match[1] !== undefined ? parseInt(match[1], 16) : Number(match[2]);
    if (code === char) return source.slice(0, match.index).split("\n").length - 1;
  }
  return 0;
}
