// The search index updated from the previous build (only changed papers analysed, unchanged files linked) must be the
// same, byte for byte, as the index built from scratch, after every kind of change; and queries must see the change.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { createEngine } from "../src/search/client/engine.js";
import { binaryKeys, buildSearchIndex, decodePapers, hexKeys, indexWorkers, startSearchIndex, type SearchReuse } from "../src/search/build.ts";
import { isAscii } from "node:buffer";
import { decodeRows, encodeRows, keepSearchRow, searchRow } from "../src/search/rows.ts";
import { takeStateLock } from "../src/search/index.ts";
import { startTypeScriptWorker } from "../src/workers/typescript-worker.ts";
import { searchPaperFields, type SearchPaper } from "../src/search/records.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const temp = (name: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), `search-incr-${name}-`));
  dirs.push(dir);
  return dir;
};

const site = { pathPrefix: "/", authorsShown: 3, language: "en" };
const vocabulary = "graph neural network diffusion model regret bound transformer attention sparse kernel policy gradient language vision robot".split(" ");

function paper(i: number, fields: Partial<SearchPaper> = {}): SearchPaper {
  const word = (k: number) => vocabulary[(i * 7 + k * 3) % vocabulary.length]!;
  const body = `We study ${word(1)} ${word(2)} with $\\mathcal{O}(n^${i % 4})$ cost, unique${i}term and ${word(3)}s.`;
  return {
    slug: `p${i}`, id: `2601.${String(10000 + i)}`, arxiv: `2601.${String(10000 + i)}`,
    date: `2026-01-${String(1 + Math.floor(i / 6)).padStart(2, "0")}`, upvotes: (i * 5) % 23,
    titleText: `On ${word(0)} ${word(4)} ${i}`, authors: [`Author ${i % 9}`, `Writer ${i % 4}`], authorCount: 2,
    organization: i % 3 ? `Lab ${i % 5}` : undefined, published: i % 2 ? `2025-0${1 + (i % 9)}-01` : undefined,
    tags: i % 4 ? [`tag-${i % 6}`] : [], category: "cs.LG",
    text: { title: `On ${word(0)} ${word(4)} ${i}`, body },
    ...fields,
  };
}

/** The paper cache's content key, as src/cache/papers.ts gives one: a hash of all a paper is made from. */
const contentKey = (p: SearchPaper) => createHash("sha256").update(JSON.stringify(p)).digest("hex");

const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
    .sort();

/** Every file of the two index folders, by path, compared byte for byte. */
function expectSameIndex(updated: string, cold: string): void {
  const files = listFiles(path.join(cold, "search"));
  expect(listFiles(path.join(updated, "search"))).toEqual(files);
  const differing = files.filter((file) => !readFileSync(path.join(updated, "search", file)).equals(readFileSync(path.join(cold, "search", file))));
  expect(differing).toEqual([]);
}

/** Search results (paper pages) of `query` in the index under `dir`. */
async function search(dir: string, query: string): Promise<string[]> {
  const engine = createEngine(async (file: string) => new Uint8Array(gunzipSync(readFileSync(path.join(dir, "search", file.replace(/\?.*$/, ""))))));
  const found = await engine.search(query);
  return Promise.all(found.ids.map(async (id: number) => (await engine.result(id)).url));
}

/** A site that builds its index incrementally, one new output folder per build, like src/build.ts. */
function incrementalSite(keyOf: SearchReuse<SearchPaper>["keyOf"] = contentKey) {
  const cacheDir = temp("cache");
  let previousSite: string | undefined;
  return {
    cacheDir,
    async build(papers: SearchPaper[]) {
      const dir = temp("site");
      const result = await buildSearchIndex(papers, dir, site, { cacheDir, previousSite, keyOf });
      previousSite = dir;
      return { dir, result };
    },
  };
}

