import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Paper } from "../src/content/paper.ts";
import { renderPaper, type RenderedPaper } from "../src/markdown/paper.ts";
import { writeSearchIndex } from "../src/search/index.ts";
import { filterOptions, searchRanking, searchRecord, searchRecords } from "../src/search/records.ts";
import { searchText } from "../src/search/text.ts";

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

describe("searchText", () => {
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
    expect(searchText(markdown)).toBe(text);
  });
});

describe("searchRecord", () => {
  it("indexes title, authors, tags, id and abstract with TeX as source, in that order", () => {
    const record = searchRecord(rendered({ organization: "Example Lab", category: "cs.LG" }), site);
    expect(record.content).toBe(
      "Refined Regret for $\\mathcal{O}$ MDPs. Yan Dai, Haipeng Luo, Chen-Yu Wei. Example Lab. reinforcement-learning theory. " +
        "arXiv 2301.12942. cs.LG. The best bound is $\\tilde{\\mathcal O}(K^{2/3})$; see the code.",
    );
    expect(record.language).toBe("en");
  });

  it("shows the readable title and the first authors; holds only searchable words (no dates, no counts)", () => {
    expect(searchRecord(rendered(), site).meta).toEqual({ title: "Refined Regret for O MDPs", authors: "Yan Dai, Haipeng Luo, …", arxiv: "2301.12942" });
    expect(searchRecord(rendered({ authors: ["Yan Dai"], authorCount: 1 }), site).meta.authors).toBe("Yan Dai");
    // The file lists fewer authors than the paper has.
    expect(searchRecord(rendered({ authors: ["Yan Dai"], authorCount: 40 }), site).meta.authors).toBe("Yan Dai, …");
    // Every meta field the client ranks by exists on the records.
    const record = searchRecord(rendered(), site);
    for (const field of Object.keys(searchRanking.metaWeights)) expect(Object.keys(record.meta)).toContain(field);
  });

  it("filters by year, tag and organization, and carries the day and upvotes for sorting", () => {
    expect(searchRecord(rendered({ organization: "Example Lab" }), site).filters).toEqual({
      year: ["2026"],
      day: ["2026-02-16"],
      upvotes: ["12"],
      tag: ["reinforcement-learning", "theory"],
      organization: ["Example Lab"],
    });
    expect(searchRecord(rendered({ tags: [] }), site).filters).toEqual({ year: ["2026"], day: ["2026-02-16"], upvotes: ["12"] });
  });

  it("links the paper page under the path prefix; papers without arXiv id are found by their id", () => {
    expect(searchRecord(rendered(), { ...site, pathPrefix: "/digest/" }).url).toBe("/digest/papers/2301.12942/");
    const other = searchRecord(rendered({ id: "my-paper", arxiv: undefined }), site);
    expect(other.url).toBe("/papers/my-paper/");
    expect(other.content).toContain(" my-paper. ");
    expect(other.meta.arxiv).toBeUndefined();
  });

  it("orders records newest day first, then by id, whatever the input order", () => {
    const papers = [rendered({ id: "b", arxiv: undefined }), rendered({ id: "c", arxiv: undefined, date: "2026-02-17" }), rendered({ id: "a", arxiv: undefined })];
    expect(searchRecords(papers, site).map((r) => r.url)).toEqual(["/papers/c/", "/papers/a/", "/papers/b/"]);
  });
});

describe("filterOptions", () => {
  it("counts papers per tag, organization and year: most papers first, years newest first", () => {
    const records = searchRecords(
      [
        rendered({ id: "a", tags: ["theory"], organization: "Lab B" }),
        rendered({ id: "b", tags: ["vision", "theory"], date: "2025-12-31" }),
        rendered({ id: "c", tags: ["audio"], organization: "Lab A", date: "2024-01-01" }),
      ],
      site,
    );
    expect(filterOptions(records)).toEqual({
      tag: [["theory", 2], ["audio", 1], ["vision", 1]],
      organization: [["Lab A", 1], ["Lab B", 1]],
      year: [["2026", 1], ["2025", 1], ["2024", 1]],
    });
  });
});

describe("writeSearchIndex", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const write = async (count = 2) => {
    const dir = mkdtempSync(path.join(tmpdir(), "search-index-"));
    dirs.push(dir);
    const papers = Array.from({ length: count }, (_, i) =>
      rendered({ id: `p${i}`, arxiv: undefined, title: `Paper ${i} on topic ${i % 7}`, body: `Words ${i} and ${i * 31} about ${i % 5}.`, upvotes: i % 13 }),
    );
    await writeSearchIndex(searchRecords(papers, site), dir);
    return path.join(dir, "pagefind");
  };

  it("writes Pagefind's client, wasm and index for every record, without the unused UI bundles", async () => {
    const out = await write();
    const entry = JSON.parse(readFileSync(path.join(out, "pagefind-entry.json"), "utf8")) as { languages: Record<string, { page_count: number }> };
    expect(entry.languages.en?.page_count).toBe(2);
    const files = readdirSync(out);
    expect(files).toContain("pagefind.js");
    expect(files).toContain("wasm.en.pagefind");
    expect(JSON.parse(readFileSync(path.join(out, "search-filters.json"), "utf8")).year).toEqual([["2026", 2]]);
    expect(files.filter((f) => f.includes("-ui") || f.includes("highlight"))).toEqual([]);
  });

  it("writes the same bytes for the same records (records are sent to Pagefind concurrently)", async () => {
    const [a, b] = [await write(300), await write(300)];
    const list = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name])).sort();
    expect(list(a)).toEqual(list(b));
    for (const file of list(a)) expect(readFileSync(path.join(a, file)).equals(readFileSync(path.join(b, file))), file).toBe(true);
  });
});
