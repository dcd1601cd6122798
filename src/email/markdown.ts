import { escapeHtml } from "markdown-it/lib/common/utils.mjs";
import type MarkdownIt from "markdown-it";
import Token from "markdown-it/lib/token.mjs";
import { createMarkdown } from "../markdown/markdown.ts";
import type { MacroTable } from "../markdown/macros.ts";
import { readableMath } from "../markdown/readable-math.ts";

/** Inline styles of the email; clients drop `<style>` blocks and external CSS, so every element carries its own. */
export const emailStyles = {
  font: "font-family:Georgia,serif",
  // Kept short: a long style on every formula and paragraph adds up, and Gmail clips messages over about 100 KB.
  math: "font-family:Cambria,serif",
  link: "color:#1a4f8b",
  code: "font-family:monospace;background:#f2f2ef",
  paragraph: "margin:0 0 10px",
} as const;

/**
 * Math in the email as readable text with `<i>`, `<sup>` and `<sub>` (which every client keeps), the TeX source in
 * the title for a hover; a formula that cannot be made readable is shown as its TeX source in `<code>`.
 */
function mathHtml(tex: string, display: boolean, macros?: MacroTable): string {
  const readable = readableMath(tex, display, macros);
  const title = ` title="${escapeHtml(tex)}"`;
  if (!readable) return `<code style="${emailStyles.code}">${escapeHtml(tex)}</code>`;
  return display
    ? `<div style="${emailStyles.math};text-align:center;margin:8px 0"${title}>${readable.html}</div>\n`
    : `<span style="${emailStyles.math}"${title}>${readable.html}</span>`;
}

let shared: MarkdownIt | undefined;

/** The paper Markdown parser (same syntax and safety rules as the site), rendering email-safe HTML. */
function emailMarkdown(): MarkdownIt {
  if (shared) return shared;
  const md = createMarkdown();
  const styled = (rule: string, style: string) => {
    const previous = md.renderer.rules[rule] ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
    md.renderer.rules[rule] = (tokens, idx, options, env, self) => {
      tokens[idx]!.attrSet("style", style);
      return previous(tokens, idx, options, env, self);
    };
  };
  styled("link_open", emailStyles.link);
  styled("paragraph_open", emailStyles.paragraph);
  md.renderer.rules.code_inline = (tokens, idx) => `<code style="${emailStyles.code}">${escapeHtml(tokens[idx]!.content)}</code>`;
  // The paper's macros (site's and its own) come in the render environment: `{ macros }`.
  md.renderer.rules.math_inline = (tokens, idx, _options, env: { macros?: MacroTable }) => mathHtml(tokens[idx]!.content.trim(), false, env.macros);
  md.renderer.rules.math_block = (tokens, idx, _options, env: { macros?: MacroTable }) => mathHtml(tokens[idx]!.content.trim(), true, env.macros);
  return (shared = md);
}

/** An abstract parsed once, possibly cut short, ready to render as HTML or plain text. */
export interface AbstractExcerpt {
  tokens: Token[];
  /** True when the abstract was cut: the reader needs a link to the full text. */
  truncated: boolean;
  /** The TeX macros the paper's math uses (the site's and its own `macros:`), for making it readable. */
  macros?: MacroTable;
}

/** Characters of plain text a block or inline token stands for (math counted by its source, an upper bound). */
const textLength = (t: Token): number =>
  t.type === "text" || t.type === "code_inline" || t.type === "math_inline" || t.type === "math_block" || t.type === "fence" || t.type === "code_block"
    ? t.content.length
    : t.type === "softbreak" || t.type === "hardbreak" ? 1 : 0;

/** The closing token of an opening one (`paragraph_open` -> `paragraph_close`), hidden as the opening one is. */
function closing(open: Token): Token {
  const close = new Token(open.type.replace(/_open$/, "_close"), open.tag, -1);
  close.hidden = open.hidden;
  close.block = open.block;
  return close;
}

