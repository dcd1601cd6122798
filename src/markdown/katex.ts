import katex, { type KatexOptions } from "katex";
import { renderBounded } from "./tex-limits.ts";
import { builtinFunctionMacros, builtinMacros, undefinedMacroMessage, type MacroTable } from "./macros.ts";

/** The KaTeX version that typesets our pages (part of the paper cache key). */
export const katexVersion: string = katex.version;

/**
 * Safe KaTeX settings, and MathML alone as the output. Every current browser lays MathML out itself (MathML Core:
 * Chromium and Edge since 109, January 2023; Firefox; Safari) and screen readers read it; KaTeX's HTML output, a tree
 * of positioned spans drawn with KaTeX's fonts and hidden from screen readers, was 80% of a formula's bytes and most
 * of a paper page's weight (README, "Output size"), and needed KaTeX's stylesheet and fonts. Pages and feeds show the
 * same markup (feed readers strip CSS, which MathML does not need). No trusted commands (\href, \url, \includegraphics, \html*), bounded sizes and macro expansion,
 * and a fresh macro table for every formula so nothing defined in one formula reaches another, let alone another paper.
 * Changing anything here changes the rendering cache key.
 */
export const katexSafeOptions = {
  throwOnError: true,
  strict: "ignore",
  maxSize: 20,
  maxExpand: 1000,
  globalGroup: false,
  trust: false,
  output: "mathml",
} as const satisfies KatexOptions;

/**
 * Limits on the TeX of one text (a title or an abstract). KaTeX's time grows faster than the length of a formula (150,000
 * characters took 20 s) and its output is ~43 bytes of MathML per character of a matrix, so both are bounded; real abstracts use
 * a few hundred characters of TeX in all.
 */
export const texLimits = {
  /** Longest formula, in characters. */
  formulaChars: 1000,
  /** Most formulas in one text. */
  formulas: 300,
  /** Most characters of TeX in one text. */
  totalChars: 3000,
};

/**
 * Result of typesetting one formula: the markup, or the reason it cannot be typeset. `undefinedMacros`: macros nobody
 * defined, typeset as their name set upright (see `renderTex`), each to be reported as a warning.
 */
export type TexResult = { ok: true; html: string; undefinedMacros?: string[] } | { ok: false; message: string; undefinedMacro?: string; undefinedMacros?: string[] };

/**
 * A macro nobody defined, as the reader can still read it: its name set upright, like an operator in math
 * (`\Per_n` is "Per" with subscript n) and as roman text inside `\text{..}`. The name is letters only (KaTeX's
 * message gives it), so the stand-in can only ever typeset those letters.
 */
export const undefinedStandIn = (name: string) => {
  const letters = name.slice(1);
  return (context: { mode?: string }) => (context.mode === "text" ? `\\textrm{${letters}}` : `\\operatorname{${letters}}`);
};

/** KaTeX's parser (no rendering): tells whether a command exists. */
const parseOnly = (katex as unknown as { __parse(tex: string, options: KatexOptions): unknown }).__parse;
const knownCommands = new Map<string, boolean>();

/**
 * True when KaTeX knows `\name` (a function, symbol or macro, KaTeX's or the built-in set): read alone it is either
 * typeset or wants arguments, but is not an undefined control sequence. Remembered per name (at most a few thousand).
 */
export function isKnownCommand(name: string): boolean {
  let known = knownCommands.get(name);
  if (known !== undefined) return known;
  try {
    parseOnly(`\\${name}`, { ...katexSafeOptions, maxExpand: 50 });
    known = true;
  } catch (error) {
    known = !/^Undefined control sequence/.test((error as { rawMessage?: string }).rawMessage ?? "");
  }
  if (knownCommands.size > 5000) knownCommands.clear();
  knownCommands.set(name, known);
  return known;
}

/** KaTeX's internal `defineMacro` (exported for its own extensions, like mhchem): adds to KaTeX's built-in macros. */
const defineMacro = (katex as unknown as { __defineMacro(name: string, body: unknown): void }).__defineMacro;

