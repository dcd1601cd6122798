import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { codeFingerprint } from "../src/cache/fingerprint.ts";
import { textDecodes, textFields } from "../src/cache/paper-record.ts";
import { openPaperCache, renderFingerprint, type RenderInputs } from "../src/cache/papers.ts";
import { openStore, shardReads, type Codec } from "../src/cache/store.ts";
import { processFile } from "../src/render/pool.ts";
import { katexSafeOptions, katexVersion } from "../src/markdown/katex.ts";
import { writtenMath } from "./helpers/math.ts";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";

const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "digest-cache-"));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  // A paper cache folder's summaries file sits beside it (`.cache/papers.summaries`).
  for (const dir of temps.splice(0)) for (const file of [dir, `${dir}.summaries`]) rmSync(file, { recursive: true, force: true });
});

const key = (n: number) => n.toString(16).padStart(64, "0");
const key2 = (n: number) => `f${n.toString(16).padStart(63, "0")}`;

describe("the cache store", () => {
  it("returns what a previous process saved under the same fingerprint, and nothing under another", () => {
    const dir = tempDir();
    const first = openStore<{ html: string }>(dir, "a".repeat(64));
    expect(first.get(key(1))).toBeUndefined();
    first.set(key(1), { html: "<p>one</p>" });
    first.save();
    expect(openStore<{ html: string }>(dir, "a".repeat(64)).get(key(1))).toEqual({ html: "<p>one</p>" });
    const other = openStore<{ html: string }>(dir, "b".repeat(64));
    expect(other.get(key(1))).toBeUndefined();
    other.save();
    // Saving under a new fingerprint deletes the old fingerprint's entries.
    expect(readdirSync(dir)).toEqual(["b".repeat(32)]);
  });

  it("writes a shard of thousands of entries whole, large and small, and reads each back", () => {
    const dir = tempDir();
    const store = openStore<{ text: string }>(dir, "d".repeat(64));
    // Key 0's shard gets them all: several 4 MB chunks of more than 1,024 buffers each (four a line), and a large value.
    const values = Array.from({ length: 6000 }, (_, i) => ({ text: i === 4321 ? "x".repeat(3_000_000) : `value ${i} ${"é".repeat(i % 700)}` }));
    values.forEach((value, i) => store.set(key(i), value));
    store.save();
    const reopened = openStore<{ text: string }>(dir, "d".repeat(64));
    expect(values.every((value, i) => reopened.get(key(i))?.text === value.text)).toBe(true);
    expect(reopened.size).toBe(6000);
  });

  it("treats a line cut short by a killed build as a miss, and repairs the shard on the next save", () => {
    const dir = tempDir();
    const store = openStore<number>(dir, "c".repeat(64));
    store.set(key(1), 1);
    store.set(key(2), 2);
    store.save();
    const shard = path.join(dir, "c".repeat(32), "0.jsonl");
    appendFileSync(shard, `${key(3)} {"unfinished`);
    const reopened = openStore<number>(dir, "c".repeat(64));
    expect([reopened.get(key(1)), reopened.get(key(2)), reopened.get(key(3))]).toEqual([1, 2, undefined]);
    reopened.set(key(4), 4);
    reopened.save();
    expect(readFileSync(shard, "utf8").trim().split("\n").map((line) => line.slice(0, 64))).toEqual([key(1), key(2), key(4)]);
    expect(openStore<number>(dir, "c".repeat(64)).get(key(4))).toBe(4);
  });

  it("drops entries no build uses any more once they outnumber the live ones", () => {
    const dir = tempDir();
    const store = openStore<number>(dir, "d".repeat(64));
    for (let n = 0; n < 200; n++) store.set(key2(n), n);
    store.save();
    const next = openStore<number>(dir, "d".repeat(64));
    for (let n = 0; n < 10; n++) expect(next.get(key2(n))).toBe(n);
    next.save();
    const lines = readFileSync(path.join(dir, "d".repeat(32), "f.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(10);
    expect(openStore<number>(dir, "d".repeat(64)).get(key2(150))).toBeUndefined();
  });

  it("still finds, in the same process, an entry a save left unused, while its shard file holds it", () => {
    // A dev server's builds share one store: a paper file's version that one build did not use (the file broken for a
    // build) may be asked for again by the next (the file fixed back to the same bytes), and the shard is not read again.
    const dir = tempDir();
    const store = openStore<number>(dir, "d".repeat(64));
    for (let n = 0; n < 3; n++) store.set(key2(n), n);
    store.save();
    expect(store.get(key2(0))).toBe(0);
    store.save();
    expect([store.get(key2(1)), store.get(key2(2))]).toEqual([1, 2]);
    // Once a rewrite leaves a line out, it is gone for this process too.
    for (let n = 3; n < 200; n++) store.set(key2(n), n);
    store.save();
    store.get(key2(150));
    expect([...store.save()]).toEqual(["f"]);
    expect([store.get(key2(150)), store.get(key2(151))]).toEqual([150, undefined]);
  });
});

describe("the cache store with split values", () => {
  // A line is `<length>\t<text>`: the head alone is the length, the tail the text (read only when the value is).
  const codec: Codec<string> = {
    split: true,
    encode: (text) => Buffer.from(`${text.length}\t${text}`),
    decode: (bytes, start, end, tail) => (tail ? tail().toString() : bytes.toString("utf8", start, end).split("\t")[1]!),
  };
  const keyIn = (shard: string, n: number) => `${shard}${n.toString(16).padStart(63, "0")}`;
  const shardFile = (dir: string, shard: string) => path.join(dir, "e".repeat(32), `${shard}.jsonl`);
  const stat = (file: string) => {
    const { ino, size, mtimeMs, ctimeMs } = statSync(file);
    return [ino, size, mtimeMs, ctimeMs];
  };

  it("saves without reading a shard nothing was set in, and still drops its entries once they outnumber the live ones", () => {
    const dir = tempDir();
    const first = openStore<string>(dir, "e".repeat(64), codec);
    for (let n = 0; n < 100; n++) for (const shard of "0f") first.set(keyIn(shard, n), `text ${shard} ${n}`);
    first.save();
    const before = stat(shardFile(dir, "f"));
    // The next build: one key read in shard 0 and one added there, shard f's keys known live without a read (touch).
    const reads = shardReads.count;
    const next = openStore<string>(dir, "e".repeat(64), codec);
    expect(next.get(keyIn("0", 1))).toBe("text 0 1");
    next.set(keyIn("0", 500), "text 0 500");
    for (let n = 0; n < 100; n++) for (const shard of "0f") next.touch(keyIn(shard, n));
    expect(next.save().size).toBe(0);
    expect(shardReads.count - reads).toBe(1);
    expect(stat(shardFile(dir, "f"))).toEqual(before);
    const again = openStore<string>(dir, "e".repeat(64), codec);
    expect([again.get(keyIn("f", 99)), again.get(keyIn("0", 500)), again.get(keyIn("0", 2))]).toEqual(["text f 99", "text 0 500", "text 0 2"]);
    // A build keeping ten of shard f's keys: its 90 stale lines outnumber them, so the shard is read and rewritten.
    const later = openStore<string>(dir, "e".repeat(64), codec);
    for (let n = 0; n < 10; n++) later.touch(keyIn("f", n));
    expect([...later.save()]).toEqual(["0", "f"]);
    expect(readFileSync(shardFile(dir, "f"), "utf8").trim().split("\n")).toHaveLength(10);
    const last = openStore<string>(dir, "e".repeat(64), codec);
    expect([last.get(keyIn("f", 9)), last.get(keyIn("f", 10))]).toEqual(["text f 9", undefined]);
  });

  it("reads a shard whose heads index does not describe it before saving, and counts a torn line as stale", () => {
    const dir = tempDir();
    const first = openStore<string>(dir, "e".repeat(64), codec);
    for (let n = 0; n < 3; n++) first.set(keyIn("f", n), `text ${n}`);
    first.save();
    appendFileSync(shardFile(dir, "f"), `${keyIn("f", 3)} 6\tunfin`);
    const next = openStore<string>(dir, "e".repeat(64), codec);
    for (let n = 0; n < 3; n++) next.touch(keyIn("f", n));
    expect([...next.save()]).toEqual(["f"]);
    expect(readFileSync(shardFile(dir, "f"), "utf8").trim().split("\n").map((line) => line.slice(0, 64))).toEqual([0, 1, 2].map((n) => keyIn("f", n)));
    expect(openStore<string>(dir, "e".repeat(64), codec).get(keyIn("f", 2))).toBe("text 2");
  });

  it("still finds, in the same process, an entry a save left unused, at the location it gave, while its shard holds it", () => {
    const dir = tempDir();
    const store = openStore<string>(dir, "e".repeat(64), codec);
    for (let n = 0; n < 3; n++) store.set(keyIn("f", n), `text ${n}`);
    store.save();
    const at = store.location(keyIn("f", 2))!;
    expect(store.get(keyIn("f", 0))).toBe("text 0");
    store.save();
    // What the paper summaries do: read it where the store said it was, two saves ago.
    expect(store.getAt(keyIn("f", 2), at)).toBe("text 2");
    expect(store.get(keyIn("f", 1))).toBe("text 1");
  });

  it("reads again, once refreshed, a shard another process appended to or replaced, and keeps that process's lines", () => {
    const dir = tempDir();
    const here = openStore<string>(dir, "e".repeat(64), codec);
    for (let n = 0; n < 3; n++) here.set(keyIn("f", n), `text ${n}`);
    here.save();
    expect(here.get(keyIn("f", 0))).toBe("text 0");
    // Another process (`npm run check` beside `npm run dev`) adds a value to the same shard.
    const other = openStore<string>(dir, "e".repeat(64), codec);
    other.set(keyIn("f", 3), "text 3");
    for (let n = 0; n < 3; n++) other.touch(keyIn("f", n));
    other.save();
    expect(here.get(keyIn("f", 3))).toBeUndefined();
    here.refresh();
    expect([here.get(keyIn("f", 3)), here.get(keyIn("f", 1))]).toEqual(["text 3", "text 1"]);
    // This store's next save appends what it sets after the other's lines, and loses none of them.
    here.set(keyIn("f", 4), "text 4");
    for (let n = 0; n < 4; n++) here.touch(keyIn("f", n));
    here.save();
    const last = openStore<string>(dir, "e".repeat(64), codec);
    expect([0, 1, 2, 3, 4].map((n) => last.get(keyIn("f", n)))).toEqual(["text 0", "text 1", "text 2", "text 3", "text 4"]);
    // A refresh with nothing changed by anyone else keeps what was read (the shard is not read again).
    const reads = shardReads.count;
    here.refresh();
    expect(here.get(keyIn("f", 4))).toBe("text 4");
    expect(shardReads.count).toBe(reads);
  });
});

describe("the paper cache", () => {
  const source = (n: number, body: string) => {
    const file = `content/papers/2026-02-16/${n}.md`;
    const text = paper({ arxiv: `2602.0000${n}`, title: `Paper $x_${n}$`, tags: ["theory"] }, body);
    return { file, text, paper: processFile({ file, text }).rendered!.paper };
  };
  /** The papers stored in `dir` by an earlier process, as a new process finds them (one cache per folder and process). */
  const reopened = (dir: string, files: { file: string; text: string }[]) => {
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true });
    return openPaperCache(copy).lookup(files);
  };

  it("gives back each stored paper whole, its fields in order, decoding its text only when a field of it is read", () => {
    const dir = tempDir();
    const files = [source(1, "Bound $\\mathcal O(n)$ here."), source(2, "Plain abstract, \"quoted\"\ttabbed.")];
    const cache = openPaperCache(dir);
    cache.lookup(files);
    cache.save(files.map((f) => f.paper), []);
    const found = reopened(dir, files);
    const before = textDecodes.count;
    for (const f of files) {
      const got = found.get(f.file)!;
      expect(Object.keys(got)).toEqual(Object.keys(f.paper));
      expect([got.slug, got.titleHtml, got.tags]).toEqual([f.paper.slug, f.paper.titleHtml, f.paper.tags]);
    }
    expect(textDecodes.count).toBe(before);
    const fields = textDecodes.fields;
    expect(found.get(files[0]!.file)!.abstractHtml).toBe(files[0]!.paper.abstractHtml);
    expect(found.get(files[0]!.file)!.abstractHtml).toBe(files[0]!.paper.abstractHtml);
    // Only the field read, once: a page reads the typeset abstract, never the plain text the search index is sent.
    expect([textDecodes.count, textDecodes.fields]).toEqual([before + 1, fields + 1]);
    for (const f of files) expect({ ...found.get(f.file)! }).toEqual(f.paper);
    expect([textDecodes.count, textDecodes.fields]).toEqual([before + 2, fields + 2 * textFields.length]);
    for (const field of textFields) expect(found.get(files[1]!.file)![field]).toEqual(files[1]!.paper[field]);
    // Kept only while it is the paper whose text was read last (its page is being made): read again after another
    // paper's, a field is decoded again, and is the same.
    const [first, second] = [found.get(files[0]!.file)!, found.get(files[1]!.file)!];
    const again = textDecodes.fields;
    expect([first.abstractText, first.abstractText, second.abstractText]).toEqual([files[0]!.paper.abstractText, files[0]!.paper.abstractText, files[1]!.paper.abstractText]);
    expect(first.abstractText).toBe(files[0]!.paper.abstractText);
    expect(textDecodes.fields).toBe(again + 3);
  });

  it("never gives a paper whose stored text was cut short, and gives each version of a file its own text", () => {
    const dir = tempDir();
    const first = source(1, "First abstract.");
    const cache = openPaperCache(dir);
    cache.lookup([first]);
    cache.save([first.paper], []);
    const folder = path.join(dir, readdirSync(dir)[0]!);
    const shard = path.join(folder, readdirSync(folder).find((name) => name.endsWith(".jsonl"))!);
    const line = readFileSync(shard, "utf8");
    // A build killed while appending: the metadata part whole, the text part cut off (no line break at the end).
    writeFileSync(shard, line.slice(0, line.indexOf("\t") + 5));
    expect(reopened(dir, [first]).size).toBe(0);
    // Two versions of one file (same metadata, other abstract), stored by two builds: each is found with its own text.
    writeFileSync(shard, line);
    const edited = source(1, "Edited abstract.");
    const later = tempDir();
    cpSync(dir, later, { recursive: true });
    const second = openPaperCache(later);
    second.lookup([edited]);
    second.save([edited.paper], []);
    const both = tempDir();
    cpSync(later, both, { recursive: true });
    // Lookups of both versions from the same folder (the first version is stale there, but still on disk).
    expect(openPaperCache(both).lookup([first]).get(first.file)?.abstractHtml).toBe(first.paper.abstractHtml);
    expect(reopened(later, [edited]).get(edited.file)?.abstractHtml).toBe(edited.paper.abstractHtml);
    expect(edited.paper.abstractHtml).not.toBe(first.paper.abstractHtml);
  });
});

