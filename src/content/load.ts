import { lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parsePaperFile } from "./frontmatter.ts";
import { validatePaper } from "./schema.ts";
import type { Paper, PaperText } from "./paper.ts";
import { sortProblems, type Problem } from "./problems.ts";

/** A paper file as found on disk: its path relative to the project root, and its text. */
export interface SourceFile {
  file: string;
  text: string;
}

/** Every entry under `dir`, sorted; symbolic links and non-Markdown files become problems, never silently skipped. */
export function readPaperFiles(root: string, dir: string): { files: SourceFile[]; problems: Problem[] } {
  const files: SourceFile[] = [];
  const problems: Problem[] = [];
  const base = path.resolve(root, dir);
  // Names in messages are relative to the project; a content folder elsewhere (a test fixture) is named from its
  // grandparent, so it still reads `content/papers/...`.
  const origin = base.startsWith(path.resolve(root) + path.sep) ? path.resolve(root) : path.dirname(path.dirname(base));
  const rel = (p: string) => path.relative(origin, p).split(path.sep).join("/");
  const seen = new Map<string, string>();
  const walk = (folder: string) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" && folder === base) return;
      throw error;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(folder, entry.name);
      const file = rel(full);
      const folded = file.toLowerCase();
      const twin = seen.get(folded);
      if (twin) {
        problems.push({ file, message: `differs from ${twin} only by letter case; the two collide on case-insensitive file systems` });
        continue;
      }
      seen.set(folded, file);
      if (entry.isSymbolicLink()) {
        problems.push({ file, message: "is a symbolic link; paper files must be regular files" });
      } else if (entry.isDirectory()) {
        walk(full);
      } else if (!entry.isFile()) {
        problems.push({ file, message: "is not a regular file" });
      } else if (!entry.name.endsWith(".md")) {
        problems.push({ file, message: `is not a Markdown paper file: everything under ${rel(base)}/ must end in .md` });
      } else {
        const size = lstatSync(full).size;
        if (size > 1_000_000) problems.push({ file, message: `is ${size} bytes; a paper file must be under 1 MB` });
        else files.push({ file, text: readFileSync(full, "utf8") });
      }
    }
  };
  walk(base);
  return { files, problems };
}

/** What loading found: valid papers, every problem, and the text of rejected files so their math can be checked too. */
export interface Loaded {
  papers: Paper[];
  problems: Problem[];
  rejected: PaperText[];
}

/** Parses and validates paper files, reporting every problem in every file plus duplicate ids across files. */
export function parsePapers(files: SourceFile[]): Loaded {
  const papers: Paper[] = [];
  const rejected: PaperText[] = [];
  const problems: Problem[] = [];
  const byId = new Map<string, Paper>();
  for (const { file, text } of files) {
    const parsed = parsePaperFile(text, file);
    const result = validatePaper(parsed, file);
    problems.push(...parsed.problems, ...result.problems);
    if (!result.paper) {
      if (parsed.data) {
        const title = typeof parsed.data.title === "string" ? parsed.data.title : "";
        rejected.push({ title, body: parsed.body, source: { file, titleLine: parsed.lineOf(["title"]) ?? 2, bodyLine: parsed.bodyLine } });
      }
      continue;
    }
    const twin = byId.get(result.paper.id);
    if (twin) {
      const field = result.paper.arxiv ? "arxiv" : "id";
      problems.push({ file, line: parsed.lineOf([field]), field, message: `"${result.paper.id}" is already used by ${twin.source.file}; each paper has one file` });
      continue;
    }
    byId.set(result.paper.id, result.paper);
    papers.push(result.paper);
  }
  return { papers, problems: sortProblems(problems), rejected };
}

/** Reads and validates every paper under `dir` (relative to `root`). */
export function loadPapers(root: string, dir: string): Loaded {
  const found = readPaperFiles(root, dir);
  const parsed = parsePapers(found.files);
  return { ...parsed, problems: sortProblems([...found.problems, ...parsed.problems]) };
}
