/**
 * KaTeX's stylesheet as the site serves it. Two changes to the file KaTeX ships:
 * - `font-display: swap`: KaTeX's `block` hides math for up to 3 s while its fonts load on a slow network; with
 *   `swap` the formula shows at once in a fallback font and takes the KaTeX font when it arrives.
 * - only the `woff2` sources: every browser the site supports reads woff2, so the `woff` and `ttf` files (0.8 MB)
 *   are never fetched; they are not published either (see the assets adapter).
 */
export function siteKatexCss(css: string): string {
  const faces = css.match(/@font-face\s*\{[^}]*\}/g) ?? [];
  if (!faces.length) throw new Error("KaTeX CSS: no @font-face rules found; has its format changed?");
  return css.replace(/@font-face\s*\{[^}]*\}/g, (face) => {
    const withSwap = face.replace(/font-display\s*:\s*[a-z]+/, "font-display:swap");
    const src = /src\s*:\s*([^;}]*)/.exec(withSwap);
    const woff2 = src?.[1]?.split(/,(?=\s*url\()/).find((part) => /format\(\s*["']woff2["']\s*\)/.test(part));
    if (!src || !woff2) throw new Error(`KaTeX CSS: a font without a woff2 source: ${face.slice(0, 120)}`);
    const swapped = withSwap.includes("font-display") ? withSwap : withSwap.replace("{", "{font-display:swap;");
    return swapped.replace(src[0], `src:${woff2.trim()}`);
  });
}
