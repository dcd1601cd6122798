import { describe, expect, it } from "vitest";
import { comparePapers, groupDigest, organizationSlug, paginateTags } from "../src/digest/group.ts";
import type { RenderedPaper } from "../src/markdown/paper.ts";

/** A typeset paper with only the fields grouping looks at filled in. */
function rendered(id: string, date: string, fields: Partial<RenderedPaper> = {}): RenderedPaper {
  const title = fields.title ?? `Paper ${id}`;
  return {
    id, title, date, authors: ["A"], authorCount: 1, upvotes: 0, tags: [], links: {}, body: "b",
    source: { file: `content/papers/${date}/${id}.md`, titleLine: 2, bodyLine: 8 },
    slug: id, titleHtml: title, titleText: fields.titleText ?? title, abstractHtml: "<p>b</p>",
    text: { title, body: "b" },
    abstractText: "b",
    ...fields,
  };
}

const ids = (papers: readonly RenderedPaper[]) => papers.map((p) => p.id);

// Days across a year boundary, two ISO weeks with a gap, four months.
const papers = [
  rendered("a", "2025-12-29"),
  rendered("b", "2026-01-01", { upvotes: 3, tags: ["rl"] }),
  rendered("c", "2026-01-01", { upvotes: 10, tags: ["theory", "rl"] }),
  rendered("d", "2026-01-04"),
  rendered("e", "2026-01-13", { tags: ["theory"] }),
  rendered("f", "2027-01-01"),
  rendered("g", "2021-01-03"),
];

describe("groupDigest", () => {
  const digest = groupDigest(papers.map((p) => ({ ...p })));

  it("lists days newest first, each linked to the nearest days that have papers", () => {
    expect(digest.days.map((d) => [d.date, d.prev, d.next])).toEqual([
      ["2027-01-01", "2026-01-13", undefined],
      ["2026-01-13", "2026-01-04", "2027-01-01"],
      ["2026-01-04", "2026-01-01", "2026-01-13"],
      ["2026-01-01", "2025-12-29", "2026-01-04"],
      ["2025-12-29", "2021-01-03", "2026-01-01"],
      ["2021-01-03", undefined, "2025-12-29"],
    ]);
  });

  it("orders papers newest day first, then by upvotes within a day", () => {
    expect(ids(digest.papers)).toEqual(["f", "e", "d", "c", "b", "a", "g"]);
    expect(ids(digest.days.find((d) => d.date === "2026-01-01")!.papers)).toEqual(["c", "b"]);
  });

  it("groups days into ISO weeks across the year boundary", () => {
    expect(digest.weeks.map((w) => [w.key, w.days.map((d) => d.date), w.count, w.start, w.end])).toEqual([
      ["2026-W53", ["2027-01-01"], 1, "2026-12-28", "2027-01-03"],
      ["2026-W03", ["2026-01-13"], 1, "2026-01-12", "2026-01-18"],
      ["2026-W01", ["2026-01-04", "2026-01-01", "2025-12-29"], 4, "2025-12-29", "2026-01-04"],
      ["2020-W53", ["2021-01-03"], 1, "2020-12-28", "2021-01-03"],
    ]);
    // Neighbours skip weeks without papers.
    const w01 = digest.weeks.find((w) => w.key === "2026-W01")!;
    expect([w01.prev, w01.next]).toEqual(["2020-W53", "2026-W03"]);
  });

  it("groups days into months with their first and last calendar day", () => {
    expect(digest.months.map((m) => [m.key, m.count, m.start, m.end, m.prev, m.next])).toEqual([
      ["2027-01", 1, "2027-01-01", "2027-01-31", "2026-01", undefined],
      ["2026-01", 4, "2026-01-01", "2026-01-31", "2025-12", "2027-01"],
      ["2025-12", 1, "2025-12-01", "2025-12-31", "2021-01", "2026-01"],
      ["2021-01", 1, "2021-01-01", "2021-01-31", undefined, "2025-12"],
    ]);
  });

  it("lists tags by name, each with its papers in reading order", () => {
    expect(digest.tags.map((t) => [t.tag, ids(t.papers)])).toEqual([
      ["rl", ["c", "b"]],
      ["theory", ["e", "c"]],
    ]);
  });

  it("cuts each tag's list into pages of the configured size, newest first, linked in order", () => {
    const paged = groupDigest(papers.map((p) => ({ ...p })), { tagPageSize: 1 }).tagPages;
    expect(paged.map((p) => [p.url, ids(p.papers), p.count, `${p.page}/${p.pages}`, p.prev, p.next])).toEqual([
      ["/tags/rl/", ["c"], 2, "1/2", undefined, "/tags/rl/page/2/"],
      ["/tags/rl/page/2/", ["b"], 2, "2/2", "/tags/rl/", undefined],
      ["/tags/theory/", ["e"], 2, "1/2", undefined, "/tags/theory/page/2/"],
      ["/tags/theory/page/2/", ["c"], 2, "2/2", "/tags/theory/", undefined],
    ]);
    // The default size fits these tags on one page each.
    expect(digest.tagPages.map((p) => [p.url, ids(p.papers), p.pages])).toEqual([["/tags/rl/", ["c", "b"], 1], ["/tags/theory/", ["e", "c"], 1]]);
  });

  it("gives a tag pages of the full size and a shorter last one", () => {
    const many = Array.from({ length: 7 }, (_, i) => rendered(`p${i}`, "2026-01-01"));
    for (const [size, lengths] of [[3, [3, 3, 1]], [7, [7]], [10, [7]], [1, [1, 1, 1, 1, 1, 1, 1]]] as const) {
      expect(paginateTags([{ tag: "t", papers: many }], size).map((p) => p.papers.length), `size ${size}`).toEqual(lengths);
    }
  });

  it("does not depend on the order files were read in", () => {
    const reversed = groupDigest(papers.map((p) => ({ ...p })).reverse());
    expect(reversed).toEqual(digest);
  });

  it("ends a month on its real last day", () => {
    const months = groupDigest([rendered("x", "2024-02-10"), rendered("y", "2026-02-10"), rendered("z", "2026-04-30")]).months;
    expect(months.map((m) => m.end)).toEqual(["2026-04-30", "2026-02-28", "2024-02-29"]);
  });

  it("gives an empty site no days, weeks, months or tags", () => {
    expect(groupDigest([])).toEqual({
      papers: [], days: [], weeks: [], months: [], tags: [], tagPages: [], organizations: [], organizationPages: [], paperPages: [],
    });
  });
});

