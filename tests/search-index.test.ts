import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { createEngine, excerpt, parseQuery } from "../src/search/client/engine.js";
import { isSkipped, wordsOf } from "../src/search/client/words.js";
import { buildSearchIndex } from "../src/search/build.ts";
import { buildIndexParts, papersPerFragment, writeSearchIndex } from "../src/search/index.ts";
import { searchRecords, type SearchPaper, type SearchRecord } from "../src/search/records.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

let counter = 0;
/** A search record; `fields` default to a bland abstract so that only what a test sets can match. */
function record(fields: Partial<SearchRecord["fields"]> = {}, rest: Partial<SearchRecord> = {}): SearchRecord {
  const id = fields.id ?? `2601.${String(10000 + counter++)}`;
  return {
    url: `/papers/${id}/`,
    day: "2026-02-16",
    upvotes: 0,
    title: fields.title ?? "Untitled",
    authors: fields.authors ?? "",
    tags: [],
    ...rest,
    fields: { title: "Untitled", authors: "Some One", organization: "", tags: "", category: "", body: "Nothing to see.", ...fields, id },
  };
}

/** Writes the index of `records` and returns an engine reading its files, plus every file it loaded. */
async function indexed(records: SearchRecord[]) {
  const dir = mkdtempSync(path.join(tmpdir(), "search-index-"));
  dirs.push(dir);
  const written = await writeSearchIndex(records, dir, "en");
  const loaded: string[] = [];
  const engine = createEngine(async (file: string) => {
    loaded.push(file);
    return new Uint8Array(gunzipSync(readFileSync(path.join(dir, "search", file.replace(/\?.*$/, "")))));
  });
  const urls = async (query: string, options?: Parameters<typeof engine.search>[1]) => {
    const found = await engine.search(query, options);
    return Promise.all(found.ids.map(async (id: number) => (await engine.result(id)).url));
  };
  return { dir, written, engine, loaded, urls };
}

const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
    .sort();

/** The words a text gives the index: the engine's cut (`wordsOf`), skipped words left out. */
const kept = (text: string, language = "en") => wordsOf(text).map((w) => w.word).filter((word) => !isSkipped(word, language));

describe("words", () => {
  it("cuts TeX commands, dotted numbers and letter runs; lower case, accents dropped", () => {
    expect(kept("Schölkopf's $\\mathcal{O}(n)$ bound, arXiv:2509.25149v2 and GPT-4o in 3.5 days")).toEqual([
      "scholkopf", "\\mathcal", "bound", "arxiv", "2509.25149", "v2", "gpt", "4o", "3.5", "days",
    ]);
    // Stop words and single letters are not indexed.
    expect(kept("the a of x model")).toEqual(["model"]);
    expect(wordsOf("Élan vital")).toEqual([
      { word: "elan", start: 0, end: 4 },
      { word: "vital", start: 5, end: 10 },
    ]);
  });

  it("indexes exactly the words the browser cuts from a text and does not skip, in every language", () => {
    // The index cuts words in a loop of its own, each cut word looked up once (buildIndexParts); the engine cuts
    // queries with wordsOf and isSkipped. Each text is indexed twice, as the title of one paper and the abstract of
    // the next, so that the second time every word is one the index has seen.
    const texts = [
      "The THE a I x1 7 ¼ Ⅻ 3.5 2509.25149 which whichever WHICH of OF we us",
      "Schölkopf ǅ ﬁne ß İstanbul ΣΑΣ 中文 ٣ 𝒪(n) e\u0301 \u0301 \\mathcal{O} it's they’re _x_ SCHÖLKOPF Scho\u0308lkopf",
      readFileSync(new URL("../README.md", import.meta.url), "utf8").slice(0, 20_000),
    ];
    const fields = { title: "", authors: "", organization: "", tags: "", category: "", body: "" };
    const records = texts.flatMap((text) => [record({ ...fields, title: text }), record({ ...fields, body: text })]);
    for (const language of ["en", "de"]) {
      const state = buildIndexParts(records, language).state("");
      records.forEach((r, doc) => {
        const words = [...state.wordIds.subarray(state.wordStart[doc], state.wordStart[doc + 1])].map((id) => state.words[id]);
        const expected = [r.fields.title, r.fields.body, r.fields.id].flatMap((text) => kept(text, language));
        expect(new Set(words)).toEqual(new Set(expected));
        expect(state.docLength[doc]).toBe(kept(r.fields.body, language).length);
      });
    }
  });

  it("treats the last word of a query as a prefix unless a space follows it", () => {
    expect(parseQuery("language mod")).toEqual([{ word: "language", prefix: false }, { word: "mod", prefix: true }]);
    expect(parseQuery("language model ")).toEqual([{ word: "language", prefix: false }, { word: "model", prefix: false }]);
    // A stop word is dropped once complete, kept while it may still become another word.
    expect(parseQuery("the regret of")).toEqual([{ word: "regret", prefix: false }, { word: "of", prefix: true }]);
  });
});

