import { describe, expect, it } from "vitest";
import { parsePaperFile } from "../src/content/frontmatter.ts";
import { arxivLinks, isCalendarDate, isWebUrl, knownFields, paperSlug, validatePaper } from "../src/content/schema.ts";

const file = "content/papers/2026-02-16/x.md";

/** A valid paper's front-matter lines (line 2 onwards), keyed so a case can replace or drop one. */
const base = {
  title: 'title: "A paper"', //       line 2
  date: "date: 2026-02-16", //        line 3
  arxiv: 'arxiv: "2601.00001"', //    line 4
  authors: "authors: [Ada Lovelace]", // line 5
};

/** Validates a file made of `base` with `changes` (a string replaces a line, undefined drops it) and `extra` lines after. */
function validate(changes: Partial<Record<keyof typeof base, string | undefined>> = {}, extra: string[] = [], body = "An abstract.") {
  const lines = Object.values({ ...base, ...changes }).filter((l): l is string => l !== undefined);
  const text = `---\n${[...lines, ...extra].join("\n")}\n---\n${body}\n`;
  return validatePaper(parsePaperFile(text, file), file);
}
const found = (...args: Parameters<typeof validate>) => validate(...args).problems.map((p) => [p.line, p.field, p.message]);

describe("validatePaper: a valid paper", () => {
  it("fills defaults and derives the arXiv links", () => {
    const { paper, problems } = validate();
    expect(problems).toEqual([]);
    expect(paper).toEqual({
      id: "2601.00001",
      arxiv: "2601.00001",
      title: "A paper",
      date: "2026-02-16",
      authors: ["Ada Lovelace"],
      authorCount: 1,
      upvotes: 0,
      tags: [],
      links: { abs: "https://arxiv.org/abs/2601.00001", pdf: "https://arxiv.org/pdf/2601.00001" },
      body: "An abstract.\n",
      source: { file, titleLine: 2, bodyLine: 7 },
    });
  });

  it("keeps every optional field", () => {
    const { paper, problems } = validate({ arxiv: 'arxiv: "hep-th/9901001"' }, [
      "authorCount: 40", "published: 2025-12-30", "organization: NVIDIA", "upvotes: 12", "tags: [reinforcement-learning, theory]",
      "category: astro-ph.SR", "doi: 10.1145/3580305.3599256", "venue: NeurIPS 2025",
      "links:", "  code: https://github.com/example/repo", "  pdf: https://example.org/paper.pdf",
    ]);
    expect(problems).toEqual([]);
    expect(paper).toMatchObject({
      id: "hep-th/9901001", authorCount: 40, published: "2025-12-30", organization: "NVIDIA", upvotes: 12,
      tags: ["reinforcement-learning", "theory"], category: "astro-ph.SR", doi: "10.1145/3580305.3599256", venue: "NeurIPS 2025",
      // a pdf link given in the file wins over the derived one
      links: { abs: "https://arxiv.org/abs/hep-th/9901001", pdf: "https://example.org/paper.pdf", code: "https://github.com/example/repo" },
    });
  });

  it("takes a paper not on arXiv by id and url", () => {
    const { paper, problems } = validate({ arxiv: "id: my-paper-2026" }, ["url: https://openreview.net/forum?id=abc"]);
    expect(problems).toEqual([]);
    expect(paper).toMatchObject({ id: "my-paper-2026", links: { abs: "https://openreview.net/forum?id=abc" } });
    expect(paper!.arxiv).toBeUndefined();
    expect(paper!.links.pdf).toBeUndefined();
  });

  it("tidies whitespace in text fields", () => {
    const { paper } = validate({ title: "title: >-\n  A title folded\n  over   two lines" });
    expect(paper!.title).toBe("A title folded over two lines");
  });
});