describe("the paper cache's heads index", () => {
  const source = (n: number) => {
    const file = `content/papers/2026-02-16/${n}.md`;
    const text = paper({ arxiv: `2602.${String(n).padStart(5, "0")}`, title: `Paper ${n}` }, `Abstract number ${n} with $x^{${n}}$.`);
    return { file, text, paper: processFile({ file, text }).rendered!.paper };
  };
  const copy = (dir: string) => {
    const to = tempDir();
    cpSync(dir, to, { recursive: true });
    return to;
  };

  it("gives papers from the index with their text read from the shard, and is not used once its shard changed", () => {
    const dir = tempDir();
    // Keys of these files fall in few shards, so one shard holds several papers.
    const files = Array.from({ length: 40 }, (_, i) => source(i + 1));
    const first = openPaperCache(dir);
    first.lookup(files.slice(0, 30));
    first.save(files.slice(0, 30).map((f) => f.paper), []);
    const folder = path.join(dir, readdirSync(dir)[0]!);
    expect(readdirSync(folder).filter((name) => name.endsWith(".heads"))).not.toHaveLength(0);
    const found = openPaperCache(copy(dir)).lookup(files.slice(0, 30));
    expect(found.size).toBe(30);
    for (const f of files.slice(0, 30)) expect({ ...found.get(f.file)! }).toEqual(f.paper);

    // Another build appends papers, and a build killed before writing the heads index leaves the old one: it no longer
    // describes its shard, so the shard is read whole, and every paper is found, the new ones too.
    const later = copy(dir);
    const laterFolder = path.join(later, readdirSync(later)[0]!);
    const oldHeads = new Map(readdirSync(laterFolder).filter((n) => n.endsWith(".heads")).map((n) => [n, readFileSync(path.join(laterFolder, n))]));
    const second = openPaperCache(later);
    second.lookup(files);
    second.save(files.map((f) => f.paper), []);
    for (const [name, bytes] of oldHeads) writeFileSync(path.join(laterFolder, name), bytes);
    const all = openPaperCache(copy(later)).lookup(files);
    expect(all.size).toBe(40);
    for (const f of files) expect(all.get(f.file)!.abstractHtml).toBe(f.paper.abstractHtml);
  });

  it("is not used when a number in it is damaged: the shard is read whole, and every paper found", () => {
    const dir = tempDir();
    const files = Array.from({ length: 20 }, (_, i) => source(i + 1));
    const first = openPaperCache(dir);
    first.lookup(files);
    first.save(files.map((f) => f.paper), []);
    const folder = path.join(dir, readdirSync(dir)[0]!);
    // Each line of an index: key, offset of the text part, its length, the metadata. A digit becomes a letter.
    for (const name of readdirSync(folder).filter((n) => n.endsWith(".heads"))) {
      const lines = readFileSync(path.join(folder, name), "latin1").split("\n");
      lines[1] = lines[1]!.replace(/^([0-9a-f]{64} \d*)\d /, "$1x ");
      writeFileSync(path.join(folder, name), lines.join("\n"), "latin1");
    }
    const found = openPaperCache(copy(dir)).lookup(files);
    expect(found.size).toBe(20);
    for (const f of files) expect({ ...found.get(f.file)! }).toEqual(f.paper);
  });

  it("reads a paper's text from where its shard put it after being rewritten by this process", () => {
    const dir = tempDir();
    // 2,400 papers put about 150 in each of the 16 shards (keys are hashes): every shard, not only most, holds more than
    // the 64 stale entries that make a shard worth rewriting, whatever the keys of this code's papers.
    const files = Array.from({ length: 2400 }, (_, i) => source(i + 1));
    const first = openPaperCache(dir);
    first.lookup(files);
    first.save(files.map((f) => f.paper), []);
    const copied = copy(dir);
    const cache = openPaperCache(copied);
    const few = files.slice(0, 5);
    const found = cache.lookup(few);
    // Only 5 of 2,400 papers used: every shard holds more stale entries than live ones and is rewritten.
    cache.save(few.map((f) => found.get(f.file)!), []);
    const folder = path.join(copied, readdirSync(copied)[0]!);
    const lines = readdirSync(folder).filter((n) => n.endsWith(".jsonl")).flatMap((n) => readFileSync(path.join(folder, n), "utf8").split("\n").filter(Boolean));
    expect(lines).toHaveLength(5);
    for (const f of few) expect(found.get(f.file)!.abstractHtml).toBe(f.paper.abstractHtml);
    const again = openPaperCache(copy(copied)).lookup(few);
    for (const f of few) expect({ ...again.get(f.file)! }).toEqual(f.paper);
  });
});

