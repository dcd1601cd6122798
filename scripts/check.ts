// `npm run check`: validate every paper and print every problem as `path:line: field: message`; exit 1 if any.
import { formatProblem } from "../src/content/problems.ts";
import { checkContent } from "../src/pipeline.ts";
import { loadSiteConfig } from "../src/site.ts";

const site = loadSiteConfig(process.cwd());
const { papers, problems } = checkContent(process.cwd(), site);
for (const problem of problems) console.log(formatProblem(problem));
const files = new Set(problems.map((p) => p.file)).size;
console.log(
  problems.length
    ? `\n${problems.length} problem${problems.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}.`
    : `${papers.length} paper${papers.length === 1 ? "" : "s"} checked: no problems.`,
);
process.exitCode = problems.length ? 1 : 0;
