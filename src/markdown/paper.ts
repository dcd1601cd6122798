import type { Paper, PaperText } from "../content/paper.ts";
import type { Problem } from "../content/problems.ts";
import { paperSlug } from "../content/schema.ts";
import { renderInlineMarkdown, renderMarkdown, type Rendered } from "./markdown.ts";
import { markdownMathToText } from "./plaintext.ts";

/** A paper with its title and abstract typeset, ready for pages. */
export interface RenderedPaper extends Paper {
  /** URL segment of the paper page: `/papers/<slug>/`. */
  slug: string;
  titleHtml: string;
  /** The title as plain text, TeX turned into readable Unicode. */
  titleText: string;
  abstractHtml: string;
  /** True when the title or abstract holds typeset math, so the page needs KaTeX's stylesheet. */
  hasMath: boolean;
  /** True when the title alone holds math (lists of titles need the stylesheet only then). */
  titleHasMath: boolean;
  /** Title and abstract as plain text with math as its TeX source: what the search index reads. */
  text: { title: string; body: string };
}

const located = (paper: PaperText, field: "title" | "body", base: number, rendered: Rendered): Problem[] =>
  rendered.problems.map((p) => ({
    file: paper.source.file,
    line: base + p.line,
    field,
    message: p.undefinedMacro ? p.message : `TeX error in "${quoted(p.tex)}": ${p.message}`,
  }));

// A formula refused for its size would otherwise fill the terminal; the line number finds it.
const quoted = (tex: string) => (tex.length > 80 ? `${tex.slice(0, 80)}…` : tex);

/** Typesets a paper's title and abstract; TeX errors come back as problems located in the file. */
export function renderPaper(paper: Paper): { paper: RenderedPaper; problems: Problem[] } {
  const title = renderInlineMarkdown(paper.title);
  const body = renderMarkdown(paper.body);
  return {
    paper: {
      ...paper,
      slug: paperSlug(paper.id),
      titleHtml: title.html,
      titleText: markdownMathToText(paper.title),
      abstractHtml: body.html,
      hasMath: title.formulas + body.formulas > 0,
      titleHasMath: title.formulas > 0,
      text: { title: title.text, body: body.text },
    },
    problems: [...located(paper, "title", paper.source.titleLine, title), ...located(paper, "body", paper.source.bodyLine, body)],
  };
}

/** Only the math check, for files rejected for other reasons: their TeX errors are reported in the same run. */
export function checkPaperMath(text: PaperText): Problem[] {
  return [
    ...located(text, "title", text.source.titleLine, renderInlineMarkdown(text.title)),
    ...located(text, "body", text.source.bodyLine, renderMarkdown(text.body)),
  ];
}
