import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatOutputSize, measureOutput, partOf } from "../src/measure/output-size.ts";

describe("the output size per part (npm run bench, npm run measure:output)", () => {
  it("puts every kind of output file in its part", () => {
    expect(
      Object.fromEntries(
        [
          "papers/2601.00001/index.html",
          "date/2026-01-01/index.html",
          "week/2026-W01/index.html",
          "month/2026-01/index.html",
          "tags/llm/index.html",
          "tags/llm/page/2/index.html",
          "tags/llm/feed.xml",
          "organizations/nvidia/page/3/index.html",
          "organizations/nvidia/feed.json",
          "index.html",
          "archive/index.html",
          "404.html",
          "search/index.html",
          "search/f/0",
          "search/w/55bfa210df9ef6cc.ix",
          "feed.xml",
          "atom.xml",
          "feed.json",
          "digest.xml",
          "sitemap.xml",
          "sitemap-2.xml",
          "robots.txt",
          "assets/site.css",
          "assets/katex-0.19.1/fonts/KaTeX_Main-Regular.woff2",
        ].map((file) => [file, partOf(file)]),
      ),
    ).toEqual({
      "papers/2601.00001/index.html": "paper pages",
      "date/2026-01-01/index.html": "day pages",
      "week/2026-W01/index.html": "week and month pages",
      "month/2026-01/index.html": "week and month pages",
      "tags/llm/index.html": "tag pages",
      "tags/llm/page/2/index.html": "tag pages",
      "tags/llm/feed.xml": "feeds",
      "organizations/nvidia/page/3/index.html": "organization pages",
      "organizations/nvidia/feed.json": "feeds",
      "index.html": "home, archive and other pages",
      "archive/index.html": "home, archive and other pages",
      "404.html": "home, archive and other pages",
      "search/index.html": "home, archive and other pages",
      "search/f/0": "search index",
      "search/w/55bfa210df9ef6cc.ix": "search index",
      "feed.xml": "feeds",
      "atom.xml": "feeds",
      "feed.json": "feeds",
      "digest.xml": "feeds",
      "sitemap.xml": "sitemap",
      "sitemap-2.xml": "sitemap",
      "robots.txt": "sitemap",
      "assets/site.css": "assets",
      "assets/katex-0.19.1/fonts/KaTeX_Main-Regular.woff2": "assets",
    });
  });

  const dir = mkdtempSync(path.join(os.tmpdir(), "output-size-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("adds up bytes and files per part, and the total per paper against the target", () => {
    const write = (file: string, bytes: number) => {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), "x".repeat(bytes));
    };
    write("papers/a/index.html", 6000);
    write("papers/b/index.html", 4000);
    write("date/2026-01-01/index.html", 2048);
    write("feed.xml", 1000);
    write("tags/x/feed.xml", 24);
    const size = measureOutput(dir);
    const part = (name: string) => size.parts.find((p) => p.part === name);
    expect(part("paper pages")).toEqual({ part: "paper pages", bytes: 10_000, files: 2 });
    expect(part("day pages")).toEqual({ part: "day pages", bytes: 2048, files: 1 });
    expect(part("feeds")).toEqual({ part: "feeds", bytes: 1024, files: 2 });
    expect(part("tag pages")).toEqual({ part: "tag pages", bytes: 0, files: 0 });
    expect(size.parts).toHaveLength(10);
    expect(size).toMatchObject({ bytes: 13_072, files: 5 });
    const table = formatOutputSize(size, 2);
    expect(table).toContain("| day pages | 0.00 | 1 | 1.00 | 15.7% |");
    expect(table).toContain("| total | 0.01 | 5 | 6.38 | 100% |");
    expect(table).toContain("Total 6.38 KB per paper against the target of at most 10 KB (met)");
    expect(formatOutputSize(size, 1)).toContain("Total 12.77 KB per paper against the target of at most 10 KB (NOT met)");
  });
});
