import { readFileSync } from "node:fs";
import path from "node:path";
import * as cheerio from "cheerio";
import type { Problem } from "../content/problems.ts";
import type { SiteConfig } from "../site.ts";
import { listFiles, urlPathOf } from "./files.ts";

// Any origin works for resolving relative links; this one can never be a real site.
const base = "https://verify.invalid";
const urlAttributes = [["href", "[href]"], ["src", "[src]"], ["action", "form[action]"]] as const;

/**
 * Checks that every internal link of a built site resolves: each href, src and form action in the HTML pages and each
 * url() in the stylesheets names a file in `dir` under the path prefix, and each #fragment an id on the target page.
 * Links to the site's own absolute URL (canonical, feeds) count as internal; other origins and mailto are not checked.
 */
export function checkLinks(dir: string, site: Pick<SiteConfig, "url" | "pathPrefix">): Problem[] {
  const files = listFiles(dir);
  const present = new Set(files);
  const siteOrigin = new URL(site.url).origin;
  const sitePath = new URL(site.url).pathname.replace(/\/+$/, "");
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string): Set<string> => {
    let found = ids.get(file);
    if (!found) {
      const $ = cheerio.load(readFileSync(path.join(dir, file), "utf8"));
      found = new Set([...$("[id]").map((_, el) => $(el).attr("id")), ...$("a[name]").map((_, el) => $(el).attr("name"))]);
      ids.set(file, found);
    }
    return found;
  };
  const problems: Problem[] = [];

  /** The file a link lands on, or a reason it lands nowhere. */
  const resolve = (from: string, value: string): { file: string; fragment: string } | { error: string } | undefined => {
    let url: URL;
    try {
      url = new URL(value, base + urlPathOf(from, site.pathPrefix));
    } catch {
      return { error: "is not a valid URL" };
    }
    let pathname: string;
    if (url.origin === base) pathname = url.pathname;
    else if (url.origin === siteOrigin && url.pathname.startsWith(sitePath + "/")) pathname = url.pathname.slice(sitePath.length);
    else return undefined; // another site, mailto:, data: ...
    if (!pathname.startsWith(site.pathPrefix)) return { error: `is outside the path prefix ${site.pathPrefix}` };
    let rel: string;
    let fragment: string;
    try {
      rel = decodeURIComponent(pathname.slice(site.pathPrefix.length));
      fragment = decodeURIComponent(url.hash.slice(1));
    } catch {
      return { error: "has a malformed %-escape" };
    }
    const file = rel === "" || rel.endsWith("/") ? `${rel}index.html` : rel;
    if (present.has(file)) return { file, fragment };
    if (present.has(`${file}/index.html`)) return { file: `${file}/index.html`, fragment };
    return { error: `points to ${pathname}, which is not in the built site` };
  };
  const check = (from: string, line: number | undefined, field: string, value: string) => {
    const target = resolve(from, value);
    if (!target) return;
    if ("error" in target) {
      problems.push({ file: from, line, field, message: `"${value}" ${target.error}` });
    } else if (target.fragment && target.fragment !== "top" && target.file.endsWith(".html") && !idsOf(target.file).has(target.fragment)) {
      problems.push({ file: from, line, field, message: `"${value}": ${target.file} has no element with id "${target.fragment}"` });
    }
  };

  for (const file of files) {
    if (file.endsWith(".html")) {
      const $ = cheerio.load(readFileSync(path.join(dir, file), "utf8"), { sourceCodeLocationInfo: true });
      for (const [attribute, selector] of urlAttributes) {
        $(selector).each((_, el) => {
          check(file, el.sourceCodeLocation?.startLine, `${el.tagName}[${attribute}]`, $(el).attr(attribute) ?? "");
        });
      }
    } else if (file.endsWith(".css")) {
      const css = readFileSync(path.join(dir, file), "utf8");
      for (const match of css.matchAll(/url\(\s*(["']?)([^"')]+)\1\s*\)|@import\s+(["'])([^"']+)\3/g)) {
        const value = match[2] ?? match[4]!;
        if (value.startsWith("data:") || value.startsWith("#")) continue;
        check(file, css.slice(0, match.index).split("\n").length, "url()", value);
      }
    }
  }
  return problems;
}
