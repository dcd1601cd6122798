import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { textDecodes } from "../src/cache/paper-record.ts";
import { summaryDecodes, summaryFields } from "../src/cache/paper-summaries.ts";
import { openPaperCache, paperKeyOf } from "../src/cache/papers.ts";
import { shardReads } from "../src/cache/store.ts";
import type { RenderedPaper } from "../src/markdown/paper.ts";
import { processFile } from "../src/render/pool.ts";
import { paper } from "./helpers/site.ts";

const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "digest-summaries-"));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const source = (n: number, body = `Abstract $x_${n}$.`, extra: Record<string, unknown> = {}) => {
  const file = `content/papers/2026-02-16/${n}.md`;
  const text = paper({ arxiv: `2602.${String(n).padStart(5, "0")}`, title: `Paper $x_${n}$`, tags: ["theory"], organization: "Lab", ...extra }, body);
  return { file, text, paper: processFile({ file, text }).rendered!.paper };
};

/** A cache folder `<dir>/papers` (its summaries beside it), saved with `files`. */
function saved(files: ReturnType<typeof source>[]): string {
  const dir = tempDir();
  const cache = openPaperCache(path.join(dir, "papers"));
  cache.lookup(files);
  cache.save(files.map((f) => f.paper), []);
  return dir;
}

/**
 * The cache as another process finds it (one cache per folder and process): the folder moved elsewhere, its files as
 * they are (a copy would give them new stats, which the summaries do not describe: they would not be used).
 */
function reopened(dir: string) {
  const copy = path.join(tempDir(), "moved");
  renameSync(dir, copy);
  return { copy, cache: openPaperCache(path.join(copy, "papers")) };
}

/** As `reopened`, but a copy: the cache's files get new stats. */
function copied(dir: string) {
  const copy = tempDir();
  cpSync(dir, copy, { recursive: true });
  return { copy, cache: openPaperCache(path.join(copy, "papers")) };
}

// A paper made from its summary has its other fields as accessors; a paper decoded from the cache has them as values.
const summarised = (paper: RenderedPaper) => !!Object.getOwnPropertyDescriptor(paper, "title")?.get;

