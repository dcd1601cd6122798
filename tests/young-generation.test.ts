import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { workerSemiSpaceFlag } from "../src/workers/young-generation.ts";

// Grows a thread's young generation and gives its size: run as a worker, or imported by the main thread.
const fixture = new URL("./fixtures/young-generation-worker.ts", import.meta.url).href;

describe("the build's young generation (src/workers/young-generation.ts)", () => {
  it("names V8's default for Node 20 and 22, and nothing for a V8 that sizes it from the heap limit", () => {
    expect(workerSemiSpaceFlag("11.3.244.8-node.38")).toBe("--max-semi-space-size=16");
    expect(workerSemiSpaceFlag("12.4.254.21-node.57")).toBe("--max-semi-space-size=16");
    expect(workerSemiSpaceFlag("13.6.233.17-node.63")).toBeUndefined();
    expect(workerSemiSpaceFlag("")).toBeUndefined();
  });

  it("is what npm run build starts its main thread with", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.build).toMatch(/^node [^]*--max-semi-space-size=64 [^]*scripts\/launch\.mjs scripts\/build\.ts$/);
  });

  it("leaves the main thread's young generation as the command line set it, and gives a worker started after V8's default", () => {
    const code = `
      const { startTypeScriptWorker } = await import("./src/workers/typescript-worker.ts");
      const newSpace = (await import(${JSON.stringify(fixture)})).grownNewSpace();
      const worker = startTypeScriptWorker(new URL(${JSON.stringify(fixture)}));
      worker.on("message", (inWorker) => { console.log(JSON.stringify({ main: newSpace, worker: inWorker })); worker.terminate(); });`;
    const run = spawnSync(process.execPath, ["--max-semi-space-size=64", "--import", "tsx", "--input-type=module", "--eval", code], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const { main, worker } = JSON.parse(run.stdout) as { main: number; worker: number };
    expect(main).toBe(128);
    // Node 20 and 22: 16 MB semi-spaces, as without the flag; Node 24 sizes them from the heap limit and is left alone.
    expect(worker).toBe(workerSemiSpaceFlag(process.versions.v8) ? 32 : 128);
  }, 60_000);
});
