import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { tieringFlag } from "../src/workers/tiering.ts";

describe("V8's tiering for a build that typesets every paper (src/workers/tiering.ts)", () => {
  it("names the flag each supported V8 has, and none for a V8 it does not know", () => {
    expect(tieringFlag("11.3.244.8-node.38")).toBe("--interrupt-budget=1081344");
    expect(tieringFlag("12.4.254.21-node.57")).toBe("--invocation-count-for-turbofan=24000");
    expect(tieringFlag("13.6.233.17-node.63")).toBe("--invocation-count-for-turbofan=24000");
    expect(tieringFlag("14.1.0")).toBeUndefined();
    expect(tieringFlag("10.2.154.26-node.26")).toBeUndefined();
    expect(tieringFlag("")).toBeUndefined();
  });

  it("sets a flag the running V8 has: nothing printed, the program goes on", () => {
    // V8 prints "Error: unrecognized flag" for a flag it lacks (and goes on), so the check is on what it prints.
    const code = `import("./src/workers/tiering.ts").then((m) => { const flag = m.optimizeLater(); console.log(JSON.stringify({ flag, after: \"still running\" })); });`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", code], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const { flag, after } = JSON.parse(run.stdout) as { flag?: string; after: string };
    expect(after).toBe("still running");
    // The project supports Node 20, 22 and 24 (package.json's engines): V8 11.3, 12.4 and 13.6.
    expect(flag).toBe(tieringFlag(process.versions.v8));
    expect(flag).toBeDefined();
  });
});
