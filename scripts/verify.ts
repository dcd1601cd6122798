// `npm run verify`: checks the built site in the output folder (dist/): every internal link and anchor resolves,
// every page passes html-validate and the page-security checks, feeds parse. Prints every problem; exits 1 if any.
import { existsSync } from "node:fs";
import path from "node:path";
import { formatProblem } from "../src/content/problems.ts";
import { readBuildSettings } from "../src/output/build-settings.ts";
import { siteConfigOrExit } from "../src/cli/site-config.ts";
import { verifySite } from "../src/verify/verify.ts";

const site = siteConfigOrExit("npm run verify");
const dir = path.resolve(process.cwd(), site.outputDir);
if (!existsSync(dir)) {
  console.log(`${site.outputDir}/ does not exist: run npm run build first.`);
  process.exit(1);
}
// Links are checked against the address the site was built for, recorded by the build.
const built = readBuildSettings(dir);
if (built && (built.url !== site.url || built.pathPrefix !== site.pathPrefix)) {
  console.log(`Verifying with the settings ${site.outputDir}/ was built with: url ${built.url}, pathPrefix ${built.pathPrefix}.`);
}
const problems = verifySite(dir, { ...site, ...built });
for (const problem of problems) console.log(formatProblem(problem));
console.log(problems.length ? `\n${problems.length} problem${problems.length === 1 ? "" : "s"} in ${site.outputDir}/.` : `${site.outputDir}/ verified: no problems.`);
process.exitCode = problems.length ? 1 : 0;
