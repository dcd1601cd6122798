import { createRequire } from "node:module";
import path from "node:path";
import katex, { type KatexOptions } from "katex";
import { renderBounded } from "./tex-limits.ts";

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
export type TexResult = { ok: true; html: string } | { ok: false; message: string };

/** Typesets one formula with the safe settings; a TeX error or an untrusted command is returned, never rendered as a red box. */
export function renderTex(tex: string, displayMode: boolean, output: MathOutput): TexResult {
  const refused: string[] = [];
  if (tex.length > texLimits.formulaChars) {
    return { ok: false, message: `the formula is ${tex.length} characters; the limit is ${texLimits.formulaChars}` };
  }
  try {
    const html = renderBounded(tex, {
      ...katexSafeOptions,
      displayMode,
      output,
      macros: {},
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
    return { ok: false, message: e.rawMessage ?? e.message ?? String(error) };
  }
}
