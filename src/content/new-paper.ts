import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Document, isScalar, isSeq, Scalar } from "yaml";
import type { MacroTable } from "../markdown/macros.ts";
import { checkPaperMath } from "../markdown/paper.ts";
import { parsePaperFile } from "./frontmatter.ts";
import { parsePapers, readPaperFiles } from "./load.ts";
import type { Problem } from "./problems.ts";
import { abstractPlaceholder, knownFields, paperSlug } from "./schema.ts";

/** The fields `npm run new` writes; the abstract becomes the body (the placeholder line when there is none). */
export interface NewPaper {
  title: string;
  date: string;
  arxiv?: string;
  id?: string;
  url?: string;
  authors: string[];
  published?: string;
  category?: string;
  doi?: string;
  tags?: string[];
  /** Filled by `npm run import` from Hugging Face: the organization's full name, the upvotes and named links. */
  organization?: string;
  upvotes?: number;
  links?: Record<string, string>;
  abstract?: string;
}

/**
 * An abstract as Markdown: hard line breaks inside a paragraph (arXiv wraps its abstracts at 80 columns) are joined,
 * blank lines still separate paragraphs, and the TeX is kept exactly as written.
 */
export function abstractMarkdown(abstract: string): string {
  return abstract
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n\n");
}

/**
 * The text of a paper file: YAML written by the yaml library (so any title or name is quoted as it must be), fields in
 * the README's order, the title and arXiv id always in double quotes, tags as a one-line list.
 */
export function paperFileText(paper: NewPaper): string {
  const { abstract, ...fields } = paper;
  fields.title = fields.title.replace(/\s+/g, " ").trim();
  const record: Record<string, unknown> = {};
  for (const key of knownFields) {
    const value = (fields as Record<string, unknown>)[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) record[key] = value;
  }
  const doc = new Document(record, { version: "1.2" });
  for (const key of ["title", "arxiv"]) {
    const node = doc.get(key, true);
    if (isScalar(node)) node.type = Scalar.QUOTE_DOUBLE;
  }
  const tags = doc.get("tags", true);
  if (isSeq(tags)) tags.flow = true;
  const yaml = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  const body = abstract?.trim() ? abstractMarkdown(abstract) : abstractPlaceholder;
  return `---\n${yaml}---\n${body}\n`;
}

/** Where a new paper goes: `<contentDir>/<date>/<id>.md` (an old-style id's slash becomes "_"). */
export function paperFilePath(contentDir: string, paper: Pick<NewPaper, "date" | "arxiv" | "id">): string {
  return path.join(contentDir, paper.date, `${paperSlug(paper.arxiv ?? paper.id ?? "")}.md`);
}

/** Every id already used under the content folder, with its file; read leniently so a broken file still counts. */
export function usedIds(root: string, contentDir: string): Map<string, string> {
  const used = new Map<string, string>();
  for (const { file, text } of readPaperFiles(root, contentDir).files) {
    const parsed = parsePaperFile(text, file);
    for (const key of ["arxiv", "id"]) {
      const value = parsed.data?.[key];
      // An unquoted arXiv id is a number to YAML; what the file says is its source text.
      const written = typeof value === "number" ? parsed.sourceOf([key]) : typeof value === "string" ? value : undefined;
      if (written) used.set(written.trim().replace(/v\d+$/, ""), file);
    }
  }
  return used;
}

/** Every problem and warning `npm run check` would report for this file's text, the placeholder abstract aside. */
export function checkNewPaperText(file: string, text: string, siteMacros: MacroTable = {}): { problems: Problem[]; warnings: Problem[] } {
  // The placeholder is the one thing left for the contributor; everything else must already be right.
  const checked = text.replace(abstractPlaceholder, "Abstract to come.");
  const { problems, rejected, papers } = parsePapers([{ file, text: checked }]);
  const all = [...problems, ...[...papers, ...rejected].flatMap((paper) => checkPaperMath(paper, siteMacros))];
  return { problems: all.filter((p) => p.severity !== "warning"), warnings: all.filter((p) => p.severity === "warning") };
}

/** Every problem `npm run check` would report for this file (warnings aside: they never stop a file being written). */
export function checkNewPaperFile(file: string, text: string, siteMacros: MacroTable = {}): Problem[] {
  return checkNewPaperText(file, text, siteMacros).problems;
}

/** Why a new paper cannot have its file (the path exists, or its id is used by another file), or undefined. */
export function whyTaken(options: { root: string; contentDir: string; paper: Pick<NewPaper, "date" | "arxiv" | "id"> }): string | undefined {
  const { root, paper } = options;
  const target = paperFilePath(path.resolve(root, options.contentDir), paper);
  if (existsSync(target)) return `${displayPath(root, target)} already exists; edit it instead`;
  const id = paper.arxiv ?? paper.id ?? "";
  const twin = usedIds(root, options.contentDir).get(id);
  return twin ? `"${id}" is already used by ${twin}; each paper has one file` : undefined;
}

/** What writing a new paper file came to: the file written, or why nothing was written. */
export type WriteResult = { ok: true; file: string; placeholder: boolean; warnings: Problem[] } | { ok: false; reason: string; problems: Problem[] };

/**
 * Writes a new paper file after checking that neither its path nor its id is taken and that it passes the same
 * validation as `npm run check`; never overwrites and never writes an invalid file.
 */
export function writeNewPaper(options: { root: string; contentDir: string; paper: NewPaper; siteMacros?: MacroTable }): WriteResult {
  const { root, paper } = options;
  const taken = whyTaken(options);
  if (taken) return { ok: false, reason: taken, problems: [] };
  const target = paperFilePath(path.resolve(root, options.contentDir), paper);
  const shown = displayPath(root, target);
  const text = paperFileText(paper);
  const { problems, warnings } = checkNewPaperText(shown, text, options.siteMacros);
  if (problems.length) return { ok: false, reason: `${shown} was not written: it would not pass npm run check`, problems };
  mkdirSync(path.dirname(target), { recursive: true });
  // "wx": fail rather than overwrite, even if the file appeared since the check above.
  writeFileSync(target, text, { flag: "wx" });
  return { ok: true, file: shown, placeholder: !paper.abstract?.trim(), warnings };
}

/** A path as the contributor would type it: relative to the project when inside it. */
function displayPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
}
