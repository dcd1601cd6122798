// One writer of an output folder at a time (src/output/output-lock.ts, over src/output/lock-file.ts): a build waits
// for a build, nothing waits for a dev server, and a lock whose process is gone is taken over.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockHolder, releaseLock, takeLock } from "../src/output/lock-file.ts";
import { holdOutput, OutputBusyError, outputLockFile } from "../src/output/output-lock.ts";
import { fixtureSite, paper, repoRoot } from "./helpers/site.ts";

let dir = "";
let output = "";
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "output-lock-"));
  output = path.join(dir, "dist");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The id of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

describe("holdOutput", () => {
  it("takes dist.lock beside the folder, holding this process's id and the command, and releases it", async () => {
    const release = await holdOutput(output, "npm run build");
    expect(outputLockFile(output)).toBe(`${output}.lock`);
    expect(readFileSync(`${output}.lock`, "utf8")).toMatch(new RegExp(`^${process.pid} (\\d+|-) npm run build$`));
    expect(lockHolder(`${output}.lock`)).toMatchObject({ state: "running", pid: process.pid, label: "npm run build" });
    release();
    expect(existsSync(`${output}.lock`)).toBe(false);
  });

  it("waits for a build that holds the folder, telling who it waits for once", async () => {
    const first = await holdOutput(output, "npm run build");
    const told: unknown[] = [];
    let second: (() => void) | undefined;
    const waiting = holdOutput(output, "npm run build", { pollMs: 5, waiting: (message) => told.push(message) }).then((release) => (second = release));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(second).toBeUndefined();
    expect(told).toEqual([`Waiting for npm run build (process ${process.pid}) to finish writing dist/...`]);
    first();
    await waiting;
    expect(lockHolder(`${output}.lock`).state).toBe("running");
    second!();
    expect(existsSync(`${output}.lock`)).toBe(false);
  });

  it("a dev server's hold is not waited for: a build and a second dev server are refused, saying what to do", async () => {
    const release = await holdOutput(output, "npm run dev");
    await expect(holdOutput(output, "npm run build", { name: "dist" })).rejects.toThrow(OutputBusyError);
    await expect(holdOutput(output, "npm run build", { name: "dist" })).rejects.toThrow(
      `dist/ is being served and updated by npm run dev (process ${process.pid}). Stop it first, or build into another folder: SITE_OUTPUT_DIR=/tmp/site npm run build. If no such process is running, delete dist.lock.`,
    );
    await expect(holdOutput(output, "npm run dev", { name: "dist" })).rejects.toThrow(/^dist\/ is being served .* Stop it first\. If no such/);
    release();
  });

  it("a dev server starting waits for a build under way", async () => {
    const build = await holdOutput(output, "npm run build");
    let served = false;
    const dev = holdOutput(output, "npm run dev", { pollMs: 5 }).then((release) => ((served = true), release));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(served).toBe(false);
    build();
    (await dev)();
  });

  it("takes over a lock whose process died, and one whose process id now names another process", async () => {
    writeFileSync(`${output}.lock`, `${deadPid()} - npm run dev`);
    (await holdOutput(output, "npm run build"))();
    // A damaged lock naming process 0 (which is no process: signalling it reaches this process's group).
    writeFileSync(`${output}.lock`, "0 - npm run dev");
    (await holdOutput(output, "npm run build"))();
    // An earlier version's lock: the process id alone.
    writeFileSync(`${output}.lock`, String(deadPid()));
    (await holdOutput(output, "npm run build"))();
    if (process.platform === "linux") {
      // This process is running, but did not start at clock tick 1: the id was given again after the holder died.
      writeFileSync(`${output}.lock`, `${process.pid} 1 npm run dev`);
      expect(lockHolder(`${output}.lock`).state).toBe("dead");
      (await holdOutput(output, "npm run build"))();
    }
  });

  it("a lock still empty is its holder's for a minute, then taken over", () => {
    writeFileSync(`${output}.lock`, "");
    expect(takeLock(`${output}.lock`)).toEqual({ pid: undefined, label: "" });
    const old = new Date(Date.now() - 120_000);
    utimesSync(`${output}.lock`, old, old);
    expect(takeLock(`${output}.lock`)).toBe(true);
  });

  it("a build's hold is let go when a signal stops the process, which still ends by that signal", async () => {
    const module = JSON.stringify(path.join(repoRoot, "src/output/output-lock.ts"));
    const code = `const { holdOutput } = await import(${module});
      await holdOutput(${JSON.stringify(output)}, "npm run build", { releaseOnSignal: true });
      console.log("held");
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("held") && resolve()));
    expect(existsSync(`${output}.lock`)).toBe(true);
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    child.kill("SIGTERM");
    expect(await ended).toBe("SIGTERM");
    expect(existsSync(`${output}.lock`)).toBe(false);
  }, 60_000);

  it("makes the folders the output goes in, and fails rather than waits when the lock cannot be written", async () => {
    const nested = path.join(dir, "build", "site");
    (await holdOutput(nested, "npm run build"))();
    expect(existsSync(path.join(dir, "build"))).toBe(true);
    writeFileSync(path.join(dir, "file"), "");
    await expect(holdOutput(path.join(dir, "file", "site"), "npm run build", { pollMs: 5 })).rejects.toThrow(/ENOTDIR|EEXIST/);
  });

  it("releases only its own lock, never the one another process took over", () => {
    writeFileSync(`${output}.lock`, `${deadPid()} - npm run build`);
    releaseLock(`${output}.lock`);
    expect(existsSync(`${output}.lock`)).toBe(true);
  });
});

describe("npm run build beside another process holding the output folder", () => {
  it("fails while a dev server holds it, without writing anything, and builds once that process is gone", async () => {
    const site = fixtureSite({ "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16" }) });
    const holder = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      writeFileSync(`${site.outputDir}.lock`, `${holder.pid} - npm run dev`);
      const refused = site.build();
      expect(refused.status, refused.stdout + refused.stderr).toBe(1);
      expect(refused.stdout).toContain(`is being served and updated by npm run dev (process ${holder.pid})`);
      expect(existsSync(site.outputDir)).toBe(false);
      holder.kill();
      await new Promise((resolve) => holder.once("exit", resolve));
      const built = site.build();
      expect(built.status, built.stdout + built.stderr).toBe(0);
      expect(site.read("papers/2602.00001/index.html")).toContain("Alpha");
      expect(existsSync(`${site.outputDir}.lock`)).toBe(false);
    } finally {
      holder.kill();
      site.cleanup();
    }
  }, 240_000);

  it("waits while another build holds it, says for whom, and builds once it is let go", async () => {
    const site = fixtureSite({ "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16", tags: ["wombats"] }) });
    try {
      const release = await holdOutput(site.outputDir, "npm run build");
      const building = site.start("build.ts");
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(existsSync(site.outputDir)).toBe(false);
      expect(readdirSync(site.dir).filter((name) => /^.*\.tmp-\d+$/.test(name))).toEqual([]);
      release();
      const built = await building;
      expect(built.status, built.stdout + built.stderr).toBe(0);
      expect(built.stdout).toContain(`Waiting for npm run build (process ${process.pid}) to finish writing`);
      const verified = site.run("verify.ts");
      expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    } finally {
      site.cleanup();
    }
  }, 240_000);
});
