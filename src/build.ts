import path from "node:path";
import { formatProblem } from "./content/problems.ts";
import { runEleventy } from "./eleventy/run.ts";
import { writeAtomically } from "./output/atomic.ts";
import { checkContent } from "./pipeline.ts";
import { groupDigest } from "./digest/group.ts";
import { loadSiteConfig } from "./site.ts";

/** Validates all content, then builds the site atomically; prints every problem and writes nothing when any exists. */
export async function buildSite(options: { root: string; log?: (line: string) => void }): Promise<{ ok: boolean }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();
  const site = loadSiteConfig(options.root);
  const { papers, problems } = checkContent(options.root, site);
  if (problems.length) {
    for (const problem of problems) log(formatProblem(problem));
    log(`\n${problems.length} problem${problems.length === 1 ? "" : "s"}; the site was not built (${site.outputDir}/ is unchanged).`);
    return { ok: false };
  }
  const data = { config: site, ...groupDigest(papers) };
  await writeAtomically(path.resolve(options.root, site.outputDir), (temp) => runEleventy({ root: options.root, outputDir: temp, data }));
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  log(`Built ${papers.length} papers on ${data.days.length} day${data.days.length === 1 ? "" : "s"} into ${site.outputDir}/ in ${seconds} s.`);
  return { ok: true };
}
