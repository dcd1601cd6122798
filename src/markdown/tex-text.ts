/**
 * Text-mode TeX outside math, as markdown-it rules, so an abstract pasted from arXiv reads as its authors meant:
 *
 * - `\emph{..}`, `\textit{..}`, `\textsl{..}`, `{\em ..}`, `{\it ..}`, `{\sl ..}` become `<em>`; `\textbf{..}`,
 *   `{\bf ..}` `<strong>`; `\underline{..}` `<u>`; `\texttt{..}`, `{\tt ..}` `<code>`; `\textsc`, `\textrm`,
 *   `\textsf`, `\textup`, `\textnormal`, `\mbox`, `\text`, `\textcolor{c}{..}` their text. Math and Markdown inside
 *   the braces keep working.
 * - `\cite{..}` (and its variants), `\ref{..}`, `\eqref{..}`, `\label{..}` show nothing; `\footnote{x}` becomes ` (x)`;
 *   `\url{u}` and `\href{u}{text}` become links under the same rules as Markdown links (http(s) and mailto only,
 *   otherwise their text).
 * - Accents and special letters (`\"o` `\'e` `\^{o}` `\v{s}` `\ss` `{\i}` `\o` `\aa`...) become the characters they
 *   stand for; `~` between two words is a no-break space (a `~` after a space, as in `~100`, stays).
 * - `--` and `---` become en and em dashes, ``` `` ``` and `''` curly quotes (in text, never in code or math).
 * - Any other `\command`, with the braced arguments right after it, is typeset as math when KaTeX or the paper's
 *   macros know it: a symbol written outside `$` (`\alpha`), or a macro defined for the paper (`\ours`). One that
 *   nobody defined is shown as its arguments (`\ac{BnB}` BnB) or, with none, its name (`\ours`, `\cm{}`: ours, cm),
 *   and reported as a warning.
 */
import type MarkdownIt from "markdown-it";
import type StateCore from "markdown-it/lib/rules_core/state_core.mjs";
import type StateInline from "markdown-it/lib/rules_inline/state_inline.mjs";
import { isKnownCommand } from "./katex.ts";
import { acronymCommands } from "./macros.ts";
import { parseInside, perSource } from "./tex-math.ts";

/**
 * Most commands nobody defined one text may show as words (see `textRule`); past it they are typeset as math, where
 * the limit in markdown.ts refuses them. Same number as markdown.ts's `undefinedMacroLimit` (not imported: markdown.ts
 * imports this file).
 */
const undefinedMacroLimit = 10;

type Wrap = "em" | "strong" | "u" | "code" | "plain" | "drop" | "footnote" | "quote" | "second";

