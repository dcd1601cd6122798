// The developer commands (measures, benches) answer a mistyped option with a one-line message and their usage, and
// --help with the usage: never a stack trace.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers/site.ts";

const run = (script: string, args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join(repoRoot, "scripts", script), ...args], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });

describe("developer commands' arguments", () => {
  it.each([
    ["measure-tex.ts", "measure:tex"],
    ["measure-output.ts", "measure:output"],
    ["bench-search.ts", "bench:search"],
    ["bench.ts", "bench"],
  ])("%s: an unknown option exits 2 with the command's name, the problem and the usage", (script, name) => {
    const result = run(script, ["--bogus"]);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^npm run ${name}: Unknown option '--bogus'`));
    expect(result.stderr).toMatch(new RegExp(`\\n\\nUsage: npm run ${name}`));
    expect(result.stderr).not.toMatch(/^\s+at /m);
    const help = run(script, ["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: npm run ${name}`));
  });
});
