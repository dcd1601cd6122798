import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/**
 * Lowers the scheduling priority of the calling thread (on Linux, where each thread has its own nice value; elsewhere
 * it does nothing and returns false). For worker threads whose work the build waits for only at its end (the search
 * index, the page writer): with two cores and three busy threads, the main thread, which renders the pages and is
 * what the build waits for, got about half a core during the paper pages, and the other core idled in the build's
 * last two seconds. At a lower priority those threads run when a core is free, and still get it whenever one is.
 */
export function lowerThreadPriority(by = 10): boolean {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isSafeInteger(tid) || tid <= 0) return false;
    setPriority(tid, Math.min(19, getPriority(tid) + by));
    return true;
  } catch {
    return false;
  }
}
