import { createHash, hash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, renameSync } from "node:fs";
import path from "node:path";
import type { Day, Digest, OrganizationPage, PaperPage, Period, TagPage } from "../digest/group.ts";
import type { RenderedPaper } from "../markdown/paper.ts";
import type { OutputCheck } from "./output-check.ts";
import { fileIdentity, readWithStat } from "./file-identity.ts";
import { applyManifestDelta, deltaFileOf, deltaOfChanges, manifestDelta, parseManifestDelta, type ManifestDelta } from "./manifest-delta.ts";
import { legacyManifestFile, manifestOutput, pageManifestFile, pruneManifests } from "./manifest-files.ts";
import { patchManifest, recordedHash, recordedStats, type ManifestChanges, type RecordedPages } from "./manifest-update.ts";
import type { WrittenOutput } from "../output/recorded-writes.ts";
import { outputStats, sameOutput, type FileStats, type FolderStats, type OutputChanges } from "./output-stats.ts";
import { entryOf } from "../output/adopt.ts";

/** The paginated pages a build writes: per kind, the items whose page is (re)rendered. Layouts paginate over these. */
export interface PageSelection {
  /** Paper pages: each paper with its neighbours in reading order. */
  papers: PaperPage[];
  days: Day[];
  weeks: Period[];
  months: Period[];
  /** Pages of tags' lists (a tag with many papers has several). */
  tags: TagPage[];
  /** Pages of organizations' lists. */
  organizations: OrganizationPage[];
}

/** Which pages this build renders, which it takes unchanged from the previous output, and every page's key. */
export interface PagePlan {
  render: PageSelection;
  /** Hash of all page keys (see PageManifest.site). */
  site: string;
  /** True when the output folder holds exactly what this build would write: then there is nothing to do. */
  upToDate: boolean;
  /** Output paths (relative, `/`-separated) whose previous file is still right. */
  reuse: string[];
  /** Output path -> key of what the page is made from, for the manifest written after the build. */
  keys: Map<string, string>;
  /**
   * Output path -> hash of the bytes of a reused page, as the manifest recorded it; the build adds the pages it wrote,
   * hashed as they were written.
   */
  hashes: Map<string, string>;
  /**
   * Output path -> size and modification time of a reused page, as the plan checked them: the new output holds the
   * same file (linked or moved over), so its manifest records these rather than stat it again (a fifth of a build
   * that adds a paper at 100,000 papers). A file changed since is recorded with its old times: rendered next time.
   */
  stats?: Map<string, [size: number, mtime: string]>;
  /**
   * The reused pages that a worker thread found as the manifest records them (see `outputChanges`), with that
   * manifest's pages: their size, modification time and hash are those recorded (`pages[file]`), not copied into
   * `stats` and `hashes` (100,000 arrays and two maps' entries at 100,000 papers, which the manifest's patch then only
   * compared with the same values).
   */
  recorded?: RecordedPages;
  /**
   * What a worker thread found not as the manifest records it when it stat'ed the previous output during this build
   * (see planPages' `outputChanges`); the manifest then takes the change time of folders taken over as they were
   * from the manifest rather than stat them again.
   */
  outputChanges?: OutputChanges;
  /**
   * The feeds planned (see planPages' `feeds`), in `keys` and, when reused, in `reuse` with the pages: `reused` holds
   * the output paths of those the previous output holds as they would be written, linked rather than rendered.
   */
  feeds?: { planned: number; reused: ReadonlySet<string> };
  /**
   * Output paths the manifest records as pages (or feeds) of the previous output that this plan does not have (a tag
   * page past its last page now): a folder holding one is not taken over as it is (src/output/adopt.ts).
   */
  unplanned?: string[];
  /**
   * What the writer of pages recorded of the files and folders it wrote (src/output/recorded-writes.ts), when the
   * build wrote into a folder of its own and took no folder over from the previous output: the manifest records
   * these rather than stat and list them again (see pageManifest).
   */
  written?: WrittenOutput;
}

/**
 * What the previous build wrote: per output path, the page's key, the file's size and modification time, and the hash
 * of its bytes (see `unchanged`).
 */
export interface PageManifest {
  output: string;
  /** `mtime` in nanoseconds, as a decimal string; `hash` a sha256 of the file's bytes, in hex. */
  pages: Record<string, [key: string, size: number, mtime: string, hash?: string]>;
  /** Hash of every page key: equal keys mean the whole site, feeds and search index included, would come out the same. */
  site?: string;
  /** Every file in the output folder then, with its size and modification time. */
  files?: FileStats;
  /** Every folder in the output folder then, with its change time (see outputStats). */
  folders?: FolderStats;
  /**
   * Hash of the content key (src/pipeline.ts: every paper file and the render fingerprint) and the site code
   * fingerprint the output was built from; with `files`, what says "nothing changed" without loading a paper.
   */
  inputs?: string;
}