/** The stems of a postings chunk (see the format in src/search/index.ts) with their paper ids. */
function postingsOf(file: string): Map<string, number[]> {
  const bytes = gunzipSync(readFileSync(file));
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return value;
    }
  };
  const out = new Map<string, number[]>();
  while (at < bytes.length) {
    const length = varint();
    const stem = bytes.toString("utf8", at, (at += length));
    const ids: number[] = [];
    for (let i = 0, n = varint(), id = 0; i < n; i++) ids.push((id += varint()));
    at += ids.length;
    out.set(stem, ids);
  }
  return out;
}

async function cold(papers: SearchPaper[]): Promise<string> {
  const dir = temp("cold");
  await buildSearchIndex(papers, dir, site);
  return dir;
}

describe("incremental search index", () => {
  it("gives the cold build's bytes after adding, editing, deleting and renaming papers, and queries see each change", async () => {
    const incremental = incrementalSite();
    let papers = Array.from({ length: 90 }, (_, i) => paper(i));
    const first = await incremental.build(papers);
    expectSameIndex(first.dir, await cold(papers));

    const steps: [string, (list: SearchPaper[]) => SearchPaper[]][] = [
      ["add the newest paper", (list) => [...list, paper(90, { date: "2026-02-01", text: { title: "Zebrafish", body: "A zebrafish atlas." } })]],
      ["add a paper on an old day (every later id moves)", (list) => [...list, paper(91, { date: "2026-01-02", text: { title: "Quokka", body: "Quokka counting." } })]],
      ["edit an abstract", (list) => list.map((p) => (p.slug === "p40" ? { ...p, text: { ...p.text, body: "Entirely rewritten: platypus." } } : p))],
      ["edit upvotes, tags and organization only", (list) => list.map((p) => (p.slug === "p7" ? { ...p, upvotes: 999, tags: ["fresh-tag"], organization: "New Lab" } : p))],
      ["delete a paper", (list) => list.filter((p) => p.slug !== "p3")],
      ["rename a paper (new page, same text)", (list) => list.map((p) => (p.slug === "p50" ? { ...p, slug: "renamed-50" } : p))],
      ["change nothing", (list) => list],
      ["delete most papers (the state's tables start again)", (list) => list.filter((_, i) => i % 9 === 0)],
    ];
    for (const [name, change] of steps) {
      papers = change(papers);
      const { dir, result } = await incremental.build(papers);
      const reference = await cold(papers);
      expect(listFiles(path.join(dir, "search")).length, name).toBeGreaterThan(0);
      expectSameIndex(dir, reference);
      if (name === "change nothing") expect(result.linked, name).toBe(result.files - 1); // all but meta.ix
      if (name === "add the newest paper") {
        expect(await search(dir, "zebrafish")).toEqual(["/papers/p90/"]);
        // Only the new paper's result file and the chunks of its words were written; the first result file is linked.
        expect(result.linked).toBeGreaterThan(result.files / 2);
        const f0 = path.join("search", "f", "0", "0.ix");
        expect(statSync(path.join(dir, f0)).ino).toBe(statSync(path.join(first.dir, f0)).ino);
      }
      if (name === "add a paper on an old day (every later id moves)") expect(await search(dir, "quokka")).toEqual(["/papers/p91/"]);
      if (name === "edit an abstract") {
        expect(await search(dir, "platypus")).toEqual(["/papers/p40/"]);
        expect(await search(dir, "unique40term")).toEqual([]);
      }
      if (name === "edit upvotes, tags and organization only") expect(await search(dir, "fresh")).toEqual(["/papers/p7/"]);
      if (name === "delete a paper") expect(await search(dir, "unique3term")).toEqual([]);
      if (name === "rename a paper (new page, same text)") expect(await search(dir, "unique50term")).toEqual(["/papers/renamed-50/"]);
    }
  });

  it("without content keys (records hashed), from a lost or foreign state, and after a build that was not kept", async () => {
    const papers = Array.from({ length: 40 }, (_, i) => paper(i));
    const more = [...papers, paper(40, { date: "2026-03-01" })];
    const hashed = incrementalSite(undefined);
    await hashed.build(papers);
    expectSameIndex((await hashed.build(more)).dir, await cold(more));

    // A build whose site was thrown away (a later step failed): its state no longer matches the previous site's files.
    const site2 = incrementalSite();
    const kept = await site2.build(papers);
    await buildSearchIndex(more, temp("discarded"), site, { cacheDir: site2.cacheDir, previousSite: kept.dir, keyOf: contentKey });
    const after = temp("after");
    const result = await buildSearchIndex(more, after, site, { cacheDir: site2.cacheDir, previousSite: kept.dir, keyOf: contentKey });
    expect(result.linked).toBe(0);
    expectSameIndex(after, await cold(more));

    // A damaged state file and another site's context (path prefix) reuse nothing, and still give the right bytes.
    writeFileSync(path.join(site2.cacheDir, "search-index.bin"), "not a state");
    expectSameIndex((await site2.build(papers)).dir, await cold(papers));
    const previous = (await site2.build(papers)).dir;
    const prefixed = temp("prefixed");
    await buildSearchIndex(papers, prefixed, { ...site, pathPrefix: "/digest/" }, { cacheDir: site2.cacheDir, previousSite: previous, keyOf: contentKey });
    const prefixedCold = temp("prefixed-cold");
    await buildSearchIndex(papers, prefixedCold, { ...site, pathPrefix: "/digest/" });
    expectSameIndex(prefixed, prefixedCold);
    expect(await search(prefixed, "unique5term")).toEqual(["/digest/papers/p5/"]);

    // Another context and fewer papers (the first deleted, with its unique words): nothing of the previous analysis is
    // reused, nor its postings chunks' layout by stem ids that mean other stems now (this threw a RangeError).
    const other = incrementalSite();
    const otherPrevious = (await other.build(papers)).dir;
    const changed = papers.slice(1);
    const wider = temp("wider");
    await buildSearchIndex(changed, wider, { ...site, authorsShown: 1 }, { cacheDir: other.cacheDir, previousSite: otherPrevious, keyOf: contentKey });
    const widerCold = temp("wider-cold");
    await buildSearchIndex(changed, widerCold, { ...site, authorsShown: 1 });
    expectSameIndex(wider, widerCold);
  });

  it("appends new papers' analysis to the state's array files, ignores what a killed build appended, and rewrites them after an edit", async () => {
    const papers = Array.from({ length: 60 }, (_, i) => paper(i));
    const incremental = incrementalSite();
    /** The state's paper array files (search-index.bin.<generation>.<array>) with their sizes. */
    const arrays = () =>
      new Map(readdirSync(incremental.cacheDir).filter((f) => /^search-index\.bin\.[0-9a-f]{12}\.\w+$/.test(f)).map((f) => [f, statSync(path.join(incremental.cacheDir, f)).size]));
    await incremental.build(papers);
    const first = arrays();
    expect([...first.keys()].map((f) => f.split(".").at(-1)).sort()).toEqual(["postStem", "postValue", "wordIds"]);

    // One more paper after the others: the same files, longer (appended to, not replaced).
    const more = [...papers, paper(60, { date: "2026-02-01" })];
    expectSameIndex((await incremental.build(more)).dir, await cold(more));
    const appended = arrays();
    expect([...appended.keys()]).toEqual([...first.keys()]);
    for (const [file, size] of appended) expect(size, file).toBeGreaterThan(first.get(file)!);
    expect(await search((await incremental.build(more)).dir, "unique60term")).toEqual(["/papers/p60/"]);

    // A build killed after appending to the arrays, before its state file was renamed: its bytes are never read.
    for (const file of appended.keys()) writeFileSync(path.join(incremental.cacheDir, file), Buffer.alloc(4096, 0x7f), { flag: "a" });
    const evenMore = [...more, paper(61, { date: "2026-02-02" })];
    const built = await incremental.build(evenMore);
    expectSameIndex(built.dir, await cold(evenMore));
    expect(await search(built.dir, "unique61term")).toEqual(["/papers/p61/"]);
    expect(await search(built.dir, "unique60term")).toEqual(["/papers/p60/"]);

    // A paper before the end edited: the arrays are written again, in files of a new generation; the old ones go.
    const edited = evenMore.map((p, i) => (i === 10 ? { ...p, text: { title: p.text.title, body: "Okapi herds." }, abstractText: "Okapi herds." } : p));
    expectSameIndex((await incremental.build(edited)).dir, await cold(edited));
    const rewritten = arrays();
    expect(rewritten.size).toBe(3);
    expect([...rewritten.keys()].some((file) => appended.has(file))).toBe(false);
    const last = [...edited, paper(62, { date: "2026-02-03" })];
    const after = await incremental.build(last);
    expectSameIndex(after.dir, await cold(last));
    expect(await search(after.dir, "okapi")).toEqual(["/papers/p10/"]);
    expect([...arrays().keys()]).toEqual([...rewritten.keys()]);

    // Another build appending meanwhile (the lock held by a running process, here this one): this one writes its
    // arrays whole, in a new generation, the previous papers' words read back for it; the next build reads them.
    writeFileSync(path.join(incremental.cacheDir, "search-index.bin.lock"), String(process.pid));
    const locked = [...last, paper(63, { date: "2026-02-04" })];
    expectSameIndex((await incremental.build(locked)).dir, await cold(locked));
    rmSync(path.join(incremental.cacheDir, "search-index.bin.lock"));
    expect([...arrays().keys()].some((file) => rewritten.has(file))).toBe(false);
    const unlocked = [...locked, paper(64, { date: "2026-02-05" })];
    const final = await incremental.build(unlocked);
    expectSameIndex(final.dir, await cold(unlocked));
    expect(await search(final.dir, "unique63term")).toEqual(["/papers/p63/"]);
  });

  it("re-encodes only the postings chunks of the stems of papers added, edited or deleted at the end, and links the others", async () => {
    // Many words: the postings make dozens of chunks.
    const letters = (n: number) => Array.from(n.toString(26), (c) => String.fromCharCode(97 + parseInt(c, 26))).join("");
    const day = (i: number) => `2026-${String(1 + Math.floor(i / 200)).padStart(2, "0")}-02`;
    const wordy = (i: number) => {
      const base = paper(i, { date: day(i) });
      const body = `${base.text.body} ${Array.from({ length: 100 }, (_, k) => `q${letters(i * 100 + k)}`).join(" ")}`;
      return { ...base, text: { ...base.text, body }, abstractText: body };
    };
    const original = Array.from({ length: 2000 }, (_, i) => wordy(i));
    const edited = original.map((p, i) => (i === 1000 ? { ...p, text: { title: p.text.title, body: "Okapi herds." }, abstractText: "Okapi herds." } : p));
    const newest = paper(2000, { date: "2026-12-31" });
    const incremental = incrementalSite();
    let previous = (await incremental.build(original)).dir;
    expect(readdirSync(path.join(previous, "search", "p")).length).toBeGreaterThan(40);
    const steps: [string, SearchPaper[], number, string][] = [
      ["add the newest paper", [...original, newest], 2000, "unique2000term"],
      ["edit a paper in place", [...edited, newest], 1000, "okapi"],
      ["delete the newest paper", edited, 2000, "okapi"],
    ];
    const chunksOf = (dir: string) => readdirSync(path.join(dir, "search", "p")).map((file) => [file, postingsOf(path.join(dir, "search", "p", file))] as const);
    for (const [name, papers, changed, query] of steps) {
      const { dir, result } = await incremental.build(papers);
      expectSameIndex(dir, await cold(papers));
      expect((await search(dir, query)).length, name).toBe(1);
      // Only the stems of the chunks that hold the changed paper's stems were weighed and encoded again...
      expect(result.stems.encoded, name).toBeGreaterThan(0);
      expect(result.stems.encoded, name).toBeLessThan(result.stems.total / 2);
      // ...and the postings chunks without them are the previous build's files, linked (but for a neighbour of a
      // chunk whose last stem came or went, which may join or leave it).
      const touched = new Set<string>();
      for (const [, postings] of [...chunksOf(previous), ...chunksOf(dir)]) for (const [stem, ids] of postings) if (ids.includes(changed)) touched.add(stem);
      const current = chunksOf(dir);
      const untouched = current.filter(([, postings]) => ![...postings.keys()].some((stem) => touched.has(stem)));
      const before = new Set(readdirSync(path.join(previous, "search", "p")));
      const rewritten = untouched.filter(([file]) => !before.has(file));
      expect(untouched.length, name).toBeGreaterThan(20);
      expect(rewritten.length, name).toBeLessThanOrEqual(2);
      for (const [file] of untouched.filter(([file]) => before.has(file))) expect(statSync(path.join(dir, "search", "p", file)).ino, `${name}: ${file}`).toBe(statSync(path.join(previous, "search", "p", file)).ino);
      previous = dir;
    }
    // Every paper changed (each of 200,000 words looked up again): the same bytes as a cold build.
    const changedAll = edited.map((p) => ({ ...p, upvotes: p.upvotes + 1 }));
    expectSameIndex((await incremental.build(changedAll)).dir, await cold(changedAll));
  }, 180_000);

  it("sends the worker the papers as one JSON text that gives back every field the records read", () => {
    const odd = paper(7, { titleText: "Lone \ud800 surrogate, \u2028 and \"quotes\"", authors: ["Zoë \u{1F600}"], tags: [], organization: undefined, arxiv: undefined });
    const papers = [paper(1), paper(2), odd];
    const encoded = encodeRows(papers);
    const back = decodePapers(encoded);
    expect(back).toEqual(papers.map((p) => Object.fromEntries(searchPaperFields.map((field) => [field, p[field]]))));
    // All ASCII (every other character escaped), read back as Latin-1: the same text as UTF-8 decoding gives.
    expect(isAscii(encoded)).toBe(true);
    expect(decodeRows(encoded)).toBe(new TextDecoder().decode(encoded));
    expect(JSON.parse(decodeRows(encodeRows([odd], undefined, 0, '{"keys":["Zoë \u{1F600}"],"papers":', "}"))).keys).toEqual(["Zoë \u{1F600}"]);
    // Bytes from elsewhere (a row made by other code, not escaped) are read as UTF-8.
    expect(decodeRows(new TextEncoder().encode('["ℓ Zoë"]'))).toBe('["ℓ Zoë"]');
    // Without text: nothing but its place (its key is sent beside; what the index kept of it makes its record).
    expect(new TextDecoder().decode(encodeRows([paper(1), paper(2)], [true, false])).startsWith("[0,[")).toBe(true);
    expect(decodePapers(encodeRows([paper(1)], [true]))).toEqual([0]);
    // Rows made where the papers were typeset (src/render/pool.ts) are sent as they are: the same bytes.
    const copies = papers.map((p) => ({ ...p }));
    copies.forEach((copy) => keepSearchRow(copy, new TextEncoder().encode(searchRow(copy))));
    expect(Buffer.from(encodeRows(copies)).equals(Buffer.from(encoded))).toBe(true);
    // A kept row is what is sent, whatever the paper says now: the bytes come from the row, not the paper.
    keepSearchRow(copies[0]!, new TextEncoder().encode(searchRow({ ...copies[0]!, titleText: "Kept row" })));
    expect((decodePapers(encodeRows(copies))[0] as { titleText: string }).titleText).toBe("Kept row");
  });

  it("updates in the worker thread (large sites), sent only the text of new papers, as on the main thread", async () => {
    const papers = Array.from({ length: 1100 }, (_, i) => paper(i, { date: `2026-${String(1 + Math.floor(i / 100)).padStart(2, "0")}-01` }));
    const incremental = incrementalSite();
    await incremental.build(papers);
    // The newest paper: every other paper is sent without its text (its analysis and what its result shows are reused).
    let list = [...papers, paper(1100, { date: "2026-12-31" })];
    const added = await incremental.build(list);
    expect(added.result).toMatchObject({ inWorker: true, records: 1101 });
    expect(added.result.linked).toBeGreaterThan(added.result.files / 2);
    expectSameIndex(added.dir, await cold(list));
    // A paper on the first day moves every other one: their result files are made again from what the state kept.
    list = [paper(1101, { date: "2025-12-31" }), ...list];
    const moved = await incremental.build(list);
    expectSameIndex(moved.dir, await cold(list));
    expect(await search(moved.dir, "unique1101term")).toEqual(["/papers/p1101/"]);
    // Damaged result files of the previous output are not read (results come from the state): the bytes are the same.
    writeFileSync(path.join(moved.dir, "search", "f", "0", "0.ix"), "damaged");
    list = [paper(1102, { date: "2025-12-30" }), ...list];
    const resent = await incremental.build(list);
    expectSameIndex(resent.dir, await cold(list));
  }, 180_000);

  it("lets only one of several builds finding a stale state lock at the same instant take it over", async () => {
    const lock = path.join(temp("lock"), "search-index.bin.lock");
    // No process has this id: Linux pids end at 2^22.
    const dead = String(2 ** 22 + 1);
    const takers = 6;
    const workers = Array.from({ length: takers }, () => startTypeScriptWorker(new URL("./helpers/lock-taker.ts", import.meta.url)));
    try {
      for (let round = 0; round < 200; round++) {
        writeFileSync(lock, dead);
        const signal = new SharedArrayBuffer(8);
        const flags = new Int32Array(signal);
        // Each round's error listener goes with its reply: 200 rounds must not pile them up on the workers.
        const replies = workers.map(
          (worker) =>
            new Promise<boolean>((resolve, reject) => {
              const failed = (error: Error) => reject(error);
              worker.once("error", failed).once("message", (taken: boolean) => {
                worker.off("error", failed);
                resolve(taken);
              });
            }),
        );
        workers.forEach((worker) => worker.postMessage({ lock, signal }));
        while (Atomics.load(flags, 0) < takers) await new Promise((resolve) => setTimeout(resolve, 5));
        Atomics.store(flags, 1, 1);
        Atomics.notify(flags, 1);
        const taken = (await Promise.all(replies)).filter(Boolean).length;
        expect(taken).toBe(1);
        // The taker's lock: this process's id first (src/output/lock-file.ts).
        expect(readFileSync(lock, "utf8").split(" ")[0]).toBe(String(process.pid));
        rmSync(lock);
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
    // A lock held by a running process is not taken; one still being written (empty) is not either.
    writeFileSync(lock, String(process.pid));
    expect(takeStateLock(lock)).toBe(false);
    writeFileSync(lock, "");
    expect(takeStateLock(lock)).toBe(false);
  }, 120_000);

  it("sends the keys of papers given by their keys alone as 32 bytes each, and only keys that are content keys", () => {
    const keys = Array.from({ length: 5 }, (_, i) => createHash("sha256").update(String(i)).digest("hex"));
    const bytes = binaryKeys(keys)!;
    expect(bytes.byteLength).toBe(5 * 32);
    expect(hexKeys(bytes)).toEqual(keys);
    for (const other of [keys[0]!.toUpperCase(), keys[0]!.slice(1), `${keys[0]!}0`, `${keys[0]!.slice(0, 63)}g`, ""]) {
      expect(binaryKeys([keys[1]!, other])).toBeUndefined();
    }
  });

  it("starts the worker before the papers are known, reading the state meanwhile, with the same bytes", async () => {
    const papers = Array.from({ length: 1100 }, (_, i) => paper(i, { date: `2026-${String(1 + Math.floor(i / 100)).padStart(2, "0")}-01` }));
    const cacheDir = temp("cache");
    const first = temp("site");
    await buildSearchIndex(papers, first, site, { cacheDir, keyOf: contentKey });
    const list = [...papers, paper(1100, { date: "2026-12-31" })];
    const early = startSearchIndex(site, { cacheDir, previousSite: first, keyOf: contentKey });
    const dir = temp("site");
    const result = await early.build(list, dir);
    expect(result).toMatchObject({ inWorker: true, records: 1101 });
    expect(result.linked).toBeGreaterThan(result.files / 2);
    expectSameIndex(dir, await cold(list));
    expect(await search(dir, "unique1100term")).toEqual(["/papers/p1100/"]);
    // Stopped without a build: nothing is written, and the next build still updates from the state.
    await startSearchIndex(site, { cacheDir, previousSite: dir, keyOf: contentKey }).stop();
    const next = [...list, paper(1101, { date: "2026-12-31" })];
    const again = startSearchIndex(site, { cacheDir, previousSite: dir, keyOf: contentKey });
    const last = temp("site");
    const updated = await again.build(next, last);
    expect(updated.linked).toBeGreaterThan(updated.files / 2);
    expectSameIndex(last, await cold(next));
    // Weighed from the postings by stem made while waiting: an old paper edited and the newest deleted, then one added.
    const edited = next.slice(0, -1).map((p, i) => (i === 500 ? { ...p, text: { ...p.text, body: `${p.text.body} graph graph rewired500term` } } : p));
    const third = temp("site");
    const changed = await startSearchIndex(site, { cacheDir, previousSite: last, keyOf: contentKey }).build(edited, third);
    expect(changed.stems.encoded).toBeLessThan(changed.stems.total);
    expectSameIndex(third, await cold(edited));
    expect(await search(third, "rewired500term")).toEqual([`/papers/${edited[500]!.slug}/`]);
    const more = [...edited, paper(1102, { date: "2026-12-31" })];
    const fourth = temp("site");
    await startSearchIndex(site, { cacheDir, previousSite: third, keyOf: contentKey }).build(more, fourth);
    expectSameIndex(fourth, await cold(more));
    // Given the changed papers and the others' keys alone (in any order), without ever being handed the others.
    const fifth = temp("site");
    const added = [paper(1103, { date: "2026-12-31" }), { ...more[7]!, upvotes: 99 }];
    const rest = more.filter((_, i) => i !== 7);
    let loaded = false;
    const byKeys = await startSearchIndex(site, { cacheDir, previousSite: fourth, keyOf: contentKey }).buildChanged(
      { changed: added, unchanged: rest.map(contentKey).reverse(), all: () => ((loaded = true), [...rest, ...added]) },
      fifth,
    );
    expect(loaded).toBe(false);
    expect(byKeys).toMatchObject({ inWorker: true, records: 1103 });
    expectSameIndex(fifth, await cold([...rest, ...added]));
    // A key the previous index lacks (a paper the build cache has, its file added back): every paper is asked for,
    // that one is sent with its text, and the worker started early (which has read the state) builds the index.
    const sixth = temp("site");
    const lost = [...rest.slice(1), ...added, paper(1104, { date: "2026-12-31" })];
    const workersBefore = indexWorkers.started;
    const withLost = await startSearchIndex(site, { cacheDir, previousSite: fifth, keyOf: contentKey }).buildChanged(
      { changed: [], unchanged: lost.map(contentKey), all: () => ((loaded = true), lost) },
      sixth,
    );
    expect(loaded).toBe(true);
    expect(withLost).toMatchObject({ inWorker: true, records: lost.length });
    expect(indexWorkers.started - workersBefore).toBe(1);
    expectSameIndex(sixth, await cold(lost));
    expect(await search(sixth, "unique1104term")).toEqual(["/papers/p1104/"]);
    // The previous output deleted, the build cache kept (`rm -rf dist`): the papers the state has are still sent as
    // their keys alone, and their results (title, authors) come from what the state kept, not from the deleted files.
    rmSync(sixth, { recursive: true, force: true });
    loaded = false;
    const seventh = temp("site");
    const newest = paper(1105, { date: "2026-12-31" });
    const fromState = await startSearchIndex(site, { cacheDir, previousSite: sixth, keyOf: contentKey }).buildChanged(
      { changed: [newest], unchanged: lost.map(contentKey), all: () => ((loaded = true), [...lost, newest]) },
      seventh,
    );
    expect(loaded).toBe(false);
    expect(fromState).toMatchObject({ inWorker: true, records: lost.length + 1, linked: 0 });
    expectSameIndex(seventh, await cold([...lost, newest]));
    expect(await search(seventh, "unique1105term")).toEqual(["/papers/p1105/"]);
    expect(await search(seventh, "unique7term")).toEqual(["/papers/p7/"]);
  }, 180_000);
});
