import { renderMarkdown } from "../../src/markdown/markdown.ts";
import { withBareMathValues, withoutTexSource } from "../../src/markdown/mathml-core.ts";

/**
 * The `<math>` element a page shows for `tex` (inline, or `display`): what a built page must contain where the formula
 * is, since pages carry MathML without the TeX source.
 */
export function pageMath(tex: string, display = false): string {
  const html = withoutTexSource(renderMarkdown(display ? `$$${tex}$$` : `$${tex}$`).html);
  const math = /<math[^]*<\/math>/.exec(html)?.[0];
  if (!math) throw new Error(`${tex} is not typeset: ${html}`);
  return math;
}

/**
 * The `<math>` element as a built page's bytes hold it: `pageMath` with KaTeX's fixed values unquoted
 * (`withBareMathValues`); `pageMath` itself is what an HTML parser serializes the element back to.
 */
export function writtenMath(tex: string, display = false): string {
  return withBareMathValues(pageMath(tex, display));
}
