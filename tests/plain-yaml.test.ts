import { describe, expect, it } from "vitest";
import { parsePaperFile, type ParsedFile } from "../src/content/frontmatter.ts";
import { readPlainFrontMatter } from "../src/content/plain-yaml.ts";
import { seededRandom } from "../scripts/bench/corpus.ts";

// Values and keys chosen to sit on every edge the plain reader draws: YAML's indicators, the core schema's null,
// booleans and numbers, quotes and escapes, comments, colons, brackets, odd spaces and characters.
const values = [
  "Ada Lovelace", "cs.LG", "quant-ph", "https://github.com/x/y", "Yan Müller", "O'Brien", 'say "hi"', "a, b", "a - b",
  "$k$-means", "(Almost) free", "x:y", "a: b", "a:", "a #b", "a#b", "C#", "[a]", "a [b]", "{a}", "a{b}", "-a", "- a",
  "?a", "? a", ":a", "&a", "*a", "!a", "|a", ">a", "%a", "@a", "`a`", "'a'", '"a"', "'a''b'", '"a\\"b"', '"a\\nb"',
  "'a", '"a', '"a # b"', '"a\\\\b"', '"\\\\alpha $x$"', '"a\\\\"', '"\\\\\\""', '"a\\"', '"a\\ b"', '"\\x41"',
  '"\\u00e9"', "'a: b'", '"  padded  "', "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "yes", "no",
  "on", "off", "0", "7", "42", "007", "-1", "+1", "1.5", "1e5", "1E5", ".5", "5.", ".inf", "-.inf", ".nan", ".NaN",
  "0x1F", "0o17", "0b11", "1_000", "12345678901234567890", "999999999999999", "2020-01-03", "2020-1-3",
  "2020-01-03T00:00:00Z", "3d", "3e", "3e5x", "1.2.3", "1:30", "12:30:00", "NaN", "Infinity", "\\alpha", "a\tb",
  "a\u00a0", "\u00a0a", "\ufeffa", "a\u2028b", "日本語", "Ünïcödé", "😀 emoji", "a\\b", "", "a b: c", "'", '"', "a'", 'a"',
  "#a", "a # b", "a #", "!!str a", "!!binary aGk=", "&x a", "*x", "a,b", "a ,b", "a?", "a!", "a|b", "a > b", "a%",
  "a@b", "a`b", "…", "a\u0300", "[]", "[ ]", "[a, b]", "[a,b]", "[ a , b ]", "[a, b,]", "[a,, b]", "[3d, cs.LG]",
  "[1, 2]", "[true]", "[null]", "[a b]", "[a: b]", "[a, [b]]", "[a, {b}]", "['a', \"b\"]", "[-a]", "[.a]", "[a-b, c_d]",
  "[1e5]", "[0x1]", "[3d]", "[Ünï, 日本]", "[a", "a]", "{a: b}", "{}", "|", ">", "|-\n  text", "a\n  continued",
];
// Values the reader takes: most of a random front matter, so that it is read on the fast path often enough.
const plainValues = [
  "Ada Lovelace", "cs.LG", "quant-ph", "https://github.com/x/y", "Yan Müller", "O'Brien", '"Language models: a survey"',
  "'quoted'", '"a # b"', '"TeX $\\\\alpha$ and \\"quotes\\""', "7", "0", "42", "2020-01-03", "3d", "[a, b]",
  "[llm, 3d, cs-theory]", "[]", "$k$-means", "(Almost) free", "a, b", "日本語", "Ünïcödé", "x:y", "\\alpha",
];
const keys = [
  "title", "date", "arxiv", "authors", "links", "tags", "a", "A1", "a_b", "null", "true", "True", "x".repeat(70), "_a",
  "1a", "a-b", "a.b", "constructor", "toString", "__proto__", "hasOwnProperty", "key with space", '"q"', "Ünï", "y", "n",
];

/** A random front matter of a few entries in every shape the reader handles, and many it must leave to the parser. */
function frontMatter(rand: () => number): string[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const lines: string[] = [];
  const spaces = () => (rand() < 0.95 ? " " : pick(["", "  "]));
  const trailing = () => (rand() < 0.05 ? pick([" ", "  ", "\t"]) : "");
  const value = () => (rand() < 0.9 ? pick(plainValues) : pick(values));
  const count = 1 + Math.floor(rand() * 5);
  for (let n = 0; n < count; n++) {
    const shape = rand();
    const key = rand() < 0.9 ? pick(keys.slice(0, 8)) : pick(keys);
    if (shape < 0.5) {
      lines.push(`${key}:${spaces()}${value()}${trailing()}`);
    } else if (shape < 0.7) {
      lines.push(`${key}:${trailing()}`);
      const indent = " ".repeat(pick([0, 2, 2, 4]));
      for (let k = Math.floor(rand() * 4); k >= 0; k--) {
        const dash = rand() < 0.95 ? "- " : pick(["-  ", "-"]);
        lines.push(`${rand() < 0.05 ? indent + " " : indent}${dash}${value()}${trailing()}`);
      }
    } else if (shape < 0.85) {
      lines.push(`${key}:${trailing()}`);
      const indent = " ".repeat(pick([1, 2, 2, 4]));
      for (let k = Math.floor(rand() * 3); k >= 0; k--) {
        const name = rand() < 0.9 ? pick(["code", "pdf", "data"]) : pick(keys);
        lines.push(`${rand() < 0.05 ? indent + " " : indent}${name}:${spaces()}${value()}${trailing()}`);
      }
    } else if (shape < 0.87) {
      lines.push(`${key}:`);
    } else if (shape < 0.9) {
      lines.push(pick(["", "# comment", "  ", "...", "? a", "  stray", "- item", "key:value", `${key} : x`, "%YAML 1.2"]));
    } else {
      lines.push(`${key}:${spaces()}${pick(values)}`);
    }
  }
  return lines;
}