describe("the render fingerprint", () => {
  const base: RenderInputs = { katexVersion, katexOptions: katexSafeOptions, code: "code" };
  const cases: [string, Partial<RenderInputs>][] = [
    ["KaTeX options", { katexOptions: { ...katexSafeOptions, maxSize: 10 } }],
    ["KaTeX version", { katexVersion: "0.0.1" }],
    ["pipeline code", { code: "other code" }],
  ];
  for (const [what, change] of cases) {
    it(`changes with the ${what}`, () => {
      expect(renderFingerprint({ ...base, ...change })).not.toBe(renderFingerprint(base));
      expect(renderFingerprint({ ...base })).toBe(renderFingerprint(base));
    });
  }

  it("covers every module reachable by relative imports, and the versions of imported packages", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "a.ts"), `import { b } from "./b.ts";\nimport katex from "katex";\nexport const a = b;\n`);
    writeFileSync(path.join(dir, "b.ts"), `export const b = 1;\n`);
    writeFileSync(path.join(dir, "unrelated.ts"), `export const c = 1;\n`);
    mkdirSync(path.join(dir, "node_modules", "katex"), { recursive: true });
    writeFileSync(path.join(dir, "node_modules", "katex", "package.json"), `{"version": "1.0.0"}`);
    const entry = [path.join(dir, "a.ts")];
    const before = codeFingerprint(entry);
    writeFileSync(path.join(dir, "unrelated.ts"), `export const c = 2;\n`);
    expect(codeFingerprint(entry)).toBe(before);
    writeFileSync(path.join(dir, "b.ts"), `export const b = 2;\n`);
    const edited = codeFingerprint(entry);
    expect(edited).not.toBe(before);
    writeFileSync(path.join(dir, "node_modules", "katex", "package.json"), `{"version": "1.0.1"}`);
    expect(codeFingerprint(entry)).not.toBe(edited);
  });
});

