import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadPapers, missingFolder, parsePapers, readPaperFiles } from "../src/content/load.ts";
import { formatProblem } from "../src/content/problems.ts";
import { paper } from "./helpers/site.ts";

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A fresh project folder with the given files under content/papers/. */
function project(files: Record<string, string>): string {
  root = mkdtempSync(path.join(tmpdir(), "digest-load-"));
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, "content", "papers", rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  mkdirSync(path.join(root, "content", "papers"), { recursive: true });
  return root;
}

const messages = (problems: { file: string; line?: number; field?: string; message: string }[]) => problems.map(formatProblem);

describe("readPaperFiles", () => {
  it("reads every .md file in every sub-folder, sorted, named from the project root", () => {
    const dir = project({ "2026-02-17/b.md": "B", "2026-02-16/z.md": "Z", "2026-02-16/a.md": "A", "top.md": "T" });
    const { files, problems } = readPaperFiles(dir, "content/papers");
    expect(problems).toEqual([]);
    expect(files).toEqual([
      { file: "content/papers/2026-02-16/a.md", text: "A" },
      { file: "content/papers/2026-02-16/z.md", text: "Z" },
      { file: "content/papers/2026-02-17/b.md", text: "B" },
      { file: "content/papers/top.md", text: "T" },
    ]);
  });

  it("refuses files that are not Markdown instead of skipping them", () => {
    const dir = project({ "2026-02-16/a.md": "A", "2026-02-16/notes.txt": "x", "2026-02-16/b.markdown": "x", "2026-02-16/C.MD": "x" });
    const { files, problems } = readPaperFiles(dir, "content/papers");
    expect(files.map((f) => f.file)).toEqual(["content/papers/2026-02-16/a.md"]);
    expect(messages(problems)).toEqual([
      "content/papers/2026-02-16/C.MD: is not a Markdown paper file: everything under content/papers/ must end in .md",
      "content/papers/2026-02-16/b.markdown: is not a Markdown paper file: everything under content/papers/ must end in .md",
      "content/papers/2026-02-16/notes.txt: is not a Markdown paper file: everything under content/papers/ must end in .md",
    ]);
  });

  it("refuses names that differ only by letter case, files and folders alike", () => {
    const dir = project({ "2026-02-16/paper.md": "a", "2026-02-16/Paper.md": "b", "x/a.md": "c", "X/b.md": "d" });
    const { files, problems } = readPaperFiles(dir, "content/papers");
    expect(files.map((f) => f.file)).toEqual(["content/papers/2026-02-16/Paper.md", "content/papers/X/b.md"]);
    expect(messages(problems)).toEqual([
      "content/papers/2026-02-16/paper.md: differs from content/papers/2026-02-16/Paper.md only by letter case; the two collide on case-insensitive file systems",
      "content/papers/x: differs from content/papers/X only by letter case; the two collide on case-insensitive file systems",
    ]);
  });

  it("refuses names that differ only in how their accented letters are encoded, folders and files alike", () => {
    // "é" as one code point (NFC) and as "e" with a combining accent (NFD): one name on macOS.
    const dir = project({ "caf\u00e9/a.md": "a", "cafe\u0301/b.md": "b", "2026-02-16/r\u00e9sum\u00e9.md": "c", "2026-02-16/Re\u0301sume\u0301.md": "d" });
    const { files, problems } = readPaperFiles(dir, "content/papers");
    expect(files.map((f) => f.file)).toEqual(["content/papers/2026-02-16/Re\u0301sume\u0301.md", "content/papers/cafe\u0301/b.md"]);
    expect(messages(problems)).toEqual([
      "content/papers/2026-02-16/r\u00e9sum\u00e9.md: differs from content/papers/2026-02-16/Re\u0301sume\u0301.md only in how its accented letters are encoded; the two collide on macOS",
      "content/papers/caf\u00e9: differs from content/papers/cafe\u0301 only in how its accented letters are encoded; the two collide on macOS",
    ]);
  });

  it("refuses symbolic links to files and to folders", () => {
    const dir = project({ "2026-02-16/a.md": "A" });
    const outside = path.join(dir, "secret.md");
    writeFileSync(outside, "secret");
    symlinkSync(outside, path.join(dir, "content/papers/2026-02-16/link.md"));
    symlinkSync(path.join(dir, "content/papers/2026-02-16"), path.join(dir, "content/papers/linked-folder"));
    const { files, problems } = readPaperFiles(dir, "content/papers");
    expect(files.map((f) => f.file)).toEqual(["content/papers/2026-02-16/a.md"]);
    expect(messages(problems)).toEqual([
      "content/papers/2026-02-16/link.md: is a symbolic link; paper files must be regular files",
      "content/papers/linked-folder: is a symbolic link; paper files must be regular files",
    ]);
  });

  it("treats a missing content folder as an empty site, with a warning that names it", () => {
    const dir = project({});
    expect(readPaperFiles(dir, "content/nothing-here")).toEqual({
      files: [],
      problems: [{ file: "content/nothing-here", severity: "warning", message: missingFolder }],
    });
  });

  it("names files in a content folder outside the project from its grandparent", () => {
    const dir = project({ "2026-02-16/a.md": "A" });
    const elsewhere = mkdtempSync(path.join(tmpdir(), "digest-load-root-"));
    try {
      const { files } = readPaperFiles(elsewhere, path.join(dir, "content", "papers"));
      expect(files.map((f) => f.file)).toEqual(["content/papers/2026-02-16/a.md"]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe("parsePapers", () => {
  it("refuses an id used by two files, at the second file's id line", () => {
    const { papers, problems } = parsePapers([
      { file: "content/papers/2026-02-16/a.md", text: paper({ arxiv: "2601.00001", title: "First" }) },
      { file: "content/papers/2026-02-17/b.md", text: paper({ arxiv: "2601.00001", title: "Second" }) },
      { file: "content/papers/2026-02-17/c.md", text: paper({ id: "my-paper", url: "https://example.org/" }) },
      { file: "content/papers/2026-02-18/d.md", text: paper({ id: "my-paper", url: "https://example.org/2" }) },
    ]);
    expect(papers.map((p) => p.title)).toEqual(["First", "A paper"]);
    expect(messages(problems)).toEqual([
      'content/papers/2026-02-17/b.md:5: arxiv: "2601.00001" is already used by content/papers/2026-02-16/a.md; each paper has one file',
      'content/papers/2026-02-18/d.md:5: id: "my-paper" is already used by content/papers/2026-02-17/c.md; each paper has one file',
    ]);
  });

  it("collects every problem of every file, and keeps rejected files' text so their TeX can be checked too", () => {
    const { papers, problems, rejected } = parsePapers([
      { file: "content/papers/a.md", text: paper({ arxiv: "2601.00001", upvotes: -1 }, "Math $\\frac{1}{$ here.") },
      { file: "content/papers/b.md", text: paper({ arxiv: "2601.00002", date: "2026-02-30", tags: "x" }) },
      { file: "content/papers/c.md", text: "---js\n{}\n---\nbody\n" },
      { file: "content/papers/d.md", text: paper({ arxiv: "2601.00003" }) },
    ]);
    expect(papers.map((p) => p.id)).toEqual(["2601.00003"]);
    expect(problems.map((p) => `${p.file} ${p.field ?? ""}`)).toEqual([
      "content/papers/a.md upvotes",
      "content/papers/b.md date",
      "content/papers/b.md tags",
      "content/papers/c.md ",
    ]);
    expect(rejected.map((r) => [r.source.file, r.body.trim()])).toEqual([
      ["content/papers/a.md", "Math $\\frac{1}{$ here."],
      ["content/papers/b.md", "An abstract."],
    ]);
  });
});

describe("loadPapers", () => {
  it("reports problems from reading and from validating, sorted by file", () => {
    const dir = project({
      "b.md": paper({ arxiv: "2601.00002", upvotes: "many" }),
      "a.txt": "x",
      "c.md": paper({ arxiv: "2601.00003" }),
    });
    const { papers, problems } = loadPapers(dir, "content/papers");
    expect(papers.map((p) => p.id)).toEqual(["2601.00003"]);
    expect(problems.map((p) => p.file)).toEqual(["content/papers/a.txt", "content/papers/b.md"]);
  });
});
