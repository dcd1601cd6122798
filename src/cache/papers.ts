import { createHash, hash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SourceFile } from "../content/load.ts";
import type { Problem } from "../content/problems.ts";
import { katexSafeOptions, katexVersion } from "../markdown/katex.ts";
import type { RenderedPaper } from "../markdown/paper.ts";
import { textHash } from "./files.ts";
import { codeFingerprint } from "./fingerprint.ts";
import { decodePaperRecord, encodePaperRecord, recordOf } from "./paper-record.ts";
import { readPaperSummaries, summaryOf, writeAddedSummaries, writePaperSummaries, type PaperSummaries } from "./paper-summaries.ts";
import { openStore, type Codec, type Store } from "./store.ts";

/** Modules whose code decides what a paper file becomes; everything they import, transitively, is fingerprinted. */
const pipelineModules = ["../content/load.ts", "../markdown/paper.ts", "./papers.ts", "./store.ts", "./files.ts", "./paper-record.ts"].map((m) =>
  fileURLToPath(new URL(m, import.meta.url)),
);

/** What, besides the paper file itself, decides the rendered paper. Defaults are the running code's. */
export interface RenderInputs {
  /** KaTeX version. Default: the installed one. */
  katexVersion: string;
  /** KaTeX options. Default: `katexSafeOptions`. */
  katexOptions: object;
  /** Hash of the parsing, validating and rendering code and its packages. Default: computed from the source files. */
  code: string;
}

let runningCode: string | undefined;

/** The fingerprint of everything but the file that goes into a rendered paper: KaTeX version and options, code. */
export function renderFingerprint(inputs: Partial<RenderInputs> = {}): string {
  const code = inputs.code ?? (runningCode ??= codeFingerprint(pipelineModules));
  const options = inputs.katexOptions ?? katexSafeOptions;
  const version = inputs.katexVersion ?? katexVersion;
  return createHash("sha256").update(JSON.stringify([version, options, code])).digest("hex");
}

/** Rendered papers from earlier builds, keyed by file path and bytes: a paper whose file is unchanged is not parsed, validated or typeset again. */
export interface PaperCache {
  /** True when no paper is stored for the running code (a first build, or the code changed): every file is a miss. */
  isEmpty(): boolean;
  /** The cached papers for these files, by file path; remembers the files' keys for `save`. */
  lookup(files: readonly SourceFile[]): Map<string, RenderedPaper>;
  /**
   * Stores the papers of this build whose files had no problem, and writes the cache folder. `json` holds, by file,
   * papers already serialised (their paper records in UTF-8, from a worker thread): they are written as they are.
   */
  save(papers: readonly RenderedPaper[], problems: readonly Problem[], json?: ReadonlyMap<string, Uint8Array>): void;
  /**
   * As `save`, but only in memory (every paper stored gets its content key, see paperKeyOf, at once); returns what
   * writes the cache folder, for a caller that writes it later, off its critical path.
   */
  keep(papers: readonly RenderedPaper[], problems: readonly Problem[], json?: ReadonlyMap<string, Uint8Array>): () => void;
}

const open = new Map<string, PaperCache>();

/** Content keys of the papers this process got from or gave to a paper cache: a key names exactly one rendered paper. */
const contentKeys = new WeakMap<RenderedPaper, string>();

/** The content key of a paper that went through a paper cache (a hash of its file and the code that rendered it). */
export function paperKeyOf(paper: RenderedPaper): string | undefined {
  // A paper made from its summary carries its key (the one the cache looked it up by).
  return contentKeys.get(paper) ?? summaryOf(paper)?.key;
}

/**
 * The paper cache in `dir` (a folder of its own, e.g. `.cache/papers`). One instance per folder and fingerprint and
 * process, so a dev server's rebuilds reuse what is already decoded in memory.
 */
export function openPaperCache(dir: string, inputs: Partial<RenderInputs> = {}): PaperCache {
  const fingerprint = renderFingerprint(inputs);
  const id = `${path.resolve(dir)}\0${fingerprint}`;
  let cache = open.get(id);
  if (!cache) {
    cache = paperCache(openStore<RenderedPaper>(path.resolve(dir), fingerprint, paperCodec), fingerprint, `${path.resolve(dir)}.summaries`);
    open.set(id, cache);
  }
  return cache;
}