type Kind = keyof PageSelection;

/**
 * Where each paginated template writes an item (the permalinks in layouts/*.njk). A page is only ever reused from a
 * file that the manifest says this very path held with this very key, so a permalink changed in a layout without
 * changing this table costs reuse, never correctness: the code fingerprint changes with the layout and every page
 * is rendered again.
 */
const outputPaths: { [K in Kind]: (item: PageSelection[K][number]) => string } = {
  papers: (page) => `papers/${page.paper.slug}/index.html`,
  days: (day) => `date/${day.date}/index.html`,
  weeks: (week) => `week/${week.key}/index.html`,
  months: (month) => `month/${month.key}/index.html`,
  tags: (page) => `${page.url.slice(1)}index.html`,
  organizations: (page) => `${page.url.slice(1)}index.html`,
};

/** Every page of every paginated kind: the selection that renders everything (no previous output to reuse). */
export function allPages(digest: Digest): PageSelection {
  return {
    papers: digest.paperPages,
    days: digest.days,
    weeks: digest.weeks,
    months: digest.months,
    tags: digest.tagPages,
    organizations: digest.organizationPages,
  };
}

const templateTag = /\{[{%][\s\S]*?[}%]\}/g;

/**
 * True when a paginated template or any partial reads the whole digest or Eleventy collections in a template tag
 * (front matter aside): then any page may show anything, and every page's key must cover the whole digest. Pages
 * that are not paginated (home, archive) are rendered every build and may read anything.
 */
export function layoutsReadGlobals(layoutsDir: string): boolean {
  const files = listFiles(layoutsDir).filter((file) => file.endsWith(".njk"));
  const partials = path.join(layoutsDir, "_includes") + path.sep;
  return files.some((file) => {
    const text = readFileSync(file, "utf8");
    const frontMatter = /^---\n([\s\S]*?)\n---\n/.exec(text);
    if (!file.startsWith(partials) && !/^pagination:/m.test(frontMatter?.[1] ?? "")) return false;
    const source = text.slice(frontMatter?.[0].length ?? 0);
    return [...source.matchAll(templateTag)].some(([tag]) => /(?<![.\w])(?:digest|collections)\b/.test(tag));
  });
}

