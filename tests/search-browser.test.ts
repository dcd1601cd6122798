import { statSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium } from "./helpers/chromium.ts";
import { examplePapers, fixtureSite, paper, type FixtureSite } from "./helpers/site.ts";
import { serveStatic, type StaticServer } from "./helpers/static-server.ts";

/** The example papers from content/papers, plus two fixture papers that compete with them for the same words. */
function papers(): Record<string, string> {
  const files = examplePapers();
  // Cites 2509.25149 three times and says "Kronecker" four times: the exact id and the title word must still win.
  files["2026-02-17/citing.md"] = paper(
    { title: "A survey of low-precision training", date: "2026-02-17", arxiv: "2602.09001", authors: ["Grace Hopper"], tags: ["quantization"], organization: "Fixture Lab", upvotes: 1 },
    "We revisit 2509.25149 in depth: 2509.25149 trains in NVFP4, and 2509.25149 is our baseline. Kronecker products, Kronecker sums, Kronecker factors and Kronecker everything.",
  );
  files["2026-02-17/markup.md"] = paper(
    { title: "Markup in abstracts", date: "2026-02-17", arxiv: "2602.09002", authors: ["Ada Lovelace"], tags: ["quantization", "safety"], upvotes: 7 },
    // U+E000 is what stands for the first formula while the excerpt is cut (search.js): text holding it must not pose as one.
    "Inequalities such as $a < b$ and text like <b>zanzibar</b> stay text in results \uE000\uE001.",
  );
  // A long abstract whose one rare word stands among forty formulas.
  const formulas = Array.from({ length: 40 }, (_, i) => `$x_{${i}}$`).join(" ");
  files["2026-02-17/long.md"] = paper(
    { title: "A long abstract", date: "2026-02-17", arxiv: "2602.09003", authors: ["Alan Turing"], upvotes: 0 },
    `${"Words before the match. ".repeat(30)}${formulas} zygomorphic ${formulas} ${"Words after the match. ".repeat(30)}`,
  );
  return files;
}

const skip = chromiumMissing();
if (skip) console.warn(skip);

