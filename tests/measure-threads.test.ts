// src/measure/threads.ts and npm run measure:threads: CPU time per thread of a process tree, over time.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readThreads, readThreadStat, threadTimeline, type ThreadReading } from "../src/measure/threads.ts";
import { repoRoot } from "./helpers/site.ts";

const linux = process.platform === "linux";
// A process whose main thread and one worker thread each spin for a while (wall time), the worker longer.
const spinner = `
  const { Worker } = require("node:worker_threads");
  const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
  const worker = new Worker("const end = Date.now() + 900; while (Date.now() < end);", { eval: true });
  spin(400);
  worker.on("exit", () => process.exit(Number(process.argv[1] ?? 0)));
`;

describe("readThreadStat", () => {
  it("reads the name (which may hold parentheses and spaces), CPU seconds and nice value of a stat line", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "digest-stat-"));
    try {
      const file = path.join(dir, "stat");
      writeFileSync(file, "42 (we(ird) name) S 1 1 1 0 -1 4194560 10 0 0 0 250 50 0 0 30 10 1 0 100\n");
      expect(readThreadStat(file)).toEqual({ name: "we(ird) name", cpu: 3, nice: 10 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("threadTimeline", () => {
  it("gives each thread's CPU per bucket from the growth of its counter, threads by CPU used", () => {
    const names = new Map([["1/1", "node"], ["1/2", "worker"]]);
    const readings: ThreadReading[] = [
      { time: 0.1, cpu: new Map([["1/1", 0.05]]) },
      { time: 0.3, cpu: new Map([["1/1", 0.2], ["1/2", 0.1]]) },
      { time: 0.6, cpu: new Map([["1/1", 0.25], ["1/2", 0.5]]) },
      // 1/1 ended: its last reading stands.
      { time: 1.2, cpu: new Map([["1/2", 0.9]]) },
    ];
    const timeline = threadTimeline(readings, names, 0.5);
    expect(timeline.threads.map(({ key, name }) => [key, name])).toEqual([["1/2", "worker"], ["1/1", "node"]]);
    expect(timeline.threads[0]!.cpu).toBeCloseTo(0.9);
    expect(timeline.threads[1]!.cpu).toBeCloseTo(0.25);
    expect(timeline.threads[0]).toMatchObject({ from: 0, to: 1 });
    expect(timeline.threads[1]).toMatchObject({ from: 0, to: 0.5 });
    expect(timeline.rows.map((row) => row.time)).toEqual([0, 0.5, 1]);
    expect(timeline.rows[0]!.cpu[0]).toBeCloseTo(0.1);
    expect(timeline.rows[0]!.cpu[1]).toBeCloseTo(0.2);
    expect(timeline.rows[1]!.all).toBeCloseTo(0.45);
    expect(timeline.rows[2]!.cpu).toEqual([expect.closeTo(0.4), 0]);
  });
});

describe.skipIf(!linux)("reading /proc", () => {
  it("finds the main thread and a worker thread of a running process, each with the CPU it used", async () => {
    const child = spawn(process.execPath, ["-e", spinner]);
    const names = new Map<string, string>();
    const readings: ThreadReading[] = [];
    const started = performance.now();
    const sampling = setInterval(() => readings.push({ time: (performance.now() - started) / 1000, cpu: readThreads(child.pid!, names) }), 50);
    await new Promise((resolve) => child.on("exit", resolve));
    clearInterval(sampling);
    const { threads } = threadTimeline(readings, names, 0.25);
    const main = threads.find(({ key }) => key === `${child.pid}/${child.pid}`);
    expect(main?.cpu).toBeGreaterThan(0.05);
    // Another thread of the same process that spun: the worker.
    expect(threads.some(({ key, cpu }) => key.startsWith(`${child.pid}/`) && key !== main!.key && cpu > 0.1)).toBe(true);
  });

  it("npm run measure:threads runs a command, prints its threads and exits with its status", () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/measure-threads.ts", "--bucket", "0.25", "--", process.execPath, "-e", spinner, "3"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(result.status, result.stderr).toBe(3);
    expect(result.stdout).toMatch(/exit 3, [\d.]+ s wall, \d+ cores/);
    const listed = result.stdout.split("Threads by CPU")[1]!.split("\n\n")[0]!.trim().split("\n").slice(1);
    expect(listed.length).toBeGreaterThanOrEqual(2);
    expect(result.stdout).toMatch(/CPU s per 0\.25 s/);
  });

  it("refuses a command line without a command", () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/measure-threads.ts", "--bucket", "0.5"], { cwd: repoRoot, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Usage: npm run measure:threads");
  });
});
