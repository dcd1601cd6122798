import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cacheFolder, entryId, esbuildVersion, projectRoot, recordFile, recordVersion, sha256, upToDateBundle, type BundleRecord } from "./bundle-cache.mjs";

export { upToDateBundle };

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

const checked = new Map<string, string | undefined>();
const compiling = new Set<string>();

/** Compiled files of an entry older than this, no longer the current one, are deleted (a process may still start one). */
const keepOld = 60 * 60 * 1000;
/** Any compiled file or record not written for this long is deleted when another entry is compiled. */
const keepUnused = 7 * 24 * 60 * 60 * 1000;

/**
 * Compiles `entry` (a file path) and its imports into ES modules, records them and returns the compiled entry's path
 * (undefined without esbuild); rejects when it does not compile. Each module keeps its own `import.meta.url`
 * (replaced by its source file's URL): code that finds files beside it, or fingerprints itself (src/search/index.ts),
 * behaves as it does unbundled. Files are written under a temporary name and renamed, so processes compiling at once
 * never see half a file.
 *
 * A worker's entry (the default) becomes one file with its packages inside. A command's entry (`packages:
 * "external"`, for scripts/launch.mjs) leaves packages to be imported from node_modules as they are, and keeps each
 * dynamic `import()` of the project's own modules a file of its own (a folder of chunks), so what a command loads only
 * when it needs it (Eleventy, for a build that writes) is still loaded only then.
 */
export async function compileBundle(entry: string, options: { packages?: "external" } = {}): Promise<string | undefined> {
  const esbuild = (await import("esbuild")) as typeof import("esbuild");
  const version = esbuildVersion();
  if (!version) return undefined;
  const packagesDir = path.join(projectRoot, "node_modules") + path.sep;
  const sourceUrls: import("esbuild").Plugin = {
    name: "source-urls",
    setup(build) {
      // esbuild's define replaces the expression in code only, never inside a string or comment. TypeScript, and the
      // project's own JavaScript modules (src/workers/bundle-cache.mjs finds the project from its own URL); a
      // package's JavaScript is left as esbuild reads it.
      build.onLoad({ filter: /\.([cm]?ts|mjs)$/ }, async (args) =>
        args.path.startsWith(packagesDir) && !args.path.endsWith("ts")
          ? undefined
          : {
              contents: (
                await esbuild.transform(readFileSync(args.path, "utf8"), {
                  loader: args.path.endsWith("ts") ? "ts" : "js",
                  format: "esm",
                  sourcefile: args.path,
                  define: { "import.meta.url": JSON.stringify(pathToFileURL(args.path).href) },
                })
              ).code,
              loader: "js",
            },
      );
    },
  };
  const command = options.packages === "external";
  const dir = cacheFolder();
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    target: "node20",
    ...(command
      ? { packages: "external" as const, splitting: true, outdir: path.join(dir, "out"), entryNames: "[name]", chunkNames: "chunk-[hash]", outExtension: { ".js": ".mjs" } }
      : // Only the thread that starts workers compiles them; tsx is named, not imported, by src/workers/typescript-worker.ts.
        { outfile: path.join(dir, "entry.mjs"), external: ["esbuild", "tsx"] }),
    // CommonJS packages (KaTeX, gray-matter) call require for Node's own modules.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    plugins: [sourceUrls],
    absWorkingDir: projectRoot,
    logLevel: "silent",
  });
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const file = path.resolve(projectRoot, input);
    inputs[file] = sha256(readFileSync(file));
  }
  const temp = `.${process.pid}-${Math.random().toString(36).slice(2)}`;
  let output: string;
  if (command) {
    const files = result.outputFiles.map((file) => ({ name: path.relative(path.join(dir, "out"), file.path), contents: file.contents }));
    const folder = `${entryId(entry)}-${sha256(files.map((file) => `${file.name}\0${sha256(file.contents)}`).join("\n")).slice(0, 16)}`;
    output = path.join(folder, `${path.basename(entry).replace(/\.[cm]?[jt]s$/, "")}.mjs`);
    if (!existsSync(path.join(dir, folder))) {
      mkdirSync(path.join(dir, folder + temp));
      for (const file of files) writeFileSync(path.join(dir, folder + temp, file.name), file.contents);
      try {
        renameSync(path.join(dir, folder + temp), path.join(dir, folder));
      } catch {
        // Another process compiled the same code first: its folder has the same files.
        rmSync(path.join(dir, folder + temp), { recursive: true, force: true });
      }
    }
  } else {
    const code = result.outputFiles[0]!.contents;
    output = `${entryId(entry)}-${sha256(code).slice(0, 16)}.mjs`;
    writeFileSync(path.join(dir, output + temp), code);
    renameSync(path.join(dir, output + temp), path.join(dir, output));
  }
  const record: BundleRecord = { version: recordVersion, esbuild: version, inputs, output };
  writeFileSync(recordFile(entry) + temp, JSON.stringify(record));
  renameSync(recordFile(entry) + temp, recordFile(entry));
  // This entry's older files, and any file not written for a week (an entry that moved or was deleted: a copy of the
  // project, a test's); a process that still wanted one finds it gone and looks again (see workerBundle).
  const prefix = `${entryId(entry)}-`;
  const current = output.split(path.sep)[0];
  for (const file of readdirSync(dir)) {
    if (file === current || file === path.basename(recordFile(entry))) continue;
    const stat = statSync(path.join(dir, file), { throwIfNoEntry: false });
    const age = stat ? Date.now() - stat.mtimeMs : 0;
    if ((file.startsWith(prefix) && age > keepOld) || age > keepUnused) rmSync(path.join(dir, file), { recursive: true, force: true });
  }
  return path.join(dir, output);
}

/** Compiles a command's entry (scripts/<command>.ts) as scripts/launch.mjs runs it: see compileBundle. */
export const compileCommand = (entry: string) => compileBundle(entry, { packages: "external" });

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
