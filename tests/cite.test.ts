import { describe, expect, it } from "vitest";
import { bibtex, citationKey, citationMeta, firstSentence, openGraph, type CitedPaper } from "../src/digest/cite.ts";
import { formatNumber } from "../src/digest/format.ts";
import { oneSpace } from "../src/markdown/source-text.ts";

const site = { url: "https://digest.example.org", pathPrefix: "/", title: "Test Digest" };

function cited(fields: Partial<CitedPaper> = {}): CitedPaper {
  return {
    id: "2301.12942", arxiv: "2301.12942", slug: "2301.12942",
    title: "Refined Regret for Adversarial MDPs with $\\tilde{\\mathcal O}(\\sqrt K)$", titleText: "Refined Regret for Adversarial MDPs with Õ(√K)",
    date: "2026-02-16", authors: ["Yan Dai", "Haipeng Luo"], authorCount: 2, published: "2023-01-30", category: "cs.LG",
    links: { abs: "https://arxiv.org/abs/2301.12942", pdf: "https://arxiv.org/pdf/2301.12942" },
    abstractText: "The best bound is Õ(K^(2/3)). We improve it to √K.",
    ...fields,
  };
}

describe("firstSentence", () => {
  const cases: [string, string][] = [
    ["The best bound is Õ(K^(2/3)). We improve it.", "The best bound is Õ(K^(2/3))."],
    ["Lines\njoined,   spaces  collapsed. Then more.", "Lines joined, spaces collapsed."],
    ["No full stop at all", "No full stop at all"],
    ["", ""],
  ];
  for (const [input, expected] of cases) it(`"${input.slice(0, 30)}"`, () => expect(firstSentence(input)).toBe(expected));

  it("cuts a very long sentence at a word, at most 160 characters (what search engines show)", () => {
    const long = `${"word ".repeat(200)}end.`;
    const result = firstSentence(long);
    expect(result.length).toBeLessThanOrEqual(160);
    expect(result.length).toBeGreaterThan(150);
    expect(result).toMatch(/word…$/);
    // Reads only the start of a huge abstract.
    expect(firstSentence("x".repeat(50_000)).length).toBeLessThanOrEqual(160);
  });
});

describe("citations", () => {
  it("writes an arXiv BibTeX entry with the paper's own year and TeX title", () => {
    expect(bibtex(cited(), site)).toBe(
      [
        "@misc{dai2023refined,",
        "  title = {{Refined Regret for Adversarial MDPs with $\\tilde{\\mathcal O}(\\sqrt K)$}},",
        "  author = {Yan Dai and Haipeng Luo},",
        "  year = {2023},",
        "  month = {1},",
        "  eprint = {2301.12942},",
        "  archivePrefix = {arXiv},",
        "  primaryClass = {cs.LG},",
        "  url = {https://arxiv.org/abs/2301.12942}",
        "}",
      ].join("\n"),
    );
  });

  it("escapes LaTeX specials outside math, drops unbalanced braces and adds 'and others' for unlisted authors", () => {
    const entry = bibtex(cited({ title: "R&D at 100% {fun", titleText: "R&D at 100% {fun", authors: ["José Ñúñez"], authorCount: 5, doi: "10.1/a_b", arxiv: undefined, published: undefined }), site);
    expect(entry).toContain("title = {{R\\&D at 100\\% fun}}");
    expect(entry).toContain("author = {José Ñúñez and others}");
    expect(entry).toContain("doi = {10.1/a\\_b}");
    expect(entry).toMatch(/^@misc\{nunez2026r,/);
    expect(entry).not.toContain("eprint");
  });

  it("makes a citation key from ASCII letters only", () => {
    expect(citationKey(cited({ authors: ["Bernhard Schölkopf"], titleText: "On the Causal Mechanisms" }))).toBe("scholkopf2023causal");
    expect(citationKey(cited({ authors: ["李 明"], titleText: "量子" }))).toBe("anon2023");
  });

  it("gives Highwire tags for Google Scholar: every author, dates with slashes, arXiv id, PDF and DOI", () => {
    expect(citationMeta(cited({ doi: "10.1145/1" }))).toEqual([
      ["citation_title", "Refined Regret for Adversarial MDPs with Õ(√K)"],
      ["citation_author", "Yan Dai"],
      ["citation_author", "Haipeng Luo"],
      ["citation_publication_date", "2023/01/30"],
      ["citation_online_date", "2023/01/30"],
      ["citation_arxiv_id", "2301.12942"],
      ["citation_pdf_url", "https://arxiv.org/pdf/2301.12942"],
      ["citation_doi", "10.1145/1"],
      ["citation_abstract_html_url", "https://arxiv.org/abs/2301.12942"],
    ]);
    // Without a first-version date, the digest day.
    expect(citationMeta(cited({ published: undefined }))).toContainEqual(["citation_publication_date", "2026/02/16"]);
  });

  it("gives Open Graph properties, without what previews read from the description and canonical link", () => {
    expect(openGraph(cited(), site)).toEqual([
      ["og:type", "article"],
      ["og:site_name", "Test Digest"],
      ["og:title", "Refined Regret for Adversarial MDPs with Õ(√K)"],
      ["article:published_time", "2023-01-30"],
    ]);
    // Authors are `citation_author` tags, once; Open Graph's `article:author` is for profile URLs.
    expect(openGraph(cited(), site).map(([key]) => key)).not.toContain("article:author");
  });
});

describe("the shortcuts of page text", () => {
  it("oneSpace makes each run of whitespace one space, as /\\s+/g does, for every kind of whitespace", () => {
    const pieces = [" ", "  ", "\n", "\t", "\r\n", "\u00a0", "\u2028", "\u3000", "\ufeff", "\u200b", "a", "bc", "$x$", "é"];
    let seed = 7;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed);
    for (let n = 0; n < 20_000; n++) {
      let text = "";
      for (let k = next() % 10; k > 0; k--) text += pieces[next() % pieces.length];
      expect(oneSpace(text)).toBe(text.replace(/\s+/g, " "));
    }
  });

  it("formatNumber groups thousands as toLocaleString(\"en-US\") does", () => {
    for (const value of [0, 7, 999, 1000, 12_345, 1_234_567, -4200, 3.5]) expect(formatNumber(value)).toBe(value.toLocaleString("en-US"));
  });

  it("the citation key takes the title's first significant word, made ASCII", () => {
    const key = (titleText: string) => citationKey(cited({ titleText }));
    expect(key("The Über-Model of Everything")).toMatch(/uber$/);
    expect(key("On a Théorie")).toMatch(/theorie$/);
    expect(key("— of the —")).toMatch(/\d{4}$/);
  });
});
