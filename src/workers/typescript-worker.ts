import { Worker } from "node:worker_threads";
import { workerBundle } from "./bundle.ts";
import { workersDefaultYoungGeneration } from "./young-generation.ts";

/**
 * Starts a worker thread running the TypeScript module at `entry`: from its compiled file when one is up to date (see
 * src/workers/bundle.ts), else under tsx. tsx hooks TypeScript into the main thread only (its `--import` hook skips
 * worker threads, so `new Worker("x.ts")` fails): the worker registers tsx itself first. `bundled: false` for a worker
 * whose packages must load from node_modules as they are, not compiled into one file (Eleventy, in the dev server's
 * build thread).
 */
export function startTypeScriptWorker(entry: URL, options: { bundled?: boolean } = {}): Worker {
  // Whatever young generation the command gave its main thread (see the module).
  workersDefaultYoungGeneration();
  const bundle = options.bundled === false ? undefined : workerBundle(entry);
  if (bundle) {
    // Plain JavaScript: without the TypeScript loader's flags it inherits (tsx's --require and --import, which would
    // load in it for nothing) or --input-type (refused for a file).
    const execArgv = withoutLoaders(process.execArgv);
    // Node refuses V8's heap options given to a worker (they apply to the process anyway), though it passes them on
    // when nothing is given: without them, then without any flag (profiling, inspecting) if it still refuses.
    for (const flags of [execArgv.filter((arg) => !/^--(max|initial|min)-[a-z-]*size|^--stack-size/.test(arg)), []]) {
      try {
        return new Worker(bundle, { execArgv: flags });
      } catch (error) {
        if (flags.length === 0) throw error;
      }
    }
  }
  const bootstrap = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
  .then((tsx) => tsx.register())
  .then(() => import(${JSON.stringify(entry.href)}));`;
  return new Worker(bootstrap, { eval: true });
}

/** `args` without the options that load modules or set how input is read, and their values. */
function withoutLoaders(args: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--(require|import|loader|experimental-loader|input-type)(=|$)/.exec(args[i]!) ?? /^-r$/.exec(args[i]!);
    if (!name) kept.push(args[i]!);
    else if (!args[i]!.includes("=")) i++;
  }
  return kept;
}
