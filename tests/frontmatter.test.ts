import { describe, expect, it } from "vitest";
import { findControlChar, frontMatterLimits, parsePaperFile } from "../src/content/frontmatter.ts";

const file = "content/papers/2026-02-16/x.md";
const parse = (text: string) => parsePaperFile(text, file);
/** Only the messages and lines of the problems, for compact expectations. */
const problems = (text: string) => parse(text).problems.map((p) => [p.line, p.message]);

const sample = [
  "---", //                                  1
  'title: "A paper"', //                     2
  "date: 2026-02-16", //                     3
  "authors:", //                             4
  "  - Ada Lovelace", //                     5
  "  - Alan Turing", //                      6
  "  - Grace Hopper", //                     7
  "links:", //                               8
  "  code: https://github.com/example/x", // 9
  "arxiv: 2101.10000", //                    10
  "---", //                                  11
  "The abstract,", //                        12
  "---", //                                  13: a rule in the body, not front matter
  "continued.", //                           14
].join("\n");

describe("parsePaperFile: splitting and line numbers", () => {
  it("reads YAML 1.2: dates stay text, unquoted numbers become numbers", () => {
    const parsed = parse(sample);
    expect(parsed.problems).toEqual([]);
    expect(parsed.data).toEqual({
      title: "A paper",
      date: "2026-02-16",
      authors: ["Ada Lovelace", "Alan Turing", "Grace Hopper"],
      links: { code: "https://github.com/example/x" },
      arxiv: 2101.1,
    });
  });

  it("finds the line of top-level, list and nested fields", () => {
    const parsed = parse(sample);
    const lines: [(string | number)[], number | undefined][] = [
      [["title"], 2],
      [["date"], 3],
      [["authors"], 4],
      [["authors", 0], 5],
      [["authors", 2], 7],
      [["links"], 8],
      [["links", "code"], 9],
      [["arxiv"], 10],
      [["missing"], undefined],
      [["links", "missing"], undefined],
    ];
    for (const [path, line] of lines) expect(parsed.lineOf(path), path.join(".")).toBe(line);
  });

  it("keeps the body after the closing line, with the line it starts on", () => {
    const parsed = parse(sample);
    expect(parsed.bodyLine).toBe(12);
    expect(parsed.body).toBe("The abstract,\n---\ncontinued.");
  });

  it("gives the value exactly as written, for messages about YAML's guesses", () => {
    expect(parse(sample).sourceOf(["arxiv"])).toBe("2101.10000");
    expect(parse(sample).sourceOf(["title"])).toBe('"A paper"');
    expect(parse(sample).sourceOf(["authors"])).toBeUndefined();
  });

  it("counts lines the same with Windows line endings and a byte-order mark", () => {
    const parsed = parse(`\uFEFF${sample.replace(/\n/g, "\r\n")}`);
    expect(parsed.problems).toEqual([]);
    expect([parsed.lineOf(["links", "code"]), parsed.lineOf(["arxiv"]), parsed.bodyLine]).toEqual([9, 10, 12]);
  });

  it("counts an empty first line of front matter", () => {
    const parsed = parse("---\n\ntitle: x\n---\nbody\n");
    expect([parsed.lineOf(["title"]), parsed.bodyLine]).toEqual([3, 5]);
  });
});

describe("parsePaperFile: refused input", () => {
  // [what, file text, expected [line, message] pairs]
  const cases: [string, string, [number | undefined, string | RegExp][]][] = [
    ["JavaScript front matter", '---js\n{ title: "x" }\n---\nbody\n', [[1, 'front matter must be YAML: "---js" is not accepted (start the file with a line "---")']]],
    ["JSON front matter", '---json\n{"title": "x"}\n---\nbody\n', [[1, /"---json" is not accepted/]]],
    ["no front matter", "Just an abstract.\n", [[1, /file must start with YAML front matter/]]],
    ["unclosed front matter", "---\ntitle: x\nbody\n", [[1, /front matter is not closed/]]],
    ["empty front matter", "---\n---\nbody\n", [[1, "front matter is empty"]]],
    ["a list instead of fields", "---\n- a\n- b\n---\nbody\n", [[2, "front matter must be a set of `field: value` lines"]]],
    ["a duplicate key, at the second one", "---\ntitle: a\ndate: 2026-02-16\ntitle: b\n---\nbody\n", [[4, "invalid YAML: Map keys must be unique"]]],
    ["an unclosed flow list", "---\ntitle: a\nauthors: [A, B\n---\nbody\n", [[3, 'the list opened with "[" is not closed: end it with "]" on the same line']]],
    // The parser reports this one mistake twice on the same line; it is said once.
    ["a bad indentation", "---\ntitle: a\ndate: 2026-02-16\n  x: 1\n---\nbody\n", [[3, /^invalid YAML: /]]],
    ["a custom tag", "---\ntitle: !!js/function x\n---\nbody\n", [[2, /^invalid YAML: Unresolved tag/]]],
    ["an alias bomb", "---\na: &a [x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\n---\nbody\n", [[2, /^invalid YAML: Excessive alias count/]]],
    ["deep nesting", "---\na: [[[[[[[[[1]]]]]]]]]\n---\nbody\n", [[2, `front matter is nested deeper than ${frontMatterLimits.depth} levels`]]],
    ["a control character, at its line", "---\ntitle: x\n---\nline one\nbell \u0007 here\n", [[5, "control character U+0007 is not allowed"]]],
    ["an escape character in front matter", "---\ntitle: \u001b[31mred\n---\nbody\n", [[2, "control character U+001B is not allowed"]]],
  ];
  it.each(cases)("%s", (_, text, expected) => {
    const found = problems(text);
    expect(found).toHaveLength(expected.length);
    expected.forEach(([line, message], i) => {
      expect(found[i]![0]).toBe(line);
      if (typeof message === "string") expect(found[i]![1]).toBe(message);
      else expect(found[i]![1]).toMatch(message);
    });
    expect(parse(text).data).toBeUndefined();
  });

  it("reports every YAML error of a file, each with its line", () => {
    const found = problems("---\ntitle: a\ntitle: b\ndate: 2026-02-16\ndate: 2026-02-17\n---\nbody\n");
    expect(found).toEqual([
      [3, "invalid YAML: Map keys must be unique"],
      [5, "invalid YAML: Map keys must be unique"],
    ]);
  });

  it("refuses oversized files and front matter before parsing them", () => {
    const big = `---\ntitle: x\n---\n${"a".repeat(frontMatterLimits.fileChars)}\n`;
    expect(problems(big)).toEqual([[undefined, expect.stringMatching(/characters; the limit is 200000$/)]]);
    const longYaml = `---\ntitle: "${"a".repeat(frontMatterLimits.frontMatterChars)}"\n---\nbody\n`;
    expect(problems(longYaml)).toEqual([[2, expect.stringMatching(/^front matter is \d+ characters; the limit is 20000$/)]]);
  });
});

describe("findControlChar", () => {
  it.each([
    ["plain text\nand tabs\there\r\n", undefined],
    ["a\nb\nc\u0000", { line: 3, code: "U+0000" }],
    ["\u007f", { line: 1, code: "U+007F" }],
    ["x\n\u0085", { line: 2, code: "U+0085" }],
    ["emoji 😀 and accents é are fine", undefined],
  ])("%j", (text, expected) => {
    expect(findControlChar(text)).toEqual(expected);
  });
});
