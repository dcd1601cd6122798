// A page's key hashes its item's JSON with each paper standing for its content key (src/cache/pages.ts). The JSON is
// made by keyedJson, which keeps the JSON of each object it made (a day's, for its page, its week and its month):
// it must be exactly what JSON.stringify with a replacer makes, for every page of a digest with tags, organizations,
// several pages of a tag, and a paper without a content key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allPages, keyedJson } from "../src/cache/pages.ts";
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

  it("show a paper without a content key whole, as JSON.stringify does", () => {
    const without = digest.papers[0]!;
    const paperKey = (paper: RenderedPaper) => (paper === without ? undefined : paperKeyOf(paper));
    const textOf = keyedJson(paperKey);
    const replacer = replacerOf(paperKey);
    for (const item of [digest.days, ...Object.values(allPages(digest)).flat()]) expect(textOf(item)).toBe(JSON.stringify(item, replacer));
    expect(textOf(digest.days)).toContain(JSON.stringify(without.abstractHtml));
  });
});
