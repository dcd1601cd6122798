import type Token from "markdown-it/lib/token.mjs";

/** A math token as text: its TeX source between `$`, or (`readable`) the readable text the renderer left on it. */
function mathText(token: Token, readable: boolean, fence: string): string {
  const shown = readable ? (token.meta as { readable?: string } | null)?.readable : undefined;
  return shown ?? `${fence}${token.content.trim()}${fence}`;
}

/** Inline tokens as text: words as written, math as its TeX source between `$` (or readable), link targets dropped. */
function inlineText(tokens: readonly Token[], readable: boolean): string {
  let out = "";
  for (const token of tokens) {
    if (token.type === "text" || token.type === "code_inline") out += token.content;
    else if (token.type === "math_inline") out += mathText(token, readable, "$");
    else if (token.type === "math_inline_display") out += ` ${mathText(token, readable, "$$")} `;
    else if (token.type === "softbreak" || token.type === "hardbreak") out += " ";
    else if (token.children) out += inlineText(token.children, readable);
  }
  return out;
}

/**
 * Parsed Markdown as plain text with math as its TeX source (what the search indexes): emphasis, links and lists are
 * stripped, TeX is kept (`$\mathcal O(n)$`) so a reader can search for `\mathcal`. Takes block tokens (`md.parse`)
 * or the inline tokens of a title (`md.parseInline`). With `readable`, math is the readable text the renderer put on
 * each typeset formula instead (call it after rendering).
 */
export function tokensText(tokens: readonly Token[], readable = false): string {
  const parts: string[] = [];
  for (const token of tokens) {
    if (token.type === "inline") parts.push(inlineText(token.children ?? [], readable));
    else if (token.type === "math_block") parts.push(mathText(token, readable, "$$"));
    else if (token.type === "fence" || token.type === "code_block") parts.push(token.content);
  }
  return oneSpace(parts.join(" ")).trim();
}

/**
 * Each run of whitespace as one space: the same as `.replace(/\s+/g, " ")`, twice as fast, since a single space is
 * left as it is instead of replaced by itself (most of an abstract's whitespace).
 */
export const oneSpace = (text: string): string => text.replace(/\s{2,}|[^\S ]/g, " ");

