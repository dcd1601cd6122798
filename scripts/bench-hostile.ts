// `npx tsx scripts/bench-hostile.ts`: how long `npm run check` spends on each worst-case paper file, and how much it
// produces. The goal: under one second per file. Prints one line per file, slowest of three runs after a warm-up.
import { checkOne } from "../tests/security/check.ts";
import { hostileFiles } from "../tests/security/hostile-corpus.ts";

checkOne(hostileFiles[0]![1]);
let worst = 0;
for (const [name, text] of hostileFiles) {
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
  worst = Math.max(worst, slowest);
  console.log(`${slowest.toFixed(0).padStart(6)} ms  ${(text.length / 1000).toFixed(0).padStart(4)} kB in  ${(output / 1000).toFixed(0).padStart(5)} kB out  ${problems} problem(s)  ${name}`);
}
console.log(`\nslowest file: ${worst.toFixed(0)} ms (goal: under 1000 ms)`);
