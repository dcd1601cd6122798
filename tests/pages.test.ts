import { readFileSync } from "node:fs";
import path from "node:path";
import * as cheerio from "cheerio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestPapers } from "./fixtures/digest.ts";
import { pageMath } from "./helpers/math.ts";
import { fixtureSite, paper, type FixtureSite } from "./helpers/site.ts";

const siteUrl = "https://digest.example.org";

/** Builds a fixture site of the test digest and fails with the build's own output when it does not succeed. */
function buildDigest(env: Record<string, string>): FixtureSite {
  const site = fixtureSite(digestPapers, { url: siteUrl, description: "Test digest." });
  const result = site.build(env);
  if (result.status !== 0) throw new Error(`build failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return site;
}

const html = (file: string) => file.endsWith(".html");

describe("the built digest", () => {
  let site: FixtureSite;
  let tokyo: FixtureSite;
  beforeAll(() => {
    site = buildDigest({ TZ: "America/Los_Angeles" });
    tokyo = buildDigest({ TZ: "Asia/Tokyo" });
  });
  afterAll(() => {
    site?.cleanup();
    tokyo?.cleanup();
  });

  const page = (rel: string) => cheerio.load(site.read(rel));
  /** Paper slugs of the cards on a day page, in order. */
  const cards = ($: cheerio.CheerioAPI) => $("main article.paper").map((_, a) => $(a).attr("id")!.replace(/^paper-/, "")).get();
  /** Paper slugs linked from a week or month page, in order. */
  const listed = ($: cheerio.CheerioAPI) =>
    $("main section.day a[href^='/papers/']").map((_, a) => $(a).attr("href")!.replace(/^\/papers\/|\/$/g, "")).get();
  const days = ($: cheerio.CheerioAPI) => $("main section.day").map((_, s) => $(s).attr("aria-labelledby")!.replace(/^day-/, "")).get();
  const pager = ($: cheerio.CheerioAPI) => [$("nav.pager a[rel=prev]").attr("href"), $("nav.pager a[rel=next]").attr("href")];

  it("writes one page per day, ISO week, month and paper, and nothing for days without papers", () => {
    const pages = site.files().filter(html);
    expect(pages.filter((f) => f.startsWith("date/"))).toEqual(
      ["2021-01-03", "2025-12-29", "2026-01-01", "2026-01-04", "2026-01-05", "2027-01-01"].map((d) => `date/${d}/index.html`),
    );
    expect(pages.filter((f) => f.startsWith("week/"))).toEqual(
      ["2020-W53", "2026-W01", "2026-W02", "2026-W53"].map((w) => `week/${w}/index.html`),
    );
    expect(pages.filter((f) => f.startsWith("month/"))).toEqual(["2021-01", "2025-12", "2026-01", "2027-01"].map((m) => `month/${m}/index.html`));
    expect(pages.filter((f) => f.startsWith("papers/"))).toEqual(
      ["2101.00001", "2301.12942", "2601.00010", "2601.00011", "2601.00012", "2601.00013", "2601.00020", "2701.00001", "delta-paper", "hep-th_9901001"]
        .map((id) => `papers/${id}/index.html`),
    );
    expect(pages).toContain("index.html");
    expect(pages).toContain("archive/index.html");
  });

  it("shows the latest day on the home page", () => {
    const $ = page("index.html");
    expect($("main h1").text()).toMatch(/^Friday, 1 January 2027/);
    expect(cards($)).toEqual(["2701.00001"]);
    expect(pager($)).toEqual(["/date/2026-01-05/", undefined]);
  });

  it("orders a day's papers by upvotes, then by title as a reader sorts it", () => {
    const $ = page("date/2026-01-01/index.html");
    expect($("main h1").text()).toBe("Thursday, 1 January 2026 5 papers");
    // 10; then the three with 5 by title (Alpha, beta, Delta: case does not split them); then 0.
    expect(cards($)).toEqual(["2601.00010", "2601.00012", "2601.00011", "delta-paper", "2601.00013"]);
  });

  it("dates a card by its first version only: the day it is listed is the page's heading", () => {
    const $ = page("date/2026-01-04/index.html");
    expect($("main h1").text()).toMatch(/^Sunday, 4 January 2026/);
    expect($("#paper-2301\\.12942 .paper-dates").text()).toBe("First version 30 Jan 2023");
    expect($("#paper-2301\\.12942 time").map((_, t) => $(t).attr("datetime")).get()).toEqual(["2023-01-30"]);
    expect($("main article.card").text()).not.toContain("Listed");
    // Upvotes read "1,234 upvotes"; the "▲" before them is drawn by site.css (tests/reading-browser.test.ts).
    expect($("#paper-2301\\.12942 .upvotes").text()).toBe("1,234 upvotes");
    expect($("main [aria-hidden]").length).toBe(0);
    // The authors as text, no element around them; the organization follows as its link.
    expect($("#paper-2301\\.12942 .paper-meta").html()).toBe(
      'Yan Dai, Haipeng Luo, Chen-Yu Wei and 2 more · <a class="org" href="/organizations/university-of-southern-california/">University of Southern California</a>',
    );
  });

  it("gives each card a link to its abstract on the paper's page, the one copy of the typeset abstract", () => {
    const $ = page("date/2026-01-01/index.html");
    // The link alone: abstract.js makes it a fold (no fold markup on every card for a link it would hold).
    expect($("main details, main summary").length).toBe(0);
    const folds = $("main article.card a.abstract-fold");
    expect(folds.length).toBe(5);
    folds.each((_, fold) => {
      const slug = $(fold).closest("article").attr("id")!.replace(/^paper-/, "");
      // abstract.js fetches the page this link names: no attribute repeats the URL.
      expect($(fold).attr("data-abstract")).toBeUndefined();
      expect($(fold).text()).toBe("Abstract");
      expect($(fold).attr("href")).toBe(`/papers/${slug}/#abstract`);
      // The abstract's own text is not on the day page: only on the paper's page, under #abstract, fetched from there.
      const own = cheerio.load(site.read(`papers/${slug}/index.html`));
      expect(own("h2#abstract + .abstract").text().length).toBeGreaterThan(0);
      expect($.html()).not.toContain(own("h2#abstract + .abstract").html()!);
    });
    expect($("script[src='/assets/abstract.js'][type=module]").length).toBe(1);
    expect(site.exists("assets/abstract.js")).toBe(true);
  });

  it("lists a week's papers compactly: title linked, authors shortened", () => {
    const $ = page("week/2026-W01/index.html");
    const row = $("main li.paper-row").filter((_, li) => $(li).find("a.paper-title").attr("href") === "/papers/2301.12942/");
    // The authors as text after the title, no element around them.
    expect(row.text()).toBe(`${row.find("a.paper-title").text()} Yan Dai, Haipeng Luo, Chen-Yu Wei and 2 more`);
    expect(row.children().length).toBe(1);
    expect($("main .abstract, main article").length).toBe(0);
  });

  it("links each day to the nearest days that have papers, across the gaps", () => {
    const expected: [string, (string | undefined)[]][] = [
      ["2021-01-03", [undefined, "/date/2025-12-29/"]],
      ["2025-12-29", ["/date/2021-01-03/", "/date/2026-01-01/"]],
      ["2026-01-01", ["/date/2025-12-29/", "/date/2026-01-04/"]],
      ["2026-01-04", ["/date/2026-01-01/", "/date/2026-01-05/"]],
      ["2027-01-01", ["/date/2026-01-05/", undefined]],
    ];
    for (const [date, links] of expected) expect(pager(page(`date/${date}/index.html`)), date).toEqual(links);
  });

  it("links each day to its ISO week and its month", () => {
    const up = (date: string) => page(`date/${date}/index.html`)("nav.pager").first().find(".pager-up a").map((_, a) => cheerio.load(a)("a").attr("href")).get();
    expect(up("2025-12-29")).toEqual(["/week/2026-W01/", "/month/2025-12/"]);
    expect(up("2021-01-03")).toEqual(["/week/2020-W53/", "/month/2021-01/"]);
    expect(up("2027-01-01")).toEqual(["/week/2026-W53/", "/month/2027-01/"]);
  });

  it("puts 2025-12-29, 2026-01-01 and 2026-01-04 in week 1 of 2026", () => {
    const $ = page("week/2026-W01/index.html");
    expect($("main h1").text()).toBe("Week 1, 2026 (29 December 2025 – 4 January 2026)");
    expect(days($)).toEqual(["2026-01-04", "2026-01-01", "2025-12-29"]);
    expect(listed($)).toEqual(["2301.12942", "2601.00010", "2601.00012", "2601.00011", "delta-paper", "2601.00013", "hep-th_9901001"]);
    expect($("nav.pager").text()).toContain("7 papers on 3 days");
    expect(pager($)).toEqual(["/week/2020-W53/", "/week/2026-W02/"]);
  });

  it("puts 2027-01-01 in week 53 of 2026 and 2021-01-03 in week 53 of 2020", () => {
    const w53 = page("week/2026-W53/index.html");
    expect(w53("main h1").text()).toBe("Week 53, 2026 (28 December 2026 – 3 January 2027)");
    expect(days(w53)).toEqual(["2027-01-01"]);
    const w2020 = page("week/2020-W53/index.html");
    expect(days(w2020)).toEqual(["2021-01-03"]);
    expect(pager(w2020)).toEqual([undefined, "/week/2026-W01/"]);
  });

  it("splits the same days by calendar month", () => {
    const jan = page("month/2026-01/index.html");
    expect(jan("main h1").text()).toBe("January 2026");
    expect(days(jan)).toEqual(["2026-01-05", "2026-01-04", "2026-01-01"]);
    expect(jan("nav.pager").text()).toContain("7 papers on 3 days");
    expect(pager(jan)).toEqual(["/month/2025-12/", "/month/2027-01/"]);
    expect(days(page("month/2025-12/index.html"))).toEqual(["2025-12-29"]);
  });

  it("lists every month, day, week and tag with counts in the archive", () => {
    const $ = page("archive/index.html");
    expect($("main h1").text()).toBe("Archive 10 papers");
    const months = $("section.archive-month").map((_, s) => [[$(s).find("h2 a").attr("href"), $(s).find("h2 small").text()]]).get();
    expect(months).toEqual([
      ["/month/2027-01/", "1 paper"],
      ["/month/2026-01/", "7 papers"],
      ["/month/2025-12/", "1 paper"],
      ["/month/2021-01/", "1 paper"],
    ]);
    const items = (selector: string) => $(`${selector} li`).map((_, li) => [[$(li).find("a").attr("href"), $(li).find("small").text()]]).get();
    // Days are calendar cells: the day of the month and its count, in calendar order (weeks from Monday).
    const cells = $(".calendar td.has-papers a").map((_, a) => [[$(a).attr("href"), $(a).text(), $(a).attr("aria-label")]]).get();
    expect(cells).toEqual([
      ["/date/2027-01-01/", "1 1", "Friday, 1 January 2027: 1 paper"],
      ["/date/2026-01-01/", "1 5", "Thursday, 1 January 2026: 5 papers"],
      ["/date/2026-01-04/", "4 1", "Sunday, 4 January 2026: 1 paper"],
      ["/date/2026-01-05/", "5 1", "Monday, 5 January 2026: 1 paper"],
      ["/date/2025-12-29/", "29 1", "Monday, 29 December 2025: 1 paper"],
      ["/date/2021-01-03/", "3 1", "Sunday, 3 January 2021: 1 paper"],
    ]);
    // January 2026 starts on a Thursday: three empty cells, then 1 to 4, then a row from Monday the 5th.
    const january = $("section.archive-month").eq(1).find("tbody tr");
    expect(january.first().find("td").map((_, td) => $(td).find(".cal-day").text()).get()).toEqual(["", "", "", "1", "2", "3", "4"]);
    expect(january.eq(1).find("td").first().text()).toBe("5 1");
    expect(january.length).toBe(5);
    expect(items(".archive-weeks")).toEqual([
      ["/week/2026-W53/", "1 paper"],
      ["/week/2026-W02/", "1 paper"],
      ["/week/2026-W01/", "7 papers"],
      ["/week/2020-W53/", "1 paper"],
    ]);
    expect(items(".archive-tags")).toEqual([
      ["/tags/reinforcement-learning/", "1 paper"],
      ["/tags/theory/", "2 papers"],
    ]);
  });

  it("shows every field of a paper, with arXiv abstract and PDF links derived from the id", () => {
    const $ = page("papers/2301.12942/index.html");
    expect($("main h1").text()).toBe("Refined Regret for Adversarial MDPs");
    // The names as text, no markup: site.js links them to their searches (tests/search-browser.test.ts).
    expect($(".authors-full").html()).toBe("Yan Dai, Haipeng Luo, Chen-Yu Wei and 2 more");
    expect($("meta[name=citation_author]").map((_, m) => $(m).attr("content")).get()).toEqual(["Yan Dai", "Haipeng Luo", "Chen-Yu Wei"]);
    const details = Object.fromEntries($("dl.paper-details dt").map((_, dt) => [[$(dt).text(), $(dt).next("dd").text().trim()]]).get());
    expect(details).toMatchObject({
      Listed: "Sunday, 4 January 2026",
      arXiv: "2301.12942",
      "First version": "30 Jan 2023",
      Category: "cs.LG",
      Organization: "University of Southern California",
      Venue: "NeurIPS 2025",
      DOI: "10.1145/3580305.3599256",
      Authors: "5",
      Upvotes: "1,234",
      Tags: "#reinforcement-learning #theory",
    });
    expect($("dl.paper-details a[href='https://doi.org/10.1145/3580305.3599256']").length).toBe(1);
    expect($("dl.paper-details a[href='/date/2026-01-04/']").length).toBe(1);
    // What works only with JavaScript (theme toggle, "Copy BibTeX", the "/" hint) is made by site.js: not in the page.
    expect($(".theme-toggle, .copy-button, .copy-row, .copy-status, .search-key").length).toBe(0);
    // No attribute that says a browser's default on every page: a button in a form submits it without type="submit".
    expect($("form.site-search").length).toBe(1);
    expect($("form.site-search button").length).toBe(1);
    expect($("form.site-search button").attr("type")).toBeUndefined();
    expect($("[method], [enterkeyhint], [data-search], link[rel=icon][type]").length).toBe(0);
    expect($("pre#bibtex").text()).toMatch(/^@misc\{dai2023refined,\n {2}title = \{/);
    // The arXiv id is text in the details; its one link is beside the title.
    expect($("a[href='https://arxiv.org/abs/2301.12942']").length).toBe(1);
    // arXiv, PDF and code beside the title; the "Links" section lists only the others, not those again.
    const links = (list: string) => $(`${list} a`).map((_, a) => [[$(a).text(), $(a).attr("href")]]).get();
    expect(links(".title-links")).toEqual([
      ["arXiv", "https://arxiv.org/abs/2301.12942"],
      ["PDF", "https://arxiv.org/pdf/2301.12942"],
      ["Code", "https://github.com/example/regret"],
    ]);
    expect(links("ul.paper-links")).toEqual([["Project page", "https://regret.example.org/"]]);
    expect($("h2").map((_, h) => $(h).text()).get()).toEqual(["Abstract", "Links", "Cite"]);
    expect($("link[rel=canonical]").attr("href")).toBe(`${siteUrl}/papers/2301.12942/`);
  });

  it("links a paper not on arXiv to its own page, without arXiv or PDF links", () => {
    const $ = page("papers/delta-paper/index.html");
    const links = $(".title-links a").map((_, a) => [[$(a).text(), $(a).attr("href")]]).get();
    expect(links).toEqual([["openreview.net", "https://openreview.net/forum?id=delta"]]);
    // No other link: no "Links" section.
    expect($("ul.paper-links, h2:contains('Links')").length).toBe(0);
    expect($("dl.paper-details dt").map((_, dt) => $(dt).text()).get()).not.toContain("arXiv");
  });

  it("gives an old-style arXiv id a URL-safe page and correct arXiv links", () => {
    const $ = page("papers/hep-th_9901001/index.html");
    expect($(".title-links a").map((_, a) => $(a).attr("href")).get()).toEqual([
      "https://arxiv.org/abs/hep-th/9901001",
      "https://arxiv.org/pdf/hep-th/9901001",
    ]);
  });

  it("writes a fixed one-token attribute value unquoted and leaves out optional end tags; every other value stays quoted", () => {
    // The values the layouts write bare (README, "Output size"): fixed tokens, never a contributor's or the configuration's.
    const bare = new Set(["utf-8", "viewport", "canonical", "alternate", "application/rss+xml", "application/atom+xml",
      "application/feed+json", "icon", "stylesheet", "module", "site-header", "site-title", "Site", "main", "site-footer",
      "site-search", "search", "search-field", "q", "off", "false", "paper-title", "title-links",
      "authors-full", "paper-details", "tag", "abstract", "cite", "bibtex", "0", "Papers", "prev", "next", "paper-links",
      "paper-meta", "paper-facts", "upvotes", "visually-hidden", "category", "card-links", "card-foot", "abstract-fold",
      "org", "paper-dates", "papers", "paper-row", "pager-up", "day",
      // The head's meta tags: their names and the fixed Open Graph type (metaTags in src/digest/format.ts, base.njk).
      "Content-Security-Policy", "description", "og:type", "website", "article", "og:site_name", "og:title",
      "article:published_time", "citation_title", "citation_author", "citation_publication_date", "citation_online_date",
      "citation_arxiv_id", "citation_pdf_url", "citation_doi", "citation_conference_title", "citation_abstract_html_url",
      // KaTeX's fixed MathML values and the display box (withBareMathValues in src/markdown/mathml-core.ts).
      "math-display", "block", "true", "1", "2", "normal", "bold", "italic", "bold-italic", "double-struck", "script",
      "bold-script", "fraktur", "bold-fraktur", "sans-serif", "bold-sans-serif", "sans-serif-italic", "sans-serif-bold-italic", "monospace"]);
    for (const rel of site.files().filter(html)) {
      const text = site.read(rel);
      // Attribute values without quotes, outside the text of scripts.
      const tags = text.replace(/<script>.*?<\/script>/gs, "").match(/<[a-z][a-z0-9]*(?:\s+[^\s"'>=/]+(?:=(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*\s*\/?>/g) ?? [];
      // Attribute by attribute (a quoted value is taken whole, so an "a=b" inside it is not read as an attribute).
      const values = tags.flatMap((tag) =>
        [...tag.matchAll(/\s+[^\s"'>=/]+(?:=("[^"]*"|'[^']*'|[^\s"'>]+))?/g)].map((m) => m[1]).filter((v) => v && !/^["']/.test(v)),
      ) as string[];
      for (const value of values) expect(bare.has(value), `${rel}: ${value}`).toBe(true);
    }
    const paperPage = site.read("papers/2301.12942/index.html");
    expect(paperPage).toContain("<h1 class=paper-title>");
    // No </body> or </html> at the end (optional end tags): the footer is still the body's last element.
    expect(paperPage).toMatch(/<\/footer>\n?$/);
    expect(paperPage).not.toMatch(/<\/body>|<\/html>/);
    expect(page("papers/2301.12942/index.html")("body > :last-child").is("footer.site-footer")).toBe(true);
    // The footer's paragraphs carry no class (none is read by site.css or a script).
    expect(page("papers/2301.12942/index.html")("footer p[class]").length).toBe(0);
    expect(paperPage).not.toMatch(/<\/(dd|dt)>/);
    // The HTML parser closes what the end tags closed: the details are pairs of dt and dd, the paragraphs apart.
    const $ = page("papers/2301.12942/index.html");
    expect($("dl.paper-details > *").map((_, el) => el.tagName).get().join(" ")).toMatch(/^(dt dd )*dt dd$/);
    expect($("p.authors-full dl, p.title-links p, footer p p").length).toBe(0);
    const day = page("date/2026-01-04/index.html");
    expect(day("ol.papers > li > article.paper").length).toBe(day("ol.papers > li").length);
    expect(day("ol.papers > li").length).toBeGreaterThan(0);
  });

  it("writes no line breaks between the head's elements, and the parser finds every one of them in <head>", () => {
    for (const rel of ["papers/2301.12942/index.html", "index.html", "tags/theory/index.html", "organizations/university-of-southern-california/index.html", "date/2026-01-04/index.html"]) {
      const text = site.read(rel);
      const head = text.slice(0, text.indexOf("<header"));
      expect(head, rel).not.toMatch(/>\s+</);
      const $ = page(rel);
      expect($("head > meta[name=citation_author]").length + $("head > link[rel=alternate]").length, rel).toBeGreaterThan(0);
      expect($("body meta, body link, body title").length, rel).toBe(0);
    }
    const $ = page("papers/2301.12942/index.html");
    expect($("head > meta[name=citation_author]").map((_, m) => $(m).attr("content")).get().length).toBeGreaterThan(1);
  });

  it("writes no line break between blocks, only between the header's two links, where it is their space", () => {
    const paperPage = site.read("papers/2301.12942/index.html");
    for (const joined of ["<header class=site-header><a class=site-title", "</nav><form class=site-search", "</form></header><main id=main><article",
      "</dl><h2 id=abstract>Abstract</h2><div class=abstract>", "</h2><pre class=bibtex", "</pre></article><nav class=\"pager paper-pager\"",
      "</nav></main><footer class=site-footer><p>"]) expect(paperPage, joined).toContain(joined);
    expect(paperPage).toMatch(/>Latest<\/a>\n<a href="\/archive\/">Archive</);
    const day = site.read("date/2026-01-04/index.html");
    expect(day).toMatch(/<article class="paper card" id="[^"]+"><h2 class=paper-title>/);
    expect(day).toMatch(/<\/h2><p class=paper-meta>/);
    expect(day).not.toMatch(/<\/div>\n<\/article>/);
    // The fold and a paper's first version stay apart by a space.
    expect(site.read("index.html") + day).not.toMatch(/Abstract<\/a><span class=paper-dates>/);
  });

  it("typesets math at build time as MathML alone, without its TeX source, and no KaTeX stylesheet or fonts", () => {
    const $ = page("papers/2301.12942/index.html");
    expect($(".abstract math").map((_, m) => $.html(m)).get()).toEqual([
      pageMath("\\tilde{\\mathcal O}(K^{2/3})"),
      pageMath("\\tilde{\\mathcal O}(\\sqrt K)"),
      pageMath("\\sum_{k=1}^K \\ell_k(\\pi_k) - \\min_\\pi \\sum_{k=1}^K \\ell_k(\\pi)", true),
    ]);
    // No TeX annotation, no <semantics> around it (README, "Output size"), on any page.
    for (const rel of site.files().filter(html)) expect(page(rel)("annotation, semantics").length, rel).toBe(0);
    expect($("main .katex, main .katex-html, main .katex-mathml, main .abstract [aria-hidden]").length).toBe(0);
    expect($(".abstract .math-display math[display=block]").length).toBe(1);
    // \mathcal O as the Unicode script letter, which MathML Core shows as such (it ignores mathvariant="script").
    expect($(".abstract mi").first().text()).toBe("𝒪");
    expect($(".abstract [mathvariant=script]").length).toBe(0);
    // The title of a paper with math in it is typeset too, and read as plain text in <title>.
    const alpha = page("papers/2601.00012/index.html");
    expect(alpha.html(alpha("h1 math"))).toBe(pageMath("\\alpha"));
    expect(alpha("title").text()).toMatch(/^Alpha α-Stable Laws · /);
    // The browser lays MathML out itself: no page links a KaTeX stylesheet and none is published.
    for (const rel of site.files().filter(html)) expect(page(rel)("link[rel=stylesheet][href*=katex]").length, rel).toBe(0);
    expect(site.files().filter((f) => /katex/i.test(f))).toEqual([]);
  });

  it("links no stylesheet, script or font from another host", () => {
    for (const rel of site.files().filter(html)) {
      const $ = page(rel);
      const loaded = [...$("link[rel=stylesheet]").map((_, l) => $(l).attr("href")).get(), ...$("script[src]").map((_, s) => $(s).attr("src")).get()];
      for (const url of loaded) expect(url, `${rel}: ${url}`).toMatch(/^\/(?!\/)/);
      expect(site.read(rel), rel).not.toMatch(/cdn\.jsdelivr|unpkg\.com|cdnjs|googleapis/);
    }
  });

  it("prints HTML in titles, authors, organizations and abstracts as inert text", () => {
    for (const rel of ["papers/2601.00020/index.html", "date/2026-01-05/index.html", "week/2026-W02/index.html", "tags/theory/index.html"]) {
      if (!site.exists(rel)) continue;
      const $ = page(rel);
      expect($("script").filter((_, s) => $(s).text().includes("alert")).length, rel).toBe(0);
      // No JSON-LD data block: the citation_* tags say what it said (README, "Output size").
      expect($("script[type='application/ld+json']").length, rel).toBe(0);
      expect($("[onerror], iframe, img[src=x]").length, rel).toBe(0);
      expect($("a[href^='javascript:']").length, rel).toBe(0);
    }
    const $ = page("papers/2601.00020/index.html");
    expect($("h1").text()).toBe("Hostile <script>alert('title')</script> Title");
    expect($("title").text()).toMatch(/^Hostile <script>alert\('title'\)<\/script> Title · /);
    expect($(".authors-full").text()).toMatch(/^Mallory <img src=x onerror=alert\('author'\)>/);
    expect($(".authors-full *").length).toBe(0);
    expect($("dl.paper-details").text()).toContain("<b>Org</b>");
    expect($(".abstract").text()).toContain("<script>alert('abstract')</script>");
    expect($(".abstract").text()).toContain("<iframe src=\"https://evil.example\"></iframe>");
  });

  it("writes byte-identical output in any time zone", () => {
    const files = site.files();
    expect(tokyo.files()).toEqual(files);
    const differing = files.filter((f) => !readFileSync(path.join(site.outputDir, f)).equals(readFileSync(path.join(tokyo.outputDir, f))));
    expect(differing).toEqual([]);
    for (const built of [site, tokyo]) {
      const $ = cheerio.load(built.read("date/2026-01-01/index.html"));
      expect($("main h1").text()).toMatch(/^Thursday, 1 January 2026/);
      expect($("main article.paper").length).toBe(5);
    }
  });
});

describe("the built digest under a path prefix", () => {
  let site: FixtureSite;
  beforeAll(() => {
    site = buildDigest({ SITE_PATH_PREFIX: "/digest/" });
  });
  afterAll(() => site?.cleanup());

  it("starts every internal link and source with the prefix", () => {
    const pages = site.files().filter(html);
    expect(pages.length).toBeGreaterThan(20);
    let checked = 0;
    for (const rel of pages) {
      const $ = cheerio.load(site.read(rel));
      $("[href], [src], [action], [srcset]").each((_, el) => {
        for (const attr of ["href", "src", "action", "srcset"]) {
          const value = $(el).attr(attr);
          if (value === undefined) continue;
          checked++;
          if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !value.startsWith(siteUrl)) continue; // another site, mailto:
          if (value.startsWith(siteUrl)) expect(value, `${rel}: ${attr}=${value}`).toMatch(new RegExp(`^${siteUrl}/digest/`));
          else expect(value, `${rel}: ${attr}=${value}`).toMatch(/^\/digest\//);
        }
      });
      const canonical = $("link[rel=canonical]").attr("href");
      expect(canonical, rel).toBe(`${siteUrl}/digest/${rel.replace(/index\.html$/, "")}`);
    }
    expect(checked).toBeGreaterThan(200);
  });

  it("keeps the output layout: the prefix is where the site is served, not a folder in it", () => {
    expect(site.exists("index.html")).toBe(true);
    expect(site.exists("digest/index.html")).toBe(false);
    expect(site.exists("assets/site.css")).toBe(true);
  });
});

describe("tag pages with more papers than fit on one", () => {
  // Seven papers tagged "many", one a day from 2026-02-01 (Paper 1) to 2026-02-07 (Paper 7), three to a page.
  let site: FixtureSite;
  beforeAll(() => {
    const papers: Record<string, string> = {};
    for (let i = 1; i <= 7; i++) {
      const date = `2026-02-0${i}`;
      papers[`${date}/p${i}.md`] = paper({ title: `Paper ${i}`, date, arxiv: `2602.0000${i}`, tags: i <= 2 ? ["many", "few"] : ["many"] });
    }
    site = fixtureSite(papers, { url: siteUrl, tagPageSize: 3 });
    const result = site.build();
    if (result.status !== 0) throw new Error(`build failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  });
  afterAll(() => site?.cleanup());

  const page = (rel: string) => cheerio.load(site.read(rel));
  const titles = ($: cheerio.CheerioAPI) => $("main ol.papers li.paper-row a.paper-title").map((_, a) => $(a).text()).get();
  /** Each pager on the page: previous link, "Page N of M", next link. */
  const pagers = ($: cheerio.CheerioAPI) =>
    $("nav.pager").map((_, nav) => [[$(nav).find("a[rel=prev]").attr("href"), $(nav).children("span").filter((_, s) => $(s).text() !== "").text(), $(nav).find("a[rel=next]").attr("href")]]).get();

  it("writes /tags/<tag>/ as page 1 and /tags/<tag>/page/<n>/ for the others, and no page more", () => {
    expect(site.files().filter((f) => f.startsWith("tags/") && f.endsWith(".html"))).toEqual([
      "tags/few/index.html",
      "tags/many/index.html",
      "tags/many/page/2/index.html",
      "tags/many/page/3/index.html",
    ]);
  });

  it("lists the newest papers first, a page at a time, with previous and next links and page N of M", () => {
    const expected: [string, string[], (string | undefined)[]][] = [
      ["tags/many/index.html", ["Paper 7", "Paper 6", "Paper 5"], [undefined, "Page 1 of 3", "/tags/many/page/2/"]],
      ["tags/many/page/2/index.html", ["Paper 4", "Paper 3", "Paper 2"], ["/tags/many/", "Page 2 of 3", "/tags/many/page/3/"]],
      ["tags/many/page/3/index.html", ["Paper 1"], ["/tags/many/page/2/", "Page 3 of 3", undefined]],
    ];
    for (const [rel, list, pager] of expected) {
      const $ = page(rel);
      expect($("main h1").text(), rel).toBe("#many 7 papers");
      expect(titles($), rel).toEqual(list);
      // Above and below the list.
      expect(pagers($), rel).toEqual([pager, pager]);
      expect($("link[rel=canonical]").attr("href"), rel).toBe(`${siteUrl}/${rel.replace(/index\.html$/, "")}`);
      // Every page links the tag's one set of feeds.
      expect($("link[rel=alternate][type='application/rss+xml']").first().attr("href"), rel).toBe("/tags/many/feed.xml");
    }
    expect(page("tags/many/page/2/index.html")("title").text()).toBe("#many (page 2 of 3) · Test Digest");
  });

  it("shows a tag that fits on one page without a pager", () => {
    const $ = page("tags/few/index.html");
    expect(titles($)).toEqual(["Paper 2", "Paper 1"]);
    // Each row: the title linking to the paper's page, the authors, the day it is listed.
    const row = $("main li.paper-row").first();
    expect(row.find("a.paper-title").attr("href")).toMatch(/^\/papers\/[^/]+\/$/);
    expect(row.contents().eq(1).text()).toMatch(/^ \S.* $/);
    expect(row.find("time").attr("datetime")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect($("nav.pager").length).toBe(0);
    expect($("title").text()).toBe("#few · Test Digest");
  });

  it("links each tag's first page from the archive, with its full count, and keeps every paper in the tag's feed", () => {
    const $ = page("archive/index.html");
    expect($(".archive-tags li").map((_, li) => [[$(li).find("a").attr("href"), $(li).find("small").text()]]).get()).toEqual([
      ["/tags/few/", "2 papers"],
      ["/tags/many/", "7 papers"],
    ]);
    expect(site.read("tags/many/feed.xml").match(/<item>/g)).toHaveLength(7);
  });
});
