import { readdirSync, readFileSync } from "node:fs";

/** The nice value of a thread of this process (Linux): `thread-self`, or a thread id of `/proc/self/task`. */
export function threadNice(thread: string | number): number {
  const stat = readFileSync(thread === "thread-self" ? "/proc/thread-self/stat" : `/proc/self/task/${thread}/stat`, "utf8");
  // Fields after the command name's closing parenthesis start at the state (field 3); nice is field 19.
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
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
