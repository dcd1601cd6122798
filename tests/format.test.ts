import { describe, expect, it } from "vitest";
import { authorLine, formatNumber, hostOf, metaTags, plural } from "../src/digest/format.ts";

const names = (n: number) => Array.from({ length: n }, (_, i) => `A${i + 1}`);

describe("authorLine", () => {
  // [authors listed, authorCount, shown, expected]
  const cases: [string[], number, number, string][] = [
    [["Ada Lovelace"], 1, 8, "Ada Lovelace"],
    [["Ada Lovelace", "Alan Turing"], 2, 8, "Ada Lovelace and Alan Turing"],
    [["A", "B", "C"], 3, 8, "A, B and C"],
    [names(8), 8, 8, "A1, A2, A3, A4, A5, A6, A7 and A8"],
    [names(10), 10, 8, "A1, A2, A3, A4, A5, A6, A7, A8 and 2 more"],
    // the file lists only the first authors of a long list
    [["A", "B"], 40, 8, "A, B and 38 more"],
    [names(3), 4, 8, "A1, A2, A3 and 1 more"],
    // a count below the listed names never hides a name
    [["A", "B", "C"], 1, 8, "A, B and C"],
    [names(3), 3, 2, "A1, A2 and 1 more"],
  ];
  it.each(cases)("%j of %i, %i shown", (authors, count, shown, expected) => {
    expect(authorLine(authors, count, shown)).toBe(expected);
  });
});

describe("numbers", () => {
  it.each([
    [0, "paper", undefined, "0 papers"],
    [1, "paper", undefined, "1 paper"],
    [2, "day", undefined, "2 days"],
    [1234, "paper", undefined, "1,234 papers"],
    [1, "person", "people", "1 person"],
    [3, "person", "people", "3 people"],
  ] as const)("plural(%i, %s)", (count, noun, pluralNoun, expected) => {
    expect(plural(count, noun, pluralNoun)).toBe(expected);
  });

  it("groups thousands the same way whatever the machine's locale", () => {
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(999)).toBe("999");
    expect(formatNumber(1234567)).toBe("1,234,567");
  });
});

describe("hostOf", () => {
  it.each([
    ["https://github.com/example/repo", "github.com"],
    ["https://www.example.org/path?q=1", "example.org"],
    ["http://sub.example.org:8080/", "sub.example.org"],
    ["not a url", "not a url"],
  ])("%s -> %s", (url, host) => {
    expect(hostOf(url)).toBe(host);
  });
});

describe("meta tags", () => {
  it("writes meta tags one a line, the keys bare, contents quoted and escaped", () => {
    expect(metaTags([["citation_author", "Ada"], ["citation_title", 'a "b" <c> & d']], "name")).toBe(
      '<meta name=citation_author content="Ada"><meta name=citation_title content="a &quot;b&quot; &lt;c&gt; &amp; d">',
    );
    expect(metaTags([["og:type", "article"]], "property")).toBe('<meta property=og:type content="article">');
  });

  it("writes a content bare only for a key the caller fixes, and only when it is one plain token", () => {
    expect(metaTags([["og:type", "article"], ["og:title", "article"]], "property", ["og:type"])).toBe(
      '<meta property=og:type content=article><meta property=og:title content="article">',
    );
    // A value that is not one plain token stays quoted and escaped even where the caller says it is fixed.
    expect(metaTags([["og:type", "a b"], ["og:x", 'x"><script>']], "property", ["og:type", "og:x"])).toBe(
      '<meta property=og:type content="a b"><meta property=og:x content="x&quot;&gt;&lt;script&gt;">',
    );
    expect(metaTags([['a"b', "c"]], "name")).toBe('<meta name="a&quot;b" content="c">');
  });
});
