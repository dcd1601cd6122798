import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time per thread of a process tree over time, from Linux's `/proc`: which thread a build waits for, and whether
 * both cores are busy or one idles (`npm run measure:threads`, docs/performance.md round 19). Node's worker threads,
 * V8's helper threads and libuv's pool all show as threads of the build process.
 */

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ: 100 on every Linux architecture Node supports). */
const ticksPerSecond = 100;

/** A thread of the tree: `<pid>/<tid>` (pid of its process), its command name. */
export interface ThreadId {
  key: string;
  name: string;
}

/** One reading: seconds since the first, and each live thread's CPU seconds so far (user and system). */
export interface ThreadReading {
  time: number;
  cpu: Map<string, number>;
}

/**
 * A thread's (or process's) `/proc/.../stat` file: its command name, CPU seconds so far (user and system: fields 14
 * and 15 of proc(5)) and nice value (field 19). The name is between the first "(" and the last ")": it may hold both.
 */
export function readThreadStat(file: string): { name: string; cpu: number; nice: number } {
  const text = readFileSync(file, "utf8");
  const close = text.lastIndexOf(")");
  // The fields after the name, from the state (field 3).
  const fields = text.slice(close + 2).split(" ");
  return { name: text.slice(text.indexOf("(") + 1, close), cpu: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond, nice: Number(fields[16]) };
}

/** The process `pid` and its descendants (those alive while they are listed). */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${tree[i]}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        for (const child of readFileSync(`/proc/${tree[i]}/task/${tid}/children`, "utf8").split(" ")) if (child.trim()) tree.push(Number(child));
      } catch {
        // The thread ended meanwhile.
      }
    }
  }
  return tree;
}

/** Each live thread of `pid`'s tree with its CPU seconds so far; `names` gets each thread's command name. */
export function readThreads(pid: number, names?: Map<string, string>): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const process of processTree(pid)) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${process}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const { name, cpu: seconds } = readThreadStat(`/proc/${process}/task/${tid}/stat`);
        const key = `${process}/${tid}`;
        cpu.set(key, seconds);
        names?.set(key, name);
      } catch {
        // The thread ended meanwhile.
      }
    }
  }
  return cpu;
}

/** A thread's part in a timeline: its CPU seconds in all, and the first and last bucket it used CPU in. */
export interface ThreadTotal extends ThreadId {
  cpu: number;
  from: number;
  to: number;
}

export interface ThreadTimeline {
  bucket: number;
  /** Threads by CPU used, most first. */
  threads: ThreadTotal[];
  /** Per bucket (its start, seconds): each thread's CPU seconds in it (`threads` order), and all threads'. */
  rows: { time: number; cpu: number[]; all: number }[];
}

/**
 * Per `bucket` seconds, the CPU each thread used, from readings in time order. A thread's time in a bucket is the
 * growth of its counter between the last readings before and in it; a thread that ended keeps its last reading (the
 * CPU it used after that reading is lost, at most one reading's worth).
 */
export function threadTimeline(readings: readonly ThreadReading[], names: ReadonlyMap<string, string>, bucket = 0.5): ThreadTimeline {
  const last = new Map<string, number>();
  const perBucket: Map<string, number>[] = [];
  for (const { time, cpu } of readings) {
    const index = Math.floor(time / bucket);
    const row = (perBucket[index] ??= new Map());
    for (const [key, seconds] of cpu) {
      const grown = seconds - (last.get(key) ?? 0);
      last.set(key, seconds);
      if (grown > 0) row.set(key, (row.get(key) ?? 0) + grown);
    }
  }
  const totals = new Map<string, ThreadTotal>();
  perBucket.forEach((row, index) => {
    for (const [key, seconds] of row ?? []) {
      const total = totals.get(key) ?? { key, name: names.get(key) ?? "?", cpu: 0, from: index * bucket, to: index * bucket };
      total.cpu += seconds;
      total.to = index * bucket;
      totals.set(key, total);
    }
  });
  const threads = [...totals.values()].sort((a, b) => b.cpu - a.cpu);
  const rows = Array.from(perBucket, (row, index) => {
    const cpu = threads.map(({ key }) => row?.get(key) ?? 0);
    return { time: index * bucket, cpu, all: [...(row?.values() ?? [])].reduce((sum, seconds) => sum + seconds, 0) };
  });
  return { bucket, threads, rows };
}
