// `npx tsx scripts/bench-hostile.ts`: how long `npm run check` spends on each worst-case paper file, how much memory
// the process needs for it and how much it produces. The goal: under one second and 256 MB per file. Each file is
// checked in a fresh process (so its peak memory is its own): slowest of three runs after a warm-up.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { checkOne } from "../tests/security/check.ts";
import { hostileFiles } from "../tests/security/hostile-corpus.ts";

const budget = { ms: 1000, mb: 256 };

/** One file, in this process: slowest of three checks, output, problems and the process's peak memory. */
function measure(text: string) {
  checkOne("---\ntitle: warm-up $x$\ndate: 2026-02-16\narxiv: \"2601.00001\"\nauthors: [A]\n---\n$\\sqrt x$\n");
  let slowest = 0;
  let output = 0;
  let problems = 0;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const result = checkOne(text);
    slowest = Math.max(slowest, performance.now() - started);
    output = result.papers.reduce((n, p) => n + p.abstractHtml.length + p.titleHtml.length, 0);
    problems = result.problems.length;
  }
  return { slowest, output, problems, mb: process.resourceUsage().maxRSS / 1024 };
}

const only = process.argv.indexOf("--case");
if (only !== -1) {
  const index = Number(process.argv[only + 1]);
  console.log(JSON.stringify(measure(index < 0 ? "" : hostileFiles[index]![1])));
} else {
  const run = (index: number) =>
    JSON.parse(execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--case", String(index)], { encoding: "utf8" })) as ReturnType<typeof measure>;
  const base = run(-1);
  console.log(`a process that checks one trivial file: ${base.mb.toFixed(0)} MB peak\n`);
  let worst = { ms: 0, mb: 0 };
  hostileFiles.forEach(([name, text], index) => {
    const m = run(index);
    worst = { ms: Math.max(worst.ms, m.slowest), mb: Math.max(worst.mb, m.mb) };
    const over = m.slowest > budget.ms || m.mb > budget.mb ? "  OVER" : "";
    console.log(`${m.slowest.toFixed(0).padStart(6)} ms ${m.mb.toFixed(0).padStart(5)} MB  ${(text.length / 1000).toFixed(0).padStart(4)} kB in  ${(m.output / 1000).toFixed(0).padStart(5)} kB out  ${m.problems} problem(s)  ${name}${over}`);
  });
  console.log(`\nslowest file: ${worst.ms.toFixed(0)} ms (goal: under ${budget.ms} ms); most memory: ${worst.mb.toFixed(0)} MB (goal: under ${budget.mb} MB)`);
  process.exitCode = worst.ms > budget.ms || worst.mb > budget.mb ? 1 : 0;
}
