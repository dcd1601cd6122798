import { readFileSync } from "node:fs";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { viewports } from "../src/measure/viewports.ts";
import { chromiumMissing, launchChromium } from "./helpers/chromium.ts";
import { examplePapers, fixtureSite, paper, type FixtureSite } from "./helpers/site.ts";
import { serveStatic, type StaticServer } from "./helpers/static-server.ts";

/**
 * The example papers (one day of 45), plus a next day, in another week and month, with a paper from an organization,
 * with tags and math: its day, week and month pages are small, so axe checks every page kind quickly.
 */
function papers(): Record<string, string> {
  const files = examplePapers();
  files["2026-03-02/next.md"] = paper(
    {
      title: "Quantized attention with $\\mathcal{O}(n)$ memory",
      date: "2026-03-02",
      arxiv: "2602.09101",
      authors: ["Grace Hopper", "Ada Lovelace"],
      authorCount: 3,
      published: "2011-05-02",
      organization: "Fixture Lab",
      tags: ["quantization", "transformers"],
      category: "cs.LG",
      doi: "10.1000/fixture.1",
      upvotes: 9,
    },
    "Attention in $\\mathcal{O}(n)$ memory, with the word xylophonist once. A second sentence follows.\n\n" +
      "Over $\\mathbb{R}^n$ the loss $\\mathcal{L}(\\theta) = \\frac{1}{n}\\sum_i \\sqrt{x_i}$, the matrix " +
      "$\\begin{pmatrix}a & b\\\\ c & d\\end{pmatrix}$ and a rule $\\rule{1em}{1em}$:\n\n$$E = mc^2$$\n\n" +
      `$$\\int_0^1 f(x)\\,dx = ${"x_k + ".repeat(60)}y$$`,
  );
  return files;
}

const pageKinds: [name: string, path: string][] = [
  ["home", ""],
  ["day", "date/2026-03-02/"],
  ["week", "week/2026-W10/"],
  ["month", "month/2026-03/"],
  ["archive", "archive/"],
  ["paper", "papers/2602.09101/"],
  ["tag", "tags/quantization/"],
  ["organization", "organizations/fixture-lab/"],
  ["organization with math-free cards", "organizations/nvidia/"],
  ["search with results", "search/?q=language+models"],
  ["404", "404.html"],
];

const themes = ["light", "dark"] as const;
type Width = keyof typeof viewports;

const skip = chromiumMissing();
if (skip) console.warn(skip);

