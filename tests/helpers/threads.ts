import { readdirSync } from "node:fs";
import { readThreadStat } from "../../src/measure/threads.ts";

/** The nice value of a thread of this process (Linux): `thread-self`, or a thread id of `/proc/self/task`. */
export function threadNice(thread: string | number): number {
  return readThreadStat(thread === "thread-self" ? "/proc/thread-self/stat" : `/proc/self/task/${thread}/stat`).nice;
}

/** The nice value of each thread of this process, by thread id (threads that end meanwhile are left out). */
export function threadNices(): Map<number, number> {
  const nices = new Map<number, number>();
  for (const id of readdirSync("/proc/self/task")) {
    try {
      nices.set(Number(id), threadNice(id));
    } catch {
      // Ended meanwhile.
    }
  }
  return nices;
}
