import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { checkMacroTable } from "./markdown/macros.ts";

/** The one typed site configuration: every link, feed and page reads it from here. */
export interface SiteConfig {
  /** Site title, shown in the header and feeds. Default "Paper Digest". */
  title: string;
  /** One-line description for feeds and the home page. */
  description: string;
  /** Absolute base URL of the deployed site, without the path prefix. Default "http://localhost:8080". */
  url: string;
  /** Path the site is served under, starting and ending with "/". Default "/". */
  pathPrefix: string;
  /** BCP 47 language of the site. Default "en". */
  language: string;
  /** Author names shown on a card before the list is shortened. Default 8. */
  authorsShown: number;
  /**
   * Most items in a paper feed. Default 400. It bounds the feed's size (about 3 KB an item), and it cuts the window
   * short of `feedDays` when days are busy: 45 papers a day x 7 days = 315 items, so 400 covers a week up to 57 a day.
   */
  feedItems: number;
  /** Most days covered by feeds (newest first): the window a subscriber who polls weekly needs. Default 7. */
  feedDays: number;
  /**
   * Most items in a tag's or an organization's feed (within `feedDays` too). Default 10, WordPress's default for its
   * feeds ("Syndication feeds show the most recent 10 items"): a site has a feed per tag, and a reader polling one
   * weekly still gets every paper of a tag with up to 10 a week; the tag's page lists them all.
   */
  tagFeedItems: number;
  /** Papers on one page of a tag's list (`/tags/<tag>/`, then `/tags/<tag>/page/2/`...). Default 100. */
  tagPageSize: number;
  /** Folder holding the paper files, relative to the project root. Default "content/papers". */
  contentDir: string;
  /** Folder the site is written to. Default "dist". */
  outputDir: string;
  /** Folder for the build cache (typeset papers from earlier builds); safe to delete at any time. Default ".cache". */
  cacheDir: string;
  /**
   * TeX macros for every paper, by name: `{ "\\R": "\\mathbb{R}" }`. They come on top of the built-in set and under
   * a paper's own `macros:` (see docs/math.md). Default none.
   */
  macros: Record<string, string>;
}

export const defaultSiteConfig: SiteConfig = {
  title: "Paper Digest",
  description: "Daily digest of research papers.",
  url: "http://localhost:8080",
  pathPrefix: "/",
  language: "en",
  authorsShown: 8,
  feedItems: 400,
  feedDays: 7,
  tagFeedItems: 10,
  tagPageSize: 100,
  contentDir: "content/papers",
  outputDir: "dist",
  cacheDir: ".cache",
  macros: {},
};

/** A wrong site configuration: commands print its message alone, on one line, and exit 1. */
export class SiteConfigError extends Error {}

/** Environment variables that override the config file, for deploys and benchmarks. */
const envOverrides: Record<string, keyof SiteConfig> = {
  SITE_URL: "url",
  SITE_PATH_PREFIX: "pathPrefix",
  SITE_CONTENT_DIR: "contentDir",
  SITE_OUTPUT_DIR: "outputDir",
  SITE_CACHE_DIR: "cacheDir",
  SITE_TITLE: "title",
};

const controlNames: Record<number, string> = { 0x09: "a tab", 0x0a: "a line feed (LF)", 0x0d: "a carriage return (CR)", 0x7f: "DEL" };

/**
 * Why `value` cannot be one line of text (a title, a mail header value), or undefined: it holds a C0 or C1 control
 * character (CR and LF included), DEL, or a Unicode line or paragraph separator.
 */