describe.skipIf(Boolean(skip))("reading the site in the browser", () => {
  let site: FixtureSite;
  let server: StaticServer;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    site = fixtureSite(papers());
    const result = site.build();
    expect(result.status, result.stdout + result.stderr).toBe(0);
    server = await serveStatic(site.outputDir);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    site?.cleanup();
  });

  /** A context of one width and system theme that records console errors (CSP violations land there). */
  async function context(width: Width, colorScheme: "light" | "dark" = "light", extra: BrowserContextOptions = {}): Promise<BrowserContext> {
    const created = await browser.newContext({ ...viewports[width], colorScheme, ...extra });
    created.on("page", (page) => {
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`${page.url()}: ${message.text()}`);
      });
      page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
    });
    return created;
  }

  /** Every axe-core violation on the page, as "rule: selector" lines (empty when there is none). */
  async function violations(page: Page): Promise<string[]> {
    const results = await new AxeBuilder({ page }).analyze();
    return results.violations.flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${node.target.join(" ")}`));
  }

  /** Opens the header box's result list on the current page. */
  async function openDropdown(page: Page, query: string): Promise<void> {
    await page.fill("#site-search", query);
    await page.waitForFunction((q) => document.getElementById("site-search-results")?.dataset.query === q, query);
  }

  it("walks a day, the next day, a paper, its author's search, its organization and a tag", async () => {
    const ctx = await context("desktop");
    const page = await ctx.newPage();
    await page.goto(`${server.url}date/2026-02-16/`);
    // Pagers above and below the list.
    expect(await page.locator("nav.pager a[rel=next]").count()).toBe(2);
    await Promise.all([page.waitForURL(/\/date\/2026-03-02\/$/), page.locator("nav.pager a[rel=next]").last().click()]);
    const card = page.locator("article.card").first();
    // The paper's own first version on the card; the digest day is the page's heading.
    expect(await card.locator(".paper-dates").textContent()).toBe("First version 2 May 2011");
    // Upvotes shown as "▲ 9": the triangle drawn by site.css, with no alternative text (the text says "9 upvotes").
    expect(await card.locator(".upvotes").evaluate((el) => getComputedStyle(el, "::before").content)).toBe('"▲ " / ""');
    expect(await card.locator(".upvotes").textContent()).toBe("9 upvotes");
    // The abstract is folded, math included, and one click away: fetched from the paper's page, its one copy.
    expect(await card.locator(".abstract").isVisible()).toBe(false);
    expect(await card.locator(".abstract math").count()).toBe(0);
    await card.locator("summary").click();
    await card.locator(".abstract math").first().waitFor({ state: "visible" });
    expect(await card.locator(".abstract").textContent()).toContain("with the word xylophonist once. A second sentence follows.");
    expect(await card.locator("details").getAttribute("data-state")).toBe("loaded");
    await Promise.all([page.waitForURL(/\/papers\/2602\.09101\/$/), card.locator(".paper-title a").click()]);
    // arXiv and PDF next to the title; previous/next paper at the bottom.
    expect(await page.locator(".title-links a").allTextContents()).toEqual(["arXiv", "PDF"]);
    expect(await page.locator("nav.paper-pager a[rel=next]").getAttribute("href")).toMatch(/^\/papers\/[\d.]+\/$/);
    // The authors, plain names in the HTML, are links to their searches once site.js has run; "and 1 more" stays text.
    await page.locator(".authors-full a").first().waitFor();
    expect(await page.locator(".authors-full a").allTextContents()).toEqual(["Grace Hopper", "Ada Lovelace"]);
    expect(await page.locator(".authors-full").textContent()).toBe("Grace Hopper, Ada Lovelace and 1 more");
    await Promise.all([page.waitForURL(/\/search\/\?q=Grace\+Hopper$/), page.locator(".authors-full a").first().click()]);
    await page.waitForFunction(() => document.getElementById("search-results")?.dataset.query === "q=Grace+Hopper");
    const found = await page.$$eval("#search-results .search-result a", (as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    expect(found).toEqual(["/papers/2602.09101/"]);
    expect(await page.locator(".search-status").textContent()).toBe("1 paper");
    await page.goBack();
    await Promise.all([page.waitForURL(/\/organizations\/fixture-lab\/$/), page.locator("dl.paper-details a[href*='/organizations/']").click()]);
    expect(await page.locator("main h1").textContent()).toBe("Fixture Lab 1 paper");
    expect(await page.locator("link[rel=alternate][href$='/organizations/fixture-lab/feed.xml']").count()).toBe(1);
    expect(site.exists("organizations/fixture-lab/feed.xml")).toBe(true);
    // The organization's page lists the paper compactly; its tags are on the paper's page.
    expect(await page.locator("li.paper-row a.paper-title[href='/papers/2602.09101/']").count()).toBe(1);
    await page.goBack();
    await Promise.all([page.waitForURL(/\/tags\/transformers\/$/), page.locator("dl.paper-details a.tag", { hasText: "#transformers" }).click()]);
    expect(await page.locator("li.paper-row a.paper-title[href='/papers/2602.09101/']").count()).toBe(1);
    await ctx.close();
  });

  it("lays math out as MathML: each formula in a box of its own inside the abstract, display math centred, a wide one scrolling", async () => {
    const ctx = await context("phone");
    const page = await ctx.newPage();
    await page.goto(`${server.url}papers/2602.09101/`);
    const layout = await page.evaluate(() => {
      const box = (el: Element) => el.getBoundingClientRect();
      const abstract = box(document.querySelector(".abstract")!);
      const formulas = [...document.querySelectorAll(".abstract math")].map((math) => {
        const r = box(math);
        const scroller = math.closest(".math-display");
        const shown = scroller ? box(scroller) : r;
        return {
          text: math.textContent!.slice(0, 6),
          sized: r.width > 0 && r.height > 0,
          inside: shown.left >= abstract.left - 0.5 && shown.right <= abstract.right + 0.5 && shown.top >= abstract.top - 0.5 && shown.bottom <= abstract.bottom + 0.5,
          // A rule is drawn inside its formula's box (KaTeX's own MathML gives that box no height).
          ruleInside: [...math.querySelectorAll("mspace[mathbackground]")].every((rule) => box(rule).top >= r.top - 0.5 && box(rule).bottom <= r.bottom + 0.5),
          centred: scroller && scroller.scrollWidth <= scroller.clientWidth ? Math.abs(r.left + r.width / 2 - (shown.left + shown.width / 2)) < 2 : null,
          scrolls: scroller ? scroller.scrollWidth > scroller.clientWidth : null,
        };
      });
      return { formulas, annotations: document.querySelectorAll("annotation, semantics").length, letters: [...document.querySelectorAll(".abstract mi")].map((mi) => mi.textContent).filter((t) => /[^\x00-\u024F]/.test(t!) && !/^[α-ω]$/.test(t!)) };
    });
    // Each formula as its text (MathML without its TeX source: README, "Output size"), in the order of the abstract.
    expect(layout.formulas.map((f) => f.text)).toEqual(["𝒪(n)", "ℝn", "ℒ(θ)=1", "(abcd)", "", "E=mc2", "∫01f(x"]);
    expect(layout.annotations).toBe(0);
    for (const f of layout.formulas) expect(f, f.text).toMatchObject({ sized: true, inside: true, ruleInside: true });
    expect(layout.formulas.map((f) => f.centred)).toEqual([null, null, null, null, null, true, null]);
    expect(layout.formulas.map((f) => f.scrolls)).toEqual([null, null, null, null, null, false, true]);
    // Styled letters are Unicode characters of their own, which MathML Core shows as such (it ignores mathvariant).
    expect(layout.letters).toEqual(["𝒪", "ℝ", "ℒ"]);
    // The site's math font, for readers without one: declared in site.css, published, allowed by the page's CSP, and a
    // real math font (its integral sign is drawn from it, not from a fallback).
    const font = await page.evaluate(async () => {
      const faces = await document.fonts.load('16px "STIX Two Math Web"', "∫ℝ");
      return { loaded: faces.map((face) => face.status), covers: document.fonts.check('16px "STIX Two Math Web"', "∫ℝ") };
    });
    expect(font).toEqual({ loaded: ["loaded"], covers: true });
    expect(readFileSync(path.join(site.outputDir, "assets/fonts/stix-two-math.woff2")).subarray(0, 4).toString("latin1")).toBe("wOF2");
    await ctx.close();
  });

  it("without JavaScript, a card's closed fold is a link to the abstract on the paper's page, drawn as the fold", async () => {
    // The fold as abstract.js makes it, closed: where it is and how it looks.
    const drawn = async (page: Page, selector: string) =>
      page.locator(selector).first().evaluate((el) => {
        const { left, top, width, height } = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return { left, top, width, height, color: style.color, marker: style.listStyleType, decoration: style.textDecorationLine };
      });
    const withJs = await context("desktop");
    const js = await withJs.newPage();
    await js.goto(`${server.url}date/2026-03-02/`);
    await js.locator("article.card details.abstract-fold summary").first().waitFor();
    expect(await js.locator("a.abstract-fold").count()).toBe(0);
    const fold = await drawn(js, "article.card details.abstract-fold summary");
    await withJs.close();
    const ctx = await context("desktop", "light", { javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${server.url}date/2026-03-02/`);
    expect(await page.locator("details").count()).toBe(0);
    expect(await drawn(page, "article.card a.abstract-fold")).toEqual(fold);
    const link = page.locator("article.card").first().locator("a.abstract-fold");
    expect(await link.textContent()).toBe("Abstract");
    await Promise.all([page.waitForURL(/\/papers\/2602\.09101\/#abstract$/), link.click()]);
    expect(await page.locator("#abstract + .abstract").textContent()).toContain("xylophonist");
    // The header's search field has a label of its own (aria-label), not only its placeholder, which screen readers may
    // not announce and which is gone once the reader types.
    expect(await page.getByRole("searchbox", { name: "Search papers", exact: true }).count()).toBe(1);
    expect(await page.locator("#site-search[aria-label]").count()).toBe(1);
    // The header's search button, a plain <button> in its form (no type="submit", the default), submits it.
    await page.fill("#site-search", "xylophonist");
    await Promise.all([page.waitForURL(/\/search\/\?q=xylophonist$/), page.click("form.site-search button")]);
    await ctx.close();
  });

  it("copies the BibTeX entry with the copy button", async () => {
    const ctx = await context("desktop", "light", { permissions: ["clipboard-read", "clipboard-write"] });
    const page = await ctx.newPage();
    await page.goto(`${server.url}papers/2602.09101/`);
    const entry = (await page.locator("pre.bibtex").textContent())!;
    expect(entry).toMatch(/^@misc\{hopper2011quantized,\n/);
    expect(entry).toContain("eprint = {2602.09101}");
    // The button and its status line are made by site.js after the entry.
    expect(await page.locator("pre.bibtex + p.copy-row button.copy-button").textContent()).toBe("Copy BibTeX");
    await page.click("button.copy-button");
    await page.waitForFunction(() => document.querySelector(".copy-status")?.textContent === "Copied.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(entry);
    await ctx.close();
  });

  it("keeps the chosen theme across a reload, set before the page body exists (no flash)", async () => {
    const ctx = await context("desktop", "light");
    // Records <html data-theme> when <body> first appears: before anything of the page can be painted.
    await ctx.addInitScript(() => {
      const observer = new MutationObserver(() => {
        if (!document.body) return;
        (window as unknown as { themeAtBody: string }).themeAtBody = document.documentElement.dataset.theme ?? "none";
        observer.disconnect();
      });
      observer.observe(document, { childList: true, subtree: true });
    });
    const page = await ctx.newPage();
    await page.goto(`${server.url}date/2026-02-16/`);
    // The saved theme is applied by a script file that blocks rendering: a classic script, never async, defer or a module.
    expect(await page.locator("head script[src$='/assets/theme.js']:not([async]):not([defer]):not([type])").count()).toBe(1);
    // theme.js adds site.js (the page has no tag for it), which makes the toggle once the document is parsed.
    expect(await page.locator("head script[type=module][src$='/assets/site.js']").count()).toBe(1);
    expect(readFileSync(path.join(site.outputDir, "date/2026-02-16/index.html"), "utf8")).not.toContain("site.js");
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe("rgb(255, 255, 255)");
    const toggle = page.locator("button.theme-toggle");
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
    await toggle.click();
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    expect(await background()).toBe("rgb(18, 20, 23)");
    await page.reload();
    expect(await page.evaluate(() => (window as unknown as { themeAtBody: string }).themeAtBody)).toBe("dark");
    expect(await background()).toBe("rgb(18, 20, 23)");
    // Choosing the system's own theme again forgets the choice: the system decides from then on.
    await page.locator("button.theme-toggle").click();
    expect(await page.evaluate(() => localStorage.getItem("theme"))).toBeNull();
    expect(await background()).toBe("rgb(255, 255, 255)");
    await ctx.close();
  });

  it("starts at least 5 papers in the first 900 px at 1280 px and 3 in the first 844 px of a phone", async () => {
    const minimum: Record<Width, number> = { desktop: 5, phone: 3 };
    for (const width of ["desktop", "phone"] as const) {
      const ctx = await context(width);
      const page = await ctx.newPage();
      await page.goto(`${server.url}date/2026-02-16/`);
      const height = viewports[width].viewport.height;
      const tops = await page.$$eval("article.card", (cards) => cards.map((card) => card.getBoundingClientRect().top));
      expect(tops.filter((top) => top < height).length, width).toBeGreaterThanOrEqual(minimum[width]);
      // No sideways scrolling; the day heading takes at most two lines.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), width).toBeLessThanOrEqual(viewports[width].viewport.width);
      const heading = await page.$eval("main h1", (h1) => h1.getBoundingClientRect().height / parseFloat(getComputedStyle(h1).lineHeight));
      expect(heading, width).toBeLessThanOrEqual(2.1);
      // The header: title, nav and search inside the screen; the "/" hint only where there is a keyboard.
      const header = await page.$$eval(".site-header > *", (items) => items.map((item) => item.getBoundingClientRect().right));
      for (const right of header) expect(right, width).toBeLessThanOrEqual(viewports[width].viewport.width);
      expect(await page.locator(".search-key").isVisible(), width).toBe(width === "desktop");
      await ctx.close();
    }
  });

  it("says 1 result, not All 1 results, and lists the most upvoted papers without a query", async () => {
    const ctx = await context("desktop");
    const page = await ctx.newPage();
    await page.goto(server.url);
    await openDropdown(page, "xylophonist");
    expect(await page.locator("#site-search-all").textContent()).toBe("1 result, on the search page");
    // A click on an option opens its page.
    await Promise.all([page.waitForURL(/\/search\/\?q=xylophonist$/), page.click("#site-search-all")]);
    await page.goto(`${server.url}search/?sort=upvotes`);
    await page.waitForFunction(() => document.getElementById("search-results")?.dataset.query === "sort=upvotes");
    expect(await page.locator(".search-status").textContent()).toBe("46 papers, most upvoted first");
    const first = await page.locator("#search-results .search-result a").first().getAttribute("href");
    expect(first).toBe("/papers/2504.20571/");
    await ctx.close();
  });

  it("reaches the search page's results with Tab", async () => {
    const ctx = await context("desktop");
    const page = await ctx.newPage();
    await page.goto(`${server.url}search/?q=regret`);
    await page.waitForFunction(() => document.getElementById("search-results")?.dataset.query === "q=regret");
    await page.focus("#search-q");
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => Boolean(document.activeElement?.closest("#search-results")));
    }
    expect(reached).toBe(true);
    // Both search landmarks have names.
    expect(await page.$$eval("[role=search]", (forms) => forms.map((f) => f.getAttribute("aria-label")))).toEqual(["Site search", "Search with filters"]);
    await ctx.close();
  });

  // Both widths in both system themes, and dark by the toggle (the same colours as the system's dark) once.
  const combinations: [Width, (typeof themes)[number] | "toggle"][] = [
    ["desktop", "light"], ["desktop", "dark"], ["phone", "light"], ["phone", "dark"], ["desktop", "toggle"],
  ];
  for (const [width, theme] of combinations) {
    {
      it(`axe finds nothing on any page kind: ${width}, ${theme === "toggle" ? "dark by the toggle on a light system" : `${theme} system theme`}`, async () => {
        const ctx = await context(width, theme === "dark" ? "dark" : "light");
        if (theme === "toggle") await ctx.addInitScript(() => {
          // Site pages only (about:blank has no storage).
          if (location.protocol === "http:") localStorage.setItem("theme", "dark");
        });
        const page = await ctx.newPage();
        const found: string[] = [];
        for (const [name, target] of pageKinds) {
          await page.goto(server.url + target);
          if (name === "search with results") await page.waitForSelector("#search-results .search-result");
          if (theme === "toggle") expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
          found.push(...(await violations(page)).map((v) => `${name}: ${v}`));
        }
        // The header dropdown, open with results.
        await page.goto(server.url);
        await openDropdown(page, "reinforcement");
        found.push(...(await violations(page)).map((v) => `dropdown: ${v}`));
        expect(found).toEqual([]);
        await ctx.close();
      }, 300_000);
    }
  }

  it("axe finds nothing on the 45-paper day, abstracts open, on a phone in the dark", async () => {
    const ctx = await context("phone", "dark");
    const page = await ctx.newPage();
    await page.goto(`${server.url}date/2026-02-16/`);
    for (const summary of await page.locator("summary").all()) await summary.click();
    // Every fold filled from its paper's page before axe looks.
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>("details.abstract-fold")].every((d) => d.dataset.state === "loaded"));
    expect(await page.locator("details.abstract-fold .abstract p").count()).toBeGreaterThanOrEqual(45);
    expect(await violations(page)).toEqual([]);
    await ctx.close();
  }, 300_000);

  it("runs without console errors or Content-Security-Policy violations", () => {
    expect(problems).toEqual([]);
  });
});
