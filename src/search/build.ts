import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { Worker } from "node:worker_threads";
import type { SiteConfig } from "../site.ts";
import { startTypeScriptWorker } from "../workers/typescript-worker.ts";
import { indexEntries, keptRecords, MissingTextError, readIndexedPapers, searchFolder, writeSearchIndex, type IndexReuse, type SearchIndexResult } from "./index.ts";
import { searchRecords, type KeptRecord, type SearchPaper } from "./records.ts";
import { decodeRows, encodeRows } from "./rows.ts";

type IndexSite = Pick<SiteConfig, "pathPrefix" | "authorsShown" | "language">;

/** What the worker is sent: only the fields the search records read (not the typeset HTML). */
export interface IndexJob {
  papers: SearchPaper[];
  /**
   * Instead of `papers`, `keys` and `textless` (to a worker): all three as UTF-8 JSON (see `encodeJob`), moved to the
   * worker rather than copied. Cloning 100,000 objects took 0.7 s of the main thread at 100,000 papers; the JSON as a
   * string 0.2 s, and the keys and flags as arrays 0.15 s more.
   */
  encoded?: Uint8Array;
  /** Content keys of the papers (same order), for an incremental build. */
  keys?: (string | undefined)[];
  /**
   * With `encoded`: the content keys of more papers, after those of `encoded`, each as its 32 bytes (see binaryKeys),
   * papers the previous index kept (see ChangedPapers' `unchanged`): 3.2 MB at 100,000 papers, moved to the worker.
   * As JSON with the others, their keys took 0.3 s of the main thread to stringify and encode.
   */
  keptKeys?: Uint8Array;
  /** Papers sent without their text (same order; see `SearchRecord.textless`); not with `encoded`, which sends them as 0. */
  textless?: boolean[];
  siteDir: string;
  site: IndexSite;
  reuse?: IndexReuse;
}

/** How a build updates the previous site's index instead of building it from scratch. */
export interface SearchReuse<P> {
  /** The build cache folder: the index keeps what it analysed there (`search-index.bin` and its arrays' files). */
  cacheDir: string;
  /** The previous site (its `search/` folder), whose unchanged index files are linked. */
  previousSite?: string;
  /** A paper's content key (the same key, the same paper); papers without one are keyed by a hash of their record. */
  keyOf?: (paper: P) => string | undefined;
}

/** Below this many papers a worker's start-up (about 0.3 s) costs more than indexing on this thread. */
const workerFrom = 1000;

type PaperRow = [
  slug: string, id: string, arxiv: string | null, date: string, published: string | null, upvotes: number, titleText: string, authors: string[],
  authorCount: number, organization: string | null, tags: string[], category: string | null, title: string, body: string,
];

/** The papers of `encodeRows` (a field it sent as null, undefined then, is left out); a paper sent as 0 stays 0. */
export function decodePapers(encoded: Uint8Array | (PaperRow | 0)[]): (SearchPaper | 0)[] {
  const orNot = <T>(value: T | null) => (value === null ? undefined : value);
  return (encoded instanceof Uint8Array ? (JSON.parse(decodeRows(encoded)) as (PaperRow | 0)[]) : encoded).map((row) => {
    if (row === 0) return 0;
    const [slug, id, arxiv, date, published, upvotes, titleText, authors, authorCount, organization, tags, category, title, body] = row;
    return {
      slug, id, arxiv: orNot(arxiv), date, published: orNot(published), upvotes, titleText, authors, authorCount,
      organization: orNot(organization), tags, category: orNot(category), text: { title, body },
    } as SearchPaper;
  });
}

const contentKeyPattern = /^[0-9a-f]{64}$/;

/** Content keys (64 lowercase hex digits, as paperKeyOf makes them) as 32 bytes each; undefined when one is not such a key. */
export function binaryKeys(keys: readonly string[]): Uint8Array | undefined {
  const bytes = Buffer.from(new ArrayBuffer(keys.length * 32));
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (!contentKeyPattern.test(key) || bytes.write(key, i * 32, 32, "hex") !== 32) return undefined;
  }
  return new Uint8Array(bytes.buffer);
}

/** The keys of binaryKeys, as they were. */
export function hexKeys(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keys: string[] = new Array(Math.floor(buffer.length / 32));
  for (let i = 0; i < keys.length; i++) keys[i] = buffer.toString("hex", i * 32, i * 32 + 32);
  return keys;
}