describe("search index and engine", () => {
  it("ranks a title word above a paper that only repeats it, an exact arXiv id above papers citing it", async () => {
    const { urls } = await indexed([
      record({ id: "2411.15002", title: "Kronecker-factored curvature for hedging", body: "We hedge with curvature." }),
      record({ id: "2602.09001", title: "A survey", body: "Kronecker products, Kronecker sums, Kronecker factors. We revisit 2509.25149: 2509.25149 and 2509.25149 again." }),
      record({ id: "2509.25149", title: "Pretraining in four bits", body: "Large language models." }),
    ]);
    expect((await urls("Kronecker"))[0]).toBe("/papers/2411.15002/");
    expect((await urls("2509.25149"))[0]).toBe("/papers/2509.25149/");
    expect(await urls("2509.25149")).toHaveLength(2);
  });

  it("finds authors, organizations, tags and TeX commands, ranking the paper that has them as fields first", async () => {
    const { urls } = await indexed([
      record({ id: "mentions", body: "As Luo et al. showed, Haipeng is a name; safety first, NVIDIA GPUs, NVIDIA safety, $\\odot$." }),
      record({ id: "fields", authors: "Yan Dai, Haipeng Luo", organization: "NVIDIA", tags: "safety robustness", body: "Regret bounds with $a \\odot b$." }),
    ]);
    for (const query of ["Haipeng Luo", "NVIDIA", "safety"]) expect((await urls(query))[0], query).toBe("/papers/fields/");
    expect(await urls("\\odot")).toHaveLength(2);
  });

  it("matches every form of a word (stems), completes the word being typed, and needs every word", async () => {
    const { urls, engine } = await indexed([
      record({ id: "a", body: "A language model for code." }),
      record({ id: "b", body: "Modeling languages formally." }),
      record({ id: "c", body: "Models of computation." }),
      record({ id: "d", body: "Landscapes of loss." }),
    ]);
    expect(await urls("models ")).toEqual(expect.arrayContaining(["/papers/a/", "/papers/b/", "/papers/c/"]));
    expect(await urls("language models")).toEqual(expect.arrayContaining(["/papers/a/", "/papers/b/"]));
    expect(await urls("language models")).toHaveLength(2);
    // "lan" completes to language and landscapes; typed on with a space it must be a whole word.
    expect(await urls("lan")).toHaveLength(3);
    expect(await urls("lan ")).toEqual([]);
    expect(await urls("the")).toEqual([]);
    expect(await urls("zzz")).toEqual([]);
    const found = await engine.search("models ");
    expect([...found.highlight].sort()).toEqual(["model", "modeling", "models"]);
  });

  it("folds case and accents both ways", async () => {
    const { urls } = await indexed([record({ id: "a", authors: "Bernhard Schölkopf" }), record({ id: "b", authors: "Bernhard Scholz" })]);
    expect(await urls("scholkopf")).toEqual(["/papers/a/"]);
    expect(await urls("SCHÖLKOPF")).toEqual(["/papers/a/"]);
  });

  it("filters by tag, organization, year and year of first version; sorts by day or upvotes, ties by relevance", async () => {
    const { urls, engine } = await indexed([
      record({ id: "old", body: "graphs graphs graphs" }, { day: "2025-12-30", upvotes: 50, tags: ["graphs"], published: "2011" }),
      record({ id: "mid", body: "graphs" }, { day: "2026-01-02", upvotes: 5, tags: ["graphs", "theory"], organization: "Lab A", published: "2025" }),
      // Same length: new1 says graphs twice, so it comes first among the papers of its day.
      record({ id: "new1", body: "graphs graphs more" }, { day: "2026-02-01", upvotes: 5 }),
      record({ id: "new2", body: "graphs more text" }, { day: "2026-02-01", upvotes: 9, organization: "Lab A" }),
    ]);
    expect(await urls("graphs", { sort: "date" })).toEqual(["/papers/new1/", "/papers/new2/", "/papers/mid/", "/papers/old/"]);
    expect(await urls("graphs", { sort: "upvotes" })).toEqual(["/papers/old/", "/papers/new2/", "/papers/new1/", "/papers/mid/"]);
    expect(await urls("graphs", { filters: { year: "2026" }, sort: "date" })).toEqual(["/papers/new1/", "/papers/new2/", "/papers/mid/"]);
    expect(await urls("", { filters: { tag: "graphs" } })).toEqual(["/papers/mid/", "/papers/old/"]);
    expect(await urls("", { filters: { organization: "Lab A", year: "2026" }, sort: "upvotes" })).toEqual(["/papers/new2/", "/papers/mid/"]);
    expect(await urls("", { filters: { tag: "no-such-tag" } })).toEqual([]);
    expect(await urls("")).toEqual([]);
    // Without words or filters, a sort lists every paper in that order.
    expect(await urls("", { sort: "upvotes" })).toEqual(["/papers/old/", "/papers/new2/", "/papers/new1/", "/papers/mid/"]);
    expect(await urls("", { sort: "date" })).toEqual(["/papers/new2/", "/papers/new1/", "/papers/mid/", "/papers/old/"]);
    // The year of the first version, where a paper gives it.
    expect(await urls("graphs", { filters: { published: "2011" } })).toEqual(["/papers/old/"]);
    expect(await urls("", { filters: { published: "2025", year: "2026" } })).toEqual(["/papers/mid/"]);
    expect(await engine.filterOptions()).toEqual({
      tag: [["graphs", 2], ["theory", 1]],
      organization: [["Lab A", 2]],
      published: [["2025", 1], ["2011", 1]],
      year: [["2026", 3], ["2025", 1]],
    });
  });

  it("loads only the table, the chunks of the query's words and the results asked for", async () => {
    const records = Array.from({ length: 3000 }, (_, i) =>
      record({ id: `p${i}`, title: `Paper ${i}`, body: `Common words here, and a unique word zeta${String(i).padStart(4, "0")} plus w${i}x${i * 7}.` }),
    );
    const { engine, loaded, written } = await indexed(records);
    expect(written.files).toBeGreaterThan(3000 / papersPerFragment);
    const found = await engine.search("zeta1234 ");
    expect(found.total).toBe(1);
    const shown = await engine.result(found.ids[0]!);
    // What the result file holds: no abstract (the page's own is fetched for the excerpt, layouts/assets/search.js).
    expect(shown).toEqual({ url: "/papers/p1234/", title: "Paper 1234", authors: "", day: "2026-02-16", upvotes: 0 });
    expect(loaded[0]).toBe("meta.ix");
    expect(loaded.filter((f) => f.startsWith("w/"))).toHaveLength(1);
    expect(loaded.filter((f) => f.startsWith("p/"))).toHaveLength(1);
    expect(loaded.filter((f) => f.startsWith("f/"))).toEqual([expect.stringMatching(new RegExp(`^f/0/${Math.floor(1234 / papersPerFragment)}\\.ix\\?v=[0-9a-f]{16}$`))]);
    // A prefix spanning several dictionary chunks searches its commonest completions only.
    const prefix = await engine.search("zeta");
    expect(prefix.total).toBe(12);
    expect(new Set(loaded.filter((f) => f.startsWith("w/"))).size).toBeGreaterThan(1);
  });

  it("replaces only its own files: the search page in the same folder stays", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "search-index-"));
    dirs.push(dir);
    mkdirSync(path.join(dir, "search", "f"), { recursive: true });
    writeFileSync(path.join(dir, "search", "index.html"), "<!doctype html><title>Search</title>");
    writeFileSync(path.join(dir, "search", "f", "stale.ix"), "old");
    await writeSearchIndex([record({ id: "only" })], dir, "en");
    expect(readFileSync(path.join(dir, "search", "index.html"), "utf8")).toContain("<title>Search</title>");
    expect(listFiles(path.join(dir, "search", "f"))).toEqual(["0/0.ix"]);
  });

  it("writes the same bytes for the same records, and a new version when a paper changes", async () => {
    const records = Array.from({ length: 200 }, (_, i) => record({ id: `q${i}`, body: `Words ${i} and ${i * 31} about ${i % 5}.` }, { upvotes: i % 13 }));
    const [a, b] = [await indexed(records), await indexed(records)];
    const files = listFiles(path.join(a.dir, "search"));
    expect(files).toEqual(listFiles(path.join(b.dir, "search")));
    for (const file of files) expect(readFileSync(path.join(a.dir, "search", file)).equals(readFileSync(path.join(b.dir, "search", file))), file).toBe(true);
    const changed = await indexed(records.map((r, i) => (i === 7 ? { ...r, fields: { ...r.fields, body: "Edited." } } : r)));
    const version = async (x: typeof a) => (await x.engine.ready()).version;
    expect(await version(changed)).not.toBe(await version(a));
  });
});