/** One-argument commands and what their argument becomes. */
const wrappers: Record<string, Wrap> = {
  emph: "em", textit: "em", textsl: "em", textbf: "strong", underline: "u", uline: "u", texttt: "code",
  textsc: "plain", textrm: "plain", textsf: "plain", textup: "plain", textnormal: "plain", textmd: "plain",
  mbox: "plain", text: "plain", hbox: "plain", textsuperscript: "plain", ensuremath: "plain",
  cite: "drop", citep: "drop", citet: "drop", citealp: "drop", citeauthor: "drop", citeyear: "drop", nocite: "drop",
  ref: "drop", eqref: "drop", cref: "drop", Cref: "drop", autoref: "drop", pageref: "drop", label: "drop",
  vspace: "drop", hspace: "drop", footnote: "footnote", thanks: "footnote", keywords: "drop", usepackage: "drop",
  seqnum: "plain", enquote: "quote", hyperlink: "second", hypertarget: "second", boldmath: "strong",
  // acronym and glossaries packages: the acronym as written.
  ...Object.fromEntries(acronymCommands.map((name) => [name, "plain" as const])),
};
/** `{\em ..}`-style declarations. */
const declarations: Record<string, Wrap> = {
  em: "em", it: "em", sl: "em", itshape: "em", slshape: "em", bf: "strong", bfseries: "strong", tt: "code",
  ttfamily: "code", sc: "plain", scshape: "plain", rm: "plain", rmfamily: "plain", sf: "plain", sffamily: "plain",
  upshape: "plain", normalfont: "plain", small: "plain", footnotesize: "plain", large: "plain", Large: "plain",
  boldmath: "strong", unboldmath: "plain",
};
/** Letters and symbols written as commands. */
const symbols: Record<string, string> = {
  ss: "ß", i: "ı", j: "ȷ", o: "ø", O: "Ø", aa: "å", AA: "Å", ae: "æ", AE: "Æ", oe: "œ", OE: "Œ", l: "ł", L: "Ł",
  S: "§", P: "¶", dag: "†", ddag: "‡", ldots: "…", dots: "…", textendash: "–", textemdash: "—", textasciitilde: "~",
  LaTeX: "LaTeX", TeX: "TeX", BibTeX: "BibTeX", copyright: "©", textregistered: "®", texttrademark: "™", textdegree: "°",
  textbackslash: "\\", textbar: "|", textless: "<", textgreater: ">", textbullet: "•", textperiodcentered: "·",
  pounds: "£", euro: "€", textquotedblleft: "“", textquotedblright: "”", textquoteleft: "‘", textquoteright: "’",
  xspace: "", ie: "i.e.", eg: "e.g.", etal: "et al.", etc: "etc.", vs: "vs.", cf: "cf.", wrt: "w.r.t.",
  noindent: "", par: " ", newline: " ", linebreak: " ", smallskip: "", medskip: "", bigskip: "", centering: "",
  quad: " ", qquad: " ", today: "",
};
/** Accent commands and the combining character each adds. */
const accents: Record<string, string> = {
  '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307",
  H: "\u030B", c: "\u0327", v: "\u030C", u: "\u0306", k: "\u0328", r: "\u030A", d: "\u0323", b: "\u0331", t: "\u0361",
};

/** Longest braced argument looked at, so an unclosed `\emph{` costs a bounded scan. */
const maxArgument = 2000;

/** For each `{` of a text, the position after its matching `}` (0 when unmatched); backslash escapes skipped. One pass. */
function matchBraces(src: string): Int32Array {
  const match = new Int32Array(src.length);
  const open: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x7b) open.push(i);
    else if (c === 0x7d && open.length) match[open.pop()!] = i + 1;
  }
  return match;
}

const braces = perSource(matchBraces);

/** End (index after the `}`) of the balanced group opening at `open`, or -1 (also when longer than `max`). */
export function groupEnd(src: string, open: number, max = maxArgument): number {
  if (src.charCodeAt(open) !== 0x7b) return -1;
  const end = braces(src)[open]!;
  return end && end - open <= max ? end : -1;
}

/** True when the `{` at `open` has no matching `}` in the text (not merely one too far away). */
const unclosed = (src: string, open: number) => src.charCodeAt(open) === 0x7b && braces(src)[open] === 0;

/**
 * A warning about text-mode TeX shown readably but written wrong, reported at the line it is on (see markdown.ts's
 * `tex_warning` renderer), once per text and message.
 */
function warn(state: StateInline, message: string): void {
  state.push("tex_warning", "", 0).content = message;
}

const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);


function wrapped(state: StateInline, kind: Wrap, from: number, to: number, silent: boolean): void {
  if (silent) return;
  if (kind === "drop") {
    // `shown~\cite{x}`: the space that tied the citation to the word goes with it.
    state.pending = state.pending.replace(/[\u00a0 ]$/, "");
    return;
  }
  if (kind === "code") {
    const token = state.push("code_inline", "code", 0);
    token.markup = "`";
    token.content = unescapeText(state.src.slice(from, to));
    return;
  }
  // Plain groups nest without tokens of their own: they count as a level so markdown-it's maxNesting bounds them too.
  if (kind === "plain") {
    state.level++;
    parseInside(state, from, to);
    state.level--;
    return;
  }
  if (kind === "footnote" || kind === "quote") {
    state.push("text", "", 0).content = kind === "quote" ? "“" : " (";
    state.level++;
    parseInside(state, from, to);
    state.level--;
    state.push("text", "", 0).content = kind === "quote" ? "”" : ")";
    return;
  }
  state.push(`${kind}_open`, kind, 1).markup = "\\";
  parseInside(state, from, to);
  state.push(`${kind}_close`, kind, -1).markup = "\\";
}

