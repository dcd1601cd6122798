import * as cheerio from "cheerio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayOffsets, feedId, feedWindow } from "../src/feeds/items.ts";
import { withMathmlNamespace } from "../src/markdown/mathml-core.ts";
import { SaxesParser } from "saxes";
import { atomRuleProblems, rssRuleProblems } from "./helpers/feed-rules.ts";
import { parseStrictXml, readFeed } from "./helpers/feeds.ts";
import { pageMath } from "./helpers/math.ts";
import { fixtureSite, paper, type FixtureSite } from "./helpers/site.ts";

const base = "https://digest.example.org/sub/";
const id = (name: string) => `tag:digest.example.org,2026:${name}`;

/** Four papers on three days; with feedDays 2 the oldest day falls out of the window. */
const papers = {
  "2026-02-17/c.md": paper(
    { title: "A paper without arXiv", id: "custom-paper", url: "https://example.org/paper", date: "2026-02-17", tags: ["theory"] },
    "Plain abstract.",
  ),
  "2026-02-16/a.md": paper(
    {
      title: "Regret $\\tilde{\\mathcal O}(\\sqrt K)$ for MDPs", arxiv: "2601.00001", upvotes: 5,
      authors: ["Yan Dai", "Haipeng Luo"], authorCount: 36, tags: ["theory", "reinforcement-learning"],
      links: { code: "https://github.com/example/regret?x=1&y=2" },
    },
    "We improve the bound to $\\tilde{\\mathcal O}(\\sqrt K)$.\n\n$$\\sum_{k=1}^K \\ell_k \\le \\sqrt{K}$$",
  ),
  "2026-02-16/b.md": paper(
    { title: "Hostile ]]> & <b>bold</b> 🦀", arxiv: "2601.00002", upvotes: 1, tags: ["vision"] },
    "Ends ]]> early, twice ]]> & more <script>alert(1)</script> and a crab 🦀 and 𝔼.",
  ),
  "2026-02-10/d.md": paper({ title: "Old news", arxiv: "2601.00003", date: "2026-02-10", tags: ["theory"] }),
};

