import { existsSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

/**
 * Runs `write` against a fresh temporary folder beside `outputDir`, and only when it succeeds swaps that folder in
 * place of `outputDir`. A failed or interrupted build leaves the previous site untouched, and pages of deleted
 * papers never linger because every build starts empty.
 */
export async function writeAtomically<T>(outputDir: string, write: (tempDir: string) => Promise<T>): Promise<T> {
  const target = path.resolve(outputDir);
  const temp = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  const cleanup = () => rmSync(temp, { recursive: true, force: true });
  process.once("SIGINT", cleanup);
  process.once("SIGTERM", cleanup);
  try {
    const result = await write(temp);
    if (existsSync(target)) renameSync(target, old);
    renameSync(temp, target);
    rmSync(old, { recursive: true, force: true });
    return result;
  } catch (error) {
    cleanup();
    throw error;
  } finally {
    process.off("SIGINT", cleanup);
    process.off("SIGTERM", cleanup);
  }
}
