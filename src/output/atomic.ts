import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

/** True when a process with this id exists (a build that may still own its temporary folder). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Cleans up after builds that were killed outright (SIGKILL, a power cut): their `<output>.tmp-<pid>` folders are
 * removed, and when one died between the two renames of the swap, its `<output>.old-<pid>` (the previous site) is put
 * back. Folders of builds still running are left alone.
 */
export function recoverInterruptedBuilds(outputDir: string): void {
  const target = path.resolve(outputDir);
  let names: string[];
  try {
    names = readdirSync(path.dirname(target));
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const match = /^(.*)\.(tmp|old)-(\d+)$/.exec(name);
    if (!match || match[1] !== path.basename(target) || isRunning(Number(match[3]))) continue;
    const full = path.join(path.dirname(target), name);
    if (match[2] === "old" && !existsSync(target)) renameSync(full, target);
    else rmSync(full, { recursive: true, force: true });
  }
}

const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Runs `write` against a fresh temporary folder beside `outputDir`, and only when it succeeds swaps that folder in
 * place of `outputDir`. A failed or interrupted build leaves the previous site untouched, and pages of deleted
 * papers never linger because every build starts empty.
 */
export async function writeAtomically<T>(outputDir: string, write: (tempDir: string) => Promise<T>): Promise<T> {
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
    if (existsSync(target)) renameSync(target, old);
    renameSync(temp, target);
    rmSync(old, { recursive: true, force: true });
    return result;
  } catch (error) {
    cleanup();
    throw error;
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
}
