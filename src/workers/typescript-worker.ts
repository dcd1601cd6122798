import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread running the TypeScript module at `entry`. tsx hooks TypeScript into the main thread only
 * (its `--import` hook skips worker threads, so `new Worker("x.ts")` fails): the worker registers tsx itself first.
 */
export function startTypeScriptWorker(entry: URL): Worker {
  const bootstrap = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
  .then((tsx) => tsx.register())
  .then(() => import(${JSON.stringify(entry.href)}));`;
  return new Worker(bootstrap, { eval: true });
}