const builtLine = (result: { stdout: string }) => /^(Built|Nothing changed).*$/m.exec(result.stdout)?.[0] ?? result.stdout;
const fromCache = (result: { stdout: string }) => Number(/\((\d+) from the cache\)/.exec(result.stdout)?.[1]);
const unchangedPages = (result: { stdout: string }) => Number(/\((\d+) unchanged\)/.exec(result.stdout)?.[1]);

/** Every output file's bytes, by path. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), readFileSync(full, "latin1"));
    }
  };
  walk(dir);
  return out;
}

const papers = {
  "2026-02-16/a.md": paper({ title: "Alpha $x^2$", arxiv: "2602.00001", upvotes: 3, tags: ["theory"] }, "Bound $\\mathcal O(n)$ here."),
  "2026-02-16/b.md": paper({ title: "Beta", arxiv: "2602.00002", upvotes: 9 }, "Plain abstract."),
  "2026-02-17/c.md": paper({ title: "Gamma", arxiv: "2602.00003", date: "2026-02-17", tags: ["theory"] }, "Display $$\\sum_i x_i$$ math."),
};

/** Builds `site` and fails with the build's output when it does not succeed. */
function build(site: Pick<FixtureSite, "build">) {
  const result = site.build();
  expect(result.status, result.stdout + result.stderr).toBe(0);
  return result;
}

