// Runs one command and measures it from outside: wall time and peak memory of its whole process tree.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** What one measured run produced. */
export interface Measured {
  status: number | null;
  wallMs: number;
  /** User plus system CPU time of every process of the tree (sampled from /proc): less sensitive to a busy machine. */
  cpuMs: number;
  /** Peak resident memory of the process tree, bytes: the larger of the sampled sum and any one process's high-water mark. */
  peakRss: number;
  stdout: string;
  stderr: string;
}

const kb = (status: string, field: string): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return m ? Number(m[1]) * 1024 : 0;
};

/** Every live process whose ancestry leads to `root` (read from /proc; no `children` files on this kernel). */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // The command name may contain spaces and parentheses: fields start after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(name), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/**
 * Samples the memory and CPU time of the process tree of `pid` every `intervalMs` (default 50) until `stop`, which
 * returns the tree's peak resident memory (the larger of the sampled sum and any one process's high-water mark) and
 * its CPU time.
 */
export function trackTree(pid: number, intervalMs = 50): { peakRss(): number; stop(): { cpuMs: number; peakRss: number } } {
  let peak = 0;
  const hwm = new Map<number, number>();
  const ticks = new Map<number, number>();
  const sample = () => {
    let sum = 0;
    for (const member of processTree(pid)) {
      try {
        const status = readFileSync(`/proc/${member}/status`, "utf8");
        sum += kb(status, "VmRSS");
        hwm.set(member, Math.max(hwm.get(member) ?? 0, kb(status, "VmHWM")));
        // utime and stime (fields 14 and 15) count every thread of the process.
        const stat = readFileSync(`/proc/${member}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        ticks.set(member, Math.max(ticks.get(member) ?? 0, Number(fields[11]) + Number(fields[12])));
      } catch {
        // Gone between listing and reading.
      }
    }
    peak = Math.max(peak, sum);
  };
  const timer = setInterval(sample, intervalMs);
  const peakRss = () => Math.max(peak, ...hwm.values());
  return {
    peakRss,
    stop() {
      clearInterval(timer);
      // Clock ticks are 1/100 s on Linux; the last 50 ms of each process are not seen.
      return { cpuMs: [...ticks.values()].reduce((sum, t) => sum + t, 0) * 10, peakRss: peakRss() };
    },
  };
}

/**
 * Writes every file the system still holds in memory to the disk (`sync`), outside the measurement, as hyperfine's
 * `--prepare sync` does: a build's writes reach the disk up to 30 s after it ends (the kernel's writeback), and the
 * folders removed before a run are trimmed then too, so without it a run could pay for the one before it (our cold
 * build writes 240 MB of output and cache at 10,000 papers, the baseline 196 MB).
 */
export function settleDisk(): void {
  spawnSync("sync", { stdio: "ignore" });
}

/**
 * Runs `command` with `args`, sampling the tree's memory every `intervalMs`; resolves when it exits. The disk is
 * settled first (see settleDisk), not measured.
 */
export function measure(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; intervalMs?: number },
): Promise<Measured> {
  settleDisk();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const tree = child.pid === undefined ? undefined : trackTree(child.pid, options.intervalMs);
    child.on("error", (error) => {
      tree?.stop();
      reject(error);
    });
    child.on("close", (status) => {
      const usage = tree?.stop() ?? { cpuMs: 0, peakRss: 0 };
      resolve({ status, wallMs: performance.now() - started, ...usage, stdout, stderr });
    });
  });
}

/** Total size in bytes and number of files under `dir`. */
export function folderSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        bytes += statSync(full).size;
        files++;
      }
    }
  };
  walk(dir);
  return { bytes, files };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
