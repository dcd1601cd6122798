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

/** `files` `copies` times over, each file under a name of its own (as a build gives them). */
const numbered = (copies: number): SourceFile[] =>
  Array.from({ length: copies }, (_, i) => files.map((f) => ({ ...f, file: f.file.replace(".md", `-${i}.md`) }))).flat();

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

  it("gives for files started early with submit what it gives for any other, and processes again a file whose text changed since", async () => {
    const pool = startRenderPool(2);
    try {
      const many = numbered(24);
      // Submitted in two parts, as a build does while it reads: the second part's last file is never asked for.
      pool.submit(many.slice(0, 60));
      pool.submit(many.slice(60, 115));
      const edited = { ...many[7]!, text: paper({ arxiv: "2602.00099", title: "Edited $x^3$ since" }) };
      const asked = [...many.slice(0, 7), edited, ...many.slice(8, 114), { file: "content/papers/2026-02-16/late.md", text: paper({ arxiv: "2602.00100" }) }];
      const results = await pool.process(asked);
      expect(results.map(({ paperJson: _, ...result }) => result)).toEqual(asked.map((file) => compact(processFile(file))));
      expect(results[7]!.rendered!.paper.titleText).toBe("Edited x³ since");
      // Files asked for twice: the second time they are processed again, not taken from what was submitted.
      const again = await pool.process(many.slice(0, 3));
      expect(again.map(({ paperJson: _, ...result }) => result)).toEqual(many.slice(0, 3).map((file) => compact(processFile(file))));
    } finally {
      await pool.close();
    }
  });

  it("processes on this thread what a worker that stopped had, submitted or not", async () => {
    // Its one worker answers one batch, then stops.
    const pool = startRenderPool(1, new URL("./fixtures/stopping-render-worker.ts", import.meta.url));
    try {
      const many = numbered(40);
      pool.submit(many.slice(0, 120));
      const results = await pool.process(many);
      expect(results.map(({ paperJson: _, ...result }) => result)).toEqual(many.map((file) => compact(processFile(file))));
      // Only the first batch came from the worker (with its papers' records).
      expect(results.findIndex((result) => result.rendered && !result.paperJson)).toBeGreaterThan(0);
      expect(results.slice(50).every((result) => !result.paperJson)).toBe(true);
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