/** The same content built from nothing (no cache, no previous output): what an incremental build must equal. */
function cleanBuild(site: FixtureSite): Map<string, string> {
  const clean = fixtureSite({});
  try {
    rmSync(clean.contentDir, { recursive: true });
    cpSync(site.contentDir, clean.contentDir, { recursive: true });
    writeFileSync(path.join(clean.dir, "content", "site.json"), readFileSync(path.join(site.dir, "content", "site.json")));
    // Same folder names as the fixture so the only difference can be the build's history.
    build(clean);
    return snapshot(clean.outputDir);
  } finally {
    clean.cleanup();
  }
}

describe("builds with a cache", () => {
  let site: FixtureSite | undefined;
  afterEach(() => site?.cleanup());

  it("reuse typeset papers and unchanged pages, and still equal a build from nothing", () => {
    // One paper a tag page, so a tag's list spans pages that shift when a paper comes or goes.
    site = fixtureSite(papers, { url: "https://digest.example.org", tagPageSize: 1 });
    expect(fromCache(build(site))).toBe(0);
    const second = build(site);
    expect(builtLine(second)).toMatch(/^Nothing changed since the last build/);

    // Editing one abstract typesets that paper again and rewrites only the pages that show it.
    site.write("2026-02-16/a.md", paper({ title: "Alpha $x^2$", arxiv: "2602.00001", upvotes: 3, tags: ["theory"] }, "Bound $\\mathcal O(n \\log n)$ now."));
    const edited = build(site);
    expect(fromCache(edited)).toBe(2);
    expect(unchangedPages(edited)).toBeGreaterThan(0);
    expect(site.read("papers/2602.00001/index.html")).toContain(writtenMath("\\mathcal O(n \\log n)"));
    expect(site.read("papers/2602.00001/index.html")).not.toContain(writtenMath("\\mathcal O(n)"));
    // The day page holds no typeset abstract (its fold fetches the paper page's), so the edit shows there through it.
    expect(site.read("date/2026-02-16/index.html")).not.toContain("\\mathcal O(n");
    expect(snapshot(site.outputDir)).toEqual(cleanBuild(site));

    // A new paper on a new day changes the neighbours' links; a deleted paper's page goes away.
    site.write("2026-02-18/d.md", paper({ title: "Delta", arxiv: "2602.00004", date: "2026-02-18", tags: ["theory"] }, "New."));
    site.remove("2026-02-16/b.md");
    const changed = build(site);
    expect(fromCache(changed)).toBe(2);
    expect(site.exists("papers/2602.00002/index.html")).toBe(false);
    expect(site.read("date/2026-02-17/index.html")).toContain('href="/date/2026-02-18/"');
    expect(site.read("tags/theory/page/3/index.html")).toContain("Alpha");
    expect(snapshot(site.outputDir)).toEqual(cleanBuild(site));

    // A tag that loses a paper loses its last page.
    site.remove("2026-02-17/c.md");
    build(site);
    expect(site.exists("tags/theory/page/2/index.html")).toBe(true);
    expect(site.exists("tags/theory/page/3/index.html")).toBe(false);
    expect(snapshot(site.outputDir)).toEqual(cleanBuild(site));
  });

  it("take over the previous output's page folders (papers, days, tags) without a file put there by hand", () => {
    site = fixtureSite(papers, { url: "https://digest.example.org" });
    build(site);
    // In a paper's folder, and in every day's and tag's: those the new paper changes are rendered, the others taken over.
    const strays = ["papers/2602.00001/stray.html"];
    for (const top of ["date", "tags"]) {
      for (const entry of readdirSync(path.join(site.outputDir, top), { withFileTypes: true })) if (entry.isDirectory()) strays.push(`${top}/${entry.name}/stray.html`);
    }
    expect(strays.length).toBeGreaterThan(3);
    for (const stray of strays) writeFileSync(path.join(site.outputDir, stray), "put here by hand");
    site.write("2026-02-18/d.md", paper({ title: "Delta", arxiv: "2602.00004", date: "2026-02-18" }, "New."));
    const result = build(site);
    expect(unchangedPages(result)).toBeGreaterThan(0);
    for (const stray of strays) expect(site.exists(stray), stray).toBe(false);
    expect(snapshot(site.outputDir)).toEqual(cleanBuild(site));
    expect(builtLine(build(site))).toMatch(/^Nothing changed since the last build/);
  });

  it("render a page again when its file in the output was changed or deleted by hand", () => {
    site = fixtureSite(papers, { url: "https://digest.example.org" });
    build(site);
    const original = site.read("papers/2602.00003/index.html");
    writeFileSync(path.join(site.outputDir, "papers/2602.00003/index.html"), original.replace("Gamma", "Gamma tampered"));
    rmSync(path.join(site.outputDir, "papers/2602.00001/index.html"));
    const result = build(site);
    expect(builtLine(result)).toMatch(/^Built/);
    expect(site.read("papers/2602.00003/index.html")).toBe(original);
    expect(site.exists("papers/2602.00001/index.html")).toBe(true);
  });
});