describe("paper summaries", () => {
  it("give each unchanged paper as the cache would, decoding it whole only when a field besides the summary's is read", () => {
    const files = [source(1, "Bound $\\mathcal O(n)$ here."), source(2, "Plain \"quoted\"\ttabbed.", { organization: undefined, published: "2026-02-15" })];
    const dir = saved(files);
    expect(existsSync(path.join(dir, "papers.summaries"))).toBe(true);
    const found = reopened(dir).cache.lookup(files);
    const [decodes, texts] = [summaryDecodes.count, textDecodes.count];
    for (const f of files) {
      const got = found.get(f.file)!;
      expect(summarised(got)).toBe(true);
      expect(Object.keys(got)).toEqual(Object.keys(f.paper));
      for (const field of summaryFields) expect(got[field as keyof RenderedPaper]).toEqual(f.paper[field as keyof RenderedPaper]);
    }
    expect([summaryDecodes.count, textDecodes.count]).toEqual([decodes, texts]);
    expect(found.get(files[0]!.file)!.titleHtml).toBe(files[0]!.paper.titleHtml);
    expect(summaryDecodes.count).toBe(decodes + 1);
    for (const f of files) {
      expect({ ...found.get(f.file)! }).toEqual(f.paper);
      expect(JSON.stringify(found.get(f.file))).toBe(JSON.stringify(f.paper));
    }
  });

  it("carry their content keys, and are kept in the cache without being decoded when the last lookup made them", () => {
    const files = [source(1), source(2)];
    const dir = saved(files);
    // Keyed by the cache that stored them.
    const keys = files.map((f) => paperKeyOf(f.paper));
    expect(keys.every((key) => typeof key === "string" && /^[0-9a-f]{64}$/.test(key))).toBe(true);
    const { copy, cache } = reopened(dir);
    const first = cache.lookup(files);
    expect(files.map((f) => paperKeyOf(first.get(f.file)!))).toEqual(keys);
    const second = cache.lookup(files);
    const [decodes, reads] = [summaryDecodes.count, shardReads.count];
    // The last lookup's papers are touched (the summaries vouch that the store holds them): no shard read, no decode.
    cache.save(files.map((f) => second.get(f.file)!), []);
    expect([summaryDecodes.count, shardReads.count]).toEqual([decodes, reads]);
    // A paper an earlier lookup made is stored as any paper the cache did not just make (its shard read), same key.
    const third = cache.lookup(files);
    cache.save([third.get(files[0]!.file)!, first.get(files[1]!.file)!], []);
    expect(shardReads.count).toBeGreaterThan(reads);
    const later = reopened(copy).cache.lookup(files);
    for (const [i, f] of files.entries()) {
      expect(summarised(later.get(f.file)!)).toBe(true);
      expect(paperKeyOf(later.get(f.file)!)).toBe(keys[i]);
      expect({ ...later.get(f.file)! }).toEqual(f.paper);
    }
  });

  it("are kept across builds: the papers of a build made from summaries are summarised again, and stay in the cache", () => {
    const files = [source(1), source(2), source(3)];
    const { copy, cache } = reopened(saved(files));
    const found = cache.lookup(files);
    // The next build: one paper edited (a new key), the others from their summaries.
    const edited = source(2, "Edited $y$.");
    const next = [files[0]!, edited, files[2]!];
    const again = cache.lookup(next);
    expect(again.has(edited.file)).toBe(false);
    expect(summarised(again.get(files[0]!.file)!)).toBe(true);
    cache.save([again.get(files[0]!.file)!, edited.paper, again.get(files[2]!.file)!], []);
    const later = reopened(copy).cache.lookup(next);
    for (const f of next) {
      expect(summarised(later.get(f.file)!)).toBe(true);
      expect({ ...later.get(f.file)! }).toEqual(f.paper);
    }
    expect(found.size).toBe(3);
  });

  it("are not used when the cache's files changed since they were written, nor for another fingerprint", () => {
    const files = [source(1), source(2)];
    const { copy, cache } = reopened(saved(files));
    const folder = path.join(copy, "papers", readdirSync(path.join(copy, "papers"))[0]!);
    // A torn line appended to a shard (a build killed while it wrote): the shard's stat is not the recorded one.
    appendFileSync(path.join(folder, readdirSync(folder).find((name) => name.endsWith(".jsonl"))!), "x");
    const found = cache.lookup(files);
    for (const f of files) {
      expect(summarised(found.get(f.file)!)).toBe(false);
      expect({ ...found.get(f.file)! }).toEqual(f.paper);
    }
    // The cache restored from an archive (new inodes and times): the cache is read as before.
    const restored = copied(saved(files)).cache.lookup(files);
    for (const f of files) expect(summarised(restored.get(f.file)!)).toBe(false);
    // Damaged summaries: the same.
    const damaged = reopened(saved(files));
    writeFileSync(path.join(damaged.copy, "papers.summaries"), "not v8");
    for (const f of files) expect(summarised(damaged.cache.lookup(files).get(f.file)!)).toBe(false);
    // Another fingerprint (the site's macros) finds no paper, summarised or not.
    const other = reopened(saved(files));
    const macros = openPaperCache(path.join(other.copy, "papers"), { katexOptions: { siteMacros: { "\\R": "\\mathbb{R}" } } });
    expect(macros.lookup(files).size).toBe(0);
  });

  it("of a build's new papers are added beside the file, which is not written again, and are used with it", () => {
    const files = [source(1), source(2), source(3)];
    const { copy, cache } = reopened(saved(files));
    const file = path.join(copy, "papers.summaries");
    const statOf = () => {
      const { ino, size, mtimeMs } = statSync(file);
      return [ino, size, mtimeMs];
    };
    const before = statOf();
    // The next build: a paper added, the others from their summaries.
    const next = [...files, source(4)];
    const found = cache.lookup(next);
    cache.save(next.map((f) => found.get(f.file) ?? f.paper), []);
    expect(statOf()).toEqual(before);
    expect(existsSync(`${file}.more`)).toBe(true);
    // And the one after: a paper edited, so two added (the summaries keep the edited paper's old key, still cached).
    const moved = reopened(copy);
    const edited = source(2, "Edited $y$.");
    const last = [next[0]!, edited, next[2]!, next[3]!];
    const again = moved.cache.lookup(last);
    expect(summarised(again.get(next[3]!.file)!)).toBe(true);
    moved.cache.save(last.map((f) => again.get(f.file) ?? f.paper), []);
    const final = reopened(moved.copy).cache.lookup(last);
    for (const f of last) {
      expect(summarised(final.get(f.file)!)).toBe(true);
      expect({ ...final.get(f.file)! }).toEqual(f.paper);
      expect(JSON.stringify(final.get(f.file))).toBe(JSON.stringify(f.paper));
    }
  });

  it("added beside the file are not used once the file or the cache changed", () => {
    const files = [source(1), source(2)];
    const { copy, cache } = reopened(saved(files));
    const next = [...files, source(3)];
    const found = cache.lookup(next);
    cache.save(next.map((f) => found.get(f.file) ?? f.paper), []);
    const file = path.join(copy, "papers.summaries");
    // The file replaced by a copy (another inode): the added summaries name the old one, so the new paper is decoded.
    cpSync(file, `${file}.copy`);
    renameSync(`${file}.copy`, file);
    const other = reopened(copy);
    const got = other.cache.lookup(next);
    expect(summarised(got.get(files[0]!.file)!)).toBe(false);
    expect({ ...got.get(next[2]!.file)! }).toEqual(next[2]!.paper);
    // Written whole again by that build (its summaries were not used): nothing added beside.
    other.cache.save(next.map((f) => got.get(f.file)!), []);
    expect(existsSync(`${path.join(other.copy, "papers.summaries")}.more`)).toBe(false);
    const whole = reopened(other.copy).cache.lookup(next);
    for (const f of next) expect(summarised(whole.get(f.file)!)).toBe(true);
  });

  it("decode a paper from where its record is in its shard, reading no shard index, and as before once the shard moved", () => {
    // 17 papers in 16 shards: at least one shard holds two lines, which the reversal below moves (with 8 the test
    // passed or failed with the code's fingerprint, which is part of every key and so decides which shards they go to).
    const files = Array.from({ length: 17 }, (_, i) => source(i + 1, `Abstract ${i} $\\frac{${i}}{2}$ "q"\ttab.`));
    const dir = saved(files);
    // The summaries written by a build that found them (carried over) give the same locations as a first build's.
    const { copy, cache } = reopened(dir);
    const found = cache.lookup(files);
    const reads = shardReads.count;
    for (const f of files) {
      expect(summarised(found.get(f.file)!)).toBe(true);
      expect(found.get(f.file)!.abstractHtml).toBe(f.paper.abstractHtml);
      expect({ ...found.get(f.file)! }).toEqual(f.paper);
    }
    expect(shardReads.count).toBe(reads);
    // Every shard file's lines reversed after the lookup (as a shard rewritten while the build runs): the records are
    // elsewhere, so each paper is read from its shard's index or the shard, and is still the right one.
    const again = reopened(copy);
    const next = again.cache.lookup(files);
    const folder = path.join(again.copy, "papers", readdirSync(path.join(again.copy, "papers"))[0]!);
    for (const name of readdirSync(folder).filter((n) => n.endsWith(".jsonl"))) {
      const lines = readFileSync(path.join(folder, name), "utf8").split("\n").filter(Boolean);
      writeFileSync(path.join(folder, `${name}.new`), `${lines.reverse().join("\n")}\n`);
      renameSync(path.join(folder, `${name}.new`), path.join(folder, name));
    }
    for (const f of files) expect({ ...next.get(f.file)! }).toEqual(f.paper);
    expect(shardReads.count).toBeGreaterThan(reads);
  });

  it("never stand for a paper the cache no longer holds: a shard deleted makes them unused", () => {
    const files = [source(1), source(2), source(3), source(4)];
    const { copy, cache } = reopened(saved(files));
    const folder = path.join(copy, "papers", readdirSync(path.join(copy, "papers"))[0]!);
    for (const name of readdirSync(folder)) rmSync(path.join(folder, name));
    expect(cache.lookup(files).size).toBe(0);
  });
});
