import { createRequire } from "node:module";
import path from "node:path";
import katex, { type KatexOptions } from "katex";
import { renderBounded } from "./tex-limits.ts";
import { builtinFunctionMacros, builtinMacros, undefinedMacroMessage, type MacroTable } from "./macros.ts";

const require = createRequire(import.meta.url);

/** The KaTeX version that renders our pages; its CSS and fonts are served from a folder named after it. */
export const katexVersion: string = katex.version;

/** Folder of the installed KaTeX distribution (katex.min.css and fonts/). */
export const katexDistDir: string = path.dirname(require.resolve("katex/dist/katex.min.css"));

/** How math is written out: HTML plus MathML for pages, MathML alone for feeds (feed readers strip CSS). */
export type MathOutput = "htmlAndMathml" | "mathml";

/**
 * Safe KaTeX settings. No trusted commands (\href, \url, \includegraphics, \html*), bounded sizes and macro expansion,
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
} as const satisfies KatexOptions;

/**
 * Limits on the TeX of one text (a title or an abstract). KaTeX's time grows faster than the length of a formula (150,000
 * characters took 20 s) and its output is ~300 bytes per character of a matrix, so both are bounded; real abstracts use
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

/** Result of typesetting one formula: the markup, or the reason it cannot be typeset. */
export type TexResult = { ok: true; html: string } | { ok: false; message: string; undefinedMacro?: string };

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

/** Typesets one formula with the safe settings; a TeX error or an untrusted command is returned, never rendered as a red box. */
export function renderTex(tex: string, displayMode: boolean, output: MathOutput, macros: MacroTable = {}): TexResult {
  const refused: string[] = [];
  if (tex.length > texLimits.formulaChars) {
    return { ok: false, message: `the formula is ${tex.length} characters; the limit is ${texLimits.formulaChars}` };
  }
  try {
    const html = renderBounded(adaptEnvironments(tex, displayMode), {
      ...katexSafeOptions,
      displayMode,
      output,
      macros: { ...macros },
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
