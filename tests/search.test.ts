import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Paper } from "../src/content/paper.ts";
import { renderPaper, type RenderedPaper } from "../src/markdown/paper.ts";
import { writeSearchIndex } from "../src/search/index.ts";
import { filterOptions, searchRecord, searchRecords } from "../src/search/records.ts";
import { sourceText } from "../src/markdown/markdown.ts";

const site = { pathPrefix: "/", language: "en", authorsShown: 2 };

function rendered(fields: Partial<Paper> = {}): RenderedPaper {
  const paper: Paper = {
    id: "2301.12942",
    arxiv: "2301.12942",
    title: "Refined Regret for $\\mathcal{O}$ MDPs",
    date: "2026-02-16",
    authors: ["Yan Dai", "Haipeng Luo", "Chen-Yu Wei"],
    authorCount: 3,
    upvotes: 12,
    tags: ["reinforcement-learning", "theory"],
    links: {},
    body: "The **best** bound is $\\tilde{\\mathcal O}(K^{2/3})$; see [the code](https://example.org).",
    source: { file: "content/papers/x.md", titleLine: 2, bodyLine: 10 },
    ...fields,
  };
  return renderPaper(paper).paper;
}

describe("sourceText", () => {
  // [markdown, text for the index]
  const cases: [string, string][] = [
    ["plain words", "plain words"],
    ["**bold**, _em_ and `code`", "bold, em and code"],
    ["[a link](https://example.org) and <https://x.org>", "a link and https://x.org"],
    ["inline $\\alpha^2$ and \\(\\beta\\)", "inline $\\alpha^2$ and $\\beta$"],
    ["display\n\n$$\n\\sum_i x_i \\odot y\n$$\n\nafter", "display $$\\sum_i x_i \\odot y$$ after"],
    ["- one\n- two\n\n> quoted", "one two quoted"],
    ["$5 and $10 stay text", "$5 and $10 stay text"],
    ["a <b>tag</b> is text", "a <b>tag</b> is text"],
    ["line\nbreak", "line break"],
  ];
  it.each(cases)("%j", (markdown, text) => {
    expect(sourceText(markdown)).toBe(text);
    // Rendering a paper yields the same text from the same parse (what the search index reads).
    expect(rendered({ body: markdown }).text.body).toBe(text);
  });
});

describe("searchRecord", () => {
  it("searches title, authors, organization, tags, id, category and abstract, each as its own field, TeX as source", () => {
    const record = searchRecord(rendered({ organization: "Example Lab", category: "cs.LG" }), site);
    expect(record.fields).toEqual({
      title: "Refined Regret for $\\mathcal{O}$ MDPs",
      authors: "Yan Dai, Haipeng Luo, Chen-Yu Wei",
      organization: "Example Lab",
      tags: "reinforcement-learning theory",
      id: "2301.12942",
      category: "cs.LG",
      body: "The best bound is $\\tilde{\\mathcal O}(K^{2/3})$; see the code.",
    });
  });

  it("shows the readable title, the first authors, the day and upvotes; filters by tags and organization", () => {
    const record = searchRecord(rendered({ organization: "Example Lab" }), site);
    expect(record).toMatchObject({ title: "Refined Regret for O MDPs", authors: "Yan Dai, Haipeng Luo, …", day: "2026-02-16", upvotes: 12 });
    expect(record).toMatchObject({ tags: ["reinforcement-learning", "theory"], organization: "Example Lab" });
    expect(searchRecord(rendered({ authors: ["Yan Dai"], authorCount: 1 }), site).authors).toBe("Yan Dai");
    // The file lists fewer authors than the paper has.
    expect(searchRecord(rendered({ authors: ["Yan Dai"], authorCount: 40 }), site).authors).toBe("Yan Dai, …");
    expect(searchRecord(rendered(), site).organization).toBeUndefined();
  });

  it("links the paper page under the path prefix; papers without arXiv id are found by their id", () => {
    expect(searchRecord(rendered(), { ...site, pathPrefix: "/digest/" }).url).toBe("/digest/papers/2301.12942/");
    const other = searchRecord(rendered({ id: "my-paper", arxiv: undefined }), site);
    expect(other.url).toBe("/papers/my-paper/");
    expect(other.fields.id).toBe("my-paper");
  });

  it("orders records oldest day first, then by id, whatever the input order (a paper keeps its number as the site grows)", () => {
    const papers = [rendered({ id: "b", arxiv: undefined }), rendered({ id: "c", arxiv: undefined, date: "2026-02-17" }), rendered({ id: "a", arxiv: undefined })];
    expect(searchRecords(papers, site).map((r) => r.url)).toEqual(["/papers/a/", "/papers/b/", "/papers/c/"]);
  });
});

describe("filterOptions", () => {
  it("counts papers per tag, organization and year: most papers first, years newest first", () => {
    const records = searchRecords(
      [
        rendered({ id: "a", tags: ["theory"], organization: "Lab B", published: "2011-06-09" }),
        rendered({ id: "b", tags: ["vision", "theory"], date: "2025-12-31", published: "2025-01-01" }),
        rendered({ id: "c", tags: ["audio"], organization: "Lab A", date: "2024-01-01" }),
      ],
      site,
    );
    expect(filterOptions(records)).toEqual({
      tag: [["theory", 2], ["audio", 1], ["vision", 1]],
      organization: [["Lab A", 1], ["Lab B", 1]],
      year: [["2026", 1], ["2025", 1], ["2024", 1]],
      published: [["2025", 1], ["2011", 1]],
    });
  });
});


