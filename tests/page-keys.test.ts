// A page's key hashes its item's JSON with each paper standing for its content key (src/cache/pages.ts). The JSON is
// made by keyedJson, which keeps the JSON of each object it made (a day's, for its page, its week and its month):
// it must be exactly what JSON.stringify with a replacer makes, for every page of a digest with tags, organizations,
// several pages of a tag, and a paper without a content key. A paper page's key is its paper's and its neighbours'
// content keys instead (paperPageKeys), which must change with any of the three and fall back to the item's JSON.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allPages, keyedJson, paperPageKeys } from "../src/cache/pages.ts";
import { paperKeyOf } from "../src/cache/papers.ts";
import { groupDigest, type Digest } from "../src/digest/group.ts";
import type { RenderedPaper } from "../src/markdown/paper.ts";
import { checkContent } from "../src/pipeline.ts";
import { loadSiteConfig } from "../src/site.ts";
import { digestPapers } from "./fixtures/digest.ts";
import { fixtureSite, paper, type FixtureSite } from "./helpers/site.ts";

describe("page keys", () => {
  let site: FixtureSite;
  let digest: Digest;
  beforeAll(() => {
    const more = Object.fromEntries(
      Array.from({ length: 7 }, (_, i) => [
        `2026-02-1${i}/t${i}.md`,
        paper({ title: `Tagged ${i}`, arxiv: `2602.0010${i}`, date: `2026-02-1${i}`, tags: ["theory"], organization: "Example Lab" }),
      ]),
    );
    site = fixtureSite({ ...digestPapers, ...more }, { tagPageSize: 3 });
    const config = loadSiteConfig(site.dir, site.env);
    const { papers, problems } = checkContent(site.dir, config);
    expect(problems).toEqual([]);
    digest = groupDigest(papers, config);
  });
  afterAll(() => site?.cleanup());

  const replacerOf = (paperKey: (paper: RenderedPaper) => string | undefined) => (_key: string, value: unknown) =>
    value && typeof value === "object" && "slug" in value && "abstractHtml" in value ? (paperKey(value as RenderedPaper) ?? value) : value;

  it("are made from the JSON that JSON.stringify with a replacer makes, for every page", () => {
    const pages = allPages(digest);
    expect(pages.tags.length).toBeGreaterThan(pages.tags.filter((page) => page.page === 1).length);
    expect(pages.organizations.length).toBeGreaterThan(0);
    const textOf = keyedJson(paperKeyOf);
    const replacer = replacerOf(paperKeyOf);
    const items = [digest.days, ...Object.values(pages).flat()];
    for (const item of items) expect(textOf(item)).toBe(JSON.stringify(item, replacer));
    // Papers stand for their keys: no abstract is in the JSON of a day.
    expect(textOf(digest.days[0])).not.toContain("abstractHtml");
  });

  it("of paper pages are their paper's content key and their neighbours', which a change to any of the three changes", () => {
    const pages = digest.paperPages;
    expect(pages.length).toBeGreaterThan(5);
    const texts = pages.map((_, i) => paperPageKeys(pages, paperKeyOf)(i));
    expect(texts.every((text) => text !== undefined)).toBe(true);
    expect(new Set(texts).size).toBe(pages.length);
    // The first page has no previous paper, the last no next: neither is keyed as the page beside it.
    expect(texts[0]).toBe(`papers\0${paperKeyOf(pages[0]!.paper)}\0\0${paperKeyOf(pages[1]!.paper)}`);
    // A paper's key changed (its file edited): its page and its neighbours' pages, whose links show its title.
    const edited = pages[3]!.paper;
    const after = pages.map((_, i) => paperPageKeys(pages, (paper) => (paper === edited ? "edited" : paperKeyOf(paper)))(i));
    expect(after.flatMap((text, i) => (text === texts[i] ? [] : [i]))).toEqual([2, 3, 4]);
  });

  it("of paper pages fall back to the page's item when a paper has no content key or a link is not to the paper beside it", () => {
    const pages = digest.paperPages;
    const without = pages[2]!.paper;
    const keyOf = paperPageKeys(pages, (paper) => (paper === without ? undefined : paperKeyOf(paper)));
    expect([1, 2, 3].map(keyOf)).toEqual([undefined, undefined, undefined]);
    expect(keyOf(0)).toBeDefined();
    // A selection whose links are not to the papers beside them in it (pages out of their reading order).
    const shuffled = [pages[1]!, pages[0]!, ...pages.slice(2)];
    expect(paperPageKeys(shuffled, paperKeyOf)(0)).toBeUndefined();
    expect(paperPageKeys(shuffled, paperKeyOf)(1)).toBeUndefined();
    const retitled = pages.map((page, i) => (i === 4 ? { ...page, next: { ...page.next!, titleText: "Another title" } } : page));
    expect(paperPageKeys(retitled, paperKeyOf)(4)).toBeUndefined();
  });

  it("show a paper without a content key whole, as JSON.stringify does", () => {
    const without = digest.papers[0]!;
    const paperKey = (paper: RenderedPaper) => (paper === without ? undefined : paperKeyOf(paper));
    const textOf = keyedJson(paperKey);
    const replacer = replacerOf(paperKey);
    for (const item of [digest.days, ...Object.values(allPages(digest)).flat()]) expect(textOf(item)).toBe(JSON.stringify(item, replacer));
    expect(textOf(digest.days)).toContain(JSON.stringify(without.abstractHtml));
  });
});
