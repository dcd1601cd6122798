import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as cheerio from "cheerio";
import type { Element } from "domhandler";
import type { Problem } from "../content/problems.ts";
import { listFiles } from "./files.ts";

/**
 * Sources each directive may list; anything else (unsafe-inline, unsafe-eval, hosts, data:, *) is a problem. A
 * script-src may also name inline scripts by hash (`'sha256-...'`): each must be the hash of an inline script on the
 * page, so the policy allows exactly the site's own inline text and nothing a paper could add.
 */
const allowedSources: Record<string, readonly string[]> = {
  "default-src": ["'self'", "'none'"],
  "script-src": ["'self'", "'none'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'", "'self'"],
};
/** A CSP source expression for an inline script: `'sha256-<base64>'` of its exact text. */
export const cspHash = (script: string): string => `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;

/**
 * Directives every page's policy must give. No `script-src` is needed: without it scripts fall back to `default-src`
 * (CSP Level 3, "script-src" fallback list), whose sources are checked the same way.
 */
const requiredDirectives = ["default-src", "object-src", "base-uri"];
const unsafeUrl = /^\s*(?:javascript|vbscript|data):/i;

/** The one type of inline <script> allowed: a data block, which browsers never execute. */
const jsonLdType = "application/ld+json";

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Splits a Content-Security-Policy into directive -> sources. */
export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/**
 * Checks every HTML page under `dir` for what the security model promises readers: a Content-Security-Policy meta
 * tag that allows no inline script but by its hash, no <script> without src (but JSON-LD data blocks: exactly that
 * type, valid JSON, no "<"; and inline scripts whose exact hash the policy lists), no on* event attributes, no javascript:, vbscript: or data: URLs, no embedded frames or objects, and
 * style attributes only inside KaTeX's output.
 */
export function checkPageSecurity(dir: string): Problem[] {
  const problems: Problem[] = [];
  for (const file of listFiles(dir).filter((f) => f.endsWith(".html"))) {
    const $ = cheerio.load(readFileSync(path.join(dir, file), "utf8"), { sourceCodeLocationInfo: true });
    const at = (el: { sourceCodeLocation?: { startLine: number } | null } | undefined, field: string, message: string) => {
      problems.push({ file, line: el?.sourceCodeLocation?.startLine, field, message });
    };

    const metas = $("head meta").filter((_, el) => ($(el).attr("http-equiv") ?? "").toLowerCase() === "content-security-policy");
    if (metas.length !== 1) at(undefined, "csp", `has ${metas.length} Content-Security-Policy meta tags in <head>; expected exactly one`);
    metas.each((_, el) => {
      const csp = parseCsp($(el).attr("content") ?? "");
      for (const name of requiredDirectives) if (!csp.has(name)) at(el, "csp", `Content-Security-Policy has no ${name}`);
      for (const [name, allowed] of Object.entries(allowedSources)) {
        for (const source of csp.get(name) ?? []) {
          if (name === "script-src" && /^'sha256-[A-Za-z0-9+/]+=*'$/.test(source)) continue;
          if (!allowed.includes(source)) at(el, "csp", `Content-Security-Policy ${name} allows ${source}`);
        }
      }
    });
    const scriptHashes = new Set(metas.toArray().flatMap((el) => parseCsp($(el).attr("content") ?? "").get("script-src") ?? []).filter((s) => s.startsWith("'sha256-")));
    const inlineHashes = new Set<string>();
    $("script:not([src])").each((_, el) => {
      // A JSON-LD block is data, never run (its type is not a JavaScript type); it must be exactly that type, valid
      // JSON, and hold no "<" at all, so no text in it can close the element or start a comment.
      if ($(el).attr("type") === jsonLdType) {
        const text = $(el).text();
        if (text.includes("<")) at(el, "script", "has a JSON-LD block containing \"<\" (write it as \\u003c)");
        else if (!isJson(text)) at(el, "script", "has a JSON-LD block that is not valid JSON");
      } else {
        // An inline script runs only when the page's policy names its exact text by hash.
        const hash = cspHash($(el).text());
        inlineHashes.add(hash);
        if (!scriptHashes.has(hash)) at(el, "script", "has an inline <script> whose hash the Content-Security-Policy does not list; scripts must be files (src=...)");
      }
    });
    for (const hash of scriptHashes) {
      if (!inlineHashes.has(hash)) at(undefined, "csp", `Content-Security-Policy script-src allows ${hash}, which is no inline script of this page`);
    }
    $("iframe, frame, object, embed, base").each((_, el) => at(el, el.tagName, `has a <${el.tagName}> element`));
    $("*").each((_, node) => {
      if (node.type !== "tag" && node.type !== "script" && node.type !== "style") return;
      const el = node as Element;
      for (const [name, value] of Object.entries(el.attribs)) {
        if (/^on/i.test(name)) at(el, `${el.tagName}[${name}]`, `has an event handler attribute ${name}`);
        else if (["href", "src", "action", "formaction", "xlink:href"].includes(name) && unsafeUrl.test(value)) {
          at(el, `${el.tagName}[${name}]`, `has an unsafe URL "${value.slice(0, 60)}"`);
        }
      }
    });
    $("[style]").each((_, el) => {
      if ($(el).closest("math").length === 0) at(el, `${el.tagName}[style]`, "has a style attribute outside KaTeX's output");
    });
  }
  return problems;
}