/**
 * A job's papers and keys as the bytes of `IndexJob.encoded` (papers without text as 0, see encodeRows), then the
 * papers given by their keys alone (`unchanged`, see ChangedPapers): as `keptKeys` (their keys in binary), or, when
 * a key is not a content key, as 0 too with their keys in the JSON.
 */
function encodeJob(
  papers: readonly SearchPaper[],
  keys?: readonly (string | undefined)[],
  textless?: readonly boolean[],
  unchanged: readonly string[] = [],
): { encoded: Uint8Array; keptKeys?: Uint8Array } {
  const keptKeys = unchanged.length ? binaryKeys(unchanged) : undefined;
  if (keptKeys) return { encoded: encodeRows(papers, textless, 0, '{"papers":', `,"keys":${JSON.stringify(keys ?? null)}}`), keptKeys };
  const allKeys = unchanged.length ? [...(keys ?? papers.map(() => undefined)), ...unchanged] : keys;
  return { encoded: encodeRows(papers, textless, unchanged.length, '{"papers":', `,"keys":${JSON.stringify(allKeys ?? null)}}`) };
}

/**
 * Runs an index job (here or in the worker). The papers of an encoded job sent as 0 are those the previous index
 * kept (see KeptRecord, by the paper's key); when it did not keep one, a MissingTextError asks for the papers' text.
 */
export function runIndexJob(job: IndexJob) {
  let { keys, textless } = job;
  let papers: readonly (SearchPaper | KeptRecord)[] = job.papers;
  if (job.encoded) {
    const sent = JSON.parse(decodeRows(job.encoded)) as { papers: (PaperRow | 0)[]; keys: (string | null)[] | null };
    const sentKeys = sent.keys?.map((key) => key ?? undefined);
    // The papers given by their keys alone come after the others, as if sent as 0 with those keys.
    const more = job.keptKeys ? hexKeys(job.keptKeys) : [];
    keys = more.length ? [...(sentKeys ?? sent.papers.map(() => undefined)), ...more] : sentKeys;
    const rows: (PaperRow | 0)[] = more.length ? [...sent.papers, ...more.map(() => 0 as const)] : sent.papers;
    const kept = rows.includes(0) && job.reuse ? keptRecords(job.reuse, job.site.language) : undefined;
    papers = decodePapers(rows).map((paper, i) => {
      if (paper !== 0) return paper;
      const found = keys?.[i] === undefined ? undefined : kept?.(keys[i]!);
      if (!found) throw new MissingTextError("search index: a paper sent without its text is not in the previous index");
      return found;
    });
    textless = undefined;
  }
  return writeSearchIndex(searchRecords(papers, job.site, keys, textless), job.siteDir, job.site.language, job.reuse);
}

/** What the worker replies. */
export type IndexReply = { ok: true; result: SearchIndexResult } | { ok: false; message: string; missingText?: boolean };

/** What the worker is sent first when it is started before its job: the state file to read meanwhile. */
export interface IndexPrepare {
  prepare: string;
}

const exited = new WeakSet<Worker>();

/** How many index worker threads this process started (for tests and profiles of what a build starts). */
export const indexWorkers = { started: 0 };

/** Starts the index worker thread; with `stateFile`, it reads that state while it waits for its job (see preloadState). */
function startIndexWorker(stateFile?: string): Worker {
  const worker = startTypeScriptWorker(new URL("./worker.ts", import.meta.url));
  indexWorkers.started++;
  worker.on("error", () => {}); // Reported by runInWorker, or ignored for a worker never used (see SearchIndexStart.stop).
  worker.once("exit", () => exited.add(worker));
  if (stateFile) {
    worker.postMessage({ prepare: stateFile } satisfies IndexPrepare);
    // Until it has a job, the worker does not keep the process alive (a build that ends early need not stop it).
    worker.unref();
  }
  return worker;
}

/**
 * Runs an index job in a worker thread (`started` if given, else a new one); undefined when the worker cannot run.
 * The job is made once the worker is started, so that the thread starts up (half a second under tsx) while this one
 * copies the papers' fields.
 */
async function runInWorker(makeJob: () => IndexJob, started?: Worker): Promise<IndexReply | undefined> {
  const worker = started ?? startIndexWorker();
  worker.ref();
  try {
    const job = makeJob();
    if (exited.has(worker)) return undefined;
    return await new Promise<IndexReply | undefined>((resolve) => {
      worker.once("message", resolve);
      worker.once("error", () => resolve(undefined));
      worker.once("exit", () => resolve(undefined));
      worker.postMessage(job, [job.encoded, job.keptKeys].flatMap((bytes) => (bytes ? [bytes.buffer as ArrayBuffer] : [])));
    });
  } finally {
    // Not awaited: the worker has replied (its files and state are written), and tearing down its heap (a gigabyte at
    // 100,000 papers) need not hold up the build.
    void worker.terminate();
  }
}

