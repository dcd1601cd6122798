import { createRequire } from "node:module";
import path from "node:path";
import katex, { type KatexOptions } from "katex";

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

/** Result of typesetting one formula: the markup, or the reason it cannot be typeset. */
export type TexResult = { ok: true; html: string } | { ok: false; message: string };

/** Typesets one formula with the safe settings; a TeX error or an untrusted command is returned, never rendered as a red box. */
export function renderTex(tex: string, displayMode: boolean, output: MathOutput): TexResult {
  const refused: string[] = [];
  try {
    const html = katex.renderToString(tex, {
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
    const e = error as { rawMessage?: string; message?: string };
    return { ok: false, message: e.rawMessage ?? e.message ?? String(error) };
  }
}
