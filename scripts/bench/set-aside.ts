// Folders the benchmark replaces between its runs, moved aside instead of deleted while anything is measured.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * How long after a file is deleted ext4 keeps its inode from being reused when the file system has no journal (as the
 * disk of this machine and of CI): `recently_deleted` in the kernel's fs/ext4/ialloc.c, 60 s for an inode whose table
 * block is on disk (the benchmark runs `sync` before each build), with a margin. Each file or folder created meanwhile
 * scans past every such inode: our cold build at 10,000 papers, started right after the output and cache of the one
 * before it were deleted, took 22 s with 15 s of system time, against 14 s and 3.6 s a minute later; Hugo 10.3 s
 * against 7.0 s. Which build came after which deletion decided the ratio more than the builds did.
 */
export const inodeRecencyMs = 65_000;

/** Moves folders into `dir` (a rename frees no inode) and deletes them all at the end. */
export class SetAside {
  private moved = 0;
  constructor(private readonly dir: string) {}

  /** Moves `folder` aside, when it exists. */
  move(folder: string): void {
    if (!existsSync(folder)) return;
    mkdirSync(this.dir, { recursive: true });
    renameSync(folder, path.join(this.dir, String(this.moved++)));
  }

  /** Deletes everything moved aside: only once nothing more is measured. */
  empty(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Waits until deletions that ended at `since` (Date.now()) are older than `inodeRecencyMs`: a build the benchmark does
 * not control deletes (ours removes its previous output in the background, src/output/atomic.ts) must not slow the
 * next one measured.
 */
export async function outwaitDeletions(since: number | undefined): Promise<void> {
  const left = since === undefined ? 0 : since + inodeRecencyMs - Date.now();
  if (left > 0) await sleep(left);
}