/** Every file under `dir`, sorted (absolute paths). */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Hash of the files' paths (relative to `root`) and bytes. */
function hashFiles(root: string, files: string[]): string {
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(path.relative(root, file)).update("\0");
    if (existsSync(file)) hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

const runningCode = new Map<string, string>();

/**
 * A hash of everything besides the digest that decides a page's bytes: the layouts and assets (read every time: a dev
 * server renders with the layouts on disk), the code (src/, the Eleventy configuration and the locked package
 * versions, hashed once per process: a running process renders with the code it loaded), the Node version (number
 * formatting) and the site configuration. Any change to any of them renders every page again.
 */
export function siteCodeFingerprint(root: string, siteConfig: object): string {
  let code = runningCode.get(root);
  if (code === undefined) {
    code = hashFiles(root, [...listFiles(path.join(root, "src")), path.join(root, ".eleventy.ts"), path.join(root, "package-lock.json")]);
    runningCode.set(root, code);
  }
  return createHash("sha256")
    .update(hashFiles(root, listFiles(path.join(root, "layouts"))))
    .update(code)
    .update(process.version)
    .update(JSON.stringify(siteConfig))
    .digest("hex");
}

/**
 * Decides which paginated pages to render. A page's key hashes the site code and its item, each paper in it standing
 * for its content key (a hash of its file and the code that rendered it); a paper page's, its paper's and its
 * neighbours' content keys (see paperPageKeys). A page is reused only when the manifest
 * describes `previousDir`, records the same key for its path, and the file there still has the recorded size and
 * modification time (so a file edited or deleted by hand is rendered again).
 */
export function planPages(
  digest: Digest,
  options: {
    code: string;
    paperKey: (paper: RenderedPaper) => string | undefined;
    /** Whether layouts read the whole digest (see layoutsReadGlobals); then every key covers it. */
    globals: boolean;
    manifest: PageManifest | undefined;
    previousDir: string;
    /** Pages rendered again whatever the manifest says (written outside a build, see devBuild). */
    rerender?: ReadonlySet<string>;
    /**
     * The files and folders of `previousDir` that were not as `manifest` records them when a worker thread stat'ed the
     * whole folder during this build (src/cache/output-check.ts): every other recorded page is taken as it was
     * recorded rather than stat'ed again. Undefined: every page is stat'ed here.
     */
    outputChanges?: OutputChanges;
    /**
     * Files besides the pages, keyed and reused as pages are (the feeds, src/feeds/files.ts): each output path
     * (relative, `/`-separated) with what its bytes are made of besides the code and the configuration (papers in it
     * standing for their content keys). Default: none (they are written every build).
     */
    feeds?: readonly { file: string; inputs: unknown }[];
  },
): PagePlan {
  const { manifest, previousDir, rerender } = options;
  const textOf = keyedJson(options.paperKey);
  let base = options.code;
  if (options.globals) base += createHash("sha256").update(textOf(digest.days) ?? "").digest("hex");
  const render = { papers: [], days: [], weeks: [], months: [], tags: [], organizations: [] } as PageSelection;
  const reuse: string[] = [];
  const keys = new Map<string, string>();
  const hashes = new Map<string, string>();
  const stats = new Map<string, [number, string]>();
  const usable = manifest && path.resolve(manifest.output) === path.resolve(previousDir) ? manifest.pages : {};
  const pages = allPages(digest);
  const outputChanges = usable === manifest?.pages && manifest.files ? options.outputChanges : undefined;
  const outputChanged = outputChanges?.files;
  const filesRecorded = outputChanged && manifest?.files;
  // A page the worker found as recorded: its file has the recorded size and modification time, as `unchanged` checks.
  const asRecorded = (file: string, [, size, mtime]: PageManifest["pages"][string]): boolean => {
    const stat = filesRecorded?.[file];
    return !!stat && stat[0] === size && stat[1] === mtime && !outputChanged!.has(file);
  };
  const recorded = new Set<string>();
  // Whether the previous output holds the file as this key would make it: then it is reused.
  const reusable = (file: string, key: string): boolean => {
    keys.set(file, key);
    const known = usable[file];
    if (!known || known[0] !== key || rerender?.has(file)) return false;
    if (asRecorded(file, known)) {
      reuse.push(file);
      recorded.add(file);
      return true;
    }
    const checked = unchanged(path.join(previousDir, file), known);
    if (!checked) return false;
    reuse.push(file);
    stats.set(file, checked);
    if (known[3]) hashes.set(file, known[3]);
    return true;
  };
  const paperPageText = paperPageKeys(pages.papers, options.paperKey);
  for (const kind of Object.keys(outputPaths) as Kind[]) {
    const toPath = outputPaths[kind] as (item: unknown) => string;
    const items = pages[kind];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const text = (kind === "papers" ? paperPageText(i) : undefined) ?? `${kind}${textOf(item) ?? ""}`;
      // One-shot over the joined text: the same bytes, and no hash object a page (100,000 a build).
      const key = hash("sha256", `${base}${text}`, "hex");
      if (!reusable(toPath(item), key)) (render[kind] as unknown[]).push(item);
    }
  }
  const reusedFeeds = new Set<string>();
  for (const { file, inputs } of options.feeds ?? []) {
    // The code (options.code, not `base`): a feed never shows the whole digest, whatever the layouts read.
    const key = hash("sha256", `${options.code}feed${textOf(inputs) ?? ""}`, "hex");
    if (reusable(file, key)) reusedFeeds.add(file);
  }
  const unplanned: string[] = [];
  for (const file in usable) if (!keys.has(file)) unplanned.push(file);
  const site = createHash("sha256").update([...keys.values()].join("\n")).digest("hex");
  const upToDate = manifest?.site === site && usable === manifest.pages && reuse.length === keys.size && sameOutput(previousDir, manifest);
  const feeds = options.feeds ? { feeds: { planned: options.feeds.length, reused: reusedFeeds } } : {};
  const asRecordedPages = recorded.size ? { recorded: { files: recorded, pages: usable } } : {};
  return { render, reuse, keys, hashes, stats, ...asRecordedPages, site, upToDate, unplanned, ...(outputChanges ? { outputChanges } : {}), ...feeds };
}

/**
 * What paper page `i` of `pages` (in reading order, as src/digest/group.ts makes them) is made from, as the content
 * keys of its paper and of the papers before and after it, whose slugs and titles its links show: three keys joined,
 * rather than the page's item written out (a quarter of a second of a build that adds a paper at 100,000 papers). A
 * neighbour's key stands for more than its link shows, so an edit to its abstract renders the page again too: rare,
 * and never wrong. Undefined when a paper has no content key or a link is not to the paper beside it: the page is
 * then keyed by its item, as other pages are.
 */
