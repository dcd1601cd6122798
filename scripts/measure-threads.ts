// Runs a command and prints the CPU time of each of its threads (its child processes' too) over time, from /proc
// (Linux): which thread the command waits for, and when a core idles. npm run measure:threads -- [options] -- COMMAND...
import { spawn } from "node:child_process";
import os from "node:os";
import { commandArgs } from "../src/cli/args.ts";
import { readThreads, threadTimeline, type ThreadReading } from "../src/measure/threads.ts";

const usage = `Usage: npm run measure:threads -- [--bucket SECONDS] [--every MS] [--top N] -- COMMAND [ARGUMENTS...]

Samples each thread's CPU time (user and system) every --every ms (default 100) while COMMAND runs, then prints
each thread's total and, per --bucket seconds (default 0.5), the CPU seconds of the --top N threads (default 7) and
of all: a bucket's "all" near bucket x cores means every core was busy. Linux only (/proc).
Example: npm run measure:threads -- -- node scripts/launch.mjs scripts/build.ts`;
const { values, positionals } = commandArgs(
  "measure:threads",
  usage,
  { bucket: { type: "string", default: "0.5" }, every: { type: "string", default: "100" }, top: { type: "string", default: "7" } },
  { allowPositionals: true },
);
const bucket = Number(values.bucket);
const every = Number(values.every);
const top = Number(values.top);
if (!positionals.length || !(bucket > 0) || !(every > 0) || !(top > 0) || process.platform !== "linux") {
  console.error(`npm run measure:threads: ${process.platform !== "linux" ? "needs Linux's /proc" : "a command and positive numbers are needed"}\n\n${usage}`);
  process.exit(2);
}

const [command, ...args] = positionals as [string, ...string[]];
const started = performance.now();
const child = spawn(command, args, { stdio: "inherit" });
const names = new Map<string, string>();
const readings: ThreadReading[] = [];
const read = () => {
  if (child.pid !== undefined) readings.push({ time: (performance.now() - started) / 1000, cpu: readThreads(child.pid, names) });
};
const sampling = setInterval(read, every);
const status = await new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
clearInterval(sampling);
const wall = (performance.now() - started) / 1000;

const timeline = threadTimeline(readings, names, bucket);
const shown = timeline.threads.slice(0, top);
const s = (seconds: number) => seconds.toFixed(2);
console.log(`\n${command} ${args.join(" ")}: exit ${status}, ${s(wall)} s wall, ${os.availableParallelism()} cores, ${readings.length} readings`);
console.log(`Threads by CPU (process/thread, name, CPU s, from and to s):`);
for (const thread of timeline.threads.slice(0, Math.max(top, 16))) console.log(`  ${thread.key.padEnd(14)} ${thread.name.padEnd(16)} ${s(thread.cpu).padStart(7)}  ${s(thread.from)} to ${s(thread.to)}`);
console.log(`\nCPU s per ${bucket} s (columns: the threads above, in order)`);
console.log(`${"s".padStart(6)} ${shown.map((t) => t.key.split("/")[1]!.padStart(8)).join(" ")} ${"all".padStart(7)}`);
for (const row of timeline.rows) console.log(`${s(row.time).padStart(6)} ${row.cpu.slice(0, top).map((cpu) => s(cpu).padStart(8)).join(" ")} ${s(row.all).padStart(7)}`);
process.exit(status);