describe.skipIf(Boolean(skip))("search in the browser", () => {
  let site: FixtureSite;
  let prefixed: FixtureSite;
  let server: StaticServer;
  let prefixedServer: StaticServer;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    site = fixtureSite(papers());
    prefixed = fixtureSite(papers(), { pathPrefix: "/digest/" });
    for (const s of [site, prefixed]) {
      const result = s.build();
      expect(result.status, result.stdout + result.stderr).toBe(0);
    }
    server = await serveStatic(site.outputDir);
    prefixedServer = await serveStatic(prefixed.outputDir, { mount: "/digest/" });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await prefixedServer?.close();
    site?.cleanup();
    prefixed?.cleanup();
  });

  /** A fresh page that records console errors (CSP violations land there) and every requested URL. */
  async function open(url: string, options: { javaScriptEnabled?: boolean } = {}): Promise<{ page: Page; requests: string[] }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const requests: string[] = [];
    page.on("request", (request) => requests.push(new URL(request.url()).pathname));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
    await page.goto(url);
    return { page, requests };
  }

  /** Types into the header box and returns the result links once the dropdown shows that query. */
  async function boxResults(page: Page, query: string): Promise<string[]> {
    await page.fill("#site-search", query);
    await page.waitForFunction((q) => document.getElementById("site-search-results")?.dataset.query === q, query.trim());
    // Options carry the page they open (no link inside an option: see optionAttributes in search.js).
    return page.$$eval("#site-search-results .search-result", (options) => options.map((o) => new URL((o as HTMLElement).dataset.href!, location.href).pathname));
  }

  it("loads no search code or index on a page until the reader uses the box", async () => {
    const { page, requests } = await open(server.url);
    await page.waitForLoadState("networkidle");
    expect(requests).toContain("/assets/site.js");
    expect(requests.filter((r) => /\/search\/|search\.js|search\.css/.test(r))).toEqual([]);
    // The only search code every page pays for is the boot in site.js (with the theme toggle, the author links and the
    // copy button, made there rather than written into every page; one file for the whole site, cached).
    expect(statSync(path.join(site.outputDir, "assets", "site.js")).size).toBeLessThan(5500);
    await page.focus("#site-search");
    await page.waitForRequest((request) => request.url().endsWith("/search/meta.ix"));
    expect(requests).toContain("/assets/search.js");
    await page.context().close();
  });

  const cases: [kind: string, query: string, first: string][] = [
    ["a title word (also four times in another abstract)", "Kronecker", "/papers/2411.15002/"],
    ["an author", "Haipeng Luo", "/papers/2301.12942/"],
    ["an arXiv id (cited three times by another paper)", "2509.25149", "/papers/2509.25149/"],
    ["an arXiv id with prefix and version", "arXiv:2509.25149v2", "/papers/2509.25149/"],
    ["a TeX command from an abstract", "\\odot", "/papers/2503.13974/"],
    ["a tag", "safety", "/papers/2602.09002/"],
    ["an organization", "Fixture Lab", "/papers/2602.09001/"],
  ];
  it.each(cases)("puts the right paper first for %s: %s", async (_kind, query, first) => {
    const { page } = await open(server.url);
    const results = await boxResults(page, query);
    expect(results[0]).toBe(first);
    await page.context().close();
  });

  it("shows title, authors, day and a highlighted excerpt in which paper text stays text and math is typeset", async () => {
    const { page, requests } = await open(server.url);
    await boxResults(page, "zanzibar");
    const first = page.locator("#site-search-results .search-result").first();
    expect(await first.locator(".search-title").textContent()).toBe("Markup in abstracts");
    expect(await first.locator(".search-facts").textContent()).toBe("Ada Lovelace · 17 Feb 2026 · ▲ 7");
    // The excerpt is cut from the abstract on the paper's page (the index holds none), fetched once the result shows.
    await first.locator(".search-excerpt[data-state=loaded]").waitFor({ state: "attached" });
    expect(requests).toContain("/papers/2602.09002/");
    const excerpt = first.locator(".search-excerpt");
    expect(await excerpt.locator("mark").allTextContents()).toEqual(["zanzibar"]);
    expect(await excerpt.textContent()).toContain("text like <b>zanzibar</b> stay text in results");
    expect(await excerpt.locator("b").count()).toBe(0);
    // The formula as on the page, in the line; the page's own private-use characters dropped, not taken for formulas.
    expect(await excerpt.locator(".search-math > math").count()).toBe(1);
    expect(await excerpt.locator("math").evaluate((m) => [m.getAttribute("display"), m.textContent])).toEqual([null, "a<b"]);
    expect(await excerpt.textContent()).not.toMatch(/[\uE000-\uF8FF]/);
    expect(await excerpt.textContent()).toMatch(/stay text in results \.$/);
    await page.context().close();
  });

  it("fetches excerpts in the header box only for results that stay: results passed while typing fetch no page", async () => {
    const { page, requests } = await open(server.url);
    await boxResults(page, "Kronecker");
    // Typed on at once: the first list is replaced before its excerpts would fetch their pages.
    await boxResults(page, "zanzibar");
    await page.locator("#site-search-results .search-excerpt[data-state=loaded]").first().waitFor({ state: "attached" });
    expect(requests).toContain("/papers/2602.09002/");
    expect(requests).not.toContain("/papers/2411.15002/");
    await page.context().close();
  });

  it("cuts an excerpt around the match on a long abstract, formulas and all, and keeps none when the page is gone", async () => {
    const { page } = await open(`${server.url}search/?q=${encodeURIComponent("zygomorphic")}`);
    await page.waitForSelector('#search-results[data-query="q=zygomorphic"]', { state: "attached" });
    const excerpt = page.locator("#search-results .search-result .search-excerpt").first();
    await excerpt.locator("xpath=self::*[@data-state='loaded']").waitFor({ state: "attached" });
    const text = (await excerpt.textContent())!;
    expect(await excerpt.locator("mark").allTextContents()).toEqual(["zygomorphic"]);
    expect(text.startsWith("…") && text.endsWith("…")).toBe(true);
    // Forty formulas on each side of the word: each counts as a word of the window (8 before the match, 17 after).
    expect(await excerpt.locator("math").count()).toBe(25);
    await page.context().close();
    // A page that cannot be fetched leaves its result without an excerpt; the result and the search stay.
    const gone = await browser.newContext();
    const other = await gone.newPage();
    await other.route("**/papers/2602.09003/", (route) => route.fulfill({ status: 404, body: "gone" }));
    await other.goto(`${server.url}search/?q=zygomorphic`);
    await other.waitForSelector("#search-results .search-excerpt[data-state=failed]", { state: "attached" });
    expect(await other.locator("#search-results .search-title").allTextContents()).toEqual(["A long abstract"]);
    expect(await other.locator("#search-results .search-excerpt").textContent()).toBe("");
    expect(await other.locator(".search-status").textContent()).toBe("1 paper");
    await page.context().close();
  });

  it("is driven by the keyboard: / focuses, arrows move, Enter opens, Escape closes", async () => {
    const { page } = await open(`${server.url}archive/`);
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("site-search");
    await page.keyboard.type("reinforcement learning");
    await page.waitForSelector('#site-search-results[data-query="reinforcement learning"]', { state: "attached" });
    const input = page.locator("#site-search");
    expect(await input.getAttribute("aria-expanded")).toBe("true");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    expect(await input.getAttribute("aria-activedescendant")).toBe("site-search-result-0");
    expect(await page.locator("#site-search-result-0").getAttribute("aria-selected")).toBe("true");
    await page.keyboard.press("Escape");
    expect(await input.getAttribute("aria-expanded")).toBe("false");
    expect(await input.getAttribute("aria-activedescendant")).toBeNull();
    // Down reopens the list on its first result; Enter opens that paper.
    await page.keyboard.press("ArrowDown");
    expect(await input.getAttribute("aria-expanded")).toBe("true");
    expect(await input.getAttribute("aria-activedescendant")).toBe("site-search-result-0");
    const target = new URL((await page.locator("#site-search-result-0").getAttribute("data-href"))!, page.url()).pathname;
    await Promise.all([page.waitForURL((url) => url.pathname === target), page.keyboard.press("Enter")]);
    expect(await page.locator("h1.paper-title").count()).toBe(1);
    await page.context().close();
  });

  it("without JavaScript the box leads to the search page", async () => {
    const { page } = await open(server.url, { javaScriptEnabled: false });
    await page.fill("#site-search", "regret");
    await Promise.all([page.waitForURL((url) => url.pathname === "/search/"), page.press("#site-search", "Enter")]);
    expect(new URL(page.url()).searchParams.get("q")).toBe("regret");
    expect(await page.locator("noscript").count()).toBe(1);
    await page.context().close();
  });

  it("the search page reads ?q=, filters by tag, organization and year, and sorts", async () => {
    const { page } = await open(`${server.url}search/?q=Kronecker`);
    const list = page.locator("#search-results");
    const links = () => page.$$eval("#search-results .search-result a", (as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    await page.waitForSelector('#search-results[data-query="q=Kronecker"]', { state: "attached" });
    expect((await links())[0]).toBe("/papers/2411.15002/");
    expect(await page.inputValue("#search-q")).toBe("Kronecker");
    // Newest first: the fixture paper is listed a day later than the example papers.
    await page.selectOption("select[name=sort]", "date");
    await page.waitForSelector('#search-results[data-query="q=Kronecker&sort=date"]', { state: "attached" });
    expect((await links())[0]).toBe("/papers/2602.09001/");
    expect(new URL(page.url()).search).toBe("?q=Kronecker&sort=date");
    // Filter options come with counts from the index.
    // (The example papers carry topic tags too: three of them are about quantization.)
    const tags = await page.locator("select[name=tag] option").allTextContents();
    expect(tags).toContain("quantization (5)");
    expect(tags).toContain("safety (1)");
    expect(await page.locator("select[name=year] option").allTextContents()).toEqual(["any", "2026 (48)"]);
    // The year of the first version, beside the digest year: newest first, only papers that give it.
    const published = await page.locator("select[name=published] option").allTextContents();
    expect(published.slice(0, 3)).toEqual(["any", "2025 (14)", "2024 (13)"]);
    expect(published.at(-1)).toBe("2011 (1)");
    await page.fill("#search-q", "");
    await page.selectOption("select[name=tag]", "quantization");
    await page.selectOption("select[name=sort]", "upvotes");
    await page.waitForSelector('#search-results[data-query="tag=quantization&sort=upvotes"]', { state: "attached" });
    // Most upvoted first (7, 2, 1, 0, 0); ties newest first.
    expect(await links()).toEqual(["/papers/2602.09002/", "/papers/2509.25149/", "/papers/2602.09001/", "/papers/2501.13987/", "/papers/2310.16836/"]);
    await page.selectOption("select[name=organization]", "Fixture Lab");
    await page.waitForSelector('#search-results[data-query="tag=quantization&organization=Fixture+Lab&sort=upvotes"]', { state: "attached" });
    expect(await links()).toEqual(["/papers/2602.09001/"]);
    // A plain list of links (Tab reaches them), not a listbox.
    expect(await list.getAttribute("role")).toBeNull();
    expect(await page.locator("#search-results a[tabindex]").count()).toBe(0);
    await page.context().close();
  });

  it("sorts every page of results by upvotes or by day", async () => {
    for (const sort of ["upvotes", "date"]) {
      const { page } = await open(`${server.url}search/?year=2026&sort=${sort}`);
      await page.waitForFunction((q) => document.getElementById("search-results")?.dataset.query === q, `year=2026&sort=${sort}`);
      // Three pages of 20: whole values, then a value (0 upvotes, or a day) split across pages.
      while (await page.isVisible(".search-more")) {
        const count = await page.locator("#search-results .search-result").count();
        await page.click(".search-more");
        await page.waitForFunction((n) => document.querySelectorAll("#search-results .search-result").length > n, count);
      }
      const rows = await page.$$eval("#search-results .search-result", (items) =>
        items.map((li) => [li.querySelector("a")!.getAttribute("href"), li.querySelector(".search-facts")!.textContent!.split(" · ")]),
      );
      expect(new Set(rows.map(([href]) => href)).size).toBe(48);
      // Facts read "authors · 16 Feb 2026 · ▲ 4".
      const keys = rows.map(([, facts]) => (sort === "upvotes" ? Number(facts!.at(-1)!.replace("▲", "")) : Date.parse(facts!.at(-2)!)));
      expect(keys.every(Number.isFinite)).toBe(true);
      expect(keys).toEqual([...keys].sort((a, b) => b - a));
      await page.context().close();
    }
  });

  it("works under a path prefix, fetching only under it", async () => {
    prefixedServer.reset();
    const { page, requests } = await open(prefixedServer.url);
    const results = await boxResults(page, "2509.25149");
    expect(results[0]).toBe("/digest/papers/2509.25149/");
    expect(requests.filter((r) => !r.startsWith("/digest/"))).toEqual([]);
    expect(prefixedServer.log.filter((r) => r.status !== 200)).toEqual([]);
    await page.context().close();
  });

  it("links a paper page's authors to their searches once site.js runs, under a path prefix too; plain names without JavaScript", async () => {
    for (const [base, prefix] of [[server.url, "/"], [prefixedServer.url, "/digest/"]] as const) {
      const { page } = await open(`${base}papers/2301.12942/`);
      const links = page.locator(".authors-full a");
      await links.first().waitFor();
      expect(await links.allTextContents()).toEqual(["Yan Dai", "Haipeng Luo", "Chen-Yu Wei", "Julian Zimmert"]);
      expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toEqual(
        ["Yan+Dai", "Haipeng+Luo", "Chen-Yu+Wei", "Julian+Zimmert"].map((q) => `${prefix}search/?q=${q}`),
      );
      // The commas stay text between the links: the list reads and copies the same.
      expect(await page.locator(".authors-full").textContent()).toBe("Yan Dai, Haipeng Luo, Chen-Yu Wei, Julian Zimmert");
      await Promise.all([page.waitForURL(/\/search\/\?q=Haipeng\+Luo$/), links.nth(1).click()]);
      await page.waitForFunction(() => document.getElementById("search-results")?.dataset.query === "q=Haipeng+Luo");
      expect(await page.$$eval("#search-results .search-result a", (as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname))).toContain(
        `${prefix}papers/2301.12942/`,
      );
      await page.context().close();
    }
    const { page } = await open(`${server.url}papers/2301.12942/`, { javaScriptEnabled: false });
    expect(await page.locator(".authors-full a").count()).toBe(0);
    expect(await page.locator(".authors-full").textContent()).toBe("Yan Dai, Haipeng Luo, Chen-Yu Wei, Julian Zimmert");
    await page.context().close();
  });

  it("says so when the index cannot be loaded", async () => {
    // Its own context: the aborted request is logged as a console error, which is the point here.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.route("**/search/meta.ix", (route) => route.abort());
    await page.goto(server.url);
    await page.fill("#site-search", "Kronecker");
    await page.waitForFunction(() => /unavailable/.test(document.querySelector(".search-dropdown-status")?.textContent ?? ""));
    await context.close();
  });

  it("runs without console errors or Content-Security-Policy violations", () => {
    expect(problems).toEqual([]);
  });
});
