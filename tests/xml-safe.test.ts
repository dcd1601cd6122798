import * as cheerio from "cheerio";
import { describe, expect, it } from "vitest";
import { renderFeeds, type FeedMeta } from "../src/feeds/feeds.ts";
import type { FeedItem } from "../src/feeds/items.ts";
import { cdataHtml, xmlCharRefs, xmlText } from "../src/feeds/xml-safe.ts";
import { parseStrictXml, readFeed } from "./helpers/feeds.ts";

const controls = "\u0000\u0001\u0008\u000B\u000C\u001F\u007F\u0085\u009F\uFFFE\uFFFF";
const loneSurrogates = "\uDFFF\uD800"; // low before high: two lone halves, not a pair

describe("xmlText", () => {
  const cases: [string, string][] = [
    [`a${controls}b`, "ab"],
    [`x${loneSurrogates}y`, "xy"],
    ["tab\tnewline\ncarriage\r", "tab\tnewline\ncarriage\r"],
    ["crab 🦀, double-struck 𝔼, CJK 論文", "crab 🦀, double-struck 𝔼, CJK 論文"],
    ["]]> & <script>", "]]> & <script>"],
  ];
  for (const [input, expected] of cases) {
    it(`keeps ${JSON.stringify(expected)}`, () => expect(xmlText(input)).toBe(expected));
  }
});

describe("CDATA-safe text", () => {
  it("writes > after ]] as &gt; in HTML, every time", () => {
    expect(cdataHtml("<p>a ]]> b ]]> c</p>")).toBe("<p>a ]]&gt; b ]]&gt; c</p>");
  });
  it("writes &, < and > in plain text as hexadecimal character references, nothing inserted", () => {
    expect(xmlCharRefs("a ]]> b & <b>")).toBe("a ]]&#x3E; b &#x26; &#x3C;b&#x3E;");
  });
});

describe("a feed built from hostile text", () => {
  const hostile = `Ends ]]> early, twice ]]> & more <script>alert(1)</script> 🦀${controls}${loneSurrogates}`;
  const item: FeedItem = {
    id: "tag:digest.example.org,2026:papers/2601.00001",
    title: `Title ${hostile}`,
    link: "https://digest.example.org/papers/2601.00001/?a=1&b=2",
    date: "2026-02-16",
    authors: [`Ada ${controls}Lovelace 🦀`],
    authorText: `Ada ${controls}Lovelace 🦀`,
    tags: ["ml"],
    links: [],
    // As the markdown renderer escapes it; the raw `]]>` and controls are what the feed layer itself must handle.
    html: `<p>${hostile.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")} ]]></p>`,
  };
  const meta: FeedMeta = {
    id: "tag:digest.example.org,2026:feed",
    title: `Digest ${controls}& <friends>`,
    description: `About ${controls}]]>`,
    link: "https://digest.example.org/",
    language: "en",
    author: "Digest",
    urls: { rss: "https://digest.example.org/feed.xml", atom: "https://digest.example.org/atom.xml", json: "https://digest.example.org/feed.json" },
  };
  const feeds = renderFeeds(meta, [item]);
  const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

  for (const format of ["rss", "atom"] as const) {
    it(`${format}: parses strictly and reads back with the text intact and the script inert`, async () => {
      const xml = feeds[format];
      expect(xml).not.toMatch(forbidden);
      expect(parseStrictXml(xml).root).toBe(format === "rss" ? "rss" : "feed");
      const read = await readFeed(xml);
      const entry = read.items[0]!;
      const html = format === "rss" ? entry["content:encoded"]! : entry.content!;
      const $ = cheerio.load(html);
      expect($("script")).toHaveLength(0);
      expect($("p").text()).toBe("Ends ]]> early, twice ]]> & more <script>alert(1)</script> 🦀 ]]>");
      const title = format === "atom" ? cheerio.load(entry.title!).text() : entry.title!;
      expect(title).toBe("Title Ends ]]> early, twice ]]> & more <script>alert(1)</script> 🦀");
      expect(read.title).toBe("Digest & <friends>");
    });
  }

  it("XML without indentation keeps the spaces of the HTML inside CDATA (a <pre> block)", async () => {
    const pre = "<pre><code>def f():\n    return 1\n</code></pre>\n";
    const formats = renderFeeds(meta, [{ ...item, html: item.html + pre }]);
    for (const format of ["rss", "atom"] as const) {
      expect(formats[format], format).not.toMatch(/\n[ \t]+</);
      const entry = (await readFeed(formats[format])).items[0]!;
      expect(format === "rss" ? entry["content:encoded"] : entry.content, format).toContain(pre.trimEnd());
    }
  });

  it("json: parses, without control characters, with the non-BMP character kept", () => {
    expect(feeds.json).not.toMatch(forbidden);
    expect(feeds.json).not.toMatch(/\\u00[01]/);
    const json = JSON.parse(feeds.json) as { version: string; items: { title: string; authors: { name: string }[] }[] };
    expect(json.version).toBe("https://jsonfeed.org/version/1.1");
    expect(json.items[0]!.title).toBe("Title Ends ]]> early, twice ]]> & more <script>alert(1)</script> 🦀");
    expect(json.items[0]!.authors).toEqual([{ name: "Ada Lovelace 🦀" }]);
  });
});