/** `\_` -> `_`, `\%` -> `%`... inside an argument shown as code. */
const unescapeText = (s: string) => s.replace(/\\([_%&#$^~{}])/g, "$1").replace(/\\textbackslash\b\s*/g, "\\");

/** An accent on its letter: `\"o`, `\"{o}`, `\v{s}`, `\v s`, `\'{\i}`. Returns the end of the accent or -1. */
function accent(state: StateInline, pos: number, silent: boolean): boolean {
  const { src } = state;
  const name = src[pos + 1] ?? "";
  const mark = accents[name];
  if (!mark || (isLetter(src.charCodeAt(pos + 2)) && /[A-Za-z]/.test(name))) return false;
  let at = pos + 2;
  if (/[A-Za-z]/.test(name)) {
    // A letter accent needs a brace or a space before its letter: `\v{s}`, `\v s`.
    if (src[at] === " ") at++;
    else if (src[at] !== "{") return false;
  }
  let letter: string | undefined;
  let end = at;
  const braced = src[at] === "{";
  if (braced) at++;
  if (src.startsWith("\\i", at) && !isLetter(src.charCodeAt(at + 2))) (letter = "ı"), (end = at + 2);
  else if (src.startsWith("\\j", at) && !isLetter(src.charCodeAt(at + 2))) (letter = "ȷ"), (end = at + 2);
  else if (/[A-Za-z]/.test(src[at] ?? "")) (letter = src[at]), (end = at + 1);
  else if (braced && src[at] === "}") (letter = ""), (end = at);
  if (letter === undefined) return false;
  if (braced) {
    while (src[end] === " ") end++;
    if (src[end] !== "}") return false;
    end++;
  }
  if (!silent) {
    const base = letter === "ı" && mark !== "\u0327" ? "i" : letter === "ȷ" ? "j" : letter;
    state.pending += (base + mark).normalize("NFC");
  }
  state.pos = end;
  return true;
}

/** The inline rule at `\`, `{` and `~`. Registered before `escape`, after the math rule. */
function textRule(state: StateInline, silent: boolean): boolean {
  const { src, pos } = state;
  const c = src.charCodeAt(pos);
  if (c === 0x7e) {
    // `Fig.~1`, `Ref.~\cite{x}`: a no-break space between two non-spaces; `~100` and `~~` are left alone.
    const before = src.charCodeAt(pos - 1);
    const after = src.charCodeAt(pos + 1);
    // After a `/` it is part of a URL (`https://host/~user`), which linkify reads later.
    if (pos === 0 || Number.isNaN(after) || before === 0x7e || before === 0x2f || after === 0x7e || /\s/.test(src[pos - 1]!) || /\s/.test(src[pos + 1]!)) return false;
    if (!silent) state.pending += "\u00a0";
    state.pos++;
    return true;
  }
  if (c === 0x7b) {
    // `{\em text}` and friends; `{\"o}`, `{\ss}`, `{\i}` groups around one letter.
    if (src.charCodeAt(pos + 1) !== 0x5c) return false;
    const end = groupEnd(src, pos);
    if (end === -1) return false;
    const m = /^\\([A-Za-z]+)\s*/.exec(src.slice(pos + 1, Math.min(end, pos + 30)));
    const kind = m ? declarations[m[1]!] : undefined;
    if (kind && m) {
      wrapped(state, kind, pos + 1 + m[0].length, end - 1, silent);
      state.pos = end;
      return true;
    }
    // A group holding one accented or special letter: drop the braces, the rest of the rule does the letter.
    const inner = src.slice(pos + 1, end - 1);
    if (/^\\(?:[A-Za-z]+|["'`^~=.])\s*(?:\{?[A-Za-z]?\}?|\{?\\[ij]\}?)$/.test(inner) && end - pos < 16) {
      state.level++;
      parseInside(state, pos + 1, end - 1);
      state.level--;
      state.pos = end;
      return true;
    }
    return false;
  }
  if (c !== 0x5c) return false;
  if (accent(state, pos, silent)) return true;
  if (src[pos + 1] === " ") {
    // `\ `, TeX's control space (`\tc\ and`): a space.
    if (!silent) state.pending += " ";
    state.pos += 2;
    return true;
  }
  const m = /^\\([A-Za-z]+)\*?/.exec(src.slice(pos, pos + 40));
  if (!m) return false;
  const name = m[1]!;
  let at = pos + m[0].length;
  const kind = wrappers[name];
  // `\boldmath{$x$}` is a wrapper; `\boldmath` alone a declaration (below).
  if (kind && kind !== "second" && !(declarations[name] && src[at] !== "{")) {
    // An optional argument (`\cite[Theorem 2]{key}`) is skipped with the command.
    if (src[at] === "[") {
      const close = src.indexOf("]", at);
      if (close === -1 || close - at > 200) return false;
      at = close + 1;
    }
    if (src[at] !== "{") return false;
    let end = groupEnd(src, at);
    if (end === -1) {
      // `\textbf{` never closed (in real abstracts, at the end): its argument runs to the end of the paragraph, so
      // the reader sees its text, and the contributor is told where the `}` is missing.
      if (!unclosed(src, at)) return false;
      end = state.posMax + 1;
      if (!silent) warn(state, `\\${name}{ is not closed: it runs to the end of the paragraph; add the } where it should end`);
    }
    wrapped(state, kind, at + 1, end - 1, silent);
    state.pos = Math.min(end, state.posMax);
    return true;
  }
  if (name === "textcolor" || name === "colorbox" || kind === "second") {
    // \textcolor{red}{text}: the text.
    const colorEnd = groupEnd(src, at, 200);
    let end = colorEnd === -1 ? -1 : groupEnd(src, colorEnd);
    if (colorEnd !== -1 && end === -1) {
      // Never closed, as above.
      if (!unclosed(src, colorEnd)) return false;
      end = state.posMax + 1;
      if (!silent) warn(state, `\\${name}{..}{ is not closed: it runs to the end of the paragraph; add the } where it should end`);
    }
    if (end === -1) return false;
    wrapped(state, "plain", colorEnd + 1, end - 1, silent);
    state.pos = Math.min(end, state.posMax);
    return true;
  }
  if (name === "url" || name === "href") {
    const urlEnd = groupEnd(src, at);
    if (urlEnd === -1) return false;
    const url = src.slice(at + 1, urlEnd - 1).trim().replace(/\\([_%&#~])/g, "$1");
    let textFrom = at + 1;
    let textTo = urlEnd - 1;
    let end = urlEnd;
    if (name === "href") {
      const labelEnd = groupEnd(src, urlEnd);
      if (labelEnd === -1) return false;
      [textFrom, textTo, end] = [urlEnd + 1, labelEnd - 1, labelEnd];
    }
    if (!silent) {
      const href = state.md.normalizeLink(url);
      const ok = state.md.validateLink(href);
      if (ok) {
        const open = state.push("link_open", "a", 1);
        open.attrs = [["href", href]];
        open.markup = "tex";
        open.info = "auto";
      }
      if (name === "url") state.push("text", "", 0).content = url;
      else parseInside(state, textFrom, textTo);
      if (ok) state.push("link_close", "a", -1).markup = "tex";
    }
    state.pos = end;
    return true;
  }
  // A declaration outside a group (`\em` with no closing brace): it changes nothing a reader would miss.
  const symbol = declarations[name] ? "" : symbols[name];
  if (symbol !== undefined) {
    if (src.startsWith("{}", at)) at += 2;
    if (!silent) state.pending += symbol;
    state.pos = at;
    return true;
  }
  // An environment that is not a complete display environment (tex-math.ts) stays text: it is not a formula.
  if (name === "begin" || name === "end") return false;
  // Any other command, with the braced arguments that follow it (`\mathcal{O}(n)`, `\ours`).
  const args: [number, number][] = [];
  for (; args.length < 3 && src[at] === "{"; ) {
    const end = groupEnd(src, at, 300);
    if (end === -1) break;
    args.push([at + 1, end - 1]);
    at = end;
  }
  const env = state.env as { macros?: Record<string, unknown>; undefinedInText?: Set<string> };
  const seen = (env.undefinedInText ??= new Set());
  if (!env.macros?.[`\\${name}`] && !isKnownCommand(name) && (seen.has(name) || seen.size < undefinedMacroLimit)) {
    // A command nobody defined reads as what it stands for: its arguments (`\ac{BnB}`, `\cyr{..}`) or, with none
    // or only empty ones, its name as a word (`\ours`, `\cm{}`). It is reported as a warning (markdown.ts).
    seen.add(name);
    if (!silent) {
      const shown = args.filter(([from, to]) => src.slice(from, to).trim());
      const token = state.push("tex_undefined", "", 0);
      token.content = `\\${name}`;
      token.info = shown.length ? "argument" : "";
      if (!shown.length) state.pending += name;
      state.level++;
      for (const [i, [from, to]] of shown.entries()) {
        if (i) state.pending += " ";
        parseInside(state, from, to);
      }
      state.level--;
    }
    state.pos = at;
    return true;
  }
  // Otherwise typeset as math: a symbol written outside `$` (`\alpha`), or a macro defined for the paper (`\ours`).
  if (!silent) {
    const token = state.push("math_inline", "math", 0);
    token.markup = "text";
    token.content = src.slice(pos, at);
  }
  state.pos = at;
  return true;
}

/** The warning for `x_{..}` or `x^{..}` in text: a formula written without `$`. */
const scriptOutsideMath = (piece: string) => {
  const shown = piece.length > 40 ? `${piece.slice(0, 40)}…` : piece;
  return `"${shown}" is TeX written outside $..$, so it shows as typed: put the formula between $ signs`;
};

/**
 * Dashes and quotes in text tokens outside links and code: `--` `–`, `---` `—`, ``` `` ``` `“`, `''` `”`; and a
 * warning after the first text with a `_{` or `^{` in it (see `scriptOutsideMath`).
 */
function typography(state: StateCore): void {
  for (const block of state.tokens) {
    if (block.type !== "inline" || !block.children) continue;
    let inLink = 0;
    let scriptWarned = false;
    for (const [i, token] of block.children.entries()) {
      if (token.type === "link_open") inLink++;
      else if (token.type === "link_close") inLink--;
      if (token.type === "text" && !inLink && !scriptWarned && /[_^]\{/.test(token.content)) {
        // `F_{19^3}` written without `$`: it stays text (a reader can read it as written); the contributor is told.
        scriptWarned = true;
        const warning = new state.Token("tex_warning", "", 0);
        warning.content = scriptOutsideMath(/[^\s]*[_^]\{[^\s]*/.exec(token.content)![0]);
        block.children.splice(i + 1, 0, warning);
      }
      else if (token.type === "text" && !inLink && /--|''|``|`[A-Za-z]/.test(token.content)) {
        token.content = token.content
          .replace(/(?<!-)---(?!-)/g, "—")
          .replace(/(?<![-<])--(?![->])/g, "–")
          .replace(/``/g, "“")
          .replace(/''/g, "”")
          .replace(/`(?=[A-Za-z])/g, "‘");
      }
    }
  }
}

/**
 * TeX's opening quotes, before markdown-it reads them as code spans: ``` `` ``` followed by a non-space (closed by `''`
 * or, often in abstracts, by `"`), and `` ` `` followed by a non-space when a closing `'` comes before the next
 * backtick (`` `dense model' ``). A real code span (`` `torch.compile` ``) has no such `'` and stays code.
 */
function texQuotes(state: StateInline, silent: boolean): boolean {
  const { src, pos } = state;
  if (src.charCodeAt(pos) !== 0x60 || src[pos - 1] === "`") return false;
  const double = src[pos + 1] === "`";
  const after = src[pos + (double ? 2 : 1)] ?? " ";
  if (after === "`" || /\s/.test(after)) return false;
  if (!double) {
    const next = src.indexOf("`", pos + 1);
    const segment = src.slice(pos + 1, next === -1 ? Math.min(src.length, pos + 300) : next);
    if (!/'(?![A-Za-z])/.test(segment)) return false;
  }
  if (!silent) state.pending += double ? "“" : "‘";
  state.pos += double ? 2 : 1;
  return true;
}

/** Registers the text-mode rules (after the math rules, so `$\emph$` stays math). */
export function texText(md: MarkdownIt): void {
  md.inline.ruler.before("escape", "tex_text", textRule);
  md.inline.ruler.before("backticks", "tex_quotes", texQuotes);
  md.core.ruler.push("tex_typography", typography);
}
