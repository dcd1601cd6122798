// `npm run bench -- --papers 10000 [--runs 3] [--no-dev] [--no-baseline] [--no-hugo] [--keep] [--json FILE]`
// `npm run bench -- --reuse /tmp/digest-bench-XXXX [--runs 3]`: the incremental figures only (warm, one more paper) on
// the corpus, cache and output a `--keep` run left; a first, unmeasured build brings cache and output up to date with
// the running code (a cold build when the code changed), and the folder is kept.
// Builds a synthetic corpus in a temporary folder and measures, in one run, the baseline Eleventy project, Hugo's plain
// build of the same files (when `hugo` is installed) and our full build: cold (no cache, no output), warm (nothing
// changed) and after adding one paper. Runs alternate (baseline, Hugo, ours, baseline, Hugo, ours, ...) so a busy
// moment of the machine falls on all of them. Nothing is deleted while builds are measured: folders a run replaces are
// moved aside, and the next run waits until the deletions our build makes itself are a minute old (see
// scripts/bench/set-aside.ts: on this disk, a build right after a large deletion pays for it). Prints medians of wall
// time, CPU time, peak memory of the process tree, the build's own phase breakdown, output size, ratios to the
// baseline and Hugo, and the ratio of each run's pair.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { baselineCommand, writeBaselineProject } from "./bench/baseline.ts";
import { generateCorpus, type Corpus } from "./bench/corpus.ts";
import { measureDev, type DevFigures } from "./bench/dev.ts";
import { findHugo, hugoCommand, writeHugoProject } from "./bench/hugo.ts";
import { folderSize, measure, median, type Measured } from "./bench/measure.ts";
import { outwaitDeletions, SetAside } from "./bench/set-aside.ts";
import { trashDeleted } from "../src/output/atomic.ts";
import { formatOutputSize, measureOutput, type OutputSize } from "../src/measure/output-size.ts";
import { commandArgs } from "../src/cli/args.ts";
import { compileCommand } from "../src/workers/bundle.ts";

const usage = "Usage: npm run bench -- --papers N [--runs 3] [--no-dev] [--no-baseline] [--no-hugo] [--keep] [--reuse FOLDER] [--json FILE]";
const { values } = commandArgs("bench", usage, {
  papers: { type: "string", default: "1000" },
  runs: { type: "string", default: "3" },
  // The dev server is measured unless --no-dev (or --reuse, which measures the incremental builds only); --dev, the
  // flag of earlier versions, is still accepted.
  dev: { type: "boolean", default: false },
  "no-dev": { type: "boolean", default: false },
  "no-baseline": { type: "boolean", default: false },
  "no-hugo": { type: "boolean", default: false },
  keep: { type: "boolean", default: false },
  reuse: { type: "string" },
  json: { type: "string" },
});
const reuse = values.reuse && path.resolve(values.reuse);
const runs = Number(values.runs);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nodeModules = path.join(repo, "node_modules");
const tmp = reuse ?? mkdtempSync(path.join(os.tmpdir(), "digest-bench-"));
if (reuse) {
  values["no-baseline"] = true;
  values.keep = true;
}
const site = path.join(tmp, "site");
const contentDir = path.join(site, "content", "papers");
const outputDir = path.join(site, "dist");
const cacheDir = path.join(site, ".cache");
const baselineDir = path.join(tmp, "baseline");
const hugoDir = path.join(tmp, "hugo");
const hugoOutput = path.join(hugoDir, "public");
const log = (line: string) => console.log(line);