/** Cuts a text at the last space within `room` characters and marks the cut with an ellipsis. */
export function cutAtWord(text: string, room: number): string {
  if (text.length <= room) return text;
  const head = text.slice(0, Math.max(0, room));
  const space = head.search(/\s\S*$/);
  return `${(space > room / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}

/**
 * An abstract cut to about `maxChars` characters of text at a word boundary, as a token stream that stays well formed:
 * a formula, code span or code block is never split (it is left out whole when it does not fit), and every element
 * open at the cut (emphasis, link, paragraph, list) is closed. `maxChars` Infinity keeps the whole abstract.
 */
export function abstractExcerpt(body: string, maxChars = Infinity, macros?: MacroTable): AbstractExcerpt {
  const tokens = emailMarkdown().parse(body, {});
  let used = 0;
  const kept: Token[] = [];
  const openBlocks: Token[] = [];
  let truncated = false;
  for (const t of tokens) {
    if (t.type === "inline") {
      const length = (t.children ?? []).reduce((sum, c) => sum + textLength(c), 0);
      if (used + length <= maxChars) {
        used += length;
        kept.push(t);
        continue;
      }
      const children: Token[] = [];
      const openInline: Token[] = [];
      for (const c of t.children ?? []) {
        const room = maxChars - used;
        if (c.type === "text" && c.content.length > room) {
          const cut = Object.assign(new Token("text", "", 0), { content: cutAtWord(c.content, room) });
          children.push(cut);
          break;
        }
        if (textLength(c) > room) {
          children.push(Object.assign(new Token("text", "", 0), { content: "…" }));
          break;
        }
        used += textLength(c);
        children.push(c);
        if (c.nesting === 1) openInline.push(c);
        if (c.nesting === -1) openInline.pop();
      }
      children.push(...openInline.reverse().map(closing));
      const copy = Object.assign(new Token("inline", "", 0), { content: t.content, map: t.map, children });
      kept.push(copy);
      truncated = true;
      break;
    }
    if (t.nesting === 0 && used + textLength(t) > maxChars) {
      truncated = true;
      break;
    }
    used += textLength(t);
    kept.push(t);
    if (t.nesting === 1) openBlocks.push(t);
    if (t.nesting === -1) openBlocks.pop();
  }
  if (truncated) kept.push(...openBlocks.reverse().map(closing));
  return { tokens: kept, truncated, macros };
}

/** An abstract (or an excerpt from `abstractExcerpt`) as email HTML: inline styles, readable math, no MathML, no classes. */
export function emailAbstractHtml(body: string | AbstractExcerpt): string {
  const md = emailMarkdown();
  const tokens = typeof body === "string" ? md.parse(body, {}) : body.tokens;
  return md.renderer.render(tokens, md.options, { macros: typeof body === "string" ? undefined : body.macros });
}

/** Inline tokens as plain text and as HTML without links (a title sits inside a link already). */
function inline(children: readonly Token[], macros?: MacroTable): { text: string; html: string } {
  let text = "";
  let html = "";
  let href: string | undefined;
  let linkText = "";
  for (const t of children) {
    let piece = { text: "", html: "" };
    if (t.type === "text") piece = { text: t.content, html: escapeHtml(t.content) };
    else if (t.type === "code_inline") piece = { text: t.content, html: `<code style="${emailStyles.code}">${escapeHtml(t.content)}</code>` };
    else if (t.type === "math_inline") {
      const r = readableMath(t.content.trim(), false, macros);
      piece = r ? { text: r.text, html: `<span style="${emailStyles.math}">${r.html}</span>` } : { text: t.content, html: escapeHtml(t.content) };
    } else if (t.type === "softbreak") piece = { text: " ", html: " " };
    else if (t.type === "hardbreak") piece = { text: "\n", html: "<br>" };
    else if (t.type === "em_open" || t.type === "em_close") piece.html = t.type === "em_open" ? "<i>" : "</i>";
    else if (t.type === "strong_open" || t.type === "strong_close") piece.html = t.type === "strong_open" ? "<b>" : "</b>";
    else if (t.type === "link_open") {
      href = t.attrGet("href") ?? undefined;
      linkText = "";
    } else if (t.type === "link_close") {
      // Plain text keeps the target: "the repository <https://...>", unless the link text is the URL itself.
      if (href && href !== linkText && `mailto:${linkText}` !== href && !href.endsWith(linkText)) piece.text = ` <${href}>`;
      href = undefined;
    }
    text += piece.text;
    html += piece.html;
    if (href) linkText += piece.text;
  }
  return { text, html };
}

/** A title (one line of Markdown) as plain text and as email HTML, math made readable. */
export function emailTitle(title: string, macros?: MacroTable): { text: string; html: string } {
  const tokens = emailMarkdown().parseInline(title, {});
  return inline(tokens[0]?.children ?? [], macros);
}

/** Wraps text at `width` columns without breaking words (or URLs), for the plain-text part. */
export function wrapText(text: string, width = 76, indent = ""): string {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      if (line && indent.length + line.length + 1 + word.length > width) {
        lines.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(indent + line);
  }
  return lines.join("\n");
}

/** An abstract (or an excerpt) as plain text: paragraphs wrapped, list items marked, math as readable Unicode, link targets kept. */
export function emailAbstractText(body: string | AbstractExcerpt, indent = ""): string {
  const blocks: string[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  let prefix = "";
  const macros = typeof body === "string" ? undefined : body.macros;
  for (const t of typeof body === "string" ? emailMarkdown().parse(body, {}) : body.tokens) {
    if (t.type === "bullet_list_open" || t.type === "ordered_list_open") {
      lists.push({ ordered: t.type === "ordered_list_open", next: Number(t.attrGet("start") ?? 1) });
    } else if (t.type === "bullet_list_close" || t.type === "ordered_list_close") lists.pop();
    else if (t.type === "list_item_open") {
      const list = lists.at(-1);
      prefix = list?.ordered ? `${list.next++}. ` : "- ";
    } else if (t.type === "inline") {
      const depth = "  ".repeat(Math.max(0, lists.length - 1));
      blocks.push(wrapText(depth + prefix + inline(t.children ?? [], macros).text, 76, indent));
      prefix = "";
    } else if (t.type === "math_block") {
      blocks.push(`${indent}    ${readableMath(t.content.trim(), true, macros)?.text ?? t.content.trim()}`);
    } else if (t.type === "fence" || t.type === "code_block") {
      blocks.push(t.content.trimEnd().split("\n").map((l) => `${indent}    ${l}`).join("\n"));
    }
  }
  return blocks.join("\n\n");
}
