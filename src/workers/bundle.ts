import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Worker entries compiled once into one JavaScript file each, so a worker thread starts from plain JavaScript instead
 * of loading every module through tsx. Under tsx a typesetting worker takes 0.6 s and 0.95 s of CPU to be ready (its
 * own hooks thread transpiles and resolves some 200 modules one message at a time); from its compiled file, 0.2 to
 * 0.3 s and 0.3 s of CPU. A build starts four such threads, and the search worker is what a build that adds one paper waits for.
 *
 * The compiled file is kept in `node_modules/.cache/paper-digest-workers/` (else the system's temporary folder) with a
 * record of every file it was compiled from and the hash of its bytes: it is used only while each of those files
 * still has those bytes and esbuild is the same version, so an edit to any module, or an upgrade of a package, is
 * never missed. It is a cache of the code, not of any site: a cold build (no `.cache/`, no output) uses it as it uses
 * tsx's own cache of transpiled files. When there is none, or it is out of date, the worker starts under tsx as it
 * always did, and the file is compiled meanwhile (esbuild, on its own process) for the next thread or build.
 */

/** What a compiled file was made from (the record beside it). */
interface BundleRecord {
  version: 1;
  esbuild: string;
  /** Absolute path of each input -> sha256 of its bytes. */
  inputs: Record<string, string>;
  /** File name of the compiled entry, in the same folder. */
  output: string;
}

const recordVersion = 1;
/** Compiled files of an entry older than this, no longer the current one, are deleted (a process may still start one). */
const keepOld = 60 * 60 * 1000;
/** Any compiled file or record not written for this long is deleted when another entry is compiled. */
const keepUnused = 7 * 24 * 60 * 60 * 1000;
const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const checked = new Map<string, string | undefined>();
const compiling = new Set<string>();
let folder: string | undefined;

function cacheFolder(): string {
  if (folder) return folder;
  for (const candidate of [path.join(projectRoot, "node_modules", ".cache", "paper-digest-workers"), path.join(os.tmpdir(), `paper-digest-workers-${os.userInfo().uid}`)]) {
    try {
      mkdirSync(candidate, { recursive: true });
      return (folder = candidate);
    } catch {
      // Not writable (a read-only install): the next candidate.
    }
  }
  throw new Error("no folder to keep compiled workers in");
}

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");
/** What an entry's files are named by (its record, `<id>.json`; its compiled files, `<id>-<hash of the code>.mjs`). */
const entryId = (entry: string) => sha256(entry).slice(0, 16);
const recordFile = (entry: string) => path.join(cacheFolder(), `${entryId(entry)}.json`);

function esbuildVersion(): string | undefined {
  try {
    return (createRequire(import.meta.url)("esbuild/package.json") as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** The compiled file recorded for `entry` (a file path), when every input still has the bytes it was compiled from. */
export function upToDateBundle(entry: string): string | undefined {
  let record: BundleRecord;
  try {
    record = JSON.parse(readFileSync(recordFile(entry), "utf8")) as BundleRecord;
  } catch {
    return undefined;
  }
  if (record.version !== recordVersion || record.esbuild !== esbuildVersion()) return undefined;
  for (const [file, hash] of Object.entries(record.inputs)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return undefined;
    }
    if (sha256(bytes) !== hash) return undefined;
  }
  const output = path.join(cacheFolder(), record.output);
  return statSync(output, { throwIfNoEntry: false })?.isFile() ? output : undefined;
}

/**
 * Compiles `entry` (a file path) and its imports (packages included) into one ES module, records it and returns its
 * path (undefined without esbuild); rejects when it does not compile. Each module
 * keeps its own `import.meta.url` (replaced by its source file's URL): code that finds files beside it, or fingerprints
 * itself (src/search/index.ts), behaves as it does unbundled. Files are written under a temporary name and renamed,
 * so processes compiling at once never see half a file.
 */
export async function compileBundle(entry: string): Promise<string | undefined> {
  const esbuild = (await import("esbuild")) as typeof import("esbuild");
  const version = esbuildVersion();
  if (!version) return undefined;
  const sourceUrls: import("esbuild").Plugin = {
    name: "source-urls",
    setup(build) {
      // esbuild's define replaces the expression in code only, never inside a string or comment.
      build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => ({
        contents: (
          await esbuild.transform(readFileSync(args.path, "utf8"), {
            loader: "ts",
            format: "esm",
            sourcefile: args.path,
            define: { "import.meta.url": JSON.stringify(pathToFileURL(args.path).href) },
          })
        ).code,
        loader: "js",
      }));
    },
  };
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: path.join(cacheFolder(), "entry.mjs"),
    // Only the thread that starts workers compiles them; tsx is named, not imported, by src/workers/typescript-worker.ts.
    external: ["esbuild", "tsx"],
    // CommonJS packages (KaTeX, gray-matter) call require for Node's own modules.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    plugins: [sourceUrls],
    absWorkingDir: projectRoot,
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = path.resolve(projectRoot, input);
    inputs[file] = sha256(readFileSync(file));
  }
  const output = `${entryId(entry)}-${sha256(code).slice(0, 16)}.mjs`;
  const dir = cacheFolder();
  const temp = `.${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(path.join(dir, output + temp), code);
  renameSync(path.join(dir, output + temp), path.join(dir, output));
  const record: BundleRecord = { version: recordVersion, esbuild: version, inputs, output };
  writeFileSync(recordFile(entry) + temp, JSON.stringify(record));
  renameSync(recordFile(entry) + temp, recordFile(entry));
  // This entry's older files, and any file not written for a week (an entry that moved or was deleted: a copy of the
  // project, a test's); a process that still wanted one finds it gone and looks again (see workerBundle).
  const prefix = `${entryId(entry)}-`;
  for (const file of readdirSync(dir)) {
    if (file === output || file === path.basename(recordFile(entry))) continue;
    const stat = statSync(path.join(dir, file), { throwIfNoEntry: false });
    const age = stat ? Date.now() - stat.mtimeMs : 0;
    if ((file.startsWith(prefix) && age > keepOld) || age > keepUnused) rmSync(path.join(dir, file), { force: true });
  }
  return path.join(dir, output);
}

/**
 * The compiled file of the worker entry `entry` (a TypeScript module's URL), when one is up to date; otherwise
 * undefined, and one is compiled in the background (once per entry and process) for the threads started after it.
 * Set `DIGEST_WORKER_BUNDLES=0` to always start workers under tsx.
 */
export function workerBundle(entry: URL): string | undefined {
  if (process.env.DIGEST_WORKER_BUNDLES === "0") return undefined;
  const file = fileURLToPath(entry);
  // Checked once per process, unless the file has gone since (another process pruned it): then checked again.
  const known = checked.get(file);
  if (known && existsSync(known)) return known;
  if (!known && checked.has(file)) return undefined;
  let bundle: string | undefined;
  try {
    bundle = upToDateBundle(file);
  } catch {
    bundle = undefined;
  }
  checked.set(file, bundle);
  if (!bundle && !compiling.has(file)) {
    compiling.add(file);
    // Threads this process starts later use it too (a build starts the page writer after the typesetting workers).
    compileBundle(file).then((output) => output && checked.set(file, output), () => {});
  }
  return bundle;
}
