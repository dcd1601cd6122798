// src/output/recorded-writes.ts: a page writer records the stats of what it wrote, and the folders it made and wrote
// only files into, so the page manifest (src/cache/pages.ts) records them without a walk; what it records is what a
// walk of the folder finds, and a folder someone else wrote into too is walked.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compareOutput, outputStats } from "../src/cache/output-stats.ts";
import { pageManifest } from "../src/cache/pages.ts";
import { inlinePageWriter, threadPageWriter, type PageWriter } from "../src/output/page-writer.ts";
import { recordingWrites, writtenOutput } from "../src/output/recorded-writes.ts";

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});
const noMargin = { racyMarginNs: 0n };
const later = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("what a page writer records of what it wrote", () => {
  it("records each file's size and modification time, and the folders it made holding only files it wrote", () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-recorded-"));
    mkdirSync(path.join(root, "old"));
    const writes = recordingWrites();
    const at = (rel: string) => path.join(root!, rel);
    writes.write(at("papers/a/index.html"), Buffer.from("Größe"));
    writes.write(at("papers/b/index.html"), Buffer.from("b"));
    writes.write(at("papers/b/cite.bib"), Buffer.from("@article{b}"));
    // Made here, then a folder made inside it: not described, the folder inside is.
    writes.write(at("date/1/index.html"), Buffer.from("1"));
    writes.write(at("date/1/page/2/index.html"), Buffer.from("2"));
    // A folder that was there before: it may hold anything.
    writes.write(at("old/index.html"), Buffer.from("old"));
    writes.write(at("index.html"), Buffer.from("home"));
    const output = writtenOutput(writes.done(root));
    const walk = outputStats(root, noMargin);
    expect([...output.files.keys()].sort()).toEqual(Object.keys(walk.files).sort());
    for (const [file, stats] of output.files) expect(stats).toEqual(walk.files[file]);
    expect([...output.folders.keys()].sort()).toEqual(["date/1/page/2", "papers/a", "papers/b"]);
    expect(output.folders.get("papers/b")).toEqual({ ctime: String(statSync(at("papers/b"), { bigint: true }).ctimeNs), files: ["papers/b/index.html", "papers/b/cite.bib"] });
  });

  it.each([
    ["on a thread of their own", threadPageWriter],
    ["on the calling thread", inlinePageWriter],
  ] as [string, () => PageWriter][])("gives a record, written %s, that a walk of the folder finds true", async (_name, start) => {
    root = mkdtempSync(path.join(tmpdir(), "digest-recorded-"));
    const writer = start();
    for (const slug of ["a", "b", "c"]) writer.write(path.join(root, "papers", slug, "index.html"), `<p>${slug}</p>`);
    writer.write(path.join(root, "index.html"), "home");
    const { output } = await writer.close(root);
    expect(output?.folders.size).toBe(3);
    await later();
    const described = outputStats(root, { ...noMargin, known: output!.files, described: output!.folders });
    const walked = outputStats(root, noMargin);
    expect(described).toEqual(walked);
    expect(compareOutput(root, described, noMargin).same).toBe(true);
    // Made within the margin of now: racy, so the next build lists it whatever its change time says.
    expect(outputStats(root, { known: output!.files, described: output!.folders }).folders["papers/a"]).toBe("racy");
  });

  it("has the manifest walk a folder it made that a page written by another writer went into", async () => {
    root = mkdtempSync(path.join(tmpdir(), "digest-recorded-"));
    const writer = inlinePageWriter();
    writer.write(path.join(root, "tags/x/index.html"), "<p>x</p>");
    writer.write(path.join(root, "tags/y/index.html"), "<p>y</p>");
    const { output, hashes } = await writer.close(root);
    // The feed of tag x, written after by someone else: the writer does not know of it.
    writeFileSync(path.join(root, "tags/x/feed.xml"), "<rss/>");
    await later();
    const keys = new Map(["tags/x/index.html", "tags/y/index.html", "tags/x/feed.xml"].map((file) => [file, `key of ${file}`]));
    const relative = new Map([...hashes].map(([file, hash]) => [path.relative(root!, file), hash]));
    const manifest = pageManifest({ keys, site: "site", hashes: relative, written: output }, root);
    expect(Object.keys(manifest.pages).sort()).toEqual([...keys.keys()].sort());
    expect(manifest.files).toEqual(outputStats(root, noMargin).files);
    expect(manifest.site).toBe("site");
  });
});
