import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { threadPageWriter } from "../src/output/page-writer.ts";
import { startTypeScriptWorker } from "../src/workers/typescript-worker.ts";
import { threadNice, threadNices } from "./helpers/threads.ts";

// Per-thread priorities are Linux's (the build's machines and CI); elsewhere lowerThreadPriority does nothing.
const linux = process.platform === "linux" && existsSync("/proc/thread-self");
const lowered = (nice: number) => Math.min(19, nice + 10);

describe.skipIf(!linux)("worker threads the build waits for last run at a lower priority", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("lowerThreadPriority lowers the calling thread's priority by 10, and only that thread's", async () => {
    const main = threadNice("thread-self");
    const worker = startTypeScriptWorker(new URL("./fixtures/lower-priority-worker.ts", import.meta.url), { bundled: false });
    try {
      const report = await new Promise<{ before: number; after: number; lowered: boolean }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      expect(report).toEqual({ before: main, after: lowered(main), lowered: true });
      expect(threadNice("thread-self")).toBe(main);
    } finally {
      await worker.terminate();
    }
  });

  it("the page writer's thread runs lowered while the main thread keeps its priority", async () => {
    const main = threadNice("thread-self");
    const before = new Set(threadNices().keys());
    const dir = mkdtempSync(path.join(os.tmpdir(), "digest-priority-"));
    dirs.push(dir);
    const writer = threadPageWriter();
    try {
      // The thread lowers itself when its module runs: wait (5 s at most) for a new thread at the lowered priority.
      let found: number | undefined;
      for (let waited = 0; found === undefined && waited < 5000; waited += 20) {
        found = [...threadNices()].find(([id, nice]) => !before.has(id) && nice === lowered(main))?.[0];
        if (found === undefined) await sleep(20);
      }
      expect(found).toBeDefined();
      expect(threadNice("thread-self")).toBe(main);
    } finally {
      writer.write(path.join(dir, "a", "index.html"), "<p>a</p>");
      await writer.close();
    }
  });
});
