/**
 * Math delimiters read the way arXiv's abstract pages (MathJax) read them, as markdown-it rules:
 *
 * - `$..$` inline, spaces inside allowed (`$ \chi$`), across line breaks, closed by the next unescaped `$`;
 * - `$$..$$` and `\[..\]` display math, also in the middle of a sentence (typeset as a display inside the paragraph,
 *   not a new paragraph); on lines of their own they are a display block;
 * - `\(..\)` inline, across line breaks;
 * - bare `\begin{env}..\end{env}` for the display environments (align, equation, gather, multline, eqnarray, with
 *   or without `*`);
 * - `\$` is a dollar sign.
 *
 * The price rule: a `$` followed by a digit opens math only when what follows up to the next `$` reads as math. It is
 * a price, and stays text, when that stretch has no TeX in it (`\`, `^`, `_`, `{`, `}`, `=`) and ends in a space
 * (`$5 and $10`) or holds a word of three or more letters (`$1000 prize ... $x$`), or when it ends in `-`, `–`, `—`, `/`,
 * `,` or `(` and the next `$` is itself followed by a digit (`$5-$10`; but `$2-$ and $3$-torsion` is math). A `$`
 * with no closing `$` in the paragraph is always text.
 *
 * Every rule finds its closer from positions indexed once per paragraph, so hostile input (thousands of unclosed
 * openers) costs linear time.
 */
import type MarkdownIt from "markdown-it";
import type StateBlock from "markdown-it/lib/rules_block/state_block.mjs";
import type StateInline from "markdown-it/lib/rules_inline/state_inline.mjs";

/** Environments typeset when written bare in text (LaTeX display environments). */
export const bareEnvironments = ["align", "equation", "gather", "multline", "eqnarray", "alignat", "flalign"].flatMap((e) => [e, `${e}*`]);

/** Positions of the delimiters of one source text, each list sorted. */
interface Delimiters {
  /** Unescaped `$`. */
  dollars: number[];
  /** For each entry of `dollars`, the index in `dollars` of the next `$$` pair at or after it (or -1). */
  nextPair: number[];
  /** Unescaped `\)` and `\]` (position of the backslash). */
  closeParen: number[];
  closeBracket: number[];
  /** `\end{env}` positions by environment name. */
  ends: Map<string, number[]>;
}

function indexDelimiters(src: string): Delimiters {
  const dollars: number[] = [];
  const closeParen: number[] = [];
  const closeBracket: number[] = [];
  const ends = new Map<string, number[]>();
  let backslashes = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    const escaped = backslashes % 2 === 1;
    if (c === 0x24 && !escaped) dollars.push(i);
    if (c === 0x5c && !escaped) {
      const next = src.charCodeAt(i + 1);
      if (next === 0x29) closeParen.push(i);
      else if (next === 0x5d) closeBracket.push(i);
      else if (next === 0x65 && src.startsWith("end{", i + 1)) {
        const close = src.indexOf("}", i + 5);
        if (close !== -1 && close - i < 20) {
          const name = src.slice(i + 5, close);
          (ends.get(name) ?? ends.set(name, []).get(name)!).push(i);
        }
      }
    }
    backslashes = c === 0x5c ? backslashes + 1 : 0;
  }
  const nextPair = new Array<number>(dollars.length).fill(-1);
  for (let k = dollars.length - 2, next = -1; k >= 0; k--) {
    if (dollars[k + 1] === dollars[k]! + 1) next = k;
    nextPair[k] = next;
  }
  return { dollars, nextPair, closeParen, closeBracket, ends };
}

/** Index of the first entry >= `from` in the sorted `positions` (positions.length when none). */
function firstAtOrAfter(positions: readonly number[], from: number): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * True when `content`, the stretch between a `$` and the next one, is a price rather than math (see above); `after`
 * is the character after the second `$`.
 */
export function isPrice(content: string, after: string): boolean {
  if (!/^\d/.test(content)) return false;
  if (/[-–—/,(]$/.test(content) && /\d/.test(after)) return true;
  return !/[\\^_{}=]/.test(content) && (/\s$/.test(content) || /(?:^|[\s\d])[A-Za-z]{3,}/.test(content));
}

/** Caches one value per source string: markdown-it hands the same string to every rule call within a paragraph. */
export function perSource<T>(compute: (src: string) => T): (src: string) => T {
  let last: { src: string; value: T } | undefined;
  return (src) => (last && last.src === src ? last.value : (last = { src, value: compute(src) }).value);
}

/** Pushes tokens for the Markdown in src[from, to) into the current inline state, the way link labels are parsed. */
export function parseInside(state: StateInline, from: number, to: number): void {
  const oldMax = state.posMax;
  state.pos = from;
  state.posMax = to;
  state.md.inline.tokenize(state);
  state.posMax = oldMax;
}

/** The warning for a `$` with no partner (reported by markdown.ts's `tex_warning` renderer). */
export const strayDollar = "a $ has no closing $ in its paragraph, so it shows as a dollar sign: add the missing $ around the formula, or write \\$ for a dollar sign";

/** Unescaped `{` minus `}` in src[from, to). */
function braceDepth(src: string, from: number, to: number): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d) depth--;
  }
  return depth;
}

/**
 * The index in `dollars` of the `$` that closes the one at index `k`: the next one, unless that one is inside a brace
 * group the formula opened (`$\textbf{$\infty$Bench}$`, math inside text inside math, which KaTeX typesets): then the
 * first `$` after that group, a pair or two further on, within a formula's length.
 */
function nestedClose(src: string, dollars: readonly number[], k: number): number {
  const open = dollars[k]!;
  for (let close = k + 1, tries = 0; tries < 3 && close < dollars.length && dollars[close]! - open <= 1000; close += 2, tries++) {
    if (braceDepth(src, open + 1, dollars[close]!) <= 0) return close;
  }
  return k + 1;
}