export function paperPageKeys(pages: readonly PaperPage[], paperKey: (paper: RenderedPaper) => string | undefined): (i: number) => string | undefined {
  const linked = (ref: PaperPage["prev"], page: PaperPage | undefined): string | undefined => {
    if (ref === undefined) return page === undefined ? "" : undefined;
    return page && ref.slug === page.paper.slug && ref.titleText === page.paper.titleText ? paperKey(page.paper) : undefined;
  };
  return (i) => {
    const page = pages[i]!;
    const own = paperKey(page.paper);
    const prev = linked(page.prev, pages[i - 1]);
    const next = linked(page.next, pages[i + 1]);
    // The kind, then a NUL: an item's JSON (what follows the kind in other keys) never starts with one.
    return own === undefined || prev === undefined || next === undefined ? undefined : `papers\0${own}\0${prev}\0${next}`;
  };
}

const isPaper = (value: object): value is RenderedPaper => "slug" in value && "abstractHtml" in value;

/**
 * `JSON.stringify(value)` of digest data (plain objects, arrays, strings, numbers, booleans, null) with each paper
 * standing for its content key (a paper without one stands whole), as a page's key hashes its item. The JSON of each
 * object that lists papers (a day, a week, a tag page...) is kept, so a day's JSON is made once for its day page, its
 * week and its month (JSON.stringify with a replacer function made it again for each, calling back for every value:
 * about a second at 100,000 papers). Nothing else is shared between pages, so nothing else is kept: a paper page and
 * its two neighbour links, 300,000 objects at 100,000 papers, kept in a WeakMap cost the collector more than the
 * JSON they saved.
 */
export function keyedJson(paperKey: (paper: RenderedPaper) => string | undefined): (value: unknown) => string | undefined {
  const made = new WeakMap<object, string>();
  // A handful of property names, each quoted once.
  const names = new Map<string, string>();
  const nameJson = (name: string) => {
    let json = names.get(name);
    if (json === undefined) names.set(name, (json = JSON.stringify(name)));
    return json;
  };
  const text = (value: unknown): string | undefined => {
    // Anything but plain data (a Date) as JSON.stringify makes it; it holds no paper.
    if (value === null || typeof value !== "object" || typeof (value as { toJSON?: unknown }).toJSON === "function") return JSON.stringify(value);
    let json = made.get(value);
    if (json !== undefined) return json;
    if (isPaper(value)) {
      const key = paperKey(value);
      return JSON.stringify(key ?? value);
    }
    if (Array.isArray(value)) json = `[${value.map((item: unknown) => text(item) ?? "null").join(",")}]`;
    else {
      let parts = "";
      for (const name of Object.keys(value)) {
        const part = text((value as Record<string, unknown>)[name]);
        if (part !== undefined) parts += `${parts ? "," : ""}${nameJson(name)}:${part}`;
      }
      json = `{${parts}}`;
      if (Array.isArray((value as { papers?: unknown }).papers)) made.set(value, json);
    }
    return json;
  };
  return text;
}

/**
 * What to delete from an output folder that took over entries of the previous output (src/output/adopt.ts): in the
 * entries `adopted` of each folder, every file but the reused pages (a file put there by hand), as a build from nothing
 * would not have it.
 */
export interface Prune {
  /** Per folder taken over (e.g. "papers"): its entries taken over as they were, and those this build wrote there. */
  adopted: ReadonlyMap<string, AdoptedFolder>;
  reused: readonly string[];
}

export interface AdoptedFolder {
  adopted: ReadonlySet<string>;
  /** The entries this build wrote into the folder (see Adoption in src/output/adopt.ts), when known: then the folder is not listed. */
  rendered?: ReadonlySet<string>;
}

/** True when `prune` names an entry taken over as it was. */
const takesOver = (prune: Prune | undefined): prune is Prune => !!prune && [...prune.adopted.values()].some((folder) => folder.adopted.size);

const pruner = (prune: Prune | undefined): ((file: string) => boolean) | undefined => {
  if (!takesOver(prune)) return undefined;
  const reused = new Set(prune.reused);
  return (file) => {
    const at = entryOf(file);
    return !!at && !reused.has(file) && !!prune.adopted.get(at[0])?.adopted.has(at[1]);
  };
};

/**
 * True when `file` still holds the page the manifest describes: the same size and modification time, or, when only the
 * time differs (an output folder restored from an archive, as CI's cache does: tar keeps the bytes but not always the
 * nanoseconds, nor change times or inodes), the same bytes by their recorded hash. Never trusted on the time alone
 * when it differs, never missed. Returns the file's size and modification time then, or undefined when it changed.
 */
function unchanged(file: string, [, size, mtime, hash]: PageManifest["pages"][string]): [number, string] | undefined {
  try {
    const stat = statSync(file, { bigint: true });
    if (!stat.isFile() || Number(stat.size) !== size) return undefined;
    const now = String(stat.mtimeNs);
    return now === mtime || (!!hash && hashBytes(readFileSync(file)) === hash) ? [size, now] : undefined;
  } catch {
    return undefined;
  }
}