/**
 * A site's papers given as those that changed since the previous build and the content keys of the others (see
 * SearchIndexStart.buildChanged): a caller that keeps the site between builds need not decode 100,000 papers.
 */
export interface ChangedPapers<P> {
  /** Papers new or changed since the previous build (any order), with their text. */
  changed: readonly P[];
  /** The content keys (`keyOf`) of every other paper of the site, any order. */
  unchanged: readonly string[];
  /**
   * Every paper of the site: called only when the previous index lacks one of `unchanged` (its state lost or stale, or
   * a paper the build cache had added back), to send those with their text.
   */
  all: () => readonly P[];
}

/** A search index build started before its papers are known (see startSearchIndex). */
export interface SearchIndexStart<P> {
  /** Writes the index of `papers` into `<siteDir>/search/` as buildSearchIndex does, in the worker started early. */
  build(papers: readonly P[], siteDir: string): Promise<SearchIndexResult & { inWorker: boolean }>;
  /**
   * As `build`, given the papers that changed and the keys of the others: those are sent to the worker as their keys
   * alone, and it makes their records from what the previous index kept of them (the same bytes as `build`). Those the
   * previous index lacks are sent with their text, as changed ones, to the same worker.
   */
  buildChanged(papers: ChangedPapers<P>, siteDir: string): Promise<SearchIndexResult & { inWorker: boolean }>;
  /** Stops the worker when no index is built after all (nothing to write, or an error): nothing else is touched. */
  stop(): Promise<void>;
}

/**
 * Starts a search index build before its papers are known: for a site whose previous index had at least `workerFrom`
 * papers, the worker thread starts now and reads the previous state (the paper arrays, 140 MB at 100,000 papers)
 * while the caller reads the content; `build` then only hands it the papers. At 100,000 papers that takes the
 * worker's start-up and the state's reading (about 1.5 s) off the build's critical path. The bytes are
 * buildSearchIndex's.
 */
export function startSearchIndex<P extends SearchPaper>(site: IndexSite, reuse: SearchReuse<P>): SearchIndexStart<P> {
  const stateFile = path.join(reuse.cacheDir, stateName);
  const indexed = reuse.previousSite ? readIndexedPapers(stateFile) : undefined;
  let worker = indexed && indexed.size >= workerFrom ? startIndexWorker(stateFile) : undefined;
  return {
    build: (papers, siteDir) => {
      const started = worker;
      worker = undefined;
      return buildSearchIndex(papers, siteDir, site, reuse, started && { worker: started, indexed });
    },
    buildChanged: ({ changed, unchanged, all }, siteDir) => {
      const started = worker;
      worker = undefined;
      // Only a worker with the previous state can make records from keys; else every paper is sent as buildSearchIndex does.
      if (!started || !reuse.keyOf) {
        void started?.terminate();
        return buildSearchIndex(all(), siteDir, site, reuse);
      }
      // A paper unchanged since the build cache had it that the previous index lacks (its file added back, a branch
      // checked out again) is sent with its text, as a changed one: the worker keeps the state it has read.
      const missing = new Set(unchanged.filter((key) => !indexed!.has(key)));
      if (!missing.size) return buildSearchIndex(changed, siteDir, site, reuse, { worker: started, indexed, unchanged, all });
      const added = all().filter((paper) => {
        const key = reuse.keyOf!(paper);
        return key !== undefined && missing.has(key);
      });
      const kept = unchanged.filter((key) => !missing.has(key));
      return buildSearchIndex([...changed, ...added], siteDir, site, reuse, { worker: started, indexed, unchanged: kept, all });
    },
    stop: async () => {
      await worker?.terminate();
      worker = undefined;
    },
  };
}

/** The state's file in the build cache (and the prefix of its arrays' files). */
const stateName = "search-index.bin";

/**
 * Writes the search index of `papers` into `<siteDir>/search/`, in a worker thread for large sites (the same code and
 * bytes as on this thread; a worker that cannot start falls back to this thread). With `reuse`, only papers that are
 * new or changed since the last build are analysed, and unchanged files are linked from the previous site: the bytes
 * are the same as a build from scratch. `early` is a worker started by startSearchIndex, and the keys it read.
 */