describe("feeds of a fixture site", () => {
  let site: FixtureSite;
  beforeAll(() => {
    site = fixtureSite(papers, { pathPrefix: "/sub/", feedDays: 2 });
    const result = site.build();
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
  afterAll(() => site.cleanup());

  const xmlFeeds = [
    "feed.xml", "atom.xml", "digest.xml",
    "tags/theory/feed.xml", "tags/theory/atom.xml", "tags/vision/feed.xml", "tags/reinforcement-learning/atom.xml",
  ];

  it("writes every feed, each strict XML or valid JSON", () => {
    for (const file of xmlFeeds) {
      const { root } = parseStrictXml(site.read(file));
      expect(root, file).toBe(file.endsWith("atom.xml") ? "feed" : "rss");
    }
    for (const file of ["feed.json", "tags/theory/feed.json", "tags/vision/feed.json"]) {
      expect(JSON.parse(site.read(file)).version, file).toBe("https://jsonfeed.org/version/1.1");
    }
  });

  it("RSS: one item per paper in the window, newest day first, with stable ids, dates and absolute links", async () => {
    const feed = await readFeed(site.read("feed.xml"));
    expect(feed.feedUrl).toBe(`${base}feed.xml`);
    expect(feed.link).toBe(base);
    expect(feed.items.map((i) => i.guid)).toEqual([id("papers/custom-paper"), id("papers/2601.00001"), id("papers/2601.00002")]);
    expect(feed.items.map((i) => i.link)).toEqual([`${base}papers/custom-paper/`, `${base}papers/2601.00001/`, `${base}papers/2601.00002/`]);
    // A day's papers are dated by rank (the top paper latest, a second apart), so readers sorting by date keep the order.
    expect(feed.items.map((i) => i.isoDate)).toEqual(["2026-02-17T00:00:00.000Z", "2026-02-16T00:00:01.000Z", "2026-02-16T00:00:00.000Z"]);
    // The channel's own date is the newest item's, never the build time.
    expect(feed.lastBuildDate).toBe("Tue, 17 Feb 2026 00:00:00 GMT");

    const regret = feed.items[1]!;
    expect(regret.title).toBe("Regret Õ(√K) for MDPs");
    expect(regret.creator).toBe("Yan Dai, Haipeng Luo and 34 more");
    expect(regret.categories).toEqual(["theory", "reinforcement-learning"]);
    const $ = cheerio.load(regret["content:encoded"]!);
    expect($("math")).toHaveLength(2);
    expect($("math[display=block]")).toHaveLength(1);
    // The page's MathML, without the TeX source (pages and feeds carry the same markup).
    expect(regret["content:encoded"]).toContain(withMathmlNamespace(pageMath("\\tilde{\\mathcal O}(\\sqrt K)")));
    expect($("annotation, semantics")).toHaveLength(0);
    // The page's MathML, as Chromium shows it (\mathcal O as the Unicode letter), with the namespace pages leave out.
    expect($("mi").first().text()).toBe("𝒪");
    expect($("[mathvariant=script]")).toHaveLength(0);
    expect(regret["content:encoded"]!.match(/<math xmlns="http:\/\/www\.w3\.org\/1998\/Math\/MathML"[ >]/g)).toHaveLength(2);
    expect(site.read("papers/2601.00001/index.html")).not.toContain("xmlns");
    expect($("a").map((_, a) => $(a).attr("href")).get()).toEqual([
      "https://arxiv.org/abs/2601.00001", "https://arxiv.org/pdf/2601.00001", "https://github.com/example/regret?x=1&y=2",
    ]);
    expect($("a").map((_, a) => $(a).text()).get()).toEqual(["arXiv:2601.00001", "PDF", "Code"]);
  });

  it("RSS: every URL in the feed is absolute", () => {
    const xml = site.read("feed.xml") + site.read("atom.xml") + site.read("digest.xml");
    const urls = [...xml.matchAll(/(?:href|src)="([^"]*)"|<link>([^<]*)<\/link>/g)].map((m) => m[1] ?? m[2]!);
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls) expect(url, url).toMatch(/^https:\/\//);
  });

  it("hostile abstract text stays text: the feed parses and the script is inert", async () => {
    for (const file of ["feed.xml", "atom.xml"]) {
      const feed = await readFeed(site.read(file));
      const hostile = feed.items.find((i) => (i.guid ?? i.id) === id("papers/2601.00002"))!;
      const html = hostile["content:encoded"] ?? hostile.content!;
      const $ = cheerio.load(html);
      expect($("script"), file).toHaveLength(0);
      expect($("p").first().text(), file).toBe("Ends ]]> early, twice ]]> & more <script>alert(1)</script> and a crab 🦀 and 𝔼.");
      const title = file === "atom.xml" ? cheerio.load(hostile.title!).text() : hostile.title!;
      // The text exactly: nothing invisible inserted into the `]]>`.
      expect(title, file).toBe("Hostile ]]> & <b>bold</b> 🦀");
    }
    const json = JSON.parse(site.read("feed.json")) as { items: { id: string; title: string; content_html: string }[] };
    const item = json.items.find((i) => i.id === id("papers/2601.00002"))!;
    expect(item.title).toBe("Hostile ]]> & <b>bold</b> 🦀");
    expect(cheerio.load(item.content_html)("script")).toHaveLength(0);
  });

  it("Atom and JSON carry the same items as RSS, with every author", async () => {
    const atom = await readFeed(site.read("atom.xml"));
    expect(atom.items.map((i) => i.id)).toEqual([id("papers/custom-paper"), id("papers/2601.00001"), id("papers/2601.00002")]);
    expect(atom.items.map((i) => i.link)).toEqual([`${base}papers/custom-paper/`, `${base}papers/2601.00001/`, `${base}papers/2601.00002/`]);
    expect(atom.items[1]!.pubDate).toBe("2026-02-16T00:00:01.000Z");
    expect(atom.items[1]!.content).toContain("<math");
    const json = JSON.parse(site.read("feed.json")) as { items: { id: string; url: string; tags: string[]; authors: { name: string }[]; date_published: string }[] };
    expect(json.items.map((i) => i.id)).toEqual(atom.items.map((i) => i.id));
    expect(json.items[1]).toMatchObject({
      url: `${base}papers/2601.00001/`,
      date_published: "2026-02-16T00:00:01.000Z",
      tags: ["theory", "reinforcement-learning"],
      authors: [{ name: "Yan Dai" }, { name: "Haipeng Luo" }, { name: "and 34 more" }],
    });
    expect(atom.items[1]!.author).toBe("Yan Dai");
    const $ = cheerio.load(site.read("atom.xml"), { xml: true });
    expect($("entry").eq(1).find("author name").map((_, n) => $(n).text()).get()).toEqual(["Yan Dai", "Haipeng Luo", "and 34 more"]);
  });

  it("a tag feed holds only papers with its tag, within the window", async () => {
    const theory = await readFeed(site.read("tags/theory/feed.xml"));
    expect(theory.feedUrl).toBe(`${base}tags/theory/feed.xml`);
    expect(theory.items.map((i) => i.guid)).toEqual([id("papers/custom-paper"), id("papers/2601.00001")]);
    for (const item of theory.items) expect(item.categories).toContain("theory");
    const vision = JSON.parse(site.read("tags/vision/feed.json")) as { items: { id: string; tags: string[] }[] };
    expect(vision.items.map((i) => i.id)).toEqual([id("papers/2601.00002")]);
  });

  it("the digest feed has one item per day listing that day's papers", async () => {
    const digest = await readFeed(site.read("digest.xml"));
    expect(digest.items.map((i) => i.title)).toEqual(["Tuesday, 17 February 2026 (1 paper)", "Monday, 16 February 2026 (2 papers)"]);
    expect(digest.items.map((i) => i.guid)).toEqual([id("date/2026-02-17"), id("date/2026-02-16")]);
    expect(digest.items.map((i) => i.link)).toEqual([`${base}date/2026-02-17/`, `${base}date/2026-02-16/`]);
    const $ = cheerio.load(digest.items[1]!["content:encoded"]!);
    expect($("li strong a").map((_, a) => `${$(a).text()} ${$(a).attr("href")}`).get()).toEqual([
      `Regret Õ(√K) for MDPs ${base}papers/2601.00001/`,
      `Hostile ]]> & <b>bold</b> 🦀 ${base}papers/2601.00002/`,
    ]);
    expect($("li").first().find("a").map((_, a) => $(a).text()).get()).toEqual(["Regret Õ(√K) for MDPs", "arXiv:2601.00001", "PDF", "Code"]);
    expect($("li").first().text()).toContain("Yan Dai, Haipeng Luo and 34 more");
    expect($("script")).toHaveLength(0);
  });

  /** Children of each item/entry, by element name, in document order, read with a strict namespace-aware parser. */
  const childrenOf = (xml: string, itemTag: string): { name: string; text: string; attrs: Record<string, string> }[][] => {
    const items: { name: string; text: string; attrs: Record<string, string> }[][] = [];
    const parser = new SaxesParser({ xmlns: true });
    let depth = 0;
    let itemDepth = -1;
    let current: { name: string; text: string; attrs: Record<string, string> } | undefined;
    parser.on("opentag", (tag) => {
      depth++;
      if (tag.name === itemTag) {
        itemDepth = depth;
        items.push([]);
      } else if (itemDepth > 0 && depth === itemDepth + 1) {
        current = { name: tag.name, text: "", attrs: Object.fromEntries(Object.entries(tag.attributes).map(([k, a]) => [k, typeof a === "string" ? a : a.value])) };
        items.at(-1)!.push(current);
      }
    });
    parser.on("text", (text) => current && (current.text += text));
    parser.on("cdata", (text) => current && (current.text += text));
    parser.on("closetag", (tag) => {
      if (tag.name === itemTag) itemDepth = -1;
      if (depth === itemDepth + 1) current = undefined;
      depth--;
    });
    parser.on("error", (error) => {
      throw error;
    });
    parser.write(xml).close();
    return items;
  };

  it("RSS: every item of the paper, tag and digest feeds has a plain-text description before content:encoded", () => {
    for (const file of ["feed.xml", "tags/theory/feed.xml", "tags/vision/feed.xml", "digest.xml"]) {
      const items = childrenOf(site.read(file), "item");
      expect(items.length, file).toBeGreaterThan(0);
      for (const children of items) {
        const names = children.map((c) => c.name);
        expect(names.indexOf("description"), file).toBeGreaterThan(-1);
        expect(names.indexOf("description"), file).toBeLessThan(names.indexOf("content:encoded"));
        // HTML by the RSS spec, so escaped: its text is the summary, with no element in it.
        const description = children.find((c) => c.name === "description")!.text;
        expect(cheerio.load(description)("body *"), file).toHaveLength(0);
        expect(description.length, file).toBeLessThan(400);
      }
    }
    const [, regret, hostile] = childrenOf(site.read("feed.xml"), "item");
    expect(cheerio.load(regret!.find((c) => c.name === "description")!.text).text()).toBe("We improve the bound to Õ(√K). ∑ₖ₌₁^K ℓₖ ≤ √K");
    expect(cheerio.load(hostile!.find((c) => c.name === "description")!.text).text()).toBe("Ends ]]> early, twice ]]> & more <script>alert(1)</script> and a crab 🦀 and 𝔼.");
    const [, day16] = childrenOf(site.read("digest.xml"), "item");
    expect(cheerio.load(day16!.find((c) => c.name === "description")!.text).text()).toBe("2 papers: Regret Õ(√K) for MDPs; Hostile ]]> & <b>bold</b> 🦀");
  });

  it("Atom and JSON Feed carry the abstract once: no summary beside the content, no date_modified equal to date_published", () => {
    const $ = cheerio.load(site.read("atom.xml"), { xml: true });
    expect($("entry")).toHaveLength(3);
    expect($("entry summary")).toHaveLength(0);
    expect(cheerio.load($("entry").eq(2).find("content").text()).text()).toContain("Ends ]]> early, twice ]]> & more <script>alert(1)</script> and a crab 🦀 and 𝔼.");
    const json = JSON.parse(site.read("feed.json")) as { items: Record<string, string>[] };
    expect(json.items).toHaveLength(3);
    for (const item of json.items) {
      expect(Object.keys(item)).not.toContain("summary");
      expect(Object.keys(item)).not.toContain("date_modified");
      expect(item.date_published).toMatch(/^2026-02-1\dT/);
    }
    expect(cheerio.load(json.items[2]!.content_html!).text()).toContain("Ends ]]> early, twice ]]> & more <script>alert(1)</script> and a crab 🦀 and 𝔼.");
  });

  it("XML feeds are not indented and the JSON Feed is one line", () => {
    for (const file of xmlFeeds) expect(site.read(file), file).not.toMatch(/\n[ \t]+</);
    expect(site.read("feed.json").trimEnd()).not.toContain("\n");
  });

  it("RSS titles are escaped text, not CDATA, with &, < and > as hexadecimal character references", () => {
    for (const file of ["feed.xml", "tags/vision/feed.xml", "digest.xml"]) {
      const xml = site.read(file);
      expect(xml, file).not.toContain("\u200B");
      for (const children of childrenOf(xml, "item")) expect(children.find((c) => c.name === "title")!.text).not.toBe("");
      expect(xml, file).not.toMatch(/<title><!\[CDATA\[/);
    }
    expect(site.read("feed.xml")).toContain("<title>Hostile ]]&#x3E; &#x26; &#x3C;b&#x3E;bold&#x3C;/b&#x3E; 🦀</title>");
  });

  it("no two items of a feed share a date, in every format, and the digest's days keep theirs", () => {
    const dates = (file: string, tag: string, field: string) => childrenOf(site.read(file), tag).map((c) => c.find((x) => x.name === field)!.text);
    for (const [file, tag, field] of [["feed.xml", "item", "pubDate"], ["atom.xml", "entry", "updated"], ["tags/theory/atom.xml", "entry", "updated"], ["digest.xml", "item", "pubDate"]] as const) {
      const seen = dates(file, tag, field);
      expect(new Set(seen).size, file).toBe(seen.length);
      // Newest first, as readers sorting by date show them: the site's order.
      const times = seen.map((d) => Date.parse(d));
      expect([...times].sort((a, b) => b - a), file).toEqual(times);
    }
    expect(dates("atom.xml", "entry", "updated")).toEqual(["2026-02-17T00:00:00.000Z", "2026-02-16T00:00:01.000Z", "2026-02-16T00:00:00.000Z"]);
  });

  it("every RSS and Atom feed keeps the W3C validator's rules checked offline", () => {
    for (const file of ["feed.xml", "digest.xml", "tags/theory/feed.xml", "tags/vision/feed.xml"]) expect(rssRuleProblems(site.read(file)), file).toEqual([]);
    for (const file of ["atom.xml", "tags/theory/atom.xml", "tags/reinforcement-learning/atom.xml"]) expect(atomRuleProblems(site.read(file)), file).toEqual([]);
  });

  it("Atom feeds carry xml:lang", () => {
    for (const file of ["atom.xml", "tags/theory/atom.xml"]) {
      const root = childrenOf(`<w>${site.read(file).replace(/^<\?xml[^>]*>/, "")}</w>`, "w")[0]![0]!;
      expect(root.name, file).toBe("feed");
      expect(root.attrs["xml:lang"], file).toBe("en");
    }
  });

  it("every page links the feeds; a tag page links its own", () => {
    const $ = cheerio.load(site.read("index.html"));
    const alternates = $('link[rel="alternate"]').map((_, l) => `${$(l).attr("type")} ${$(l).attr("href")}`).get();
    // Site-relative, as feed finders resolve them against the page (RSS Autodiscovery); the feeds themselves keep
    // absolute URLs.
    expect(alternates).toEqual([
      "application/rss+xml /sub/feed.xml",
      "application/atom+xml /sub/atom.xml",
      "application/feed+json /sub/feed.json",
      "application/rss+xml /sub/digest.xml",
    ]);
    expect(alternates.map((a) => new URL(a.split(" ")[1]!, `${base}`).href)[0]).toBe(`${base}feed.xml`);
    const tag = cheerio.load(site.read("tags/theory/index.html"));
    expect(tag('link[rel="alternate"]').first().attr("href")).toBe("/sub/tags/theory/feed.xml");
    expect(tag('a[href="/sub/tags/theory/atom.xml"]')).toHaveLength(1);
  });

  it("two builds of the same content give byte-identical feeds, in any time zone", () => {
    const feedFiles = () => site.files().filter((f) => /(?:feed|atom|digest)\.(?:xml|json)$/.test(f));
    const before = new Map(feedFiles().map((f) => [f, site.read(f)]));
    const result = site.build({ TZ: "Pacific/Kiritimati" });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(feedFiles()).toEqual([...before.keys()]);
    for (const [file, body] of before) expect(site.read(file), file).toBe(body);
  });
});

describe("tag and organization feeds: their own item window (tagFeedItems)", () => {
  let site: FixtureSite;
  // Five papers with one tag and one organization on three days; the site feed keeps all five.
  const ids = ["2601.00011", "2601.00012", "2601.00013", "2601.00014", "2601.00015"];
  const dates = ["2026-02-17", "2026-02-17", "2026-02-16", "2026-02-16", "2026-02-15"];
  beforeAll(() => {
    site = fixtureSite(Object.fromEntries(ids.map((arxiv, i) => [
      `${dates[i]}/${arxiv}.md`,
      paper({ title: `Paper ${i}`, arxiv, date: dates[i], upvotes: 10 - i, tags: ["theory"], organization: "Fixture Lab" }),
    ])), { tagFeedItems: 3 });
    const result = site.build();
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
  afterAll(() => site.cleanup());

  it("a tag's and an organization's feeds hold their newest tagFeedItems papers in every format, the site feeds all", async () => {
    const newest = ids.slice(0, 3).map((x) => id(`papers/${x}`));
    expect((await readFeed(site.read("feed.xml"))).items).toHaveLength(5);
    expect(JSON.parse(site.read("feed.json")).items).toHaveLength(5);
    for (const dir of ["tags/theory", "organizations/fixture-lab"]) {
      expect((await readFeed(site.read(`${dir}/feed.xml`))).items.map((i) => i.guid), dir).toEqual(newest);
      expect((await readFeed(site.read(`${dir}/atom.xml`))).items.map((i) => i.id), dir).toEqual(newest);
      expect((JSON.parse(site.read(`${dir}/feed.json`)) as { items: { id: string }[] }).items.map((i) => i.id), dir).toEqual(newest);
    }
    // The tag's page still lists every paper.
    for (const x of ids) expect(site.read("tags/theory/index.html")).toContain(`/papers/${x}/`);
  });
});

describe("feedWindow", () => {
  const items = ["2026-02-17", "2026-02-17", "2026-02-16", "2026-02-15", "2026-02-15"].map((date, i) => ({ date, i }));
  const cases: [number, number, number[]][] = [
    [30, 200, [0, 1, 2, 3, 4]],
    [2, 200, [0, 1, 2]],
    [1, 200, [0, 1]],
    [30, 3, [0, 1, 2]],
    [2, 2, [0, 1]],
  ];
  for (const [feedDays, feedItems, expected] of cases) {
    it(`keeps ${expected.length} items for ${feedDays} days and at most ${feedItems}`, () => {
      expect(feedWindow(items, { feedDays, feedItems }).map((x) => x.i)).toEqual(expected);
    });
  }
});

describe("dayOffsets", () => {
  const day = (date: string, ids: string[]) => ({ date, papers: ids.map((id) => ({ id, date })) });
  const days = [day("2026-02-17", ["a", "b", "c"]), day("2026-02-16", ["d"])];
  const offsetOf = dayOffsets(days);

  it("counts each paper's rank in its day from the bottom, so the day's top paper is the newest item", () => {
    expect(days[0]!.papers.map(offsetOf)).toEqual([2, 1, 0]);
    expect(offsetOf(days[1]!.papers[0]!)).toBe(0);
  });

  it("finds a copy of a paper by its id, and gives nothing for a paper in no day", () => {
    expect(offsetOf({ ...days[0]!.papers[0]! })).toBe(2);
    expect(offsetOf({ id: "e", date: "2026-02-17" })).toBeUndefined();
    expect(offsetOf({ id: "a", date: "2026-02-15" })).toBeUndefined();
  });
});

describe("feedId", () => {
  it("depends on the host and the name only, so a move to https or another path prefix keeps every id", () => {
    const ids = ["http://digest.example.org", "https://digest.example.org", "https://digest.example.org:8443"].map((url) =>
      feedId({ url }, "papers/2601.00001"));
    expect(new Set(ids)).toEqual(new Set(["tag:digest.example.org,2026:papers/2601.00001"]));
    expect(feedId({ url: "https://other.example.org" }, "papers/2601.00001")).not.toBe(ids[0]);
  });
});
