import { statSync } from "node:fs";
import { startTypeScriptWorker } from "../workers/typescript-worker.ts";
import type { PageManifest } from "./pages.ts";

/** What a page manifest says the output was built from, and whether the output folder still holds what it recorded. */
export interface OutputCheck {
  manifest: Pick<PageManifest, "output" | "site" | "inputs"> | undefined;
  /** Resolves true when every recorded file is there with its recorded size and modification time, and no other. */
  same: Promise<boolean>;
}

/**
 * Below this size of manifest (about 15,000 papers) the output is checked on the calling thread, when asked: a
 * worker's start-up would cost more than it saves.
 */
const workerFrom = 5_000_000;

/**
 * Starts checking the output folder against the page manifest in `manifestFile` on a worker thread, so that a build
 * where nothing changed stats the output (130,000 files at 100,000 papers) while it stats the paper files; undefined
 * for a manifest smaller than `from` bytes (default `workerFrom`) or missing. `stop` ends the worker (a build that
 * found a paper file changed).
 */
export function checkOutputInWorker(
  manifestFile: string,
  outputDir: string,
  from = workerFrom,
): { check: Promise<OutputCheck | undefined>; stop(): void } | undefined {
  const size = statSync(manifestFile, { throwIfNoEntry: false })?.size;
  if (size === undefined || size < from) return undefined;
  const worker = startTypeScriptWorker(new URL("./output-check-worker.ts", import.meta.url));
  let settle: (value: boolean) => void = () => {};
  const same = new Promise<boolean>((resolve) => (settle = resolve));
  const check = new Promise<OutputCheck | undefined>((resolve) => {
    worker.on("message", (message: { manifest?: OutputCheck["manifest"] } | { same: boolean }) => {
      if ("same" in message) {
        settle(message.same);
        void worker.terminate();
      } else resolve({ manifest: message.manifest, same });
    });
    // A worker that cannot run checks nothing: the caller checks on its own thread.
    const failed = () => {
      resolve(undefined);
      settle(false);
    };
    worker.once("error", failed);
    worker.once("exit", failed);
  });
  worker.postMessage({ manifestFile, outputDir });
  return { check, stop: () => void worker.terminate() };
}
