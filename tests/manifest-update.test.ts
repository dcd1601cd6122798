// A build whose output took over the previous output's paper folders (src/output/adopt.ts) records its page manifest
// by patching the previous one (src/cache/manifest-update.ts) instead of walking the whole output: the same manifest
// as pageManifest's walk of the same folder, and the delta file made from the changed entries alone reads back as it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, linkSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { patchManifest } from "../src/cache/manifest-update.ts";
import { pageManifestFile } from "../src/cache/manifest-files.ts";
import { compareOutput, outputStats } from "../src/cache/output-stats.ts";
import { pageManifest, pageReuse, readManifest, writeManifest, type PageManifest } from "../src/cache/pages.ts";
import { adoptFolder, adoptFolders, splitAdoptable, type Adoption } from "../src/output/adopt.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const write = (root: string, file: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
};
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the manifest of an output that took over the previous one's paper folders", () => {
  it("is the previous manifest patched: what a walk of the whole output records", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "manifest-update-"));
    dirs.push(dir);
    const out = path.join(dir, "dist");
    const pages = ["papers/a/index.html", "papers/b/index.html", "papers/c/index.html", "papers/__proto__/index.html", "date/x/index.html", "date/y/index.html"];
    for (const file of pages) write(out, file, `<p>${file}</p>`);
    write(out, "papers/a/note.txt", "a file a build recorded in a paper folder");
    write(out, "search/f/1.json", "[1]");
    write(out, "search/f/2.json", "[2]");
    write(out, "index.html", "<p>home</p>");
    const keys = new Map(pages.map((file) => [file, `key of ${file}`]));
    const first = pageManifest({ keys, site: "site 1", hashes: new Map(pages.map((file) => [file, sha(`<p>${file}</p>`)])) }, out);
    // Folders recorded less than 2 s after they changed are racy: recorded later, they have their change times.
    await wait(2100);
    const previous: PageManifest = { ...first, files: outputStats(out).files, folders: outputStats(out).folders };
    expect(previous.folders!["papers/a"]).not.toBe("racy");

    // Meanwhile, by hand: a file in a kept paper folder edited (the worker finds it), one put into another (that folder
    // is listed again and the file removed).
    write(out, "papers/a/note.txt", "edited by hand, longer than before");
    write(out, "papers/c/stray.html", "<p>stray</p>");
    const { changed, changedFolders } = compareOutput(out, previous);
    const outputChanges = { files: changed!, folders: changedFolders! };
    expect([...outputChanges.folders]).toContain("papers/c");

    // A build: paper b rendered again, paper d new, paper __proto__ and c kept, a deleted, day x reused (linked),
    // day y rendered again, one search file linked and one new.
    const temp = `${out}.tmp-${process.pid}`;
    write(temp, "papers/b/index.html", "<p>b again</p>");
    write(temp, "papers/d/index.html", "<p>d</p>");
    write(temp, "date/y/index.html", "<p>y again</p>");
    write(temp, "search/f/3.json", "[3]");
    write(temp, "index.html", "<p>home again</p>");
    mkdirSync(path.join(temp, "date/x"), { recursive: true });
    linkSync(path.join(out, "date/x/index.html"), path.join(temp, "date/x/index.html"));
    linkSync(path.join(out, "search/f/1.json"), path.join(temp, "search/f/1.json"));
    const reused = ["papers/c/index.html", "papers/__proto__/index.html", "date/x/index.html"];
    const adoption: Adoption = { folder: "papers", keep: new Set(["c", "__proto__"]) };
    const adopted = adoptFolder(out, temp, adoption, reused);
    renameSync(out, `${out}.old`);
    renameSync(temp, out);
    const nextKeys = new Map([...pages.filter((file) => file !== "papers/a/index.html"), "papers/d/index.html"].map((file) => [file, `key 2 of ${file}`]));
    for (const file of reused) nextKeys.set(file, keys.get(file)!);
    const hashes = new Map([
      ["papers/b/index.html", sha("<p>b again</p>")],
      ["papers/d/index.html", sha("<p>d</p>")],
      ["date/y/index.html", sha("<p>y again</p>")],
      ...reused.map((file): [string, string] => [file, previous.pages[file]![3]!]),
    ]);
    const stats = new Map(reused.map((file): [string, [number, string]] => [file, previous.files![file]!]));
    const plan = { keys: nextKeys, site: "site 2", hashes, stats, outputChanges };
    const prune = { adopted: new Map([["papers", { adopted, rendered: adoption.rendered }]]), reused };
    expect([...adoption.rendered!].sort()).toEqual(["b", "d"]);

    const expected = pageManifest(plan, out, prune, structuredClone(previous), ["search/f/1.json"]);
    expect(existsSync(path.join(out, "papers/c/stray.html"))).toBe(false);
    const patched = structuredClone(previous) as Required<PageManifest>;
    const { complete, changes } = patchManifest(patched, out, plan, { adopted: prune.adopted, drop: (file) => file === "papers/c/stray.html", linked: ["search/f/1.json"] });
    expect(complete).toBe(true);
    expect(patched.pages).toEqual(expected.pages);
    expect(patched.files).toEqual(expected.files);
    expect(Object.keys(patched.folders).sort()).toEqual(Object.keys(expected.folders!).sort());
    for (const [folder, ctime] of Object.entries(patched.folders)) expect(ctime === "racy" || ctime === expected.folders![folder], folder).toBe(true);
    expect(patched.folders.papers).toBe("racy"); // not listed: the next walk lists it
    expect(patched.files["papers/a/note.txt"]).toBeUndefined();
    expect(Object.hasOwn(patched.pages, "papers/__proto__/index.html")).toBe(true);
    expect(patched.site).toBe("site 2");
    // Only what changed is named: kept paper c's page and folder, and paper __proto__'s, are not.
    expect(changes.pages.has("papers/__proto__/index.html")).toBe(false);
    expect(changes.files.has("papers/__proto__/index.html")).toBe(false);
    expect([...changes.pages].sort()).toEqual(["date/y/index.html", "papers/a/index.html", "papers/b/index.html", "papers/d/index.html"]);
    expect(changes.files.has("papers/a/note.txt")).toBe(true);

    // The same plan as planPages makes it when the worker found the reused pages as recorded: their stats and hashes
    // are the manifest's own, not copied into the plan. The same manifest and the same changes.
    const asRecorded = structuredClone(previous) as Required<PageManifest>;
    const recordedPlan = {
      keys: nextKeys,
      site: "site 2",
      hashes: new Map([...hashes].filter(([file]) => !reused.includes(file))),
      recorded: { files: new Set(reused), pages: asRecorded.pages },
      outputChanges,
    };
    const viaRecord = patchManifest(asRecorded, out, recordedPlan, { adopted: prune.adopted, linked: ["search/f/1.json"] });
    expect(viaRecord.complete).toBe(true);
    expect(asRecorded.pages).toEqual(patched.pages);
    expect(asRecorded.files).toEqual(patched.files);
    expect(asRecorded.folders).toEqual(patched.folders);
    expect([...viaRecord.changes.pages].sort()).toEqual([...changes.pages].sort());
    expect([...viaRecord.changes.files].sort()).toEqual([...changes.files].sort());
    const walkedRecorded = structuredClone(previous);
    const recordedWalk = pageManifest({ ...recordedPlan, recorded: { files: new Set(reused), pages: walkedRecorded.pages } }, out, prune, walkedRecorded, ["search/f/1.json"]);
    expect(recordedWalk.pages).toEqual(expected.pages);
    expect(recordedWalk.files).toEqual(expected.files);
  });

  it("is the previous manifest patched when the day and tag folders were taken over too", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "manifest-update-"));
    dirs.push(dir);
    const out = path.join(dir, "dist");
    const pages = ["papers/a/index.html", "papers/b/index.html", "date/x/index.html", "date/y/index.html", "tags/t/index.html", "tags/u/index.html"];
    const feeds = ["tags/t/feed.xml", "tags/u/feed.xml"];
    for (const file of [...pages, ...feeds]) write(out, file, `<p>${file}</p>`);
    write(out, "index.html", "<p>home</p>");
    const keys = new Map([...pages, ...feeds].map((file) => [file, `key of ${file}`]));
    const first = pageManifest({ keys, site: "site 1", hashes: new Map([...keys.keys()].map((file) => [file, sha(`<p>${file}</p>`)])) }, out);
    await wait(2100);
    const previous: PageManifest = { ...first, files: outputStats(out).files, folders: outputStats(out).folders };
    const outputChanges = { files: new Set<string>(), folders: new Set<string>() };

    // A build that adds paper c on day y, tagged t: its page, day y's and tag t's first page are rendered; tag t's
    // feed, day x, tag u and paper a are kept as they were; day z is new; paper b was deleted.
    const temp = `${out}.tmp-${process.pid}`;
    const rendered: Record<string, string> = {
      "papers/c/index.html": "<p>c</p>",
      "date/y/index.html": "<p>y again</p>",
      "date/z/index.html": "<p>z</p>",
      "tags/t/index.html": "<p>t again</p>",
      "index.html": "<p>home again</p>",
    };
    for (const [file, text] of Object.entries(rendered)) write(temp, file, text);
    const reused = ["papers/a/index.html", "date/x/index.html", "tags/t/feed.xml", "tags/u/index.html", "tags/u/feed.xml"];
    const { adoptions, link } = splitAdoptable(reused, ["papers", "date", "week", "tags"], out);
    expect(link).toEqual([]);
    expect(adoptions.map((adoption) => [adoption.folder, [...adoption.keep].sort()])).toEqual([["papers", ["a"]], ["date", ["x"]], ["tags", ["t", "u"]]]);
    adoptFolders(out, temp, adoptions, reused);
    renameSync(out, `${out}.old`);
    renameSync(temp, out);
    // Tag t was both kept (its feed) and rendered (its page): the feed was linked into the rendered folder.
    expect(readFileSync(path.join(out, "tags/t/feed.xml"), "utf8")).toBe("<p>tags/t/feed.xml</p>");
    expect(existsSync(path.join(out, "papers/b"))).toBe(false);
    const adopted = new Map(adoptions.map((adoption) => [adoption.folder, { adopted: adoption.adopted!, rendered: adoption.rendered }]));
    expect([...adopted].map(([folder, { adopted: kept }]) => [folder, [...kept].sort()])).toEqual([["papers", ["a"]], ["date", ["x"]], ["tags", ["u"]]]);

    const nextKeys = new Map([...reused, ...Object.keys(rendered).filter((file) => file !== "index.html")].map((file) => [file, keys.get(file) ?? `key 2 of ${file}`]));
    const hashes = new Map([
      ...Object.entries(rendered).map(([file, text]): [string, string] => [file, sha(text)]),
      ...reused.map((file): [string, string] => [file, previous.pages[file]![3]!]),
    ]);
    const stats = new Map(reused.map((file): [string, [number, string]] => [file, previous.files![file]!]));
    const plan = { keys: nextKeys, site: "site 2", hashes, stats, outputChanges };
    const prune = { adopted, reused };
    const expected = pageManifest(plan, out, prune, structuredClone(previous));
    const patched = structuredClone(previous) as Required<PageManifest>;
    const { complete, changes } = patchManifest(patched, out, plan, { adopted });
    expect(complete).toBe(true);
    expect(patched.pages).toEqual(expected.pages);
    expect(patched.files).toEqual(expected.files);
    expect(Object.keys(patched.folders).sort()).toEqual(Object.keys(expected.folders!).sort());
    for (const [folder, ctime] of Object.entries(patched.folders)) expect(ctime === "racy" || ctime === expected.folders![folder], folder).toBe(true);
    expect(patched.files["papers/b/index.html"]).toBeUndefined();
    expect(patched.files["tags/t/feed.xml"]).toEqual(previous.files!["tags/t/feed.xml"]);
    // Only what changed is named: the kept paper, day and tag are not.
    expect([...changes.pages].sort()).toEqual(["date/y/index.html", "date/z/index.html", "papers/b/index.html", "papers/c/index.html", "tags/t/index.html"]);
    for (const kept of ["papers/a", "date/x", "tags/u"]) expect([...changes.files, ...changes.folders].some((name) => name.startsWith(`${kept}/`) || name === kept), kept).toBe(false);
  });

  it("is written as a delta of the changed entries that reads back as the whole manifest", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "manifest-update-"));
    dirs.push(dir);
    const out = path.join(dir, "dist");
    const cache = path.join(dir, "cache");
    const slugs = Array.from({ length: 40 }, (_, i) => `p${i}`);
    for (const slug of slugs) write(out, `papers/${slug}/index.html`, `<p>${slug}</p>`);
    const keys = new Map(slugs.map((slug) => [`papers/${slug}/index.html`, `key ${slug}`]));
    const hashes = new Map(slugs.map((slug) => [`papers/${slug}/index.html`, sha(`<p>${slug}</p>`)]));
    await wait(2100);
    const file = pageManifestFile(cache, out);
    writeManifest(file, { ...pageManifest({ keys, site: "s1", hashes }, out), inputs: "i" });
    const reuse = pageReuse({ root: dir, site: {}, outputDir: out, cacheDir: cache, paperKey: () => undefined });
    const previous = readManifest(file)!;
    // The plan: every page reused but p3 (rendered again), the output as recorded.
    const temp = `${out}.tmp-${process.pid}`;
    write(temp, "papers/p3/index.html", "<p>p3 again</p>");
    const reused = [...keys.keys()].filter((page) => page !== "papers/p3/index.html");
    const adoption: Adoption = { folder: "papers", keep: new Set(slugs.filter((slug) => slug !== "p3")) };
    const adopted = adoptFolder(out, temp, adoption, reused);
    renameSync(out, `${out}.old`);
    renameSync(temp, out);
    const plan = {
      render: { papers: [], days: [], weeks: [], months: [], tags: [], organizations: [] },
      reuse: reused,
      keys: new Map([...keys, ["papers/p3/index.html", "key p3 again"]]),
      hashes: new Map([...hashes, ["papers/p3/index.html", sha("<p>p3 again</p>")]]),
      stats: new Map(reused.map((page): [string, [number, string]] => [page, previous.files![page]!])),
      site: "s2",
      upToDate: false,
      outputChanges: { files: new Set<string>(), folders: new Set<string>() },
    };
    const manifestBefore = readFileSync(file);
    const expected = pageManifest(plan, out, { adopted: new Map([["papers", { adopted }]]), reused }, structuredClone(previous));
    // The commit patches the manifest the reuse read (a build's plan reads it; here the check for no change does).
    reuse.unchanged("content");
    reuse.commit(plan, true, "content", { adopted: new Map([["papers", { adopted, rendered: adoption.rendered }]]), reused });
    expect(readFileSync(file).equals(manifestBefore)).toBe(true); // only the delta was written
    const delta = JSON.parse(readFileSync(`${file}.delta`, "utf8")) as { set: { pages: object; files: object; folders: object } };
    expect(Object.keys(delta.set.pages)).toEqual(["papers/p3/index.html"]);
    expect(Object.keys(delta.set.files)).toEqual(["papers/p3/index.html"]);
    const read = readManifest(file)!;
    expect(read.pages).toEqual(expected.pages);
    expect(read.files).toEqual(expected.files);
    expect(read.site).toBe("s2");
    expect(read.inputs).toBeDefined();
  });
});
