// `npm run check`: validate papers and print every problem as `path:line: field: message`; exit 1 if any.
//   npm run check                              every file
//   npm run check -- --changed-from origin/main  files changed since that git ref in full, the rest for duplicates only
//   npm run check -- FILE...                   those files in full, the rest for duplicates only
// Under GitHub Actions (GITHUB_ACTIONS=true) each problem is also printed as a workflow command, so it shows on the
// pull request's line. Warnings are printed in a block of their own after the problems (same line shape, under the
// heading "Warnings (the site still builds):") and never fail the check.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { annotation } from "../src/content/annotations.ts";
import { checkPapers } from "../src/content/check.ts";
import { formatProblem, warningsHeading, type Problem } from "../src/content/problems.ts";
import { siteConfigOrExit } from "../src/cli/site-config.ts";

const usage = `Usage: npm run check [-- --changed-from <git ref> | -- FILE...]`;

/** Files changed since `ref` (committed, staged or not) plus untracked ones, as absolute paths. */
function changedSince(root: string, ref: string): string[] {
  const git = (args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const top = git(["rev-parse", "--show-toplevel"]).trim();
  // Both lists relative to the repository's top folder.
  const list = [
    ...git(["diff", "--name-only", "--no-renames", "--diff-filter=d", ref, "--"]).split("\n"),
    ...git(["ls-files", "--others", "--exclude-standard", "--full-name"]).split("\n"),
  ].filter(Boolean);
  return list.map((f) => path.join(top, f));
}

const root = process.cwd();
let changed: string[] | undefined;
try {
  const { values, positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { "changed-from": { type: "string" } } });
  if (values["changed-from"] !== undefined) {
    if (positionals.length) throw new Error("give either --changed-from or files, not both");
    try {
      changed = changedSince(root, values["changed-from"]);
    } catch (error) {
      const detail = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim().split("\n")[0];
      throw new Error(`cannot list the files changed since "${values["changed-from"]}": ${detail}`);
    }
  } else if (positionals.length) changed = positionals;
} catch (error) {
  console.error(`npm run check: ${(error as Error).message}\n${usage}`);
  process.exit(2);
}

const site = siteConfigOrExit("npm run check", root);
const { problems, warnings, checked, total } = checkPapers(root, site, { changed });
const annotate = process.env.GITHUB_ACTIONS === "true";
// Problems, then the warnings in a block of their own (as problemReport lays them out), every line `path:line: field:
// message`; under GitHub Actions each is followed by its `::error` / `::warning` command.
const show = (p: Problem) => {
  console.log(formatProblem(p));
  if (annotate) console.log(annotation(p));
};
problems.forEach(show);
if (warnings.length) {
  console.log(`${problems.length ? "\n" : ""}${warningsHeading}`);
  warnings.forEach(show);
}
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const scope = changed ? `${plural(checked, "changed paper")} checked in full, ${plural(total - checked, "other")} for duplicates` : `${plural(total, "paper")} checked`;
const warned = warnings.length ? ` (${plural(warnings.length, "warning")})` : "";
const files = new Set(problems.map((p) => p.file)).size;
console.log(
  problems.length
    ? `\n${plural(problems.length, "problem")} in ${plural(files, "file")}${warned}.`
    : `${warnings.length ? "\n" : ""}${scope}: no problems${warned}.`,
);
process.exitCode = problems.length ? 1 : 0;