const hashBytes = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * The manifest of `outputDir` after a build from `plan`: every planned page whose file exists there, and every file.
 * A planned page that was not written (a layout's permalink no longer matches `outputPaths`) is left out, so it is
 * rendered next time too, and so is the whole site.
 */
export function pageManifest(
  plan: Pick<PagePlan, "keys" | "site"> & Partial<Pick<PagePlan, "hashes" | "stats" | "recorded" | "outputChanges" | "written">>,
  outputDir: string,
  prune?: Prune,
  /** The manifest of the previous build in this folder: folders it recorded that did not change are not listed again. */
  previous?: PageManifest,
  /**
   * Output paths that are hard links to the files at the same paths in the previous output (the search index's
   * unchanged files, 25,000 at 100,000 papers): recorded with the size and modification time `previous` records for
   * those, rather than stat'ed, when the plan's worker found them as recorded during this build (`outputChanges`).
   * One changed after that is recorded with its old times: it differs from its record next time, which costs that
   * build work (a file is never trusted wrongly).
   */
  linked?: readonly string[],
): PageManifest {
  // Entries taken over from the previous output as they were, whose folders the plan's worker found as recorded:
  // their change times are the recorded ones (stat'ed before their files were), 100,000 stats fewer at 100,000 papers.
  const knownFolders = new Map<string, string>();
  const changedFolders = plan.outputChanges?.folders;
  for (const [top, { adopted }] of (changedFolders && previous?.folders && prune?.adopted) || []) {
    for (const name of adopted) {
      const folder = `${top}/${name}`;
      const ctime = previous!.folders![folder];
      if (ctime && ctime !== "racy" && !changedFolders!.has(folder)) knownFolders.set(folder, ctime);
    }
  }
  // Only records the plan's worker found true of the previous output (`outputChanges`) during this build.
  const linkedStats = new Map<string, [number, string]>();
  const changedFiles = plan.outputChanges?.files;
  for (const file of (changedFiles && previous?.files && linked) || []) {
    const recorded = previous!.files![file];
    if (recorded && !changedFiles!.has(file)) linkedStats.set(file, recorded);
  }
  const written = prune ? undefined : plan.written;
  const known =
    linkedStats.size || written || plan.recorded
      ? { get: (file: string) => plan.stats?.get(file) ?? recordedStats(plan.recorded, file) ?? linkedStats.get(file) ?? written?.files.get(file) }
      : plan.stats;
  const { files, folders } = outputStats(outputDir, { previous, drop: pruner(prune), known, knownFolders, described: written && describedFolders(plan.keys, written) });
  const pages: PageManifest["pages"] = {};
  let complete = true;
  for (const [file, key] of plan.keys) {
    const stat = files[file];
    // A reused page keeps its hash (its file is a link to the bytes it was checked against), a page hashed as it was
    // written that hash; any other is read and hashed.
    if (stat) pages[file] = [key, ...stat, plan.hashes?.get(file) ?? recordedHash(plan.recorded, file) ?? hashBytes(readFileSync(path.join(outputDir, file)))];
    else complete = false;
  }
  return { output: path.resolve(outputDir), pages, ...(complete ? { site: plan.site, files, folders } : {}) };
}

/**
 * The folders the writer of pages made and described (see WrittenOutput) that hold no page but the ones it wrote
 * there: a folder where a planned page written by anyone else lies (an Eleventy run's, a feed: a tag's folder holds
 * the tag's feeds) is walked. Only the paginated pages' writer describes its folders (renderSite), and the folders it
 * makes (a paper's, a day's, a week's, a tag's...) hold nothing but planned pages: the files that are not pages (the
 * search index beside the search page, assets, the site's own files) go into folders of their own, which that
 * writer never makes.
 */
function describedFolders(keys: ReadonlyMap<string, string>, written: WrittenOutput): WrittenOutput["folders"] {
  const described = new Map(written.folders);
  for (const file of keys.keys()) {
    if (written.files.has(file) && described.get(file.slice(0, file.lastIndexOf("/")))) continue;
    for (let slash = file.lastIndexOf("/"); slash > 0; slash = file.lastIndexOf("/", slash - 1)) described.delete(file.slice(0, slash));
  }
  return described;
}

/** Reads a manifest written by `writeManifest`; a missing or damaged one means nothing is reused. */
export function readManifest(file: string): PageManifest | undefined {
  return readManifestOnce(file).manifest;
}


/** Where a manifest read from its files came from (see src/cache/manifest-delta.ts), for `writeManifest`. */
const manifestSource = Symbol("manifest file and delta");
type ReadManifest = PageManifest & { [manifestSource]?: { base: string; delta?: ManifestDelta } };

/**
 * The identity of the manifest in `file` and its delta file (see src/cache/manifest-delta.ts) as `readManifestOnce`
 * gives it, from their stats; undefined when there is no manifest file.
 */
export function manifestIdentity(file: string): string | undefined {
  const base = statSync(file, { bigint: true, throwIfNoEntry: false });
  const delta = statSync(deltaFileOf(file), { bigint: true, throwIfNoEntry: false });
  return base && `${fileIdentity(base)}${delta ? ` + ${fileIdentity(delta)}` : ""}`;
}

/**
 * A manifest (see readManifest: the manifest file with its delta applied, when the delta is of that file) and the
 * identity of the very files it was read from (their stats through the same open files), so two threads can tell they
 * read the same one; no identity when there is no file.
 */
export function readManifestOnce(file: string): { manifest?: PageManifest; identity?: string } {
  return readManifestFiles(file, true) as { manifest?: PageManifest; identity?: string };
}

/**
 * As readManifestOnce, without the pages: what the output folder held (files, folders) and was built from, which is
 * all that checking the output needs (src/cache/output-check-worker.ts). The pages are three fifths of the manifest.
 */
export function readOutputRecord(file: string): { manifest?: Omit<PageManifest, "pages">; identity?: string } {
  return readManifestFiles(file, false);
}

/**
 * A manifest file holds one line of JSON per part (see manifestText), so a reader parses only the parts it needs;
 * a file of one line is a whole manifest written by earlier code.
 */
function readManifestFiles(file: string, withPages: boolean): { manifest?: Omit<PageManifest, "pages"> & Partial<Pick<PageManifest, "pages">>; identity?: string } {
  const read = readWithStat(file);
  if (!read) return {};
  const base = fileIdentity(read.stat);
  // No delta, or a damaged one: the manifest file is the manifest.
  const deltaRead = readWithStat(deltaFileOf(file));
  const identity = deltaRead ? `${base} + ${fileIdentity(deltaRead.stat)}` : base;
  const delta = deltaRead && parseManifestDelta(deltaRead.bytes.toString("utf8"));
  try {
    const manifest = parseManifestText(read.bytes, withPages) as ReadManifest | undefined;
    const valid = manifest && typeof manifest.output === "string" && (!withPages || (manifest.pages && typeof manifest.pages === "object"));
    if (!valid) return { identity };
    if (delta?.base === base) applyManifestDelta(manifest as unknown as Record<string, unknown>, delta);
    Object.defineProperty(manifest, manifestSource, { value: { base, delta: delta?.base === base ? delta : undefined } });
    return { manifest, identity };
  } catch {
    return { identity };
  }
}

/** The parts of a manifest file, one a line: JSON never holds a raw line break, so the lines are the parts. */
const manifestParts = ["files", "folders", "pages"] as const;

/**
 * The text of a manifest file: first a line with what it holds besides its sections (`output`, `site`, `inputs`),
 * then one line per section, in the order of manifestParts (`null` for one it lacks), the pages last.
 */
function manifestText(manifest: PageManifest): string {
  const { files, folders, pages, ...rest } = manifest;
  const parts = { files, folders, pages };
  return [JSON.stringify(rest), ...manifestParts.map((part) => JSON.stringify(parts[part] ?? null))].join("\n");
}

/** The manifest in a file's bytes (see manifestText), with or without its pages; throws on a damaged one. */
function parseManifestText(bytes: Buffer, withPages: boolean): (Omit<PageManifest, "pages"> & Partial<Pick<PageManifest, "pages">>) | undefined {
  const ends: number[] = [];
  for (let at = bytes.indexOf(10); at !== -1 && ends.length < manifestParts.length; at = bytes.indexOf(10, at + 1)) ends.push(at);
  // One line: a manifest written whole, as JSON, by earlier code.
  if (!ends.length) {
    const whole = JSON.parse(bytes.toString("utf8")) as Partial<PageManifest>;
    if (!withPages && whole && typeof whole === "object") delete whole.pages;
    return whole as PageManifest;
  }
  if (ends.length !== manifestParts.length) return undefined;
  const manifest = JSON.parse(bytes.toString("utf8", 0, ends[0])) as Record<string, unknown>;
  manifestParts.forEach((part, i) => {
    if (part === "pages" && !withPages) return;
    const value = JSON.parse(bytes.toString("utf8", ends[i]! + 1, ends[i + 1] ?? bytes.length)) as unknown;
    if (value !== null) manifest[part] = value;
  });
  return manifest as unknown as PageManifest;
}

/** Writes `data` to `file` atomically (beside, then renamed), so a killed build never leaves half of one. */
function replaceFile(file: string, data: string): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}

