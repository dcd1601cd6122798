import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodePaperRecord } from "../src/cache/paper-record.ts";
import { openStore } from "../src/cache/store.ts";
import type { SourceFile } from "../src/content/load.ts";
import { compact, processFile, startRenderPool } from "../src/render/pool.ts";
import { paper } from "./helpers/site.ts";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

// A valid paper, one with math, one with a TeX error, one rejected by validation, one that is not front matter at all.
const files: SourceFile[] = [
  { file: "content/papers/2026-02-16/a.md", text: paper({ arxiv: "2602.00001" }) },
  {
    file: "content/papers/2026-02-16/b.md",
    text: paper({ arxiv: "2602.00002", title: "Bounds in $\\mathcal{O}(n)$" }, "We show $$\\sum_i x_i$$ and Müller’s $x^2$."),
  },
  { file: "content/papers/2026-02-16/c.md", text: paper({ arxiv: "2602.00003" }, "Broken $\\frac{1}{$ math.") },
  { file: "content/papers/2026-02-16/d.md", text: paper({ arxiv: "2602.00004", date: "2026-02-30" }) },
  { file: "content/papers/2026-02-16/e.md", text: "no front matter" },
];

describe("the render pool", () => {
  it("gives, from worker threads, what processing each file on this thread gives, with each paper's JSON", async () => {
    const pool = startRenderPool(2);
    try {
      // More files than one batch, so that both workers take some.
      const many = Array.from({ length: 30 }, () => files).flat();
      const results = await pool.process(many);
      expect(results.map(({ paperJson: _, ...result }) => result)).toEqual(many.map((file) => compact(processFile(file))));
      // Only a worker sends a paper's record: every typeset paper came from one, and its bytes are its paper record.
      for (const result of results) {
        expect(result.paperJson && Buffer.from(result.paperJson).toString("utf8")).toBe(
          result.rendered && encodePaperRecord(result.rendered.paper),
        );
      }
    } finally {
      await pool.close();
    }
  });

  it("hands the cache bytes it writes as they are, the same as it would write itself", () => {
    dir = mkdtempSync(path.join(tmpdir(), "digest-pool-"));
    const value = compact(processFile(files[1]!)).rendered!.paper;
    const json = new TextEncoder().encode(JSON.stringify(value));
    const key = (n: number) => String(n).repeat(64);
    const store = openStore<typeof value>(dir, "f".repeat(64));
    store.set(key(1), value, json);
    store.set(key(2), value);
    store.save();
    const folder = path.join(dir, "f".repeat(32));
    const lines = readdirSync(folder).flatMap((name) => readFileSync(path.join(folder, name), "utf8").trim().split("\n"));
    expect(lines.sort()).toEqual([`${key(1)} ${JSON.stringify(value)}`, `${key(2)} ${JSON.stringify(value)}`]);
    expect(openStore<typeof value>(dir, "f".repeat(64)).get(key(1))).toEqual(value);
  });
});
