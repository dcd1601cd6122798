import type Token from "markdown-it/lib/token.mjs";

/** Inline tokens as text: words as written, math as its TeX source between `$`, link targets dropped. */
function inlineText(tokens: readonly Token[]): string {
  let out = "";
  for (const token of tokens) {
    if (token.type === "text" || token.type === "code_inline") out += token.content;
    else if (token.type === "math_inline") out += `$${token.content}$`;
    else if (token.type === "math_inline_display") out += `$$${token.content}$$`;
    else if (token.type === "softbreak" || token.type === "hardbreak") out += " ";
    else if (token.children) out += inlineText(token.children);
  }
  return out;
}

/**
 * Parsed Markdown as plain text with math as its TeX source (what the search indexes): emphasis, links and lists are
 * stripped, TeX is kept (`$\mathcal O(n)$`) so a reader can search for `\mathcal`. Takes block tokens (`md.parse`)
 * or the inline tokens of a title (`md.parseInline`).
 */
export function tokensText(tokens: readonly Token[]): string {
  const parts: string[] = [];
  for (const token of tokens) {
    if (token.type === "inline") parts.push(inlineText(token.children ?? []));
    else if (token.type === "math_block") parts.push(`$$${token.content.trim()}$$`);
    else if (token.type === "fence" || token.type === "code_block") parts.push(token.content);
  }
  return parts.join(" ").replace(/\s+/g, " ").trim();
}