/** `$\href{url}{text}$`, a link written as math (arXiv shows it as a link): read as text instead. */
const linkAsMath = /^\s*\\(?:href|url)\{[^{}]*\}(?:\{(?:[^{}]|\{[^{}]*\})*\})?\s*$/;

function pushMath(state: StateInline, type: "math_inline" | "math_inline_display", markup: string, content: string): void {
  const token = state.push(type, "math", 0);
  token.markup = markup;
  token.content = content;
}

/** The inline rule: every delimiter above, tried at `$` and `\`. */
function inlineRule(delimiters: (src: string) => Delimiters) {
  return (state: StateInline, silent: boolean): boolean => {
    const { src, pos } = state;
    const c = src.charCodeAt(pos);
    if (c === 0x24) {
      const d = delimiters(src);
      const k = firstAtOrAfter(d.dollars, pos);
      if (d.dollars[k] !== pos) return false; // an escaped `$`: the escape rule makes it a dollar sign
      if (src.charCodeAt(pos + 1) === 0x24) {
        // `$$`: display math up to the next `$$`.
        const close = d.nextPair[k + 1] ?? -1;
        const end = close === -1 ? -1 : d.dollars[close]!;
        if (end === -1 || !src.slice(pos + 2, end).trim()) {
          if (!silent) state.pending += "$$";
          state.pos += 2;
          return true;
        }
        if (!silent) pushMath(state, "math_inline_display", "$$", src.slice(pos + 2, end));
        state.pos = end + 2;
        return true;
      }
      const end = d.dollars[nestedClose(src, d.dollars, k)];
      const content = end === undefined ? "" : src.slice(pos + 1, end);
      if (end === undefined || !content.trim() || isPrice(content, src[end + 1] ?? "")) {
        // The odd one out, not a price: shown as a dollar sign, and the contributor told (`1.0$)`, `T$_c$` with a `$` lost).
        if (!silent && end === undefined && !/\d/.test(src[pos + 1] ?? "")) {
          state.push("tex_warning", "", 0).content = strayDollar;
        }
        if (!silent) state.pending += "$";
        state.pos += 1;
        return true;
      }
      if (linkAsMath.test(content)) {
        if (!silent) {
          state.level++;
          parseInside(state, pos + 1, end);
          state.level--;
        }
      } else if (!silent) pushMath(state, "math_inline", "$", content);
      state.pos = end + 1;
      return true;
    }
    if (c !== 0x5c) return false;
    const next = src.charCodeAt(pos + 1);
    if (next === 0x28 || next === 0x5b) {
      const d = delimiters(src);
      const closers = next === 0x28 ? d.closeParen : d.closeBracket;
      const end = closers[firstAtOrAfter(closers, pos + 2)];
      if (end === undefined) return false;
      if (!silent) pushMath(state, next === 0x28 ? "math_inline" : "math_inline_display", next === 0x28 ? "\\(" : "\\[", src.slice(pos + 2, end));
      state.pos = end + 2;
      return true;
    }
    if (next === 0x62 && src.startsWith("\\begin{", pos)) {
      const close = src.indexOf("}", pos + 7);
      const name = close === -1 || close - pos > 20 ? "" : src.slice(pos + 7, close);
      if (!bareEnvironments.includes(name)) return false;
      const ends = delimiters(src).ends.get(name) ?? [];
      const end = ends[firstAtOrAfter(ends, close)];
      if (end === undefined) return false;
      const stop = end + 6 + name.length;
      if (!silent) pushMath(state, "math_inline_display", "\\begin", src.slice(pos, stop));
      state.pos = stop;
      return true;
    }
    return false;
  };
}

/**
 * Display blocks: a paragraph that is only `$$..$$` or `\[..\]`, on one line or several (opener at the start of the
 * first line, closer at the end of the last, no blank line between and no other closer inside). Anything else is a
 * paragraph and the inline rule typesets the display inside it. Never interrupts a paragraph, so it is never asked
 * speculatively and each line is looked at once.
 */
function blockRule(open: string, close: string) {
  return (state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean => {
    const begin = state.bMarks[startLine]! + state.tShift[startLine]!;
    if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
    if (!state.src.startsWith(open, begin)) return false;
    let line = startLine;
    let text = "";
    for (; line < endLine; line++) {
      const start = line === startLine ? begin + open.length : state.bMarks[line]! + state.tShift[line]!;
      const end = state.eMarks[line]!;
      if (line > startLine && (start >= end || state.sCount[line]! < state.blkIndent)) return false;
      const body = state.src.slice(start, end);
      const at = body.indexOf(close);
      if (at !== -1) {
        if (body.slice(at + close.length).trim()) return false;
        text += body.slice(0, at);
        break;
      }
      text += `${body}\n`;
    }
    if (line >= endLine || !text.trim()) return false;
    if (silent) return true;
    const token = state.push("math_block", "math", 0);
    token.block = true;
    token.content = text;
    token.markup = open;
    token.map = [startLine, line + 1];
    state.line = line + 1;
    return true;
  };
}

/** Registers the math rules; tokens: `math_inline`, `math_inline_display` (display math inside a paragraph), `math_block`. */
export function texMath(md: MarkdownIt): void {
  md.inline.ruler.before("escape", "tex_math", inlineRule(perSource(indexDelimiters)));
  md.block.ruler.before("paragraph", "tex_math_block_dollar", blockRule("$$", "$$"));
  md.block.ruler.before("paragraph", "tex_math_block_bracket", blockRule("\\[", "\\]"));
}
