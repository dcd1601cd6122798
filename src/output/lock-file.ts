// Lock files: a file that exists while a process holds it, created only when absent (`wx`), holding the process's id,
// when it started (Linux) and what it is ("npm run build"). Used for the search index's state (src/search/index.ts)
// and for the output folder (src/output/output-lock.ts).
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";

/** True when a process with this id exists on this machine (a build that may still own its temporary folder, a
 * digest run that may still hold its lock). */
export function isRunning(pid: number): boolean {
  // 0 and negative ids are no process: signalling them reaches a whole process group (this process's, for 0).
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Who holds a lock: the process's id and what it said it is (empty for a lock that says nothing). */
export interface LockHolder {
  pid: number | undefined;
  label: string;
}

/**
 * When process `pid` started, in clock ticks since boot (`/proc/<pid>/stat`, Linux): a process id the system gave
 * again to a new process after the holder died has another start. Undefined where there is no /proc.
 */
function startOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command's name, in parentheses, may hold spaces and parentheses: fields are counted after the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** A lock's text: `<pid> <start or -> <label>`. */
function lockText(label: string): string {
  return `${process.pid} ${startOf(process.pid) ?? "-"} ${label}`.trimEnd();
}

/**
 * Creates `file` holding this process's lock text; false when it exists. Any other failure (no such folder, no right
 * to write there) is thrown: taken for a held lock, it would be waited for forever.
 */
function createLock(file: string, label: string): boolean {
  try {
    writeFileSync(file, lockText(label), { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Who holds a lock file: a process that is "running", one that is "dead" (may be removed), or nobody ("gone"). A lock
 * still empty (its holder is between creating and writing it) counts as running, unless it is a minute old (its
 * holder died in between). A lock holding only a process id (written by an earlier version) is read too.
 */
export function lockHolder(file: string): LockHolder & { state: "running" | "dead" | "gone" } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { state: (error as NodeJS.ErrnoException).code === "ENOENT" ? "gone" : "running", pid: undefined, label: "" };
  }
  const match = /^(\d+)(?: (\d+|-))?(?: (.*))?$/s.exec(text);
  if (!match) {
    let old = false;
    try {
      old = Date.now() - statSync(file).mtimeMs > 60_000;
    } catch {
      return { state: "gone", pid: undefined, label: "" };
    }
    return { state: old ? "dead" : "running", pid: undefined, label: "" };
  }
  const pid = Number(match[1]);
  const start = match[2] && match[2] !== "-" ? match[2] : undefined;
  const label = match[3] ?? "";
  if (!isRunning(pid)) return { state: "dead", pid, label };
  // Running, but another process than the one that took the lock when it started at another time.
  const now = start === undefined ? undefined : startOf(pid);
  return { state: now !== undefined && now !== start ? "dead" : "running", pid, label };
}

/**
 * Takes lock `file` for this process: true, or who holds it when a running process does. One left by a process that
 * died is taken over, under a second lock (`<file>.break`) so that of two processes finding it stale at the same
 * instant only one removes it: the other would remove the lock the first had just taken, and both would go on.
 */
export function takeLock(file: string, label = ""): true | LockHolder {
  let holder: LockHolder = { pid: undefined, label: "" };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createLock(file, label)) return true;
    const found = lockHolder(file);
    if (found.state === "gone") continue;
    holder = { pid: found.pid, label: found.label };
    if (found.state === "running") return holder;
    const breaking = `${file}.break`;
    if (!createLock(breaking, label)) {
      // Held only for a check and a removal: one whose holder died is removed, and this process does not take the
      // lock this time. One that is gone is not "dead": another process may be creating it again this instant.
      if (lockHolder(breaking).state === "dead") rmSync(breaking, { force: true });
      return holder;
    }
    try {
      // Removed only while it still holds the dead process's id. Gone, it may be another process's new lock by the
      // time it would be removed: while this process holds `breaking` no other can remove it, and a dead holder cannot.
      if (lockHolder(file).state === "dead") rmSync(file, { force: true });
    } finally {
      rmSync(breaking, { force: true });
    }
  }
  return holder;
}

/** Removes lock `file` if this process holds it (never another process's lock that took over a stale one). */
export function releaseLock(file: string): void {
  try {
    const text = readFileSync(file, "utf8");
    if (text.split(" ")[0] === String(process.pid)) rmSync(file, { force: true });
  } catch {
    // Gone already.
  }
}
