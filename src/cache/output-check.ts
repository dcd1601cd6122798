import { statSync } from "node:fs";
import { startTypeScriptWorker } from "../workers/typescript-worker.ts";
import type { OutputChanges } from "./output-stats.ts";
import type { PageManifest } from "./pages.ts";

/** What a page manifest says the output was built from, and whether the output folder still holds what it recorded. */
export interface OutputCheck {
  manifest: Pick<PageManifest, "output" | "site" | "inputs"> | undefined;
  /** Resolves true when every recorded file is there with its recorded size and modification time, and no other. */
  same: Promise<boolean>;
  /**
   * Resolves to the recorded files and folders the output folder did not hold as recorded and the identity of the
   * manifest file that recorded them (see readManifestOnce); undefined when the worker could not tell (no manifest,
   * or one that records no files).
   */
  changed: Promise<{ identity: string; changes: OutputChanges } | undefined>;
}

/**
 * Below this size of manifest (about 15,000 papers) the output is checked on the calling thread, when asked: a
 * worker's start-up would cost more than it saves.
 */
const workerFrom = 5_000_000;

/**
 * Starts checking the output folder against the page manifest in `manifestFile` on a worker thread, so that a build
 * where nothing changed stats the output (130,000 files at 100,000 papers) while it stats the paper files; undefined
 * for a manifest smaller than `from` bytes (default `workerFrom`) or missing. A build that found a paper file changed
 * lets it go on: its stats of the output spare the page plan a stat per page. `stop` ends the worker.
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
  let settleChanged: (value: Awaited<OutputCheck["changed"]>) => void = () => {};
  const changed = new Promise<Awaited<OutputCheck["changed"]>>((resolve) => (settleChanged = resolve));
  type Message = { manifest?: OutputCheck["manifest"] } | { same: boolean; changed?: { identity: string; files: string[]; folders: string[] } };
  const check = new Promise<OutputCheck | undefined>((resolve) => {
    worker.on("message", (message: Message) => {
      if ("same" in message) {
        settle(message.same);
        const { identity, files, folders } = message.changed ?? {};
        settleChanged(identity && files && folders ? { identity, changes: { files: new Set(files), folders: new Set(folders) } } : undefined);
        void worker.terminate();
      } else resolve({ manifest: message.manifest, same, changed });
    });
    // A worker that cannot run (or was stopped) checks nothing: the caller checks on its own thread.
    const failed = () => {
      resolve(undefined);
      settle(false);
      settleChanged(undefined);
    };
    worker.once("error", failed);
    worker.once("exit", failed);
  });
  worker.postMessage({ manifestFile, outputDir });
  return { check, stop: () => void worker.terminate() };
}