/**
 * A throw-away copy of the project's code (src, layouts, scripts, config) next to a fixture site, so a test can edit a
 * layout or the KaTeX options and build with the edited code.
 */
function projectCopy(): { root: string; build(site: FixtureSite): ReturnType<typeof spawnSync> & { stdout: string } } {
  const root = tempDir();
  for (const entry of ["src", "layouts", "scripts", ".eleventy.ts", "package.json", "package-lock.json", "tsconfig.json"]) {
    cpSync(path.join(repoRoot, entry), path.join(root, entry), { recursive: true });
  }
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"), "dir");
  return {
    root,
    build(site) {
      const result = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "build.ts")], {
        cwd: root,
        encoding: "utf8",
        env: {
          ...process.env,
          SITE_CONFIG: path.join(site.dir, "content", "site.json"),
          SITE_CONTENT_DIR: site.contentDir,
          SITE_OUTPUT_DIR: site.outputDir,
          SITE_CACHE_DIR: path.join(site.dir, ".cache"),
        },
        timeout: 300_000,
      });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      return result;
    },
  };
}

describe("checking content for a build", () => {
  let site: FixtureSite | undefined;
  afterEach(() => site?.cleanup());

  it("leaves the file index and the paper cache unwritten until asked, every paper's content key known already", () => {
    site = fixtureSite(papers);
    const cacheDir = path.join(site.dir, ".cache");
    const code = `
      const { checkContentParallel } = await import(${JSON.stringify(path.join(repoRoot, "src/pipeline.ts"))});
      const { paperKeyOf } = await import(${JSON.stringify(path.join(repoRoot, "src/cache/papers.ts"))});
      const { loadSiteConfig } = await import(${JSON.stringify(path.join(repoRoot, "src/site.ts"))});
      const { existsSync, readdirSync } = await import("node:fs");
      const cacheDir = ${JSON.stringify(cacheDir)};
      const written = () => [existsSync(cacheDir + "/files.json"), existsSync(cacheDir + "/papers") && readdirSync(cacheDir + "/papers").length > 0];
      const result = await checkContentParallel(process.cwd(), loadSiteConfig(process.cwd()), { writeCacheLater: true });
      const before = written();
      const keys = result.papers.map((paper) => paperKeyOf(paper));
      result.writeCache();
      console.log(JSON.stringify({ before, keys, after: written(), problems: result.problems.length }));`;
    const result = site.evalModule(code);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const { before, keys, after, problems } = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    expect(problems).toBe(0);
    expect(before).toEqual([false, false]);
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(after).toEqual([true, true]);
    // What was written serves the next build: every paper from the cache.
    expect(build(site).stdout).toMatch(/Built 3 papers \(3 from the cache\)/);
  });
});

