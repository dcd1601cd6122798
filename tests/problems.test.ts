import { describe, expect, it } from "vitest";
import { ContentError, didYouMean, formatProblem, sortProblems, type Problem } from "../src/content/problems.ts";

describe("formatProblem", () => {
  it.each([
    [{ file: "content/papers/a.md", line: 3, field: "date", message: "bad" }, "content/papers/a.md:3: date: bad"],
    [{ file: "content/papers/a.md", line: 3, message: "bad" }, "content/papers/a.md:3: bad"],
    [{ file: "content/papers/a.md", field: "authors", message: "is required" }, "content/papers/a.md: authors: is required"],
    [{ file: "content/papers/a.md", message: "is a symbolic link" }, "content/papers/a.md: is a symbolic link"],
  ] as [Problem, string][])("%j", (problem, line) => {
    expect(formatProblem(problem)).toBe(line);
  });
});

describe("sortProblems", () => {
  it("sorts by file, then line, without touching the input", () => {
    const input: Problem[] = [
      { file: "b.md", line: 2, message: "1" },
      { file: "a.md", line: 10, message: "2" },
      { file: "a.md", line: 9, message: "3" },
      { file: "a.md", message: "4" },
    ];
    expect(sortProblems(input).map((p) => p.message)).toEqual(["4", "3", "2", "1"]);
    expect(input.map((p) => p.message)).toEqual(["1", "2", "3", "4"]);
  });
});

describe("ContentError", () => {
  it("lists every problem in its message", () => {
    const error = new ContentError([
      { file: "b.md", line: 1, message: "second" },
      { file: "a.md", line: 1, field: "title", message: "first" },
    ]);
    expect(error.message).toBe("2 content problems:\na.md:1: title: first\nb.md:1: second");
    expect(error.problems).toHaveLength(2);
  });
});

describe("didYouMean", () => {
  const known = ["title", "date", "arxiv", "authors", "category", "tags", "links"];
  it.each([
    ["catgory", "category"],
    ["Title", "title"],
    ["autors", "authors"],
    ["arxv", "arxiv"],
    ["tag", "tags"],
    ["zzzzzz", undefined],
    ["permalink", undefined],
  ])("%s -> %s", (name, guess) => {
    expect(didYouMean(name, known)).toBe(guess);
  });
});