describe("buildSearchIndex", () => {
  it("writes the same index in a worker thread (large sites) as on the main thread", async () => {
    const papers: SearchPaper[] = Array.from({ length: 1200 }, (_, i) => ({
      slug: `w${i}`, id: `w${i}`, date: `2026-01-${String(1 + (i % 28)).padStart(2, "0")}`, upvotes: i % 17,
      titleText: `Paper α${i}`, authors: [`Author ${i % 50}`], authorCount: 1, tags: i % 3 ? ["graphs"] : [],
      text: { title: `Paper $\\alpha_${i}$`, body: `Abstract ${i} with words and $x^${i}$.` },
    }));
    const site = { pathPrefix: "/", authorsShown: 3, language: "en" };
    const [inWorker, here] = [mkdtempSync(path.join(tmpdir(), "search-worker-")), mkdtempSync(path.join(tmpdir(), "search-main-"))];
    dirs.push(inWorker, here);
    const result = await buildSearchIndex(papers, inWorker, site);
    await writeSearchIndex(searchRecords(papers, site), here, "en");
    expect(result).toMatchObject({ records: 1200, inWorker: true });
    const files = listFiles(path.join(here, "search"));
    expect(listFiles(path.join(inWorker, "search"))).toEqual(files);
    for (const file of files) expect(readFileSync(path.join(inWorker, "search", file)).equals(readFileSync(path.join(here, "search", file))), file).toBe(true);
  });
});