describe("typesetting while the files are read", () => {
  let site: FixtureSite | undefined;
  afterEach(() => site?.cleanup());

  it("gives, with an empty cache and enough files for worker threads, what checking them on one thread gives", () => {
    // 640 files: the workers start at 500 read and are handed batches from then on; among them a TeX error, a file
    // validation rejects, a duplicate id and a macro nobody defined (a warning).
    const many: Record<string, string> = {};
    for (let i = 0; i < 640; i++) {
      const id = `2602.${String(10000 + i)}`;
      const day = `2026-02-${String(1 + (i % 28)).padStart(2, "0")}`;
      many[`${day}/${id}.md`] = paper({ title: `Paper ${i} on $x_{${i}}$`, arxiv: id, date: day, upvotes: i % 17 }, `Abstract ${i}: $$\\sum_{k=1}^{${i}} k$$ and $\\alpha_${i % 10}$.`);
    }
    many["2026-02-03/2602.10003.md"] = paper({ title: "Broken", arxiv: "2602.10003", date: "2026-02-03" }, "Broken $\\frac{1}{$ math.");
    many["2026-02-04/2602.10600.md"] = paper({ title: "Bad date", arxiv: "2602.10600", date: "2026-02-30" });
    many["2026-02-05/2602.10700.md"] = paper({ title: "Twin", arxiv: "2602.10004", date: "2026-02-05" });
    many["2026-02-06/2602.10800.md"] = paper({ title: "Unknown macro", arxiv: "2602.10800", date: "2026-02-06" }, "Uses $\\nobodydefinedthis x$.");
    site = fixtureSite(many);
    const code = `
      const { checkContent, checkContentParallel } = await import(${JSON.stringify(path.join(repoRoot, "src/pipeline.ts"))});
      const { loadSiteConfig } = await import(${JSON.stringify(path.join(repoRoot, "src/site.ts"))});
      const config = loadSiteConfig(process.cwd());
      // The second check finds the first one's papers in the cache it kept in memory (not written: writeCacheLater):
      // how many came from the cache is not compared.
      const summary = (r) => JSON.stringify({ papers: r.papers, problems: r.problems, warnings: r.warnings });
      const parallel = await checkContentParallel(process.cwd(), config, { writeCacheLater: true });
      const single = checkContent(process.cwd(), config);
      console.log(JSON.stringify({ same: summary(parallel) === summary(single), papers: parallel.papers.length, problems: parallel.problems.map((p) => p.file), warnings: parallel.warnings.length, cached: parallel.cached }));`;
    const result = site.evalModule(code);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    expect(summary.same).toBe(true);
    expect(summary.cached).toBe(0);
    expect(summary.papers).toBeGreaterThan(600);
    expect(summary.problems.join(" ")).toMatch(/2602\.10003\.md.*2602\.10600\.md|2602\.10600\.md.*2602\.10003\.md/s);
    expect(summary.problems.join(" ")).toMatch(/2602\.10700\.md|2602\.10004\.md/);
    expect(summary.warnings).toBeGreaterThan(0);
  });
});

