// The built site is valid: every internal link and anchor resolves (under a path prefix too), every page passes
// html-validate and the page-security checks (CSP meta tag, no inline script, no on* attributes), every XML file
// parses strictly. Run on a fixture covering every page kind and on a copy of the example content.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatProblem } from "../src/content/problems.ts";
import { checkFormats, xmlProblems } from "../src/verify/formats.ts";
import { validateHtml } from "../src/verify/html.ts";
import { checkLinks } from "../src/verify/links.ts";
import { checkPageSecurity, cspHash } from "../src/verify/page-security.ts";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";

const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'">`;
const hashedCsp = (hash: string) => `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' ${hash}; object-src 'none'; base-uri 'none'">`;
const page = (body: string, head = csp) => `<!doctype html><html lang="en"><head><meta charset="utf-8">${head}<title>t</title></head><body>${body}</body></html>\n`;

/** Writes `files` into a fresh folder and returns its path. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "digest-verify-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe("the checkers find what they look for", () => {
  it("checkLinks: missing pages, missing anchors, links outside the prefix, own-origin URLs and CSS url()", () => {
    const dir = folder({
      "index.html": page(`<main id="top-of-page">
<a href="/digest/papers/a/">ok</a> <a href="/digest/papers/a/#abstract">ok anchor</a> <a href="papers/a/">ok relative</a>
<a href="/digest/papers/b/">missing page</a>
<a href="/digest/papers/a/#nope">missing anchor</a>
<a href="/elsewhere/">outside prefix</a>
<a href="https://digest.example.org/digest/gone/">own origin, missing</a>
<a href="https://other.example/x">other site, not checked</a> <a href="mailto:a@b.c">mail</a> <a href="#top-of-page">here</a>
<link rel="stylesheet" href="/digest/style.css"></main>`),
      "papers/a/index.html": page('<h2 id="abstract">Abstract</h2>'),
      "style.css": "@font-face { src: url(fonts/a.woff2) format('woff2'), url(\"fonts/missing.woff\"); } .x { background: url(data:image/png;base64,AA==) }",
      "fonts/a.woff2": "",
    });
    try {
      expect(checkLinks(dir, { url: "https://digest.example.org", pathPrefix: "/digest/" }).map(formatProblem)).toEqual([
        'index.html:3: a[href]: "/digest/papers/b/" points to /digest/papers/b/, which is not in the built site',
        'index.html:4: a[href]: "/digest/papers/a/#nope": papers/a/index.html has no element with id "nope"',
        'index.html:5: a[href]: "/elsewhere/" is outside the path prefix /digest/',
        'index.html:6: a[href]: "https://digest.example.org/digest/gone/" points to /digest/gone/, which is not in the built site',
        'style.css:1: url(): "fonts/missing.woff" points to /digest/fonts/missing.woff, which is not in the built site',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("checkPageSecurity: CSP meta tag and its sources, inline scripts, event handlers, unsafe URLs, stray styles", () => {
    const dir = folder({
      "ok.html": page('<script src="/a.js"></script><math><menclose style="border:1px solid red"><mi>x</mi></menclose></math><script type="application/ld+json">{"name":"a \\u003c b"}</script>'),
      "ld.html": page('<script type="application/ld+json">{"name": "</p><p>"}</script>\n<script type="application/ld+json">{name}</script>\n<script type="Application/LD+JSON">{}</script>'),
      "bad.html": page(
        '<script>alert(1)</script>\n<img src="x.png" alt="" onerror="alert(1)">\n<a href="javascript:alert(1)">x</a>\n<b style="color:red">x</b>\n<iframe src="/x"></iframe>',
        `<meta http-equiv="Content-Security-Policy" content="default-src *; script-src 'self' 'unsafe-inline'">`,
      ),
      "none.html": page("<p>x</p>", ""),
      // An inline script runs only when the policy names its exact text by hash; a hash must name a script of the page.
      "hashed.html": page("<script>one()</script>", hashedCsp(cspHash("one()"))),
      "rehashed.html": page("<script>one();two()</script>", hashedCsp(cspHash("one()"))),
      // No script-src: scripts fall back to default-src, which allows the site's files alone (the pages' policy).
      "fallback.html": page('<script src="/a.js"></script>', `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; object-src 'none'; base-uri 'none'">`),
      "fallback-inline.html": page("<script>one()</script>", `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; object-src 'none'; base-uri 'none'">`),
    });
    try {
      expect(checkPageSecurity(dir).map(formatProblem)).toEqual([
        "bad.html:1: csp: Content-Security-Policy has no object-src",
        "bad.html:1: csp: Content-Security-Policy has no base-uri",
        "bad.html:1: csp: Content-Security-Policy default-src allows *",
        "bad.html:1: csp: Content-Security-Policy script-src allows 'unsafe-inline'",
        "bad.html:1: script: has an inline <script> whose hash the Content-Security-Policy does not list; scripts must be files (src=...)",
        "bad.html:5: iframe: has a <iframe> element",
        "bad.html:2: img[onerror]: has an event handler attribute onerror",
        'bad.html:3: a[href]: has an unsafe URL "javascript:alert(1)"',
        "bad.html:4: b[style]: has a style attribute outside KaTeX's output",
        "fallback-inline.html:1: script: has an inline <script> whose hash the Content-Security-Policy does not list; scripts must be files (src=...)",
        'ld.html:1: script: has a JSON-LD block containing "<" (write it as \\u003c)',
        "ld.html:2: script: has a JSON-LD block that is not valid JSON",
        "ld.html:3: script: has an inline <script> whose hash the Content-Security-Policy does not list; scripts must be files (src=...)",
        "none.html: csp: has 0 Content-Security-Policy meta tags in <head>; expected exactly one",
        `rehashed.html:1: script: ${"has an inline <script> whose hash the Content-Security-Policy does not list; scripts must be files (src=...)"}`,
        `rehashed.html: csp: Content-Security-Policy script-src allows ${cspHash("one()")}, which is no inline script of this page`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("validateHtml and the strict XML parse report invalid markup with file and line", () => {
    const dir = folder({ "a.html": page("<p><div>nested</div></p>") });
    try {
      expect(validateHtml(dir).length).toBeGreaterThan(0);
      expect(validateHtml(dir)[0]).toMatchObject({ file: "a.html", line: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(xmlProblems('<?xml version="1.0"?>\n<rss><title>a & b</title></rss>', "feed.xml").map(formatProblem)).toEqual([
      "feed.xml:2: not well-formed XML: unclosed tag: title",
    ]);
    expect(xmlProblems('<?xml version="1.0"?>\n<rss><title>a &amp; b</title></rss>', "feed.xml")).toEqual([]);
  });
});

/** Every check the site must pass, as `path:line: field: message` lines (empty when the site is valid). */
function allProblems(site: FixtureSite, pathPrefix: string): string[] {
  return [
    ...checkLinks(site.outputDir, { url: "https://digest.example.org", pathPrefix }),
    ...validateHtml(site.outputDir),
    ...checkPageSecurity(site.outputDir),
    ...checkFormats(site.outputDir),
  ].map(formatProblem);
}