describe("excerpt", () => {
  it("cuts about 26 words around the first match, marks matches and completions, keeps markup as text", () => {
    const text = `${"word ".repeat(40)}the <b>zanzibar</b> result ${"tail ".repeat(40)}`.trim();
    const pieces = excerpt(text, new Set(["zanzibar"]));
    expect(pieces[0]).toEqual(["…", false]);
    expect(pieces.at(-1)).toEqual(["…", false]);
    expect(pieces.filter(([, marked]) => marked)).toEqual([["zanzibar", true]]);
    expect(pieces.map(([t]) => t).join("")).toContain("the <b>zanzibar</b> result");
    expect(excerpt("Short text about zebras.", new Set(), ["zeb"])).toEqual([["Short text about ", false], ["zebras", true], [".", false]]);
    expect(excerpt("", new Set())).toEqual([["", false]]);
    // A formula mark (U+E000 on: search.js writes one per formula) counts as a word of the window and never matches.
    const marks = Array.from({ length: 30 }, (_, i) => String.fromCharCode(0xe000 + i)).join(" ");
    const around = excerpt(`${marks} zebra ${marks}`, new Set(["zebra"]), [""]);
    expect(around.filter(([, marked]) => marked)).toEqual([["zebra", true]]);
    expect(around.map(([t]) => t).join("").match(/[\uE000-\uF8FF]/g)).toHaveLength(25);
  });
});
