import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (where package.json, layouts/ and .eleventy.ts live). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The 4,000 real arXiv abstracts of shared/ beside the repository, when it is there (it is for the developers and CI);
 * from a git worktree under wt/, shared/ is one folder further up.
 */
export const realAbstracts: string | undefined = ["..", "../.."].map((up) => path.resolve(repoRoot, up, "shared/data/real-abstracts/dev.jsonl")).find(existsSync);

/** Options for a paper file written by `paper()`; every field is written as given (strings are YAML source). */
export interface PaperFields {
  title?: string;
  date?: string;
  arxiv?: string;
  authors?: string[];
  [key: string]: unknown;
}

/** A paper file's text: front matter from `fields` (as YAML via JSON, which YAML accepts) and a body. */
export function paper(fields: PaperFields, body = "An abstract."): string {
  const defaults = { title: "A paper", date: "2026-02-16", authors: ["Ada Lovelace"] };
  const all: Record<string, unknown> = { ...defaults, ...fields };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `---\n${lines.join("\n")}\n---\n${body}\n`;
}

/** Result of running one of the project's commands. */
export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A throw-away site folder: `content/papers/...` files, a site.json and an output folder, all under a temp dir. */
export interface FixtureSite {
  dir: string;
  contentDir: string;
  outputDir: string;
  /** Environment variables that point the project's scripts at this site (config, content, output, cache). */
  env: Record<string, string>;
  /** Writes (or overwrites) a file under content/papers/. */
  write(relPath: string, text: string): void;
  remove(relPath: string): void;
  /** Runs `npm run build` logic for this site (a real subprocess), with extra environment variables. */
  build(env?: Record<string, string>): RunResult;
  /** Runs `npm run check` logic for this site. */
  check(env?: Record<string, string>): RunResult;
  /** Runs any script under scripts/ for this site. */
  run(script: string, args?: string[], env?: Record<string, string>): RunResult;
  /** Starts a script under scripts/ for this site without blocking this thread (to run two at once, or serve it). */
  start(script: string, args?: string[], env?: Record<string, string>): Promise<RunResult>;
  /**
   * Runs `code` (an ES module body; `await import(...)` the project's modules by absolute path) in a subprocess with
   * tsx, the repository as working directory and this site's environment: to call src/ functions on this site.
   */
  evalModule(code: string, timeout?: number): RunResult;
  /** Reads a built file, e.g. `date/2026-02-16/index.html`. */
  read(relPath: string): string;
  exists(relPath: string): boolean;
  /** Every file under the output folder, relative, sorted. */
  files(): string[];
  cleanup(): void;
}

/** Creates a fixture site with the given paper files (`{"2026-02-16/a.md": paper({...})}`) and site settings. */
export function fixtureSite(papers: Record<string, string>, site: Record<string, unknown> = {}): FixtureSite {
  const dir = mkdtempSync(path.join(tmpdir(), "digest-site-"));
  const contentDir = path.join(dir, "content", "papers");
  const outputDir = path.join(dir, "dist");
  mkdirSync(contentDir, { recursive: true });
  writeFileSync(
    path.join(dir, "content", "site.json"),
    JSON.stringify({ title: "Test Digest", url: "https://digest.example.org", ...site }, null, 2),
  );
  const write = (relPath: string, text: string) => {
    const file = path.join(contentDir, relPath);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  for (const [relPath, text] of Object.entries(papers)) write(relPath, text);
  const siteEnv = {
    SITE_CONFIG: path.join(dir, "content", "site.json"),
    SITE_CONTENT_DIR: contentDir,
    SITE_OUTPUT_DIR: outputDir,
    // Each fixture is a project of its own, with its own build cache.
    SITE_CACHE_DIR: path.join(dir, ".cache"),
  };
  const command = (script: string, args: string[]) => [process.execPath, ["--import", "tsx", path.join(repoRoot, "scripts", script), ...args]] as const;
  const run = (script: string, args: string[] = [], env: Record<string, string> = {}): RunResult => {
    const [bin, argv] = command(script, args);
    const result = spawnSync(bin, argv, { cwd: repoRoot, encoding: "utf8", env: { ...process.env, ...siteEnv, ...env }, timeout: 300_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const start = (script: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const [bin, argv] = command(script, args);
      const child = spawn(bin, argv, { cwd: repoRoot, env: { ...process.env, ...siteEnv, ...env }, timeout: 300_000 });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  const files = (): string[] => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, e.name);
        if (e.isDirectory()) walk(full);
        else out.push(path.relative(outputDir, full).split(path.sep).join("/"));
      }
    };
    if (existsSync(outputDir)) walk(outputDir);
    return out.sort();
  };
  return {
    dir,
    contentDir,
    outputDir,
    env: siteEnv,
    write,
    remove: (relPath) => rmSync(path.join(contentDir, relPath), { force: true }),
    build: (env) => run("build.ts", [], env),
    check: (env) => run("check.ts", [], env),
    run,
    start,
    evalModule: (code, timeout = 120_000) => {
      const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
        cwd: repoRoot, encoding: "utf8", env: { ...process.env, ...siteEnv }, timeout,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    read: (relPath) => readFileSync(path.join(outputDir, relPath), "utf8"),
    exists: (relPath) => existsSync(path.join(outputDir, relPath)),
    files,
    cleanup: () => removeFolder(dir),
  };
}

/**
 * Removes a fixture folder. A build's previous output may still be being deleted by its background process
 * (src/output/atomic.ts); two processes deleting one tree can trip over each other's deletions, so try again.
 */
function removeFolder(dir: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch (error) {
      if (attempt === 10) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

/** The example papers of content/papers, as `fixtureSite` takes them (path under content/papers -> text). */
export function examplePapers(): Record<string, string> {
  const files: Record<string, string> = {};
  const root = path.join(repoRoot, "content", "papers");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".md")) files[path.relative(root, full)] = readFileSync(full, "utf8");
    }
  };
  walk(root);
  return files;
}