/** Papers as paper records (src/cache/paper-record.ts): their text is decoded only where it is used. */
const paperCodec: Codec<RenderedPaper> = {
  decode: decodePaperRecord,
  encode: (paper) => recordOf(paper) ?? Buffer.from(encodePaperRecord(paper)),
  // Metadata, then text: a build reads the metadata of every paper and the text of a few.
  split: true,
};

function paperCache(store: Store<RenderedPaper>, fingerprint: string, summariesFile: string): PaperCache {
  let keys = new Map<string, string>();
  // The summaries the last lookup read, if they were usable. Papers they made (src/cache/paper-summaries.ts, summaryOf)
  // are in the store already.
  let summaries: PaperSummaries | undefined;
  // The text stands in the key by its hash, which the file index knows without reading an unchanged file. One-shot
  // hashing of the joined text (the same bytes as hashing its parts in turn): a hash object a file, 100,000 times a
  // build, cost about three times as much.
  const keyOf = (file: SourceFile) => hash("sha256", `${fingerprint}\0${file.file}\0${file.hash ?? textHash(file.text)}`, "hex");
  // A summarised paper's other fields, from the store (which the summaries were checked to describe).
  // Read from where the summaries say its record is in its shard file when they know (no shard index read: a build
  // that adds a paper reads the day, tag and neighbour papers of its pages from all 16 shards), else as any paper.
  const whole = (key: string, at?: [number, number]): RenderedPaper => {
    const paper = at ? store.getAt(key, at) : store.get(key);
    if (!paper) throw new Error("the build cache changed while it was read; delete the cache folder and build again");
    return paper;
  };
  return {
    isEmpty: () => store.isEmpty(),
    lookup(files) {
      // A dev server's store stays open between builds, while another command may write the same cache.
      store.refresh();
      keys = new Map();
      for (const file of files) keys.set(file.file, keyOf(file));
      summaries = readPaperSummaries(summariesFile, fingerprint, store.identity());
      const found = new Map<string, RenderedPaper>();
      for (const [file, key] of keys) {
        const summary = summaries?.paper(key, whole);
        const paper = summary ?? store.get(key);
        // The path is part of the key; checking it again costs nothing and guards against a damaged entry.
        if (paper && paper.source?.file === file) {
          found.set(file, paper);
          // A paper made from its summary carries this key already (paperKeyOf).
          if (!summary) contentKeys.set(paper, key);
        }
      }
      return found;
    },
    save: (papers, problems, json) => keep(papers, problems, json)(),
    keep,
  };
  // Stores the papers in memory, their content keys at once; returns what writes the cache folder and the summaries.
  function keep(...[papers, problems, json]: Parameters<PaperCache["keep"]>): () => void {
    const broken = new Set(problems.map((problem) => problem.file));
    const kept: [string, RenderedPaper][] = [];
    for (const paper of papers) {
      const key = keys.get(paper.source.file);
      if (key && !broken.has(paper.source.file)) {
        const summary = summaryOf(paper);
        if (summary && summary.from === summaries && summary.key === key) store.touch(key);
        else {
          store.set(key, paper, json?.get(paper.source.file));
          contentKeys.set(paper, key);
        }
        kept.push([key, paper]);
      }
    }
    const read = summaries;
    return () => {
      // The cache as the summaries read describe it (no other process changed it since): when the store only appends
      // to its shards, every paper they name stays in it, and only this build's other papers' summaries are written
      // (src/cache/paper-summaries.ts, writeAddedSummaries), not 100,000 papers' again.
      const same = read !== undefined && store.identity() === read.identity;
      const rewritten = store.save();
      // After the store's files are written: the summaries record them as they are now, and where each record is (in
      // a shard not rewritten, where the summaries read said).
      const identity = store.identity();
      const locate = (key: string) => store.location(key) ?? (same && !rewritten.has(key[0]!) ? read.location(key) : undefined);
      if (!(same && !rewritten.size && writeAddedSummaries(summariesFile, fingerprint, identity, read, kept, locate))) writePaperSummaries(summariesFile, fingerprint, identity, kept, locate);
    };
  }
}
