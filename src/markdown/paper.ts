import type { Paper, PaperText } from "../content/paper.ts";
import type { Problem } from "../content/problems.ts";
import { paperSlug } from "../content/schema.ts";
import type { MacroTable } from "./macros.ts";
import type { Rendered } from "./markdown.ts";
import { withBareMathValues, withoutTexSource } from "./mathml-core.ts";
import { renderPaperText } from "./paper-text.ts";

/** A paper with its title and abstract typeset, ready for pages. */
export interface RenderedPaper extends Paper {
  /** URL segment of the paper page: `/papers/<slug>/`. */
  slug: string;
  titleHtml: string;
  /** The title as plain text, TeX turned into readable Unicode. */
  titleText: string;
  abstractHtml: string;
  /** Title and abstract as plain text with math as its TeX source: what the search index reads. */
  text: { title: string; body: string };
  /** The abstract as plain text with math made readable, like `titleText`: what search results show. */
  abstractText: string;
}

const located = (paper: PaperText, field: "title" | "body", base: number, rendered: Rendered): Problem[] =>
  rendered.problems.map((p) => ({
    file: paper.source.file,
    line: base + p.line,
    field,
    message: p.undefinedMacro || p.warning ? p.message : `TeX error in "${quoted(p.tex)}": ${p.message}`,
    ...(p.warning ? { severity: "warning" as const } : {}),
  }));

/** Problems of a paper's title and abstract: TeX errors, and what they render to (see paper-text.ts). */
const textProblems = (paper: PaperText, rendered: ReturnType<typeof renderPaperText>): Problem[] => [
  ...located(paper, "title", paper.source.titleLine, rendered.title),
  ...located(paper, "body", paper.source.bodyLine, rendered.body),
  ...rendered.problems.map((p) => ({
    file: paper.source.file,
    line: (p.field === "title" ? paper.source.titleLine : paper.source.bodyLine) + p.line,
    field: p.field,
    message: p.message,
  })),
];

// A formula refused for its size would otherwise fill the terminal; the line number finds it.
const quoted = (tex: string) => (tex.length > 80 ? `${tex.slice(0, 80)}…` : tex);

/** The macros a paper's TeX sees on top of the built-ins: the site's, then the paper's own. */
export const paperMacros = (text: Pick<PaperText, "macros">, siteMacros: MacroTable): MacroTable => ({ ...siteMacros, ...text.macros });

/**
 * Typesets a paper's title and abstract; TeX errors come back as problems located in the file. The HTML pages and
 * feeds carry is without the TeX source KaTeX puts beside each formula (`withoutTexSource`), with KaTeX's fixed values
 * unquoted as pages carry them (`withBareMathValues`; feeds quote them again); the limits were checked on KaTeX's own
 * output, which is longer.
 */
export function renderPaper(paper: Paper, siteMacros: MacroTable = {}): { paper: RenderedPaper; problems: Problem[] } {
  const rendered = renderPaperText(paper, paperMacros(paper, siteMacros));
  const { title, body } = rendered;
  return {
    paper: {
      ...paper,
      slug: paperSlug(paper.id),
      titleHtml: withBareMathValues(withoutTexSource(title.html)),
      titleText: title.readable,
      abstractHtml: withBareMathValues(withoutTexSource(body.html)),
      text: { title: title.text, body: body.text },
      abstractText: body.readable,
    },
    problems: textProblems(paper, rendered),
  };
}

/** Only the math check, for files rejected for other reasons: their TeX errors are reported in the same run. */
export function checkPaperMath(text: PaperText, siteMacros: MacroTable = {}): Problem[] {
  return textProblems(text, renderPaperText(text, paperMacros(text, siteMacros)));
}
