// No click hijacking: on every page that shows a hostile paper (day, week, month, tag, paper), a click on the header
// (site title, search box) or on any paper's title lands on that element and follows its own link. Two layers are
// tested: the site as built (TeX bounded by src/markdown/tex-limits.ts: the paper uses the largest sizes and shifts
// it may), and the CSS alone (layouts/assets/site.css, last block): unbounded KaTeX markup that paints a transparent
// link over the whole page is put into the hostile paper's title and abstract in the browser.
import katex from "katex";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium } from "../helpers/chromium.ts";
import { fixtureSite, paper, type FixtureSite } from "../helpers/site.ts";
import { serveStatic, type StaticServer } from "../helpers/static-server.ts";

// The most a paper may draw: negative space up to the limit, shifted and huge rules, inside links.
const widest = "\\kern-1em\\kern-1em\\rule[-1em]{20em}{20em}\\rule[1em]{20em}{20em}\\rule{20em}{20em}";
const hostile = paper(
  { title: `Hostile $${widest}$ title`, arxiv: "2602.00001", upvotes: 100, tags: ["t"] },
  `[$${widest}$](https://evil.example/abstract) and $\\color{white}{\\rule{20em}{2em}}$ and $\\raisebox{1em}{\\rule{20em}{20em}}$`,
);
const others = {
  "2026-02-16/b.md": paper({ title: "Second paper", arxiv: "2602.00002", upvotes: 50, tags: ["t"] }, "A plain abstract."),
  "2026-02-16/c.md": paper({ title: "Third paper $x^2$", arxiv: "2602.00003", upvotes: 1, tags: ["t"] }, "Another one."),
};

/**
 * What the CSS must contain, should anything get past the TeX limits: unbounded KaTeX MathML, as KaTeX writes it (a
 * transparent box of zero size reaching 100em left, its rule in a box of zero height), and the worst any markup could do, an absolutely positioned box over the whole page, on top.
 */
const overlay = `<a href="https://evil.example/overlay">${katex.renderToString(
  "\\mathrlap{\\kern-100em\\color{transparent}{\\rule[-10em]{200em}{30em}}}",
  { strict: "ignore", output: "mathml" },
)}<span style="position:absolute;inset:-3000px;display:block;z-index:2147483647"></span></a>`;

const skip = chromiumMissing();
if (skip) console.warn(skip);