describe("comparePapers", () => {
  it("puts the most upvoted first, then sorts by title text, then by id", () => {
    const day = [
      rendered("p1", "2026-01-01", { upvotes: 5, titleText: "beta" }),
      rendered("p2", "2026-01-01", { upvotes: 5, titleText: "Alpha" }),
      rendered("p3", "2026-01-01", { upvotes: 9, titleText: "Zeta" }),
      rendered("p5", "2026-01-01", { upvotes: 0, titleText: "Same" }),
      rendered("p4", "2026-01-01", { upvotes: 0, titleText: "Same" }),
      rendered("p6", "2026-01-01", { upvotes: 5, titleText: "α-stable laws" }),
    ];
    expect(ids([...day].sort(comparePapers))).toEqual(["p3", "p2", "p1", "p6", "p4", "p5"]);
  });

  it("orders titles as String#localeCompare with the \"en\" locale does, accents, case, digits and scripts alike", () => {
    const titles = ["résumé", "Resume", "resume", "RÉSUMÉ", "a10", "a9", "a-b", "ab", "a b", "Ωmega", "omega", "日本", "中文", "", " ", "ǅ", "ﬁle", "file", "e\u0301", "é", "x\u0000y", "x"];
    const papers = titles.map((titleText, i) => rendered(`p${i}`, "2026-01-01", { titleText }));
    const reference = (a: RenderedPaper, b: RenderedPaper) => a.titleText.localeCompare(b.titleText, "en") || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    expect(ids([...papers].sort(comparePapers))).toEqual(ids([...papers].sort(reference)));
  });

  it("sorts by the readable title, not the TeX source", () => {
    const a = rendered("a", "2026-01-01", { title: "$\\alpha$ rules", titleText: "α rules" });
    const b = rendered("b", "2026-01-01", { title: "Beta rules", titleText: "Beta rules" });
    expect(ids([a, b].sort(comparePapers))).toEqual(["b", "a"]);
  });
});

describe("organizations and paper pages", () => {
  it("gives every organization name a slug, accents dropped, a hash when no letter is ASCII", () => {
    const cases: [string, string][] = [
      ["NVIDIA", "nvidia"],
      ["Université Paris-Saclay", "universite-paris-saclay"],
      ["  MIT  CSAIL / Cambridge ", "mit-csail-cambridge"],
      ["x".repeat(100), "x".repeat(60)],
    ];
    for (const [name, slug] of cases) expect(organizationSlug(name), name).toBe(slug);
    expect(organizationSlug("清华大学")).toMatch(/^org-[0-9a-f]{8}$/);
    expect(organizationSlug("清华大学")).not.toBe(organizationSlug("北京大学"));
  });

  it("groups papers by organization slug, under the most frequent spelling, newest first", () => {
    const digest = groupDigest([
      rendered("a", "2026-01-01", { organization: "Nvidia" }),
      rendered("b", "2026-01-02", { organization: "NVIDIA" }),
      rendered("c", "2026-01-03", { organization: "NVIDIA" }),
      rendered("d", "2026-01-03", { organization: "Tencent" }),
      rendered("e", "2026-01-03"),
    ], { tagPageSize: 2 });
    expect(digest.organizations.map((o) => [o.slug, o.name, ids(o.papers)])).toEqual([
      ["nvidia", "NVIDIA", ["c", "b", "a"]],
      ["tencent", "Tencent", ["d"]],
    ]);
    expect(digest.organizationPages.map((p) => [p.url, ids(p.papers), p.prev, p.next])).toEqual([
      ["/organizations/nvidia/", ["c", "b"], undefined, "/organizations/nvidia/page/2/"],
      ["/organizations/nvidia/page/2/", ["a"], "/organizations/nvidia/", undefined],
      ["/organizations/tencent/", ["d"], undefined, undefined],
    ]);
  });

  it("links each paper page to the papers before and after it in reading order", () => {
    const pages = groupDigest(papers.map((p) => ({ ...p }))).paperPages;
    expect(pages.map((p) => [p.paper.id, p.prev?.slug, p.next?.slug])).toEqual([
      ["f", undefined, "e"],
      ["e", "f", "d"],
      ["d", "e", "c"],
      ["c", "d", "b"],
      ["b", "c", "a"],
      ["a", "b", "g"],
      ["g", "a", undefined],
    ]);
  });
});