describe("a fixture covering every page kind, served under a path prefix", () => {
  let site: FixtureSite;
  beforeAll(() => {
    site = fixtureSite(
      {
        "2026-01-30/a.md": paper({ title: "Bounds $\\mathcal O(\\sqrt K)$ & <more>", date: "2026-01-30", arxiv: "2601.00001", tags: ["theory", "rl"], upvotes: 12, organization: "Lab & Co", published: "2026-01-20", category: "cs.LG", doi: "10.1145/3580305.3599256", venue: "NeurIPS 2025", links: { code: "https://github.com/example/a", project: "https://example.org/a" } }, "We prove $$\\sum_{k=1}^K x_k \\le \\sqrt K$$ and more.\n\nSee <https://example.org>."),
        "2026-02-02/b.md": paper({ title: "Old-style id", date: "2026-02-02", arxiv: "hep-th/9901001", authors: Array.from({ length: 12 }, (_, i) => `Author ${i + 1}`), authorCount: 40, tags: ["theory"] }),
        "2026-02-02/c.md": paper({ title: "Not on arXiv", date: "2026-02-02", id: "workshop-paper", url: "https://example.org/paper" }, "An abstract with *emphasis*, `code` and a [link](https://example.org)."),
        "2026-02-16/d.md": paper({ title: "Latest", date: "2026-02-16", arxiv: "2602.00001", tags: ["rl"] }),
      },
      // One paper a tag page: tags span pages linked under the prefix.
      { pathPrefix: "/digest/", tagPageSize: 1 },
    );
    const result = site.build();
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
  afterAll(() => site.cleanup());

  it("has every page kind", () => {
    const files = site.files();
    for (const expected of ["index.html", "404.html", "archive/index.html", "date/2026-01-30/index.html", "date/2026-02-16/index.html",
      "week/2026-W05/index.html", "week/2026-W08/index.html", "month/2026-01/index.html", "month/2026-02/index.html",
      "papers/2601.00001/index.html", "papers/hep-th_9901001/index.html", "papers/workshop-paper/index.html", "tags/rl/index.html", "tags/theory/index.html", "tags/theory/page/2/index.html"]) {
      expect(files).toContain(expected);
    }
  });

  it("passes the link checker, html-validate, the page-security checks and the strict XML parse", () => {
    expect(allProblems(site, "/digest/")).toEqual([]);
  });

  it("`npm run verify` passes on the site and fails, naming each broken link, once a page is deleted", () => {
    const ok = site.run("verify.ts");
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/verified: no problems\.\n$/);
    const copy = mkdtempSync(path.join(tmpdir(), "digest-verify-"));
    try {
      cpSync(site.outputDir, copy, { recursive: true });
      rmSync(path.join(copy, "papers", "workshop-paper", "index.html"));
      const broken = site.run("verify.ts", [], { SITE_OUTPUT_DIR: copy });
      expect(broken.status).toBe(1);
      expect(broken.stdout).toMatch(/^date\/2026-02-02\/index\.html:\d+: a\[href\]: "\/digest\/papers\/workshop-paper\/" points to \/digest\/papers\/workshop-paper\/, which is not in the built site$/m);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("`npm run verify` checks against the settings the build used, whatever SITE_* says when it runs", () => {
    const other = site.run("verify.ts", [], { SITE_URL: "https://elsewhere.example.org", SITE_PATH_PREFIX: "/other/" });
    expect(other.status, other.stdout + other.stderr).toBe(0);
    expect(other.stdout).toContain("Verifying with the settings");
    expect(other.stdout).toContain("pathPrefix /digest/.");
    expect(other.stdout).toMatch(/verified: no problems\.\n$/);
  });

  it("sends the same Content-Security-Policy on every page, allowing no inline script", () => {
    const pages = site.files().filter((f) => f.endsWith(".html"));
    expect(pages.length).toBeGreaterThan(10);
    for (const file of pages) {
      // No script-src: scripts fall back to default-src 'self', the site's own files (README, "Security model").
      expect(site.read(file), file).toMatch(/<meta http-equiv=Content-Security-Policy content="default-src 'self'; (?![^"]*script-src)[^"]*">/);
      // Nor an img-src allowing data: images; the site makes none (images fall back to default-src 'self').
      expect(/content="(default-src [^"]*)"/.exec(site.read(file))?.[1], file).not.toMatch(/img-src|data:/);
    }
  });
});

describe("the example content in content/papers", () => {
  let site: FixtureSite;
  beforeAll(() => {
    site = fixtureSite({});
    cpSync(path.join(repoRoot, "content", "papers"), site.contentDir, { recursive: true });
    const result = site.build();
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
  afterAll(() => site.cleanup());

  it("builds into a site that passes every check", () => {
    expect(site.files().filter((f) => f.startsWith("papers/")).length).toBeGreaterThan(10);
    expect(allProblems(site, "/")).toEqual([]);
  });
});
