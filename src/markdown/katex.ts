import { createRequire } from "node:module";
import path from "node:path";
import katex, { type KatexOptions } from "katex";
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

/**
 * The macro table for one text: built-ins, then `macros` (the site's and the paper's, merged by the caller). Build it
 * once per text and pass it to `renderTex`, which copies it per formula.
 */
export function macroTable(macros: MacroTable = {}): MacroTable {
  return Object.keys(macros).length ? { ...builtinMacros, ...macros } : builtinMacros;
}

/**
 * The table one formula sees: reads fall through to `base`, writes (`\\def` in the formula) stay in a fresh object.
 * Copying the few hundred built-ins for every formula doubled the time KaTeX takes.
 */
function layered(base: object): Record<string, unknown> {
  const fallback = (key: string | symbol) => typeof key === "string" && Object.hasOwn(base, key);
  return new Proxy<Record<string, unknown>>({}, {
    get: (own, key) => (Object.hasOwn(own, key) ? own[key as string] : fallback(key) ? (base as Record<string, unknown>)[key as string] : undefined),
    has: (own, key) => key in own || fallback(key),
    getOwnPropertyDescriptor: (own, key) =>
      Reflect.getOwnPropertyDescriptor(own, key) ??
      (fallback(key) ? { value: (base as Record<string, unknown>)[key as string], writable: true, enumerable: true, configurable: true } : undefined),
  });
}

const withFunctions = (table: MacroTable) => ({ ...table, ...builtinFunctionMacros });
let lastTable: { table: MacroTable; base: object } | undefined;

/**
 * Environments LaTeX has and KaTeX lacks, or has only in display mode, as KaTeX can typeset them: `multline` as
 * `gather*`, `eqnarray` as a three-column array, `equation` as its content; inside inline math, `align` as `aligned`.
 */
export function adaptEnvironments(tex: string, displayMode: boolean): string {
  // `%` starts a comment in TeX, which in a one-line abstract would eat the rest of the formula: it is a percent sign.
  if (tex.includes("%")) tex = tex.replace(/(?<!\\)((?:\\\\)*)%/g, "$1\\%");
  // `\texttt{transformer_lens}`: in text, `_` and `#` are characters, as LaTeX's text commands would print them.
  if (/\\(?:text|mbox)/.test(tex)) {
    tex = tex.replace(/(\\(?:text[a-z]*|mbox)\s*\{)([^{}$]*)\}/g, (_, open: string, body: string) => `${open}${body.replace(/(?<!\\)([_#])/g, "\\$1")}}`);
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
export function renderTex(tex: string, displayMode: boolean, output: MathOutput, macros: MacroTable = builtinMacros): TexResult {
  const refused: string[] = [];
  if (tex.length > texLimits.formulaChars) {
    return { ok: false, message: `the formula is ${tex.length} characters; the limit is ${texLimits.formulaChars}` };
  }
  if (lastTable?.table !== macros) lastTable = { table: macros, base: withFunctions(macros) };
  try {
    const html = katex.renderToString(adaptEnvironments(tex, displayMode), {
      ...katexSafeOptions,
      displayMode,
      output,
      macros: layered(lastTable.base) as KatexOptions["macros"],
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
