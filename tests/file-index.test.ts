import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openFileIndex, textHash } from "../src/cache/files.ts";
import { parsePapers, readPaperFiles } from "../src/content/load.ts";
import { paper } from "./helpers/site.ts";

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const papersDir = () => path.join(root!, "content", "papers");
const put = (rel: string, text: string) => {
  const file = path.join(papersDir(), rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};
const indexFile = () => path.join(root!, ".cache", "files.json");
const hour = 3600;

/**
 * One build's reading: the files as readPaperFiles gives them with a fresh index opened from disk, then saved. No
 * racy margin, so files written a moment before are trusted next time (the margin has its own test).
 */
function read() {
  const index = openFileIndex(indexFile(), { racyMarginNs: 0n });
  const found = readPaperFiles(root!, "content/papers", undefined, index);
  index.save(found.files.map((f) => f.file));
  return { texts: Object.fromEntries(found.files.map((f) => [f.file, f.text])), stats: { ...index.stats }, found };
}

/** Lets the clock move past the index's own modification time, as between two real builds. */
const nextTick = () => sleep(30);

describe("the file index", () => {
  it("does not read a file whose stat is unchanged, and hashes what it reads", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    put("2026-02-16/a.md", "alpha");
    put("2026-02-16/b.md", "beta");
    await nextTick();
    expect(read().stats).toEqual({ trusted: 0, read: 2 });
    await nextTick();
    const second = read();
    expect(second.stats).toEqual({ trusted: 2, read: 0 });
    expect(second.found.files.map((f) => f.hash)).toEqual([textHash("alpha"), textHash("beta")]);
    // The text of a trusted file is still there when asked for (read then).
    expect(second.texts).toEqual({ "content/papers/2026-02-16/a.md": "alpha", "content/papers/2026-02-16/b.md": "beta" });
  });

  it("reads every file again after an index of another version or with a damaged entry, and records it anew", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    put("2026-02-16/a.md", "alpha");
    put("2026-02-16/b.md", "beta");
    await nextTick();
    read();
    await nextTick();
    expect(read().stats).toEqual({ trusted: 2, read: 0 });
    const stored = JSON.parse(readFileSync(indexFile(), "utf8")) as { version: number; files: string };
    // Version 2 held an object of one string per path: such an index is not trusted at all.
    const lines = stored.files.split("\n").filter(Boolean).map((line) => line.split("\t") as [string, string]);
    writeFileSync(indexFile(), JSON.stringify({ version: 2, files: Object.fromEntries(lines) }));
    await nextTick();
    expect(read().stats).toEqual({ trusted: 0, read: 2 });
    await nextTick();
    expect(read().stats).toEqual({ trusted: 2, read: 0 });
    // A line that is the stat alone, without a hash, or a list cut short, is not trusted either.
    const again = JSON.parse(readFileSync(indexFile(), "utf8")) as { version: number; files: string };
    const [first, second] = again.files.split("\n");
    writeFileSync(indexFile(), JSON.stringify({ version: 3, files: `${first!.replace(/[0-9a-f]{64}$/, "")}\n${second}\n` }));
    await nextTick();
    expect(read().stats).toEqual({ trusted: 1, read: 1 });
    await nextTick();
    writeFileSync(indexFile(), JSON.stringify({ version: 3, files: again.files.slice(0, -1) }));
    await nextTick();
    expect(read().stats).toEqual({ trusted: 0, read: 2 });
  });

  it("finds each file's record whatever came before it: new, deleted and moved files between trusted ones", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    for (const name of ["b", "d", "f", "h"]) put(`2026-02-16/${name}.md`, name);
    await nextTick();
    read();
    await nextTick();
    // A file before all others, one between, one deleted, and one moved to another folder (read: its path is new).
    put("2026-02-15/a.md", "a");
    put("2026-02-16/e.md", "e");
    rmSync(path.join(papersDir(), "2026-02-16/d.md"));
    mkdirSync(path.join(papersDir(), "2026-02-17"));
    renameSync(path.join(papersDir(), "2026-02-16/h.md"), path.join(papersDir(), "2026-02-17/h.md"));
    await nextTick();
    const after = read();
    expect(after.stats).toEqual({ trusted: 2, read: 3 });
    expect(Object.values(after.texts)).toEqual(["a", "b", "e", "f", "h"]);
    await nextTick();
    const next = read();
    expect(next.stats).toEqual({ trusted: 5, read: 0 });
    expect(next.found.files.map((f) => f.hash)).toEqual(["a", "b", "e", "f", "h"].map(textHash));
    // A record for a path as it stood in another order (an index written by a build listing otherwise) is still found.
    const stored = JSON.parse(readFileSync(indexFile(), "utf8")) as { version: number; files: string };
    writeFileSync(indexFile(), JSON.stringify({ version: 3, files: `${stored.files.split("\n").filter(Boolean).reverse().join("\n")}\n` }));
    await nextTick();
    expect(read().stats).toEqual({ trusted: 5, read: 0 });
  });

  it("never records a path or hash holding a tab or a line break, which could forge another file's line", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    const file = put("2026-02-16/b.md", "b");
    await nextTick();
    const stat = statSync(file, { bigint: true });
    const index = openFileIndex(indexFile(), { racyMarginNs: 0n });
    const forged = `${"0 ".repeat(5)}${textHash("x")}`;
    index.record(`content/papers/2026-02-16/a.md\t${forged}\ncontent/papers/2026-02-16/b.md`, stat, textHash("b"));
    index.record("content/papers/2026-02-16/b.md", stat, `${textHash("x")}\n`);
    index.save(["content/papers/2026-02-16/b.md"]);
    expect(JSON.parse(readFileSync(indexFile(), "utf8")).files).toBe("");
  });

  it("leaves a trusted file unread when the paper cache has its paper (parsePapers)", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    const file = put("2026-02-16/a.md", paper({ arxiv: "2602.00001" }));
    read();
    await nextTick();
    const known = parsePapers(read().found.files);
    const index = openFileIndex(indexFile(), { racyMarginNs: 0n });
    const found = readPaperFiles(root, "content/papers", undefined, index);
    expect(index.stats).toEqual({ trusted: 1, read: 0 });
    // Gone from disk after its stat was taken: reading its text now would throw.
    rmSync(file);
    const again = parsePapers(found.files, new Map(known.papers.map((p) => [p.source.file, p])));
    expect(again.papers).toEqual(known.papers);
  });

  it("finds an edit that keeps the size and the modification time", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    const file = put("2026-02-16/a.md", "alpha");
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const before = statSync(file, { bigint: true });
    await nextTick();
    read();
    await nextTick();
    writeFileSync(file, "ALPHA");
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const after0 = statSync(file, { bigint: true });
    expect([after0.size, after0.mtimeNs, after0.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
    const after = read();
    expect(after.texts["content/papers/2026-02-16/a.md"]).toBe("ALPHA");
    expect(after.stats.read).toBe(1);
  });

  it("finds a file replaced by an older copy of the same size (cp -p, then a rename over it)", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    const file = put("2026-02-16/a.md", "alpha");
    await nextTick();
    read();
    await nextTick();
    const old = put("old.txt", "omega");
    utimesSync(old, new Date(Date.now() - 24 * hour * 1000), new Date(Date.now() - 24 * hour * 1000));
    const copy = path.join(root, "copy.tmp");
    copyFileSync(old, copy);
    utimesSync(copy, statSync(old).atime, statSync(old).mtime);
    rmSync(old);
    renameSync(copy, file);
    expect(read().texts["content/papers/2026-02-16/a.md"]).toBe("omega");
    // And copied in place, over the same inode.
    await nextTick();
    writeFileSync(copy, "gamma");
    utimesSync(copy, new Date(0), new Date(0));
    copyFileSync(copy, file);
    utimesSync(file, new Date(0), new Date(0));
    expect(read().texts["content/papers/2026-02-16/a.md"]).toBe("gamma");
  });

  it("finds new files with old modification times, deleted and renamed files", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    put("2026-02-16/a.md", "alpha");
    put("2026-02-16/b.md", "beta");
    await nextTick();
    read();
    await nextTick();
    const added = put("2026-02-16/c.md", "gamma");
    utimesSync(added, new Date(0), new Date(0));
    rmSync(path.join(papersDir(), "2026-02-16/b.md"));
    renameSync(path.join(papersDir(), "2026-02-16/a.md"), path.join(papersDir(), "2026-02-16/z.md"));
    const after = read();
    expect(after.texts).toEqual({ "content/papers/2026-02-16/c.md": "gamma", "content/papers/2026-02-16/z.md": "alpha" });
    expect(after.stats).toEqual({ trusted: 0, read: 2 });
  });

  it("never trusts a file dated after the index was written (clock skew, or changed since)", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    const file = put("2026-02-16/a.md", "alpha");
    const future = new Date(Date.now() + 48 * hour * 1000);
    utimesSync(file, future, future);
    await nextTick();
    read();
    await nextTick();
    // Unchanged, but dated in the future: read again every time, so an edit that restores the date is still seen.
    expect(read().stats).toEqual({ trusted: 0, read: 1 });
    writeFileSync(file, "ALPHA");
    utimesSync(file, future, future);
    expect(read().texts["content/papers/2026-02-16/a.md"]).toBe("ALPHA");
  });

  it("trusts no file changed at or after the index's own modification time (the file system's clock)", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    const file = put("2026-02-16/a.md", "alpha");
    await nextTick();
    read();
    await nextTick();
    expect(read().stats).toEqual({ trusted: 1, read: 0 });
    // The index dated at (here: just before) the file's change, as when both fall in one tick of a coarse clock: the
    // file is read again. utimes takes whole milliseconds as a float of seconds, off by up to ~200 ns at today's dates,
    // so the index is set 1 ms back: a time exactly at the change could land either side of it.
    const { mtime } = statSync(file);
    const { ctime } = statSync(file);
    const latest = ctime > mtime ? ctime : mtime;
    const atChange = new Date(latest.getTime() - 1);
    utimesSync(indexFile(), atChange, atChange);
    expect(openFileIndex(indexFile(), { racyMarginNs: 0n }).known("content/papers/2026-02-16/a.md", statSync(file, { bigint: true }))).toBeUndefined();
    utimesSync(indexFile(), new Date(latest.getTime() + 1000), new Date(latest.getTime() + 1000));
    expect(openFileIndex(indexFile(), { racyMarginNs: 0n }).known("content/papers/2026-02-16/a.md", statSync(file, { bigint: true }))).toBe(textHash("alpha"));
  });

  it("records a file changed less than the racy margin before it was read as racy: read again next time", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
    put("2026-02-16/a.md", "alpha");
    const withMargin = () => {
      const index = openFileIndex(indexFile(), { racyMarginNs: 3_600_000_000_000n });
      const found = readPaperFiles(root!, "content/papers", undefined, index);
      index.save(found.files.map((f) => f.file));
      return index.stats;
    };
    await nextTick();
    withMargin();
    await nextTick();
    expect(withMargin()).toEqual({ trusted: 0, read: 1 });
    await nextTick();
    expect(read().stats).toEqual({ trusted: 0, read: 1 });
    await nextTick();
    expect(read().stats).toEqual({ trusted: 1, read: 0 });
  });

  describe("with a delta file (a few files changed among many)", () => {
    const deltaFile = () => `${indexFile()}.delta`;
    const names = Array.from({ length: 40 }, (_, i) => `2026-02-16/p${String(i).padStart(2, "0")}.md`);
    const identity = (file: string) => {
      const stat = statSync(file, { bigint: true });
      return `${stat.ino} ${stat.size} ${stat.mtimeNs} ${stat.ctimeNs}`;
    };
    /** A site of 40 files, read twice: the index file records them all, and nothing was read the second time. */
    async function site() {
      root = mkdtempSync(path.join(tmpdir(), "digest-files-"));
      for (const name of names) put(name, name);
      await nextTick();
      read();
      await nextTick();
      expect(read().stats).toEqual({ trusted: 40, read: 0 });
      expect(existsSync(deltaFile())).toBe(false);
    }

    it("records an added and an edited file in the delta, leaves the index file as it was, and trusts both next time", async () => {
      await site();
      const before = identity(indexFile());
      put("2026-02-16/p99.md", "added");
      put(names[3]!, "edited");
      await nextTick();
      const after = read();
      expect(after.stats).toEqual({ trusted: 39, read: 2 });
      expect(identity(indexFile())).toBe(before);
      const delta = JSON.parse(readFileSync(deltaFile(), "utf8")) as { base: string; files: string; removed: string };
      expect(delta.base).toBe(before);
      expect(delta.files.split("\n").filter(Boolean).map((line) => line.split("\t")[0])).toEqual([`content/papers/${names[3]}`, "content/papers/2026-02-16/p99.md"]);
      expect(delta.removed).toBe("");
      await nextTick();
      const next = read();
      expect(next.stats).toEqual({ trusted: 41, read: 0 });
      expect(next.texts[`content/papers/${names[3]}`]).toBe("edited");
      expect(next.found.files.find((f) => f.file === "content/papers/2026-02-16/p99.md")?.hash).toBe(textHash("added"));
      // The added file deleted: the delta holds the edit alone.
      rmSync(path.join(papersDir(), "2026-02-16/p99.md"));
      await nextTick();
      expect(read().stats).toEqual({ trusted: 40, read: 0 });
      expect((JSON.parse(readFileSync(deltaFile(), "utf8")) as { files: string }).files).toMatch(new RegExp(`^content/papers/${names[3]}\t[^\n]*\n$`));
    });

    it("deletes the delta when the index file alone is the index again (a file added, then deleted)", async () => {
      await site();
      const added = put("2026-02-16/p99.md", "added");
      await nextTick();
      read();
      expect(existsSync(deltaFile())).toBe(true);
      rmSync(added);
      await nextTick();
      expect(read().stats).toEqual({ trusted: 40, read: 0 });
      expect(existsSync(deltaFile())).toBe(false);
      await nextTick();
      expect(read().stats).toEqual({ trusted: 40, read: 0 });
    });

    it("no longer vouches for a deleted file's line, even for a file with its very stat", async () => {
      await site();
      const gone = path.join(papersDir(), names[5]!);
      const stat = statSync(gone, { bigint: true });
      rmSync(gone);
      await nextTick();
      expect(read().stats).toEqual({ trusted: 39, read: 0 });
      const delta = JSON.parse(readFileSync(deltaFile(), "utf8")) as { removed: string };
      expect(delta.removed).toBe(`content/papers/${names[5]}\n`);
      // The index file still holds its line; the delta says it no longer stands.
      expect(openFileIndex(indexFile(), { racyMarginNs: 0n }).known(`content/papers/${names[5]}`, stat)).toBeUndefined();
      rmSync(deltaFile());
      expect(openFileIndex(indexFile(), { racyMarginNs: 0n }).known(`content/papers/${names[5]}`, stat)).toBe(textHash(names[5]!));
    });

    it("applies a delta only to the index file it names, and trusts its lines only by its own modification time", async () => {
      await site();
      put(names[7]!, "edited");
      await nextTick();
      read();
      await nextTick();
      expect(read().stats).toEqual({ trusted: 40, read: 0 });
      // The delta dated before the edit: its line is not trusted (the index file's line is of the old text).
      const edited = statSync(path.join(papersDir(), names[7]!));
      const early = new Date(edited.mtime.getTime() - 1000);
      const saved = statSync(deltaFile());
      utimesSync(deltaFile(), early, early);
      expect(openFileIndex(indexFile(), { racyMarginNs: 0n }).known(`content/papers/${names[7]}`, statSync(path.join(papersDir(), names[7]!), { bigint: true }))).toBeUndefined();
      utimesSync(deltaFile(), saved.atime, saved.mtime);
      // The index file replaced by a copy of itself (another inode): the delta names the old one and is not applied;
      // the edited file's line in the index file is of its old text and stat, so it is read again.
      const copy = `${indexFile()}.copy`;
      copyFileSync(indexFile(), copy);
      renameSync(copy, indexFile());
      await nextTick();
      const after = read();
      expect(after.stats).toEqual({ trusted: 39, read: 1 });
      expect(after.texts[`content/papers/${names[7]}`]).toBe("edited");
    });

    it("writes the index file whole again once the delta would hold an eighth of its lines", async () => {
      await site();
      for (const name of names.slice(0, 4)) put(name, `${name} edited`);
      await nextTick();
      read();
      expect(existsSync(deltaFile())).toBe(true);
      const before = identity(indexFile());
      put(names[10]!, "edited too");
      await nextTick();
      expect(read().stats).toEqual({ trusted: 39, read: 1 });
      // Five of 40 lines: written whole, the delta deleted.
      expect(identity(indexFile())).not.toBe(before);
      expect(existsSync(deltaFile())).toBe(false);
      await nextTick();
      const next = read();
      expect(next.stats).toEqual({ trusted: 40, read: 0 });
      expect(next.texts[`content/papers/${names[10]}`]).toBe("edited too");
    });
  });
});
