import * as cheerio from "cheerio";

/**
 * What counts as "TeX shown as text" on a page: in the visible text of a title or abstract, outside typeset math, a
 * `$` that is not a price (`$` followed by a digit, as in `a $1000 prize`), `\(`, `\[`, `\begin`, `^{`, `_{` or a
 * `\command` (a backslash and a letter). Returns the first such piece, or undefined. Used by `npm run measure:tex`.
 */
export function texShownAsText(html: string): TexFound | undefined {
  const $ = cheerio.load(html, null, false);
  $("math, .math-display").remove();
  return texInText($.root().text());
}

/** A piece of TeX source found in text, with the text around it. */
export interface TexFound {
  piece: string;
  context: string;
}

const texSource = /\\begin\{[^}]*\}?|\\[A-Za-z]+|\\[([]|\^\{|_\{|\$(?!\d)/;

/** The same test on plain text (a `<title>`, a feed title): the first piece of TeX source in it, or undefined. */
export function texInText(text: string): TexFound | undefined {
  const m = texSource.exec(text);
  if (!m) return undefined;
  return { piece: m[0], context: text.slice(Math.max(0, m.index - 50), m.index + 50).replace(/\s+/g, " ") };
}
