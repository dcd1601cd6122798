// One writer of an output folder at a time: `<output>.lock` beside it, held by `npm run build` for its run and by
// `npm run dev` while it serves. A build swaps the whole folder (src/output/atomic.ts) and moves the previous output's
// page folders into the new one (src/output/adopt.ts); the dev server updates the folder in place, its search index
// written in `.search-next/` and moved in. Nothing kept two of them off one folder: two dev servers left running on
// one folder failed each other's builds ("ENOENT ... dist/.search-next/..."), and a build swapped the folder under a
// server writing into it.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { releaseLock, takeLock } from "./lock-file.ts";

/** The commands that write an output folder, as the lock names them. */
export type OutputWriter = "npm run build" | "npm run dev";

/** The output folder is held by a process this one must not wait for (a dev server serves until it is stopped). */
export class OutputBusyError extends Error {}

/** The lock file of output folder `outputDir`: beside it, `dist.lock` for `dist/`. */
export function outputLockFile(outputDir: string): string {
  return `${path.resolve(outputDir)}.lock`;
}

/**
 * Takes the output folder's lock for `command` and resolves to the function that releases it. A build holding it is
 * waited for (`waiting` is told so once); a dev server holding it is not: that rejects with an
 * OutputBusyError saying what to do, as a second dev server on the same folder does. A lock whose process died (or
 * whose process id now names another process) is taken over. `name` is the folder as the user knows it ("dist").
 */
export async function holdOutput(
  outputDir: string,
  command: OutputWriter,
  options: {
    name?: string;
    /** Told once, when the lock is held by a build this call waits for: "Waiting for npm run build (process N)...". */
    waiting?: (message: string) => void;
    pollMs?: number;
    /**
     * Also released when the process is stopped by SIGINT, SIGTERM or SIGHUP, which then ends it as it would have
     * ended (a build; not a dev server, whose own handlers close it and release the lock).
     */
    releaseOnSignal?: boolean;
  } = {},
): Promise<() => void> {
  const file = outputLockFile(outputDir);
  const name = options.name ?? path.basename(outputDir);
  // The folder the output goes in (`build/` for `build/site`) may not exist yet: the lock is its first file.
  mkdirSync(path.dirname(file), { recursive: true });
  let told = false;
  for (;;) {
    const taken = takeLock(file, command);
    if (taken === true) return options.releaseOnSignal ? releasedOnSignal(file) : () => releaseLock(file);
    const who = `${taken.label || "another command"}${taken.pid === undefined ? "" : ` (process ${taken.pid})`}`;
    if (taken.label === "npm run dev") {
      throw new OutputBusyError(
        `${name}/ is being served and updated by ${who}. Stop it first` +
          (command === "npm run build" ? `, or build into another folder: SITE_OUTPUT_DIR=/tmp/site npm run build.` : ".") +
          ` If no such process is running, delete ${path.basename(file)}.`,
      );
    }
    if (!told) {
      told = true;
      options.waiting?.(`Waiting for ${who} to finish writing ${name}/...`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}

const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * The release of lock `file`, also run when a signal stops the process: the listener releases the lock and raises
 * the signal again, so the process ends as it would have (a listener of its own replaces Node's default exit). Another
 * command's lock taken over by then is left alone (releaseLock).
 */
function releasedOnSignal(file: string): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    process.kill(process.pid, signal);
  };
  const release = () => {
    for (const signal of signals) process.off(signal, onSignal);
    releaseLock(file);
  };
  for (const signal of signals) process.once(signal, onSignal);
  return release;
}
