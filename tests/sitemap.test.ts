import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { monthCalendar } from "../src/digest/calendar.ts";
import { robotsTxt, sitemapFiles } from "../src/digest/sitemap.ts";

const site = { url: "https://digest.example.org", pathPrefix: "/digest/" };
const parse = (xml: string) => new XMLParser().parse(xml);

describe("sitemapFiles", () => {
  it("lists every page as an absolute URL under the path prefix, escaped", () => {
    const [file, ...rest] = sitemapFiles(["/", "/papers/a&b/"], site);
    expect(rest).toEqual([]);
    expect(file!.path).toBe("/sitemap.xml");
    expect(parse(file!.body).urlset.url.map((u: { loc: string }) => u.loc)).toHaveLength(2);
    expect(file!.body).toContain("<url><loc>https://digest.example.org/digest/</loc></url>\n<url><loc>https://digest.example.org/digest/papers/a&#38;b/</loc></url>");
  });

  it("splits into files of at most the limit, with a sitemap index", () => {
    const pages = Array.from({ length: 5 }, (_, i) => `/p/${i}/`);
    const files = sitemapFiles(pages, site, 2);
    expect(files.map((f) => f.path)).toEqual(["/sitemap.xml", "/sitemap-1.xml", "/sitemap-2.xml", "/sitemap-3.xml"]);
    expect(parse(files[0]!.body).sitemapindex.sitemap.map((s: { loc: string }) => s.loc)).toEqual([
      "https://digest.example.org/digest/sitemap-1.xml",
      "https://digest.example.org/digest/sitemap-2.xml",
      "https://digest.example.org/digest/sitemap-3.xml",
    ]);
    expect(files.slice(1).map((f) => [parse(f.body).urlset.url].flat().length)).toEqual([2, 2, 1]);
    // At the limit, one file.
    expect(sitemapFiles(pages, site, 5)).toHaveLength(1);
  });

  it("points robots.txt to the sitemap", () => {
    expect(robotsTxt(site)).toEqual({ path: "/robots.txt", body: "User-agent: *\nAllow: /\n\nSitemap: https://digest.example.org/digest/sitemap.xml\n" });
  });
});

describe("monthCalendar", () => {
  it("lays a month out in rows from Monday, with each day's count", () => {
    const days = [{ date: "2026-02-16", papers: new Array(45) }, { date: "2026-02-01", papers: [1] }] as never;
    const calendar = monthCalendar({ key: "2026-02", start: "2026-02-01", end: "2026-02-28", days });
    // 1 February 2026 is a Sunday: six empty cells first; 28 days in 5 rows.
    expect(calendar.weeks).toHaveLength(5);
    expect(calendar.weeks[0]!.map((c) => c?.day ?? null)).toEqual([null, null, null, null, null, null, 1]);
    expect(calendar.weeks[0]![6]).toEqual({ date: "2026-02-01", day: 1, count: 1 });
    expect(calendar.weeks[3]!.find((c) => c?.day === 16)).toEqual({ date: "2026-02-16", day: 16, count: 45 });
    expect(calendar.weeks[4]!.map((c) => c?.day ?? null)).toEqual([23, 24, 25, 26, 27, 28, null]);
  });
});