/**
 * Writes the manifest atomically. Given `previous`, the manifest read (by readManifestOnce) from this file, only what
 * changed since is written, to the delta file (see src/cache/manifest-delta.ts), while it stays under an eighth of the
 * manifest file's bytes; else the manifest file is written whole and its delta deleted.
 */
export function writeManifest(
  file: string,
  manifest: PageManifest,
  previous?: PageManifest,
  /**
   * Given when `manifest` is `previous` patched in place (src/cache/manifest-update.ts): the entries changed, which
   * alone make the delta.
   */
  changes?: ManifestChanges,
): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const source = (previous as ReadManifest | undefined)?.[manifestSource];
  const now = statSync(file, { bigint: true, throwIfNoEntry: false });
  if (previous && source && now && fileIdentity(now) === source.base) {
    const next = manifest as unknown as Record<string, unknown>;
    const delta = changes ? deltaOfChanges(source.base, next, changes, source.delta) : manifestDelta(source.base, previous, next, source.delta);
    // An eighth of the manifest file's bytes: counting the entries of the manifest (340,000 at 100,000 papers) took a
    // tenth of a second, for a ratio the bytes give as well (an entry of the delta is one of the manifest).
    const text = delta && JSON.stringify(delta);
    if (text && text.length * 8 < Number(now.size)) return replaceFile(deltaFileOf(file), text);
  }
  replaceFile(file, manifestText(manifest));
  rmSync(deltaFileOf(file), { force: true });
}

