import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compileCommand, upToDateBundle } from "../src/workers/bundle.ts";
import { fixtureSite, paper, repoRoot } from "./helpers/site.ts";

// scripts/launch.mjs: the npm scripts of build, dev and check start through it.

const launcher = path.join(repoRoot, "scripts", "launch.mjs");
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function launch(entry: string, args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [launcher, entry, ...args], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return run.stdout;
}

describe("scripts/launch.mjs", () => {
  it("runs a command from its compiled entry only while every file it was compiled from is unchanged, with the command's arguments", async () => {
    // Inside the repository, as the commands are (compiled code imports packages from its node_modules).
    const dir = mkdtempSync(path.join(repoRoot, "tests", ".launch-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const entry = path.join(dir, "entry.ts");
    writeFileSync(
      entry,
      'import { value } from "./dep.ts";\n' +
        // A dynamic import of the project's own module (a chunk of its own when compiled) and a package's.
        'const { later } = await import("./later.ts");\nconst { default: matter } = await import("gray-matter");\n' +
        "const compiled: boolean = (new Error().stack ?? \"\").includes(\"paper-digest-workers\");\n" +
        "console.log(JSON.stringify({ argv: process.argv.slice(1), value, later, url: import.meta.url, compiled, yaml: matter(\"---\\na: 1\\n---\\n\").data }));\n",
    );
    writeFileSync(path.join(dir, "dep.ts"), "export const value: number = 1;\n");
    writeFileSync(path.join(dir, "later.ts"), "export const later: string = 'later';\n");
    const expected = (value: number, compiled: boolean) => ({
      argv: [entry, "--flag", "x y"],
      value,
      later: "later",
      url: `file://${entry}`,
      compiled,
      yaml: { a: 1 },
    });
    const run = (env: Record<string, string> = {}) => JSON.parse(launch(entry, ["--flag", "x y"], env)) as unknown;

    // None compiled yet: under tsx, and one is compiled on a process of its own for the next run.
    expect(upToDateBundle(entry)).toBeUndefined();
    expect(run()).toEqual(expected(1, false));
    await expect.poll(() => upToDateBundle(entry), { timeout: 60_000, interval: 200 }).toBeDefined();
    expect(readdirSync(path.dirname(upToDateBundle(entry)!)).length).toBeGreaterThan(1);
    expect(run()).toEqual(expected(1, true));
    expect(run({ DIGEST_COMPILED: "0" })).toEqual(expected(1, false));

    // An edit that keeps the file's size is never missed: that run is under tsx, with the edit.
    writeFileSync(path.join(dir, "dep.ts"), "export const value: number = 2;\n");
    expect(run()).toEqual(expected(2, false));
    await expect.poll(() => upToDateBundle(entry), { timeout: 60_000, interval: 200 }).toBeDefined();
    expect(run()).toEqual(expected(2, true));
  });

  it("builds from the compiled build command byte for byte the site tsx builds", async () => {
    const entry = path.join(repoRoot, "scripts", "build.ts");
    const compiled = upToDateBundle(entry) ?? (await compileCommand(entry));
    expect(compiled).toBeDefined();
    const papers = {
      "2026-02-16/a.md": paper({ arxiv: "2602.00001", title: "Bounds in $\\mathcal{O}(n \\log n)$" }, "We show $$\\sum_i x_i \\le 1$$ for all $x$."),
      "2026-02-16/b.md": paper({ arxiv: "2602.00002", title: "Second" }, "Plain text & <b>markup</b>."),
      "2026-02-17/c.md": paper({ arxiv: "2602.00003", title: "Third" }, "Müller’s $x^2$."),
    };
    const sites = [fixtureSite(papers), fixtureSite(papers)];
    for (const site of sites) cleanups.push(site.cleanup);
    const tsxBuild = launch(entry, [], { ...sites[0]!.env, DIGEST_COMPILED: "0" });
    const compiledBuild = launch(entry, [], sites[1]!.env);
    // Still up to date after that run, so the launcher ran it (the first test shows it does when one is).
    expect(upToDateBundle(entry)).toBe(compiled);
    expect(tsxBuild).toMatch(/^Built 3 papers/m);
    expect(compiledBuild).toMatch(/^Built 3 papers/m);
    const files = sites.map((site) => site.files().sort());
    expect(files[1]).toEqual(files[0]);
    for (const file of files[0]!) expect(readFileSync(path.join(sites[1]!.outputDir, file)), file).toEqual(readFileSync(path.join(sites[0]!.outputDir, file)));
  });
});