export async function buildSearchIndex<P extends SearchPaper>(
  papers: readonly P[],
  siteDir: string,
  site: IndexSite,
  reuse?: SearchReuse<P>,
  early?: { worker: Worker; indexed?: Set<string>; unchanged?: readonly string[]; all?: () => readonly P[] },
): Promise<SearchIndexResult & { inWorker: boolean }> {
  // Papers given as keys (see buildChanged): all of them when they must be sent in full after all.
  const more = early?.unchanged ?? [];
  if (more.length && (papers.length + more.length < workerFrom || !reuse?.keyOf || !early?.indexed)) {
    await early?.worker.terminate();
    return buildSearchIndex(early!.all!(), siteDir, site, reuse);
  }
  const job: IndexJob = {
    papers: papers as readonly SearchPaper[] as SearchPaper[],
    siteDir,
    site: { pathPrefix: site.pathPrefix, authorsShown: site.authorsShown, language: site.language },
  };
  if (reuse) {
    job.keys = reuse.keyOf ? papers.map((paper) => reuse.keyOf!(paper)) : undefined;
    job.reuse = {
      stateFile: path.join(reuse.cacheDir, stateName),
      previousDir: reuse.previousSite && path.join(reuse.previousSite, searchFolder),
      context: JSON.stringify([site.pathPrefix, site.authorsShown]),
    };
  }
  const here = async () => ({ ...(await runIndexJob(job)), inWorker: false });
  if (papers.length + more.length < workerFrom) {
    await early?.worker.terminate();
    return here();
  }
  // Copying 100,000 abstracts to the worker takes seconds: the text of a paper the previous index has is left out
  // (sent again in full if the worker finds it needs it after all).
  const indexed = job.reuse?.previousDir && job.keys ? (early?.indexed ?? readIndexedPapers(job.reuse.stateFile)) : undefined;
  const full = () => {
    const every = more.length ? early!.all!() : papers;
    return { ...job, papers: [], keys: undefined, ...encodeJob(every, reuse?.keyOf && every.map((paper) => reuse.keyOf!(paper))) };
  };
  let reply: IndexReply | undefined;
  if (indexed && job.keys) {
    const textless = job.keys.map((key) => key !== undefined && indexed.has(key));
    reply = await runInWorker(() => ({ ...job, papers: [], keys: undefined, ...encodeJob(papers, job.keys, textless, more) }), early?.worker);
    if (reply && !reply.ok && reply.missingText) reply = await runInWorker(full);
  } else reply = await runInWorker(full, early?.worker);
  if (!reply) return here();
  if (!reply.ok) throw new Error(`search index: ${reply.message}`);
  return { ...reply.result, inWorker: true };
}

/**
 * The search index of `papers` updated in `siteDir` while it is served (the dev server, which builds in place): built
 * beside, in `<siteDir>/.search-next/`, from the index now in `siteDir` (unchanged files linked, only new and changed
 * papers analysed, as buildSearchIndex does for a build), then moved into `<siteDir>/search/` one entry at a time,
 * `meta.ix` last: the folder is never without an index, and the bytes are a build from scratch's.
 */
export async function buildSearchIndexInPlace<P extends SearchPaper>(
  papers: readonly P[],
  siteDir: string,
  site: IndexSite,
  reuse: Pick<SearchReuse<P>, "cacheDir" | "keyOf">,
): Promise<SearchIndexResult & { inWorker: boolean }> {
  const next = path.join(siteDir, ".search-next");
  const live = path.join(siteDir, searchFolder);
  rmSync(next, { recursive: true, force: true });
  try {
    // The index there is linked from when it is the one the state describes; without it (a first start on a kept
    // cache), the papers the state has are still sent as their keys (see readIndexedPapers).
    const result = await buildSearchIndex(papers, next, site, { ...reuse, previousSite: siteDir });
    mkdirSync(live, { recursive: true });
    for (const entry of [...indexEntries.filter((e) => e !== "meta.ix"), "meta.ix"]) {
      const built = path.join(next, searchFolder, entry);
      const target = path.join(live, entry);
      if (!existsSync(built)) {
        rmSync(target, { recursive: true, force: true });
        continue;
      }
      if (existsSync(target)) renameSync(target, path.join(next, `replaced-${entry}`));
      renameSync(built, target);
    }
    return { ...result, outputPath: live };
  } finally {
    rmSync(next, { recursive: true, force: true });
  }
}