/** Page reuse for one site: plans against the manifest of the output folder, then records the folder's new pages. */
export interface PageReuse {
  /**
   * The plan for this digest against the pages now in the output folder; `rerender` pages are rendered whatever the
   * manifest records for them. `checked`: the files and folders of the output folder that a worker thread found not as
   * the manifest with that identity records them (src/cache/output-check.ts); used only when the manifest is that one.
   */
  plan(
    digest: Digest,
    rerender?: ReadonlySet<string>,
    checked?: { identity: string; changes: OutputChanges },
    /** Feeds to key and reuse as pages are (see planPages' `feeds`). */
    feeds?: readonly { file: string; inputs: unknown }[],
  ): PagePlan;
  /**
   * After the pages are in the output folder: records them, so the next build can reuse them. `complete` false (a dev
   * server, whose output lacks the copied assets) records the pages only, never the whole folder as up to date.
   * `contentKey` (src/pipeline.ts) is recorded with a complete build, for `unchanged`. `prune`: files to delete from
   * entries taken over from the previous output (see Prune). `linked`: output paths hard-linked from the previous
   * output (see pageManifest).
   */
  commit(plan: PagePlan, complete?: boolean, contentKey?: string, prune?: Prune, linked?: readonly string[]): void;
  /**
   * True when the last complete build was made from this content key with the running code, layouts and site
   * configuration, and the output folder still holds exactly the files it wrote (size and modification time): then
   * the build has nothing to do, and needs neither the papers nor the digest to know it. `checked`: the manifest and
   * the output as a worker thread checked them (src/cache/output-check.ts), instead of reading and stat-ing here.
   */
  unchanged(contentKey: string, checked?: OutputCheck): boolean | Promise<boolean>;
  /** The manifest's file in the cache folder (see src/cache/manifest-files.ts). */
  readonly manifestFile: string;
}

/**
 * Page reuse for the site at `root` writing to `outputDir`, with its manifest in `cacheDir`. `paperKey` gives a
 * paper's content key (src/cache/papers.ts); a paper without one makes every page that shows it render.
 */
