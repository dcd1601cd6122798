import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as cheerio from "cheerio";

/** Gzipped size in bytes (level 9, as static hosts and CDNs compress text). */
export const gzipSize = (bytes: Buffer | string): number => gzipSync(bytes, { level: 9 }).length;

/** A script a page loads in a way that blocks rendering: a classic script in <head> without async or defer. */
export interface BlockingScript {
  src: string;
  /** Pages that load it. */
  pages: number;
}

/**
 * The one script that must block rendering: it puts the reader's saved theme on <html> before the first paint (see
 * README, "Themes"), so it is a classic script in <head> on purpose; `measure:weight` allows it up to `bytes`.
 */
export const themeScript = { path: "assets/theme.js", bytes: 256 };

/** What a built site weighs where readers feel it. */
export interface SiteWeight {
  /** The site's own stylesheet, on every page (KaTeX's aside), raw and gzipped. */
  css: { file: string; bytes: number; gzip: number }[];
  /** The day page with the most papers: its path, paper count, raw and gzipped HTML. */
  largestDay?: { file: string; papers: number; bytes: number; gzip: number };
  /** Render-blocking scripts over every page of the site. */
  blocking: BlockingScript[];
}

function htmlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".html")) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

/** Measures the built site in `dir`: stylesheets, the largest day page, and render-blocking scripts. */
export function measureSiteWeight(dir: string): SiteWeight {
  const css = ["assets/site.css", "assets/search.css"]
    .filter((file) => existsSync(path.join(dir, file)))
    .map((file) => {
      const bytes = readFileSync(path.join(dir, file));
      return { file, bytes: bytes.length, gzip: gzipSize(bytes) };
    });
  let largestDay: SiteWeight["largestDay"];
  const blocking = new Map<string, number>();
  for (const file of htmlFiles(dir)) {
    const html = readFileSync(file);
    const $ = cheerio.load(html);
    $("head script[src]").each((_, el) => {
      const script = $(el);
      const type = (script.attr("type") ?? "").trim().toLowerCase();
      const deferred = script.attr("async") !== undefined || script.attr("defer") !== undefined || type === "module";
      const data = type !== "" && !/javascript|ecmascript/.test(type) && type !== "module";
      if (!deferred && !data) blocking.set(script.attr("src")!, (blocking.get(script.attr("src")!) ?? 0) + 1);
    });
    const rel = path.relative(dir, file).split(path.sep).join("/");
    if (rel.startsWith("date/")) {
      const papers = $("main article.card").length;
      if (!largestDay || papers > largestDay.papers) largestDay = { file: rel, papers, bytes: html.length, gzip: gzipSize(html) };
    }
  }
  return { css, largestDay, blocking: [...blocking].map(([src, pages]) => ({ src, pages })) };
}