describe("code changes", () => {
  let site: FixtureSite | undefined;
  afterEach(() => site?.cleanup());

  it("a changed layout renders every page again but keeps the typeset papers", () => {
    site = fixtureSite(papers, { url: "https://digest.example.org" });
    const project = projectCopy();
    project.build(site);
    const layout = path.join(project.root, "layouts", "paper.njk");
    writeFileSync(layout, readFileSync(layout, "utf8").replace('<h2 id=abstract>Abstract</h2>', '<h2 id=abstract>Abstract</h2><p class="edited-layout"></p>'));
    const result = project.build(site);
    expect(fromCache(result)).toBe(3);
    expect(unchangedPages(result)).toBe(0);
    for (const id of ["2602.00001", "2602.00002", "2602.00003"]) {
      expect(site.read(`papers/${id}/index.html`)).toContain('<p class="edited-layout"></p>');
    }
  });

  it("changed KaTeX options typeset every paper again, with the new options", () => {
    // maxSize caps \rule sizes: 25em is drawn 20em wide under our options, 19em wide under the edited ones.
    site = fixtureSite({ "2026-02-16/r.md": paper({ arxiv: "2602.00009" }, "A rule $\\rule{25em}{1em}$.") }, { url: "https://digest.example.org" });
    const project = projectCopy();
    expect(fromCache(project.build(site))).toBe(0);
    expect(site.read("papers/2602.00009/index.html")).toContain('<mspace mathbackground="black" width="20em"');
    expect(builtLine(project.build(site))).toMatch(/^Nothing changed since the last build/);
    const katexFile = path.join(project.root, "src", "markdown", "katex.ts");
    const source = readFileSync(katexFile, "utf8");
    expect(source).toContain("maxSize: 20,");
    writeFileSync(katexFile, source.replace("maxSize: 20,", "maxSize: 19,"));
    expect(fromCache(project.build(site))).toBe(0);
    expect(site.read("papers/2602.00009/index.html")).toContain('<mspace mathbackground="black" width="19em"');
  });
});
