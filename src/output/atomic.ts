import { spawn } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { adoptFolders, displacedDir, restoreAdopted, type Adoption } from "./adopt.ts";
import { isRunning } from "./lock-file.ts";

// The deleter run by `discard`: it removes the one folder named on its stdin, and only one whose name ends with its
// own pid and a newline, so a partly written or stray name can never make it delete anything else.
const deleter = `let name = "";
process.stdin.setEncoding("utf8").on("data", (d) => (name += d)).on("end", () => {
  if (name.endsWith(".trash-" + process.pid + "\\n")) require("node:fs").rmSync(name.slice(0, -1), { recursive: true, force: true });
});`;

/**
 * Deletes `dir` (a folder beside `target`) without waiting: it is renamed to `<target>.trash-<pid>`, where pid is a
 * detached child process that then deletes it while the build goes on and after it exits. Deleting the previous site
 * takes seconds at 100,000 papers (17 s for 200,000 files). The name says which process owns the folder: a later build
 * leaves it alone while that process runs and discards it again if it died. Never throws: when no child can be
 * started the folder is deleted here, and when even that fails it is left for the next build.
 */
function discard(dir: string, target: string): void {
  try {
    const child = spawn(process.execPath, ["-e", deleter], {
      cwd: path.dirname(target),
      detached: true,
      env: {}, // not NODE_OPTIONS: the deleter needs no loader, heap size or other flag of the build
      stdio: ["pipe", "ignore", "ignore"],
      windowsHide: true,
    });
    child.on("error", () => {});
    child.stdin?.on("error", () => {});
    child.unref();
    if (child.pid === undefined || !child.stdin) throw new Error("no deleter process");
    const trash = `${target}.trash-${child.pid}`;
    try {
      renameSync(dir, trash);
    } catch (error) {
      child.stdin.end();
      // Gone already: another build took it (two builds recovering the same stale folder).
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    child.stdin.end(`${trash}\n`);
  } catch {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Left for the next build's recoverInterruptedBuilds.
    }
  }
}

/**
 * Cleans up after builds that were killed outright (SIGKILL, a power cut): their `<output>.tmp-<pid>` folders are
 * discarded, and when one died between the two renames of the swap, its `<output>.old-<pid>` (the previous site) is put
 * back; when one died while adopting a folder of the previous site (src/output/adopt.ts), the folder is put back first.
 * `<output>.trash-<pid>` folders whose deleter died are discarded again. Folders of processes still running are
 * left alone; nothing here waits for a folder to be deleted.
 */
export function recoverInterruptedBuilds(outputDir: string): void {
  const target = path.resolve(outputDir);
  let names: string[];
  try {
    names = readdirSync(path.dirname(target));
  } catch {
    return;
  }
  const dead = names.sort().flatMap((name) => {
    const match = /^(.*)\.(tmp|old|trash|displaced)-(\d+)$/.exec(name);
    if (!match || match[1] !== path.basename(target) || isRunning(Number(match[3]))) return [];
    return [{ full: path.join(path.dirname(target), name), kind: match[2]!, pid: Number(match[3]) }];
  });
  // The previous site first, then any folder an adoption took from it, then the rest is discarded.
  for (const { full, kind } of dead) if (kind === "old" && !existsSync(target)) renameSync(full, target);
  for (const { kind, pid } of dead) if (kind === "displaced") restoreAdopted(target, pid);
  for (const { full } of dead) if (existsSync(full)) discard(full, target);
}

/** Moves `dir` into `into` (under a name of its own), when it can: else it stays where it is. */
function moveInto(dir: string, into: string): void {
  try {
    renameSync(dir, path.join(into, `.${path.basename(dir)}`));
  } catch {
    // Left beside the output, and discarded on its own.
  }
}

const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** What a `write` of writeAtomically resolves to when the output is already what it would write: nothing is swapped. */
export const keepOutput = Symbol("keep the output as it is");

/**
 * Runs `write` against a fresh temporary folder beside `outputDir`, and only when it succeeds swaps that folder in
 * place of `outputDir`. A failed or interrupted build leaves the previous site untouched, and pages of deleted
 * papers never linger because every build starts empty. The previous site is renamed aside and deleted in the
 * background (see `discard`), so the build does not wait for it. When `write` resolves to `keepOutput` (it found the
 * output already right), the temporary folder is deleted and nothing is swapped. `options` is read once `write` is
 * done, so `write` may set what to adopt.
 */
export async function writeAtomically<T>(
  outputDir: string,
  write: (tempDir: string) => Promise<T>,
  /** Folders of the previous output to move into the new one just before the swap (src/output/adopt.ts), and the reused paths. */
  options: { adopt?: { adoptions: readonly Adoption[]; reused: readonly string[] } } = {},
): Promise<T> {
  const target = path.resolve(outputDir);
  const temp = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  recoverInterruptedBuilds(target);
  rmSync(temp, { recursive: true, force: true });
  const cleanup = () => rmSync(temp, { recursive: true, force: true });
  let interrupted: NodeJS.Signals | undefined;
  // A listener replaces Node's default exit on these signals, so after cleaning up, the signal is raised again to end
  // the process as it would have ended. If another listener keeps it alive, `interrupted` stops the swap below.
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal;
    cleanup();
    for (const s of signals) process.off(s, onSignal);
    process.kill(process.pid, signal);
  };
  for (const s of signals) process.once(s, onSignal);
  try {
    const result = await write(temp);
    if (interrupted) throw new Error(`build interrupted by ${interrupted}; ${outputDir} is unchanged`);
    if (result === keepOutput) {
      cleanup();
      return result;
    }
    const previous = existsSync(target);
    // The reused pages of the adopted folder are only in the previous output: without it the new one would lack them.
    if (options.adopt && !previous) throw new Error(`${outputDir} disappeared during the build; build again`);
    if (options.adopt) adoptFolders(target, temp, options.adopt.adoptions, options.adopt.reused);
    if (previous) renameSync(target, old);
    renameSync(temp, target);
    const displaced = displacedDir(target, process.pid);
    // The entries an adoption displaced go with the previous site: one deleter process rather than two (a start each).
    if (previous && options.adopt) moveInto(displaced, old);
    if (previous) discard(old, target);
    if (options.adopt && existsSync(displaced)) discard(displaced, target);
    return result;
  } catch (error) {
    // A swap that failed after the adoption: the previous site, and the folder the new one took from it, go back
    // before the temporary folder holding that folder is deleted.
    if (options.adopt?.adoptions.some((adoption) => adoption.adopted)) {
      if (!existsSync(target) && existsSync(old)) renameSync(old, target);
      restoreAdopted(target, process.pid);
    }
    cleanup();
    if (options.adopt) discard(displacedDir(target, process.pid), target);
    throw error;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}

/**
 * Resolves true once no `<output>.trash-<pid>` folder is left beside `outputDir` (its deleters are done), false after
 * `timeoutMs` (default 60 s). For benchmarks and tests, which must not measure or remove a folder still being deleted.
 */
export async function trashDeleted(outputDir: string, timeoutMs = 60_000): Promise<boolean> {
  const target = path.resolve(outputDir);
  const prefix = `${path.basename(target)}.trash-`;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let names: string[] = [];
    try {
      names = readdirSync(path.dirname(target));
    } catch {
      // No parent folder: nothing left to delete.
    }
    if (!names.some((name) => name.startsWith(prefix))) return true;
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