describe("validatePaper: one problem, named by line and field", () => {
  // [what, changes, extra lines, expected [line, field, message]]
  type Case = [string, Parameters<typeof validate>[0], string[], [number | undefined, string, string | RegExp]];
  const cases: Case[] = [
    ["missing title", { title: undefined }, [], [1, "title", "is required"]],
    ["title not text", { title: "title: 5" }, [], [2, "title", "must be text, got number 5"]],
    ["empty title", { title: 'title: ""' }, [], [2, "title", "must not be empty"]],
    ["title too long", { title: `title: ${"a".repeat(501)}` }, [], [2, "title", "is 501 characters; the limit is 500"]],
    ["missing date", { date: undefined }, [], [1, "date", "is required"]],
    ["impossible date", { date: "date: 2026-02-30" }, [], [3, "date", '"2026-02-30" is not a real calendar date']],
    ["date in another format", { date: "date: 16/02/2026" }, [], [3, "date", '"16/02/2026" is not a date written YYYY-MM-DD']],
    ["date with a time", { date: "date: 2026-02-16T10:00:00Z" }, [], [3, "date", '"2026-02-16T10:00:00Z" is not a date written YYYY-MM-DD']],
    ["date as a number", { date: "date: 20260216" }, [], [3, "date", "must be a date written YYYY-MM-DD, got the number 20260216"]],
    ["bad published date", {}, ["published: 2025-02-29"], [6, "published", '"2025-02-29" is not a real calendar date']],
    ["unquoted arXiv id", { arxiv: "arxiv: 2101.10000" }, [], [4, "arxiv", 'must be quoted: YAML reads 2101.10000 as the number 2101.1; write arxiv: "2101.10000"']],
    ["arXiv id with version", { arxiv: 'arxiv: "2509.25149v2"' }, [], [4, "arxiv", '"2509.25149v2" has a version suffix; write the id without it: "2509.25149"']],
    ["old arXiv id with version", { arxiv: "arxiv: hep-th/9901001v3" }, [], [4, "arxiv", /write the id without it: "hep-th\/9901001"$/]],
    ["not an arXiv id", { arxiv: 'arxiv: "abc"' }, [], [4, "arxiv", /"abc" is not an arXiv id/]],
    ["arXiv id as a list", { arxiv: 'arxiv: ["2601.00001"]' }, [], [4, "arxiv", 'must be a quoted arXiv id like "2509.25149", got a list']],
    ["no arXiv id and no id", { arxiv: undefined }, ["url: https://example.org/"], [1, "arxiv", 'is required (or, for a paper not on arXiv, give "id" and "url")']],
    ["both arxiv and id", {}, ["id: my-paper"], [6, "id", /give either "arxiv" or "id", not both/]],
    ["url on an arXiv paper", {}, ["url: https://example.org/"], [6, "url", /is only for papers without an arXiv id/]],
    ["id that is not a slug", { arxiv: "id: My_Paper" }, ["url: https://example.org/"], [4, "id", 'must be a slug of lowercase letters, digits and hyphens, got string "My_Paper"']],
    ["id without url", { arxiv: "id: my-paper" }, [], [1, "url", 'is required for a paper given by "id" (its landing page)']],
    ["url that is not http(s)", { arxiv: "id: my-paper" }, ["url: ftp://example.org/x"], [6, "url", '"ftp://example.org/x" is not an absolute http(s) URL']],
    ["url with credentials", { arxiv: "id: my-paper" }, ['url: "https://user:pw@example.org/"'], [6, "url", /is not an absolute http\(s\) URL/]],
    ["missing authors", { authors: undefined }, [], [1, "authors", "is required: a list of author names"]],
    ["authors as one string", { authors: "authors: Ada Lovelace, Alan Turing" }, [], [5, "authors", 'must be a list of names (one "- Name" per line), got string "Ada Lovelace, Alan Turing"']],
    ["empty author list", { authors: "authors: []" }, [], [5, "authors", "must list at least one author"]],
    ["an author that is not text, at its own line", { authors: "authors:\n  - Ada\n  - 42" }, [], [7, "authors[1]", "must be text, got number 42"]],
    ["authorCount below the listed authors", { authors: "authors: [A, B, C]" }, ["authorCount: 2"], [6, "authorCount", "is 2 but 3 authors are listed"]],
    ["authorCount zero", {}, ["authorCount: 0"], [6, "authorCount", "must be a whole number >= 1, got number 0"]],
    ["negative upvotes", {}, ["upvotes: -1"], [6, "upvotes", "must be a whole number >= 0, got number -1"]],
    ["upvotes as text", {}, ["upvotes: many"], [6, "upvotes", 'must be a whole number >= 0, got string "many"']],
    ["fractional upvotes", {}, ["upvotes: 1.5"], [6, "upvotes", "must be a whole number >= 0, got number 1.5"]],
    ["tags as a string", {}, ["tags: theory"], [6, "tags", 'must be a list of tags, got string "theory"']],
    ["a tag that is not a slug", {}, ["tags:", "  - ok", "  - Deep Learning"], [8, "tags[1]", 'must be a lowercase slug like "reinforcement-learning", got string "Deep Learning"']],
    ["a tag listed twice", {}, ["tags: [rl, rl]"], [6, "tags[1]", '"rl" is listed twice']],
    ["too many tags", {}, [`tags: [${Array.from({ length: 21 }, (_, i) => `t${i}`).join(", ")}]`], [6, "tags", "has 21 tags; the limit is 20"]],
    ["bad category", {}, ["category: CS LG"], [6, "category", '"CS LG" is not an arXiv category like "cs.CL" or "astro-ph.SR"']],
    ["DOI given as a URL", {}, ["doi: https://doi.org/10.1145/3580305.3599256"], [6, "doi", /is not a DOI like "10.1145\/3580305.3599256" \(without https:\/\/doi.org\/\)/]],
    ["links as a list", {}, ["links: [https://example.org]"], [6, "links", "must be a set of named links (code: https://...), got a list"]],
    ["unknown link with a guess", {}, ["links:", "  cod: https://github.com/x"], [7, "links.cod", /^unknown link "cod" \(did you mean "code"\?\); known links: pdf, code,/]],
    ["link that is not a URL, at its own line", {}, ["links:", "  code: https://github.com/x", "  project: www.example.org"], [8, "links.project", '"www.example.org" is not an absolute http(s) URL']],
    ["javascript link", {}, ["links:", '  demo: "javascript:alert(1)"'], [7, "links.demo", '"javascript:alert(1)" is not an absolute http(s) URL']],
    ["unknown field with a guess", {}, ["catgory: cs.LG"], [6, "catgory", /^unknown field "catgory" \(did you mean "category"\?\); known fields: title, date, arxiv/]],
    ["unknown field without a guess", {}, ["zzzzzz: 1"], [6, "zzzzzz", /^unknown field "zzzzzz"; known fields:/]],
    ["permalink", {}, ["permalink: /elsewhere/"], [6, "permalink", '"permalink" changes how the site is built and is not allowed in a paper file']],
    ["layout", {}, ["layout: other.njk"], [6, "layout", '"layout" changes how the site is built and is not allowed in a paper file']],
    ["eleventyComputed", {}, ["eleventyComputed:", "  title: x"], [6, "eleventyComputed", /"eleventyComputed" changes how the site is built/]],
    ["pagination", {}, ["pagination: 1"], [6, "pagination", /"pagination" changes how the site is built/]],
  ];
  it.each(cases)("%s", (_, changes, extra, [line, field, message]) => {
    const { paper, problems } = validate(changes, extra);
    expect(paper).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toBe(file);
    expect([problems[0]!.line, problems[0]!.field]).toEqual([line, field]);
    if (typeof message === "string") expect(problems[0]!.message).toBe(message);
    else expect(problems[0]!.message).toMatch(message);
  });

  it("refuses a missing abstract, at the line it should start on", () => {
    expect(found({}, [], "  \n")).toEqual([[7, "body", "the abstract is missing: write it below the front matter"]]);
  });
});