// The built-in set joins KaTeX's own built-ins, once per process: looked up like KaTeX's, at no cost per formula (a
// table of 500 macros handed to every formula, copied or behind a proxy, doubled KaTeX's time).
for (const [name, body] of Object.entries({ ...builtinMacros, ...builtinFunctionMacros })) defineMacro(name, body);

/**
 * Environments LaTeX has and KaTeX lacks, or has only in display mode, as KaTeX can typeset them: `multline` as
 * `gather*`, `eqnarray` as a three-column array, `equation` as its content; inside inline math, `align` as `aligned`.
 */
export function adaptEnvironments(tex: string, displayMode: boolean): string {
  // `%` starts a comment in TeX, which in a one-line abstract would eat the rest of the formula: it is a percent sign.
  if (tex.includes("%")) tex = tex.replace(/(?<!\\)((?:\\\\)*)%/g, "$1\\%");
  // `\texttt{transformer_lens}`: in text, `_` and `#` are characters, as LaTeX's text commands would print them.
  if (/\\(?:text|mbox)/.test(tex)) {
    tex = tex.replace(/(\\(?:text(?!color)[a-z]*|mbox)\s*\{)([^{}$]*)\}/g, (_, open: string, body: string) => `${open}${body.replace(/(?<!\\)([_#])/g, "\\$1")}}`);
  }
  if (!tex.includes("\\begin")) return tex;
  let out = tex
    .replace(/\\(begin|end)\{multline\*?\}/g, "\\$1{gather*}")
    .replace(/\\begin\{eqnarray\*?\}/g, "\\begin{array}{rcl}")
    .replace(/\\end\{eqnarray\*?\}/g, "\\end{array}")
    .replace(/\\(?:begin|end)\{equation\*?\}/g, "");
  if (!displayMode) out = out.replace(/\\(begin|end)\{(align|gather)\*?\}/g, "\\$1{$2ed}");
  return out;
}

/**
 * Typesets one formula with the safe settings; a TeX error or an untrusted command is returned, never rendered as a
 * red box. A macro nobody defined is typeset as its name (`undefinedStandIn`) and listed in `undefinedMacros`, for at
 * most `standIns` names (each costs one more try at the formula, counted in the paper's budget like any try); the
 * next one is refused as before.
 */
export function renderTex(tex: string, displayMode: boolean, macros: MacroTable = {}, standIns = 0): TexResult {
  if (tex.length > texLimits.formulaChars) {
    return { ok: false, message: `the formula is ${tex.length} characters; the limit is ${texLimits.formulaChars}` };
  }
  const undefinedMacros: string[] = [];
  let withStandIns: Record<string, unknown> = macros;
  for (;;) {
    const result = renderOnce(tex, displayMode, withStandIns);
    if (undefinedMacros.length) result.undefinedMacros = undefinedMacros;
    if (result.ok) return result;
    const name = result.undefinedMacro;
    if (!name || undefinedMacros.length >= standIns || undefinedMacros.includes(name)) return result;
    undefinedMacros.push(name);
    withStandIns = { ...withStandIns, [name]: undefinedStandIn(name) };
  }
}

function renderOnce(tex: string, displayMode: boolean, macros: Record<string, unknown>): TexResult {
  const refused: string[] = [];
  try {
    const html = renderBounded(adaptEnvironments(tex, displayMode), {
      ...katexSafeOptions,
      displayMode,
      macros: { ...macros } as KatexOptions["macros"],
      trust: (context) => {
        refused.push(context.command);
        return false;
      },
    });
    if (refused.length) {
      return { ok: false, message: `${refused.join(", ")} is not allowed: TeX may not emit links, HTML or images` };
    }
    return { ok: true, html };
  } catch (error) {
    // KaTeX recurses per nesting level; thousands of braces overflow the stack, which is a content problem too.
    if (error instanceof RangeError) return { ok: false, message: "the formula is nested too deeply" };
    const e = error as { rawMessage?: string; message?: string };
    const message = e.rawMessage ?? e.message ?? String(error);
    const undefinedName = /^Undefined control sequence: (\\[A-Za-z]+)$/.exec(message)?.[1];
    return undefinedName ? { ok: false, message: undefinedMacroMessage(undefinedName), undefinedMacro: undefinedName } : { ok: false, message };
  }
}