describe.skipIf(Boolean(skip))("a paper cannot take a click meant for anything else", () => {
  let site: FixtureSite;
  let server: StaticServer;
  let browser: Browser;
  let pages: string[];

  beforeAll(async () => {
    site = fixtureSite({ "2026-02-16/hostile.md": hostile, ...others });
    const result = site.build();
    expect(result.status, result.stdout + result.stderr).toBe(0);
    server = await serveStatic(site.outputDir);
    browser = await launchChromium();
    pages = ["/date/2026-02-16/", "/week/2026-W08/", "/month/2026-02/", "/tags/t/", "/papers/2602.00001/"];
    for (const page of pages) expect(site.exists(`${page.slice(1)}index.html`), page).toBe(true);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    site?.cleanup();
  });

  /**
   * Every element a reader clicks on `page`: the header's title and search box, and every link to a paper page that is
   * shown (not the link to the abstract on the paper's page inside a closed abstract fold).
   */
  const targets = (page: Page) =>
    page.$$eval(".site-title, #site-search, main a[href*='/papers/']", (all) =>
      all.filter((el) => el.checkVisibility()).map((el, i) => {
        el.setAttribute("data-target", String(i));
        return { index: i, href: el.getAttribute("href") ?? "", label: `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 40)}"` };
      }),
    );

  /**
   * Scrolls target `index` into view and returns what `elementFromPoint` finds at five points inside it (each true when
   * the target or something inside it is hit) and the centre point.
   */
  const hits = (page: Page, index: number) =>
    page.evaluate((i) => {
      const el = document.querySelector(`[data-target="${i}"]`)!;
      // The largest visible part of its boxes (a line of a link, inside the window and the box that holds it: a long
      // title is cut at its card), centred in the window first.
      const holder = el.closest(".paper-title, .paper-list li, .site-header") ?? document.body;
      const visible = () => {
        const box = holder.getBoundingClientRect();
        const parts = [...el.getClientRects()].map((line) => {
          const left = Math.max(line.left, box.left, 0);
          const top = Math.max(line.top, box.top, 0);
          const width = Math.min(line.right, box.right, window.innerWidth) - left;
          const height = Math.min(line.bottom, box.bottom, window.innerHeight) - top;
          return { left, top, width, height, area: width > 0 && height > 0 ? width * height : 0 };
        });
        return parts.sort((a, b) => b.area - a.area)[0]!;
      };
      el.scrollIntoView({ block: "center" });
      const first = [...el.getClientRects()].sort((a, b) => b.width * b.height - a.width * a.height)[0]!;
      window.scrollBy(0, first.top + first.height / 2 - window.innerHeight / 2);
      const rect = visible();
      const points: [number, number][] = [[0.5, 0.5], [0.1, 0.2], [0.9, 0.2], [0.1, 0.8], [0.9, 0.8]];
      const found = points.map(([fx, fy]) => {
        const hit = document.elementFromPoint(rect.left + rect.width * fx, rect.top + rect.height * fy);
        return hit !== null && (hit === el || el.contains(hit)) ? "ok" : `${hit?.tagName.toLowerCase()}.${hit?.className} ${hit?.closest("a")?.getAttribute("href") ?? ""} at ${Math.round(rect.left)},${Math.round(rect.top)} ${Math.round(rect.width)}x${Math.round(rect.height)}`;
      });
      return { found, x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    }, index);

  /** Clicks every target on `path` and checks where each click goes; `inject` runs on the page before each click. */
  async function clickAll(path: string, inject?: (page: Page) => Promise<void>) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    // Nothing leaves the test server: a hijacked click shows up as a navigation to evil.example, answered here.
    await page.route("https://evil.example/**", (route) => route.fulfill({ status: 200, contentType: "text/html", body: "hijacked" }));
    const load = async () => {
      await page.goto(server.url + path.slice(1));
      if (inject) await inject(page);
      return targets(page);
    };
    try {
      const all = await load();
      expect(all.length).toBeGreaterThanOrEqual(2);
      for (const target of all) {
        await load();
        const { found, x, y } = await hits(page, target.index);
        expect(found, `${path}: ${target.label}`).toEqual(["ok", "ok", "ok", "ok", "ok"]);
        if (target.href) {
          await Promise.all([page.waitForEvent("framenavigated", { timeout: 10_000 }), page.mouse.click(x, y)]);
          expect(new URL(page.url()).pathname, `${path}: ${target.label}`).toBe(target.href);
        } else {
          // The search box: the click focuses it and the page stays.
          await page.mouse.click(x, y);
          expect(await page.evaluate(() => document.activeElement?.id), `${path}: ${target.label}`).toBe("site-search");
          expect(page.url()).toBe(server.url + path.slice(1));
        }
      }
    } finally {
      await context.close();
    }
  }

  it("on the built pages, the hostile paper drawing the most it may", async () => {
    for (const path of pages) await clickAll(path);
  }, 300_000);

  it("with unbounded math put into the hostile paper's title and abstract (the CSS alone)", async () => {
    const inject = (page: Page) =>
      page.evaluate((html) => {
        const titles = [...document.querySelectorAll("main a[href*='/papers/2602.00001/'], .paper-page .paper-title")];
        for (const el of [...titles, ...document.querySelectorAll("#paper-2602\\.00001 .abstract, .paper-page .abstract")]) {
          el.insertAdjacentHTML("afterbegin", el.tagName === "A" ? html.replace(/<\/?a(?:\s[^>]*)?>/g, "") : html);
        }
      }, overlay);
    for (const path of pages) await clickAll(path, inject);
  }, 300_000);
});