export function pageReuse(options: {
  root: string;
  site: object;
  outputDir: string;
  cacheDir: string;
  paperKey: (paper: RenderedPaper) => string | undefined;
}): PageReuse {
  const manifestFile = pageManifestFile(options.cacheDir, options.outputDir);
  adoptLegacyManifest(options.cacheDir, options.outputDir, manifestFile);
  // The manifest last read (by `unchanged` or `plan`), for `commit`, and the stat of its file then: `plan` after
  // `unchanged` does not parse it again (30 MB at 100,000 papers) when the file is still the same.
  let previous: PageManifest | undefined;
  let previousStat: string | undefined;
  const read = (): PageManifest | undefined => {
    const now = manifestIdentity(manifestFile);
    if (!now || now !== previousStat || !previous) ({ manifest: previous, identity: previousStat } = readManifestOnce(manifestFile));
    return previous;
  };
  const inputsOf = (contentKey: string) =>
    createHash("sha256").update(contentKey).update("\0").update(siteCodeFingerprint(options.root, options.site)).digest("hex");
  return {
    manifestFile,
    unchanged(contentKey, checked) {
      const manifest = checked ? checked.manifest : read();
      if (!manifest?.site || manifest.inputs !== inputsOf(contentKey) || path.resolve(manifest.output) !== path.resolve(options.outputDir)) return false;
      return checked ? checked.same : sameOutput(options.outputDir, manifest as PageManifest);
    },
    plan: (digest, rerender, checked, feeds) => {
      const manifest = read();
      return planPages(digest, {
        rerender,
        code: siteCodeFingerprint(options.root, options.site),
        paperKey: options.paperKey,
        globals: layoutsReadGlobals(path.join(options.root, "layouts")),
        manifest,
        previousDir: options.outputDir,
        outputChanges: checked && manifest && checked.identity === previousStat ? checked.changes : undefined,
        feeds,
      });
    },
    commit: (plan, complete = true, contentKey, prune, linked) => {
      // Folders the previous manifest recorded are trusted only for the output folder it described.
      const before = previous && path.resolve(previous.output) === path.resolve(options.outputDir) ? previous : undefined;
      const outputChanges = plan.outputChanges;
      if (complete && before?.files && before.folders && outputChanges && takesOver(prune)) {
        // The output took over most of the previous one: its manifest is the previous one patched (manifest-update.ts).
        // Patched in place: no longer the manifest of any file, whatever happens next.
        const patched = before as PageManifest & Required<Pick<PageManifest, "files" | "folders">>;
        previous = previousStat = undefined;
        const { complete: all, changes } = patchManifest(patched, options.outputDir, { ...plan, outputChanges }, { adopted: prune.adopted, drop: pruner(prune), linked });
        if (all && contentKey) patched.inputs = inputsOf(contentKey);
        else delete patched.inputs;
        writeManifest(manifestFile, all ? patched : { output: patched.output, pages: patched.pages }, patched, all ? changes : undefined);
        pruneManifests(options.cacheDir, manifestFile);
        return;
      }
      const manifest = pageManifest(plan, options.outputDir, prune, before, linked);
      const inputs = complete && contentKey && manifest.site ? { inputs: inputsOf(contentKey) } : {};
      writeManifest(manifestFile, complete ? { ...manifest, ...inputs } : { output: manifest.output, pages: manifest.pages }, previous);
      previous = previousStat = undefined;
      pruneManifests(options.cacheDir, manifestFile);
    },
  };
}

/**
 * A cache folder of earlier code has one manifest, `pages.json`, for whichever output folder was built last: when it
 * describes `outputDir` and that folder has no manifest of its own yet, it becomes that folder's (written whole, its
 * delta applied), so the first build after an update still reuses every page. A manifest of another folder is left
 * for that folder's next build, or deleted with its folder (pruneManifests).
 */
function adoptLegacyManifest(cacheDir: string, outputDir: string, manifestFile: string): void {
  const legacy = legacyManifestFile(cacheDir);
  const output = manifestOutput(legacy);
  if (output === undefined || existsSync(manifestFile)) return;
  if (path.resolve(output) !== path.resolve(outputDir)) return;
  const { manifest } = readManifestOnce(legacy);
  if (manifest) writeManifest(manifestFile, { ...manifest });
  rmSync(legacy, { force: true });
  rmSync(deltaFileOf(legacy), { force: true });
}

/**
 * Splits a selection into parts of at most about `budget` papers shown (a paper page shows one, a day page all of its
 * abstracts, and so do tag and organization pages; week and month pages show cards without abstracts, counted as a
 * tenth), so each Eleventy run holds a bounded amount
 * of rendered HTML: Eleventy keeps every page it wrote in memory until its run ends. Always at least one part; all
 * but the first are full.
 */
export function splitSelection(selection: PageSelection, budget: number): PageSelection[] {
  const weights: { [K in Kind]: (item: PageSelection[K][number]) => number } = {
    papers: () => 1,
    days: (day) => day.papers.length,
    weeks: (week) => Math.ceil(week.count / 10),
    months: (month) => Math.ceil(month.count / 10),
    // Tag and organization pages show abstracts (folded), as day pages do.
    tags: (group) => group.papers.length,
    organizations: (group) => group.papers.length,
  };
  const empty = (): PageSelection => ({ papers: [], days: [], weeks: [], months: [], tags: [], organizations: [] });
  const parts = [empty()];
  let used = 0;
  for (const kind of Object.keys(weights) as Kind[]) {
    const weigh = weights[kind] as (item: unknown) => number;
    for (const item of selection[kind]) {
      const weight = weigh(item);
      if (used > 0 && used + weight > budget) {
        parts.push(empty());
        used = 0;
      }
      (parts.at(-1)![kind] as unknown[]).push(item);
      used += weight;
    }
  }
  // The remainder first: the last part is a full one, and the search index is built alongside the last run.
  return parts.reverse();
}