/** Every path into `data`, for comparing line numbers and source text. */
function paths(data: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(data)) return data.flatMap((item, i) => [[...prefix, i], ...paths(item, [...prefix, i])]);
  if (data && typeof data === "object") {
    return Object.entries(data).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
  }
  return [];
}

const file = "content/papers/2026-02-16/2509.25149.md";

const same = (fast: ParsedFile, full: ParsedFile, text: string) => {
  expect(fast.problems, text).toEqual(full.problems);
  expect(JSON.stringify(fast.data), text).toBe(JSON.stringify(full.data));
  // Not toStrictEqual: it compares a `constructor` field's value as a class.
  expect(fast.data && Object.getPrototypeOf(fast.data), text).toBe(full.data && Object.getPrototypeOf(full.data));
  expect([fast.body, fast.bodyLine], text).toEqual([full.body, full.bodyLine]);
  for (const path of [...paths(full.data), ["missing"], ["links", "missing"]]) {
    expect(fast.lineOf(path), `${text}\nlineOf ${JSON.stringify(path)}`).toBe(full.lineOf(path));
    expect(fast.sourceOf(path), `${text}\nsourceOf ${JSON.stringify(path)}`).toBe(full.sourceOf(path));
  }
};

describe("the plain front matter reader", () => {
  it("gives what the YAML parser gives, or leaves the file to it", () => {
    const rand = seededRandom(7);
    let read = 0;
    const cases = 3_000;
    for (let n = 0; n < cases; n++) {
      const lines = frontMatter(rand);
      const text = `---\n${lines.join("\n")}\n---\nThe abstract.\n`;
      if (readPlainFrontMatter(lines, 2)) read++;
      same(parsePaperFile(text, file), parsePaperFile(text, file, { plain: false }), text);
    }
    // The comparison means something only if the reader takes a good share of the cases.
    expect(read).toBeGreaterThan(cases / 10);
  });

  it("gives what the YAML parser gives for a typical file with a few characters put in or replaced", () => {
    const typical = [
      'title: "Language models: a survey of $\\\\mathcal{O}(n)$"', "date: 2026-02-16", 'arxiv: "2509.25149"', "authors:",
      "  - Ada Lovelace", "  - Yan Müller", "category: cs.CL", "upvotes: 12", "tags: [llm, 3d, cs-theory]", "links:",
      "  code: https://github.com/example/p1", "venue: 'single'", "n: 0",
    ].join("\n");
    const characters = [..." :#\"'-[],{}\\\t&*!|>%@`?.0e~+5NT\n", "\u00a0", "\ufeff"];
    const rand = seededRandom(11);
    let read = 0;
    const cases = 3_000;
    for (let n = 0; n < cases; n++) {
      let front = typical;
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
        const at = Math.floor(rand() * front.length);
        const c = characters[Math.floor(rand() * characters.length)]!;
        front = front.slice(0, at) + c + front.slice(rand() < 0.5 ? at : at + 1);
      }
      if (readPlainFrontMatter(front.split("\n"), 2)) read++;
      const text = `---\n${front}\n---\nThe abstract.\n`;
      same(parsePaperFile(text, file), parsePaperFile(text, file, { plain: false }), text);
    }
    expect(read).toBeGreaterThan(cases / 10);
  });

  it("reads the files `npm run new` and the benchmark write", () => {
    const lines = [
      'title: "Language models: a survey"', "date: 2026-02-16", 'arxiv: "2509.25149"', "authors:", "  - Ada Lovelace",
      "  - Yan Müller", "published: 2025-09-29", "category: cs.CL", "upvotes: 12", "tags: [llm, 3d, cs-theory]",
      "links:", "  code: https://github.com/example/p1",
    ];
    expect(readPlainFrontMatter(lines, 2)).toEqual({
      data: {
        title: "Language models: a survey", date: "2026-02-16", arxiv: "2509.25149", authors: ["Ada Lovelace", "Yan Müller"],
        published: "2025-09-29", category: "cs.CL", upvotes: 12, tags: ["llm", "3d", "cs-theory"],
        links: { code: "https://github.com/example/p1" },
      },
      keyLines: new Map([
        ["title", 2], ["date", 3], ["arxiv", 4], ["authors", 5], ["published", 8], ["category", 9], ["upvotes", 10],
        ["tags", 11], ["links", 12],
      ]),
    });
  });
});
