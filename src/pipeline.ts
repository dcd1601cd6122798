import path from "node:path";
import type { PageSelection } from "./cache/pages.ts";
import { createHash } from "node:crypto";
import { openFileIndex } from "./cache/files.ts";
import { openPaperCache, renderFingerprint, type PaperCache } from "./cache/papers.ts";
import { parsePapers, readPaperFiles, type SourceFile } from "./content/load.ts";
import { ContentError, sortProblems, type Problem } from "./content/problems.ts";
import { groupDigest, type Digest } from "./digest/group.ts";
import { katexSafeOptions } from "./markdown/katex.ts";
import { checkPaperMath, renderPaper, type RenderedPaper } from "./markdown/paper.ts";
import { compact, parsedPaper, processFile, startRenderPool, type FileResult, type RenderPool } from "./render/pool.ts";
import type { SiteConfig } from "./site.ts";
import { optimizeLater } from "./workers/tiering.ts";

/**
 * The build pipeline, stage by stage:
 *   1. read      content/papers/** -> source files (non-.md, links and case collisions are problems)
 *   2. validate  front matter -> Paper records (every problem in every file, duplicate ids)
 *   3. render    title and abstract -> HTML with KaTeX (TeX errors are problems with file and line)
 *   (2 and 3 are skipped for a file whose bytes, path and pipeline code match an earlier build: src/cache/)
 *   4. group     papers -> days, ISO weeks, months, newest first
 * Pages, feeds and the search index are written from the result by the Eleventy adapters.
 */
export interface SiteData extends Digest {
  config: SiteConfig;
  /** The paginated pages this build writes (layouts paginate over these); default: all of them. Others are reused. */
  render?: PageSelection;
  /** Feeds the output holds already (output paths, see PagePlan's `feeds`): not written. Default: none. */
  reusedFeeds?: ReadonlySet<string>;
}

/** Result of stages 1 to 3. */
export interface CheckedContent {
  papers: RenderedPaper[];
  /** What stops the build: every paper with one is left out. */
  problems: Problem[];
  /** What the build shows readably but should be fixed (a macro nobody defined): printed, never failing anything. */
  warnings: Problem[];
  /** How many papers came from the build cache instead of being parsed and typeset. */
  cached: number;
  /** The papers parsed and typeset by this check (not from the build cache), in file order. */
  fresh?: RenderedPaper[];
  /**
   * A hash of everything stages 1 to 3 depend on: every file's path and text (by the file index's hashes) and the
   * render fingerprint. Equal keys give equal papers. Undefined when a file could not be read.
   */
  contentKey?: string;
  /** True when `unchanged` (see checkContentParallel) said the content key needs no build: nothing was loaded. */
  unchanged?: boolean;
  /**
   * With checkContentParallel's `writeCacheLater`: writes the file index and the paper cache (see readWithCache and
   * collect), which the result already stands for in memory. Call it once; a build that stops before leaves the
   * cache as it was, so the next build reads and typesets again what this one did: a miss, never a stale paper.
   */
  writeCache?: () => void;
}

/** Below this many papers to typeset, starting worker threads costs more than it saves. */
const parallelFrom = 500;
/** Files read handed to the workers at once while the rest are read. */
const submitBatch = 200;

/**
 * Stage 1 with the cache: the files, their problems, and the papers the cache already has for their bytes. `onRead`
 * is called after each file read, with the number read so far, the cache and the file.
 */
function readWithCache(root: string, config: SiteConfig, onRead?: (count: number, cache: PaperCache, file: SourceFile) => void) {
  // The site's macros change how every paper is typeset, so they are part of what the cache is keyed by.
  const inputs = Object.keys(config.macros).length ? { katexOptions: { ...katexSafeOptions, siteMacros: config.macros } } : {};
  const cache = openPaperCache(path.resolve(root, config.cacheDir, "papers"), inputs);
  // Unchanged files are known by their stat and not read (src/cache/files.ts).
  const index = openFileIndex(path.resolve(root, config.cacheDir, "files.json"));
  const found = readPaperFiles(root, config.contentDir, onRead && ((count, file) => onRead(count, cache, file)), index);
  // Written after, however late: the index's own modification time must be later than every read it records (see
  // src/cache/files.ts), which a later write keeps true.
  const saveIndex = () => index.save(found.files.map((file) => file.file));
  const key = createHash("sha256").update(renderFingerprint(inputs));
  for (const file of found.files) key.update(`\0${file.file}\0${file.hash}`);
  const contentKey = found.problems.length ? undefined : key.digest("hex");
  let known: Map<string, RenderedPaper> | undefined;
  // The cached papers are looked up (and the cache's files read) only when asked for.
  return { found, cache, contentKey, saveIndex, get known() { return (known ??= cache.lookup(found.files)); } };
}

/**
 * Stages 2 and 3 merged in file order (papers from the cache taken as they are), given each other file's parse and
 * typesetting results; the cache keeps every paper without a problem.
 */