describe("validatePaper: every problem of a file at once", () => {
  it("reports all of them, not just the first", () => {
    const problems = found({ title: "title: 5", date: "date: 2026-13-01", arxiv: "arxiv: 2101.10000" }, ["upvotes: x", "layout: y", "tagz: [a]"], "");
    expect(problems.map(([line, field]) => `${line} ${field}`).sort()).toEqual(
      ["2 title", "3 date", "4 arxiv", "6 upvotes", "7 layout", "8 tagz", "10 body"].sort(),
    );
  });
});

describe("schema helpers", () => {
  it.each([
    ["2026-02-16", true],
    ["2024-02-29", true],
    ["2025-02-29", false],
    ["2026-02-30", false],
    ["2026-13-01", false],
    ["2026-00-10", false],
    ["2026-1-1", false],
    ["1899-12-31", false],
    ["2026-02-16 ", false],
  ])("isCalendarDate(%j) is %s", (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it.each([
    ["https://example.org/", true],
    ["http://example.org/a?b=c#d", true],
    ["ftp://example.org/", false],
    ["javascript:alert(1)", false],
    ["//example.org/", false],
    ["/relative/path", false],
    ["https://user:secret@example.org/", false],
    ["https://example.org/a b", false],
  ])("isWebUrl(%j) is %s", (value, expected) => {
    expect(isWebUrl(value)).toBe(expected);
  });

  it("derives arXiv links and URL-safe slugs from ids", () => {
    expect(arxivLinks("2509.25149")).toEqual({ abs: "https://arxiv.org/abs/2509.25149", pdf: "https://arxiv.org/pdf/2509.25149" });
    expect(arxivLinks("hep-th/9901001").pdf).toBe("https://arxiv.org/pdf/hep-th/9901001");
    expect(paperSlug("2509.25149")).toBe("2509.25149");
    expect(paperSlug("hep-th/9901001")).toBe("hep-th_9901001");
    expect(paperSlug("my-paper")).toBe("my-paper");
  });

  it("lists the README's fields", () => {
    expect([...knownFields].sort()).toEqual(
      ["arxiv", "authorCount", "authors", "category", "date", "doi", "id", "links", "macros", "organization", "published", "tags", "title", "upvotes", "url", "venue"],
    );
  });
});