const corpusFile = path.join(tmp, "corpus.json");
// The corpus a `--keep` run wrote, without its list of files (which only the baseline and Hugo projects need).
const kept = reuse ? (JSON.parse(readFileSync(corpusFile, "utf8")) as Corpus) : undefined;
const count = kept?.papers ?? Number(values.papers);
log(`Benchmark: ${count} papers, ${runs} run(s), ${reuse ? "kept" : "temporary"} folder ${tmp}`);
log(`Machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
let started = performance.now();
if (!kept) {
  mkdirSync(contentDir, { recursive: true });
  writeFileSync(path.join(site, "content", "site.json"), JSON.stringify({ title: "Benchmark Digest", url: "https://bench.example.org" }));
}
const corpus = kept ?? generateCorpus(contentDir, count);
if (!kept) writeFileSync(corpusFile, JSON.stringify({ ...corpus, files: [] }));
log(`Corpus: ${corpus.papers} papers on ${corpus.days.length} days, ${mb(folderSize(contentDir).bytes)} (${s(performance.now() - started)} s to ${kept ? "measure" : "write"})`);
if (!values["no-baseline"]) {
  started = performance.now();
  writeBaselineProject(baselineDir, contentDir, corpus.files, nodeModules);
  log(`Baseline project: ${baselineDir} (${s(performance.now() - started)} s to write)`);
}
// Hugo is compared only when installed; the report says why it is not.
const hugo = values["no-baseline"] || values["no-hugo"] ? { missing: "--no-baseline or --no-hugo was given" } : findHugo();
if ("command" in hugo) {
  started = performance.now();
  writeHugoProject(hugoDir, contentDir, corpus.files);
  log(`Hugo project: ${hugoDir}, ${hugo.version} (${s(performance.now() - started)} s to write)`);
} else log(`Hugo comparison skipped: ${hugo.missing}`);

// The build runs exactly as `npm run build` does (scripts/launch.mjs, the repository as working directory), pointed at
// the corpus, from its compiled entry: compiled here first, as the first `npm run build` after a change to the code does
// for the ones after it.
await compileCommand(path.join(repo, "scripts", "build.ts"));
await compileCommand(path.join(repo, "scripts", "dev.ts"));
const buildEnv = {
  ...process.env,
  SITE_CONFIG: path.join(site, "content", "site.json"),
  SITE_CONTENT_DIR: contentDir,
  SITE_OUTPUT_DIR: outputDir,
  SITE_CACHE_DIR: cacheDir,
};
// Node flags of `npm run build` (the heap's sizes), so the benchmark runs the build exactly as the script does.
const buildScript = (JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.build ?? "";
const nodeFlags = heapFlags(buildScript);
// When our last build's deletions ended (see outwaitDeletions).
let deletedAt: number | undefined;
const setAside = new SetAside(path.join(tmp, "set-aside"));
const ourBuild = async () => {
  const result = await measure(process.execPath, [...nodeFlags, path.join(repo, "scripts", "launch.mjs"), path.join(repo, "scripts", "build.ts")], { cwd: repo, env: buildEnv });
  // The build leaves deleting the previous output to a background process (src/output/atomic.ts). Wait for it, outside
  // the measurement, so one build's deletion does not slow the next and nothing removes the folder under it.
  await trashDeleted(outputDir);
  deletedAt = Date.now();
  return result;
};
const baseline = baselineCommand(nodeModules);

type Scenario = "baseline" | "Hugo" | "cold" | "warm" | "one more paper";
const failures: string[] = [];
const results = new Map<Scenario, Measured[]>();
const record = (scenario: Scenario, result: Measured) => {
  if (result.status !== 0) {
    const why = `${scenario} failed (exit ${result.status}) after ${s(result.wallMs)} s at ${gb(result.peakRss)} GiB:\n` +
      `${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`;
    // The baseline or Hugo running out of memory is a result; our build failing is not.
    if (scenario === "baseline" || scenario === "Hugo") {
      log(`  ${why.split("\n")[0]}; last error line: ${result.stderr.trim().split("\n").filter(Boolean).slice(-1)[0] ?? ""}`);
      failures.push(why);
      return;
    }
    console.error(why);
    process.exit(1);
  }
  results.set(scenario, [...(results.get(scenario) ?? []), result]);
  const phases = phasesOf(result.stdout);
  log(`  ${scenario.padEnd(15)} ${s(result.wallMs).padStart(7)} s wall ${s(result.cpuMs).padStart(7)} s CPU ${gb(result.peakRss).padStart(6)} GiB peak` +
    (phases.size ? `  (${[...phases].map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")})` : "") +
    `  load ${os.loadavg()[0]!.toFixed(1)}`);
};

const extraPath = path.join(contentDir, corpus.extra.file);
let outputParts: OutputSize | undefined;
let sizes: { ours?: { bytes: number; files: number }; baseline?: { bytes: number; files: number }; hugo?: { bytes: number; files: number } } = {};
for (let run = 1; run <= runs; run++) {
  log(`Run ${run}/${runs}`);
  await outwaitDeletions(deletedAt);
  if (!values["no-baseline"]) {
    setAside.move(path.join(baselineDir, "_site"));
    record("baseline", await measure(baseline.command, baseline.args, { cwd: baselineDir }));
    if (!failures.length) sizes.baseline = folderSize(path.join(baselineDir, "_site"));
  }
  if ("command" in hugo) {
    setAside.move(hugoOutput);
    setAside.move(path.join(hugoDir, "hugo-cache"));
    const command = hugoCommand(hugo.command, hugoOutput);
    record("Hugo", await measure(command.command, command.args, { cwd: hugoDir }));
    sizes.hugo = folderSize(hugoOutput);
  }
  if (existsSync(extraPath)) unlinkSync(extraPath);
  if (reuse) {
    // Not measured: the output and cache are brought up to date with the corpus and the running code.
    const prime = await ourBuild();
    if (prime.status !== 0) record("cold", prime);
    log(`  (up to date after ${s(prime.wallMs)} s: ${prime.stdout.trim().split("\n").at(-1)})`);
    await outwaitDeletions(deletedAt);
  } else {
    setAside.move(outputDir);
    setAside.move(cacheDir);
    record("cold", await ourBuild());
  }
  sizes.ours = folderSize(outputDir);
  if (run === 1 && !reuse) outputParts = measureOutput(outputDir);
  record("warm", await ourBuild());
  writeFileSync(extraPath, corpus.extra.text);
  record("one more paper", await ourBuild());
  unlinkSync(extraPath);
}

let dev: DevFigures | undefined;
if (values.dev || (!values["no-dev"] && !reuse)) {
  // Started on the output and cache the last build left (a warm start), as a contributor's second `npm run dev` is.
  log("Dev server (npm run dev): start, then new paper files one at a time");
  const devScript = (JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.dev ?? "";
  const devFlags = heapFlags(devScript);
  await outwaitDeletions(deletedAt);
  dev = await measureDev({ repo, env: buildEnv, nodeFlags: devFlags, contentDir, corpus, samples: 5, log });
}

// Report: medians over the runs.
const base = results.get("baseline");
const baseWall = base ? median(base.map((r) => r.wallMs)) : undefined;
const baseCpu = base ? median(base.map((r) => r.cpuMs)) : undefined;
const hugoRuns = results.get("Hugo");
const hugoWall = hugoRuns ? median(hugoRuns.map((r) => r.wallMs)) : undefined;
const hugoCpu = hugoRuns ? median(hugoRuns.map((r) => r.cpuMs)) : undefined;
const ratio = (value: number, against: number | undefined) => (against ? (value / against).toFixed(2) : "-");
log(`\nResults (${count} papers, median of ${runs} run(s))`);
log("| build | wall s | CPU s | peak GiB | wall / baseline | CPU / baseline | wall / Hugo | CPU / Hugo |");
log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const summary: Record<string, unknown> = {};
for (const [scenario, list] of results) {
  const wall = median(list.map((r) => r.wallMs));
  const cpu = median(list.map((r) => r.cpuMs));
  const peak = Math.max(...list.map((r) => r.peakRss));
  log(`| ${scenario} | ${s(wall)} | ${s(cpu)} | ${gb(peak)} | ${ratio(wall, baseWall)} | ${ratio(cpu, baseCpu)} | ${ratio(wall, hugoWall)} | ${ratio(cpu, hugoCpu)} |`);
  const phases: Record<string, number> = {};
  for (const key of phasesOf(list[0]!.stdout).keys()) phases[key] = median(list.map((r) => phasesOf(r.stdout).get(key) ?? 0));
  summary[scenario] = { wallMs: wall, cpuMs: cpu, peakRss: peak, runs: list.map((r) => r.wallMs), phases };
}
// Each run's cold build against the baseline and Hugo of the same run: the spread shows how noisy the machine was.
const cold = results.get("cold") ?? [];
for (const [name, list] of [["baseline", base], ["Hugo", hugoRuns]] as const) {
  if (!list?.length || list.length !== cold.length) continue;
  const pairs = cold.map((r, i) => r.wallMs / list[i]!.wallMs);
  log(`Cold wall / ${name}, run by run: ${pairs.map((p) => p.toFixed(2)).join(", ")} (median ${median(pairs).toFixed(2)})`);
  summary[`cold / ${name}`] = pairs;
}
if (!("command" in hugo)) log(`Hugo: not compared (${hugo.missing})`);
log("\nPhases of our build (median seconds)");
for (const scenario of ["cold", "warm", "one more paper"] as const) {
  const phases = (summary[scenario] as { phases: Record<string, number> } | undefined)?.phases ?? {};
  log(`  ${scenario.padEnd(15)} ${Object.entries(phases).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")}`);
}
log(`\nOutput: ours ${mb(sizes.ours?.bytes ?? 0)} in ${sizes.ours?.files ?? 0} files` +
  (sizes.baseline ? `; baseline ${mb(sizes.baseline.bytes)} in ${sizes.baseline.files} files (ratio ${ratio(sizes.ours?.bytes ?? 0, sizes.baseline.bytes)})` : "") +
  (sizes.hugo ? `; Hugo ${mb(sizes.hugo.bytes)} in ${sizes.hugo.files} files (ratio ${ratio(sizes.ours?.bytes ?? 0, sizes.hugo.bytes)})` : ""));
if (outputParts) log(`\nOutput size per part (cold build, ${count} papers)\n${formatOutputSize(outputParts, count)}`);
if (dev) {
  log(`Dev server: started in ${s(dev.startMs)} s (warm cache and output); a new paper's page served after ` +
    `${dev.servedMs.map(s).join(", ")} s (median ${s(median(dev.servedMs))} s), the whole site updated after ` +
    `${dev.updatedMs.map(s).join(", ")} s (median ${s(median(dev.updatedMs))} s); peak ${gb(dev.peakRss)} GiB for its process tree`);
}
if (values.json) {
  writeFileSync(values.json, JSON.stringify({ papers: count, runs, machine: machine(), results: summary, sizes, outputParts, dev, failures }, null, 2));
}
setAside.empty();
if (!values.keep) rmSync(tmp, { recursive: true, force: true });
else log(`Kept ${tmp}`);

/** The options of the heap's sizes in an npm script's `node` command (`--max-old-space-size=6144` and the like). */
function heapFlags(script: string): string[] {
  return script.match(/--max-[a-z-]+-size=\d+/g) ?? [];
}

function phasesOf(stdout: string): Map<string, number> {
  const match = /\(content ([\d.]+), group ([\d.]+), pages ([\d.]+), feeds and search ([\d.]+), swap ([\d.]+)\)/.exec(stdout);
  const names = ["content", "group", "pages", "feeds and search", "swap"];
  return new Map(match ? names.map((name, i) => [name, Number(match[i + 1])]) : []);
}
function machine() {
  return { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model, memory: os.totalmem(), node: process.version };
}
function s(ms: number): string {
  return (ms / 1000).toFixed(2);
}
function gb(bytes: number): string {
  return (bytes / 2 ** 30).toFixed(2);
}
function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}
