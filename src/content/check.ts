import path from "node:path";
import { checkPaperMath } from "../markdown/paper.ts";
import { checkContent } from "../pipeline.ts";
import type { SiteConfig } from "../site.ts";
import { findDuplicates } from "./duplicates.ts";
import { parsePaperFile } from "./frontmatter.ts";
import { identityOf, type PaperIdentity } from "./identity.ts";
import { paperFileOrigin, parsePaper, readPaperFiles } from "./load.ts";
import { sortProblems, type Problem } from "./problems.ts";
import { paperWarnings } from "./schema.ts";

/** What `npm run check` found: problems fail it, warnings do not. */
export interface CheckResult {
  problems: Problem[];
  warnings: Problem[];
  /** Files checked in full (every file, or the changed ones). */
  checked: number;
  /** Paper files in the content folder. */
  total: number;
}

/** Front matter identity (and warnings) of every file, read leniently: a broken file still has an id. */
function identities(files: readonly { file: string; text: string }[], warnFor: (file: string) => boolean) {
  const ids: PaperIdentity[] = [];
  const warnings: Problem[] = [];
  for (const { file, text } of files) {
    const parsed = parsePaperFile(text, file);
    ids.push(identityOf(file, parsed.data, parsed.lineOf, parsed.sourceOf));
    if (warnFor(file)) warnings.push(...paperWarnings(parsed, file));
  }
  return { ids, warnings };
}

const split = (problems: Problem[]) => ({
  problems: sortProblems(problems.filter((p) => p.severity !== "warning")),
  warnings: sortProblems(problems.filter((p) => p.severity === "warning")),
});

/**
 * Checks the content folder. Without `changed`: every file in full (as the build does, with its cache) plus duplicates
 * across all. With `changed` (paths relative to `root`, as git prints them): only those files in full -- front matter,
 * schema, math -- and every other file only for its identity, so a duplicate of an existing paper is caught, reported
 * on the changed file.
 */
export function checkPapers(root: string, site: SiteConfig, options: { changed?: readonly string[] } = {}): CheckResult {
  const read = readPaperFiles(root, site.contentDir);
  if (!options.changed) {
    const full = checkContent(root, site);
    const { ids, warnings } = identities(read.files, () => true);
    // The loader reports an id used twice already; add only what it cannot see (other id forms, DOIs, titles).
    const reported = new Set(full.problems.map((p) => `${p.file}\u0000${p.field}`));
    const duplicates = findDuplicates(ids).filter((p) => !reported.has(`${p.file}\u0000${p.field}`));
    return { ...split([...full.problems, ...full.warnings, ...duplicates, ...warnings]), checked: read.files.length, total: read.files.length };
  }
  // The names readPaperFiles gives: relative to the project (see paperFileOrigin), with forward slashes.
  const origin = paperFileOrigin(root, site.contentDir);
  const changed = new Set(options.changed.map((f) => path.relative(origin, path.resolve(root, f)).split(path.sep).join("/")));
  const problems: Problem[] = read.problems.filter((p) => changed.has(p.file));
  let checked = 0;
  for (const { file, text } of read.files) {
    if (!changed.has(file)) continue;
    checked++;
    const one = parsePaper(file, text);
    problems.push(...one.problems);
    const math = one.paper ?? one.rejected;
    if (math) problems.push(...checkPaperMath(math, site.macros));
  }
  const { ids, warnings } = identities(read.files, (file) => changed.has(file));
  problems.push(...findDuplicates(ids, changed), ...warnings);
  return { ...split(problems), checked, total: read.files.length };
}