export function controlCharacterProblem(value: string): string | undefined {
  const match = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.exec(value);
  if (!match) return undefined;
  const code = match[0].codePointAt(0)!;
  const name = controlNames[code] ?? `the control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `contains ${name} at character ${match.index + 1}; it must be one line of printable text`;
}

/** Fills defaults, applies overrides and normalises URL and prefix; throws with a readable message when a value is wrong. */
export function resolveSiteConfig(input: Partial<Record<keyof SiteConfig, unknown>> = {}): SiteConfig {
  const config = { ...defaultSiteConfig } as Record<keyof SiteConfig, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (!(key in defaultSiteConfig)) {
      throw new SiteConfigError(`site config: unknown key "${key}" (known: ${Object.keys(defaultSiteConfig).join(", ")})`);
    }
    if (value !== undefined) config[key as keyof SiteConfig] = value;
  }
  for (const [key, def] of Object.entries(defaultSiteConfig)) {
    const value = config[key as keyof SiteConfig];
    if (typeof value !== typeof def) {
      throw new SiteConfigError(`site config: "${key}" must be a ${typeof def}, got ${JSON.stringify(value)}`);
    }
  }
  const c = config as unknown as SiteConfig;
  // The title and description reach mail headers (the digest's subject, List-Id) and feed titles; the folders reach
  // every command's messages (and no real folder's name holds a line break).
  for (const key of ["title", "description", "language", "contentDir", "outputDir", "cacheDir"] as const) {
    const problem = controlCharacterProblem(c[key]);
    if (problem) throw new SiteConfigError(`site config: "${key}" ${problem}`);
  }
  let url: URL;
  try {
    url = new URL(c.url);
  } catch {
    throw new SiteConfigError(`site config: "url" must be an absolute http(s) URL, got ${JSON.stringify(c.url)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SiteConfigError(`site config: "url" must be an absolute http(s) URL, got ${JSON.stringify(c.url)}`);
  }
  c.pathPrefix = `/${c.pathPrefix.replace(/^\/+|\/+$/g, "")}/`.replace("//", "/");
  // A path in the URL is the path prefix said another way; keep it in one place so links never carry it twice.
  const urlPath = `${url.pathname.replace(/\/+$/, "")}/`;
  if (urlPath !== "/") {
    if (c.pathPrefix !== "/" && c.pathPrefix !== urlPath) {
      throw new SiteConfigError(`site config: "url" has the path ${urlPath} but "pathPrefix" is ${c.pathPrefix}; give the path in one of them`);
    }
    c.pathPrefix = urlPath;
  }
  c.url = url.origin;
  const macros = checkMacroTable(c.macros);
  if (macros.errors.length) {
    throw new SiteConfigError(`site config: "macros": ${macros.errors.map(([key, message]) => (key ? `${key}: ${message}` : message)).join("; ")}`);
  }
  c.macros = macros.macros;
  for (const key of ["authorsShown", "feedItems", "feedDays", "tagFeedItems", "tagPageSize"] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1) throw new SiteConfigError(`site config: "${key}" must be a whole number >= 1`);
  }
  return c;
}

/** The site configuration's file: `content/site.json` under `root`, or the file named by SITE_CONFIG. */
export const siteConfigFile = (root: string, env: NodeJS.ProcessEnv = process.env): string =>
  env.SITE_CONFIG ? path.resolve(root, env.SITE_CONFIG) : path.join(root, "content", "site.json");

/** Reads `content/site.json` under `root` (or the file named by SITE_CONFIG), then environment overrides. */
export function loadSiteConfig(root: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): SiteConfig {
  const file = siteConfigFile(root, env);
  let fromFile: Record<string, unknown> = {};
  try {
    fromFile = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new SiteConfigError(`${path.relative(root, file)}: ${(error as Error).message}`);
    }
  }
  for (const [name, key] of Object.entries(envOverrides)) {
    if (env[name]) fromFile[key] = env[name];
  }
  const config = resolveSiteConfig(fromFile);
  // Every command that typesets writes the build cache: a file there failed them with a stack trace (ENOTDIR, EEXIST).
  if (statSync(path.resolve(root, config.cacheDir), { throwIfNoEntry: false })?.isDirectory() === false) {
    throw new SiteConfigError(`site config: "cacheDir" is "${config.cacheDir}", a file, not a folder: the build cache needs a folder of its own, such as ".cache"`);
  }
  return config;
}

/** Site-relative path with the path prefix: `sitePath(c, "/date/2026-02-16/")`. */
export function sitePath(config: Pick<SiteConfig, "pathPrefix">, target: string): string {
  return config.pathPrefix + target.replace(/^\/+/, "");
}

/** Absolute URL of a site path, for feeds and canonical links. */
export function absoluteUrl(config: Pick<SiteConfig, "url" | "pathPrefix">, target: string): string {
  return config.url + sitePath(config, target);
}
