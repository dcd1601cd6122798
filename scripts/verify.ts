// `npm run verify`: checks the built site in the output folder (dist/): every internal link and anchor resolves,
// every page passes html-validate and the page-security checks, feeds parse. Prints every problem; exits 1 if any.
import { existsSync } from "node:fs";
import path from "node:path";
import { formatProblem } from "../src/content/problems.ts";
import { loadSiteConfig } from "../src/site.ts";
import { verifySite } from "../src/verify/verify.ts";

const site = loadSiteConfig(process.cwd());
const dir = path.resolve(process.cwd(), site.outputDir);
if (!existsSync(dir)) {
  console.log(`${site.outputDir}/ does not exist: run npm run build first.`);
  process.exit(1);
}
const problems = verifySite(dir, site);
for (const problem of problems) console.log(formatProblem(problem));
console.log(problems.length ? `\n${problems.length} problem${problems.length === 1 ? "" : "s"} in ${site.outputDir}/.` : `${site.outputDir}/ verified: no problems.`);
process.exitCode = problems.length ? 1 : 0;
