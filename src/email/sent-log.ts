import { closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { isRunning } from "../output/lock-file.ts";

/**
 * The sent-log kept beside a subscribers list, and the lock that lets only one `--send` run use it at a time.
 *
 * Semantics (README "Email digest" says the same for operators):
 * - One run at a time: a run holds `<log>.lock`, created with O_EXCL, for as long as it sends. A second run waits
 *   for it (up to its own deadline), then reads the log and sends only what is left. A lock whose process is gone
 *   (same host, pid not alive) or whose run is past its own deadline is stale and taken over.
 * - Claim before send, record after: `claimed` is appended and fsynced before the SMTP transaction, `sent` (or
 *   `failed`) after it. A `failed` line releases the claim, so the next run retries the address.
 * - After a crash (the process killed between claim and record) the address stays `claimed`: nobody knows whether
 *   the server accepted the message, and the run after it does NOT send it again (at-most-once). It is reported as
 *   unconfirmed; `--resend-unconfirmed` sends those again for operators who prefer at-least-once.
 */

/** The state of one (day, address) in the log: the last line for it wins. */
export type SentState = "claimed" | "sent" | "failed";

/** One (day, address) as the log last recorded it. */
export interface SentEntry {
  state: SentState;
  /** Message id for `sent`, the process id for `claimed`, the reason for `failed`. */
  detail: string;
}

const states = new Set<string>(["claimed", "sent", "failed"]);
const key = (date: string, address: string) => `${date}\t${address.toLowerCase()}`;
const field = (text: string) => text.replace(/[\t\r\n]+/g, " ");

/**
 * Reads a sent-log of tab-separated `day address state detail` lines. Lines of the older three-field format
 * (`day address message-id`, written only after a send) count as `sent`. A torn last line (a crash mid-write) is
 * ignored: its claim was never complete, so nothing was sent for it.
 */
export function readSentLog(file: string): Map<string, SentEntry> {
  const log = new Map<string, SentEntry>();
  if (!existsSync(file)) return log;
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n");
  if (!text.endsWith("\n")) lines.pop();
  for (const line of lines) {
    const [date = "", address = "", third = "", detail = ""] = line.split("\t");
    if (!date || !address) continue;
    log.set(key(date, address), states.has(third) ? { state: third as SentState, detail } : { state: "sent", detail: third });
  }
  return log;
}

/** What the log says about the day's digest for one address, or undefined when it says nothing. */
export function sentEntry(log: ReadonlyMap<string, SentEntry>, date: string, address: string): SentEntry | undefined {
  return log.get(key(date, address));
}

/** Appends lines to the sent-log, each one on disk (fsync) before `append` returns. */
export class SentLogWriter {
  private readonly fd: number;

  constructor(file: string) {
    this.fd = openSync(file, "a", 0o600);
  }

  /** Appends one `day address state detail` line and waits until it is on disk. */
  append(date: string, address: string, state: SentState, detail = ""): void {
    writeSync(this.fd, `${field(date)}\t${field(address)}\t${state}\t${field(detail)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** What a lock file says about the run holding it. */
export interface LockOwner {
  pid: number;
  host: string;
  /** When the run started, ISO 8601. */
  started: string;
  /** Past this time (ms since the epoch) the run is over its own deadline and the lock is stale. */
  expires: number;
}

/** Another run holds the lock and did not finish within this run's deadline. */
export class LockBusyError extends Error {
  constructor(readonly lockFile: string, readonly owner: LockOwner | undefined) {
    super(`another digest run holds ${lockFile}` + (owner ? ` (pid ${owner.pid} on ${owner.host}, started ${owner.started})` : ""));
  }
}

/** The lock file of a sent-log. */
export function lockPath(sentLog: string): string {
  return `${sentLog}.lock`;
}

function readOwner(file: string): { text: string; owner?: LockOwner; mtime: number } | undefined {
  try {
    const text = readFileSync(file, "utf8");
    const mtime = statSync(file).mtimeMs;
    try {
      const owner = JSON.parse(text) as LockOwner;
      if (Number.isInteger(owner.pid) && typeof owner.host === "string" && typeof owner.expires === "number") return { text, owner, mtime };
    } catch {
      // Written only in part (a crash between create and write): judged by its age below.
    }
    return { text, mtime };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}


/** Seconds a lock file without a readable owner may exist before it is judged stale. */
const unreadableGraceMs = 30_000;

/** Why a lock is stale, or undefined when its run may still be going. */
export function staleReason(found: { owner?: LockOwner; mtime: number }, now = Date.now()): string | undefined {
  const { owner } = found;
  if (!owner) return now - found.mtime > unreadableGraceMs ? "it names no process and is older than 30 s" : undefined;
  if (now > owner.expires) return `its run (pid ${owner.pid} on ${owner.host}) is past its deadline`;
  if (owner.host === hostname() && !isRunning(owner.pid)) return `its process ${owner.pid} is gone`;
  return undefined;
}

/**
 * Moves a stale lock aside and deletes it. The rename is atomic, so of two runs breaking the same stale lock one
 * wins; a run that finds it has moved a fresh lock (taken in between by a third run) puts it back.
 */
function breakLock(file: string, seen: string): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (readFileSync(aside, "utf8") !== seen) {
    try {
      linkSync(aside, file);
    } catch {
      // Another run holds a newer lock already; ours is the one to discard.
    }
  }
  unlinkSync(aside);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A lock held by this process. */
export interface HeldLock {
  release(): void;
}

/**
 * Takes the sent-log's lock: creates `<log>.lock` with O_EXCL naming this process, waiting for another run to
 * finish until `waitUntil` (ms since the epoch), taking over a stale lock. `expires` is written into the lock so
 * other hosts can judge it.
 */
export async function acquireLock(file: string, options: { expires: number; waitUntil: number; log?: (line: string) => void }): Promise<HeldLock> {
  const owner: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), expires: options.expires };
  const text = `${JSON.stringify(owner)}\n`;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, "wx", 0o600);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return {
        release: () => {
          // Only our own lock: a run that judged ours stale may hold the file now.
          if (readOwner(file)?.text === text) unlinkSync(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const found = readOwner(file);
    if (!found) continue;
    const stale = staleReason(found);
    if (stale) {
      options.log?.(`taking over the stale lock ${file}: ${stale}`);
      breakLock(file, found.text);
      continue;
    }
    if (Date.now() >= options.waitUntil) throw new LockBusyError(file, found.owner);
    // A lock file with no owner yet is most often one the other run has created and not yet written: its owner is
    // named once it is readable (the whole suite caught the message without it), the file alone after a second.
    if (!told && (found.owner || Date.now() - found.mtime > 1000)) {
      options.log?.(`waiting for another digest run to finish (${found.owner ? `pid ${found.owner.pid} on ${found.owner.host}` : file})`);
      told = true;
    }
    await sleep(Math.min(200, Math.max(10, options.waitUntil - Date.now())));
  }
}