function collect(read: ReturnType<typeof readWithCache>, results: ReadonlyMap<string, FileResult>, config: SiteConfig, writeLater = false): CheckedContent {
  const { found, cache, known } = read;
  const parsed = new Map([...results].map(([file, result]) => [file, parsedPaper(result)]));
  const loaded = parsePapers(found.files, known, parsed);
  const problems = [...found.problems, ...loaded.problems, ...loaded.rejected.flatMap((text) => checkPaperMath(text, config.macros))];
  let cached = 0;
  const fresh: RenderedPaper[] = [];
  const papers = loaded.papers.map((paper) => {
    if (known.get(paper.source.file) === paper) {
      cached++;
      return paper as RenderedPaper;
    }
    // A paper whose cached id collided was parsed here, on the spot: it is typeset here too.
    const result = results.get(paper.source.file)?.rendered ?? renderPaper(paper, config.macros);
    problems.push(...result.problems);
    fresh.push(result.paper);
    return result.paper;
  });
  // Papers typeset on worker threads come with their JSON: the cache writes those bytes rather than serialise again.
  const json = new Map([...results].flatMap(([file, result]) => (result.paperJson ? [[file, result.paperJson] as const] : [])));
  // A paper with a warning is not cached either, so every check shows its warnings again until they are fixed.
  const writePapers = cache.keep(papers, problems, json);
  const writeCache = () => {
    read.saveIndex();
    writePapers();
  };
  if (!writeLater) writeCache();
  const sorted = sortProblems(problems);
  return {
    papers,
    problems: sorted.filter((p) => p.severity !== "warning"),
    warnings: sorted.filter((p) => p.severity === "warning"),
    cached,
    fresh,
    contentKey: read.contentKey,
    ...(writeLater ? { writeCache } : {}),
  };
}

// Plain objects (a file the index vouched for reads its text here): they are sent to worker threads.
const plain = ({ file, text, hash }: SourceFile): SourceFile => ({ file, text, hash });
const misses = (read: ReturnType<typeof readWithCache>) => read.found.files.filter((file) => !read.known.has(file.file)).map(plain);

/** Stages 1 to 3: every paper typeset, and every problem found on the way. */
export function checkContent(root: string, config: SiteConfig): CheckedContent {
  const read = readWithCache(root, config);
  return collect(read, new Map(misses(read).map((file) => [file.file, compact(processFile(file, config.macros))])), config);
}

/**
 * Stages 1 to 3 as `checkContent`, parsing and typesetting on every core when many files are not in the cache. When
 * `unchanged` returns true for the content key (the output was built from this very content), stops after stage 1:
 * no paper is loaded, and the result has `unchanged` true and no papers.
 */
export async function checkContentParallel(
  root: string,
  config: SiteConfig,
  options: {
    unchanged?: (contentKey: string) => boolean | Promise<boolean>;
    /** Called when the papers are handed to the worker threads: the main thread waits for them from then on. */
    whileTypesetting?: () => void;
    /**
     * Leave writing the file index and the paper cache (about half a second at 100,000 papers) to the caller, through
     * the result's `writeCache`, so it can start what waits for the papers first.
     */
    writeCacheLater?: boolean;
  } = {},
): Promise<CheckedContent> {
  // With an empty cache (a first build, or new code) every file is typeset: the workers start as soon as there are
  // enough files to be worth them, and typeset them while the rest are read (a batch at a time). At 10,000 papers they
  // had waited a second for the reading to end.
  let early: RenderPool | undefined;
  let empty = false;
  let unsent: SourceFile[] = [];
  const read = readWithCache(root, config, (count, cache, file) => {
    if (count === 1) empty = cache.isEmpty();
    if (!empty) return;
    unsent.push(plain(file));
    if (count === parallelFrom) {
      // Every paper is typeset, in short bursts on five threads: V8 is told to optimize less eagerly (see optimizeLater).
      optimizeLater();
      early = startRenderPool();
    }
    if (early && unsent.length >= submitBatch) {
      early.submit(unsent, config.macros);
      unsent = [];
    }
  });
  if (read.contentKey && (await options.unchanged?.(read.contentKey))) {
    await early?.close();
    read.saveIndex();
    return { papers: [], problems: [], warnings: [], cached: 0, contentKey: read.contentKey, unchanged: true };
  }
  const later = options.writeCacheLater ?? false;
  const todo = misses(read);
  if (todo.length < parallelFrom) {
    await early?.close();
    return collect(read, new Map(todo.map((file) => [file.file, compact(processFile(file, config.macros))])), config, later);
  }
  const pool = early ?? startRenderPool();
  try {
    const processing = pool.process(todo, config.macros);
    options.whileTypesetting?.();
    const results = await processing;
    return collect(read, new Map(todo.map((file, i) => [file.file, results[i]!])), config, later);
  } finally {
    await pool.close();
  }
}

/** The whole pipeline; throws a ContentError listing every problem when any paper is wrong. */
export function buildSiteData(root: string, config: SiteConfig): SiteData {
  const { papers, problems } = checkContent(root, config);
  if (problems.length) throw new ContentError(problems);
  return { config, ...groupDigest(papers, config) };
}
