import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { parsePaperFile } from "../content/frontmatter.ts";
import { arxivKey, identityOf } from "../content/identity.ts";
import { paperFileOrigin, readPaperFiles } from "../content/load.ts";
import { checkNewPaperText, paperFilePath, paperFileText, type NewPaper } from "../content/new-paper.ts";
import { formatProblem, problemReport, type Problem } from "../content/problems.ts";
import type { MacroTable } from "../markdown/macros.ts";

/** One paper an importer found, ready to be written or merged. `label` names it in the report (its arXiv id). */
export interface ImportCandidate {
  label: string;
  paper: NewPaper & { arxiv: string };
}

/**
 * Fields the import owns: it fills them, and updates them on later runs as long as the file still holds the value the
 * import wrote last time. Everything else (title, authors, abstract, tags...) is written once, when the file is created,
 * and then belongs to people.
 */
export const importOwnedFields = ["upvotes", "organization", "links.code", "links.project"] as const;
export type OwnedField = (typeof importOwnedFields)[number];

/**
 * What the import wrote last, by paper (arXiv id without version) and owned field: `content/import-state.json`, next
 * to the content folder. A field whose value in the file differs from the one recorded here was edited by a person and
 * is never overwritten. Deleting the file is safe: the next import then only fills fields that are empty.
 */
export interface ImportState {
  papers: Record<string, Partial<Record<OwnedField, unknown>>>;
}

/** Where the state lives: `import-state.json` in the folder holding the content folder (`content/`). */
export function importStatePath(root: string, contentDir: string): string {
  return path.join(path.dirname(path.resolve(root, contentDir)), "import-state.json");
}

const stateNote = "Written by npm run import: the values it last wrote into each paper's upvotes, organization and links, so that a value someone edited is never overwritten. Safe to delete.";

/** Reads the state file; a missing file is an empty state, a broken one an error that names it. */
export function readImportState(file: string): ImportState {
  if (!existsSync(file)) return { papers: {} };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message} (delete the file to start afresh: imports then only fill empty fields)`);
  }
  const papers = (data as { papers?: unknown })?.papers;
  return { papers: papers && typeof papers === "object" && !Array.isArray(papers) ? (papers as ImportState["papers"]) : {} };
}

/** Writes the state with sorted keys (stable diffs in the pull requests the scheduled import opens). */
export function writeImportState(file: string, state: ImportState): void {
  const papers: ImportState["papers"] = {};
  for (const key of Object.keys(state.papers).sort()) {
    const fields = state.papers[key]!;
    papers[key] = Object.fromEntries(Object.keys(fields).sort().map((f) => [f, fields[f as OwnedField]]));
  }
  writeAtomic(file, `${JSON.stringify({ note: stateNote, papers }, null, 2)}\n`);
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** What happened to one paper. */
export type ImportOutcome =
  | { kind: "added"; label: string; file: string }
  | { kind: "updated"; label: string; file: string; changes: string[]; kept: string[] }
  | { kind: "unchanged"; label: string; file: string; kept: string[] }
  | { kind: "failed"; label: string; reason: string };

/** Every outcome, in input order, and one line per outcome for the person who ran the command. */
export interface ImportReport {
  outcomes: ImportOutcome[];
  counts: Record<ImportOutcome["kind"], number>;
  /** What `npm run check` will warn about in the files written (they pass; the page shows the text readably). */
  warnings: Problem[];
}

const get = (data: Record<string, unknown>, field: OwnedField): unknown => {
  const [head, tail] = field.split(".") as [string, string | undefined];
  const value = data[head];
  if (!tail) return value;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[tail] : undefined;
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const shown = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

/** The owned fields a candidate brings, with their values. */
function ownedValues(paper: NewPaper): Map<OwnedField, unknown> {
  const values = new Map<OwnedField, unknown>();
  for (const field of importOwnedFields) {
    const value = get(paper as unknown as Record<string, unknown>, field);
    if (value !== undefined) values.set(field, value);
  }
  return values;
}

/** Splits a paper file into its front matter's YAML text and everything after the closing line. */
function splitFile(text: string): { yaml: string; rest: string } | undefined {
  const normalized = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const lines = normalized.split("\n");
  if (lines[0]?.trimEnd() !== "---") return undefined;
  const close = lines.findIndex((line, i) => i > 0 && line.startsWith("---"));
  if (close === -1 || lines[close]!.trimEnd() !== "---") return undefined;
  return { yaml: lines.slice(1, close).join("\n"), rest: lines.slice(close + 1).join("\n") };
}

/**
 * Writes every candidate into the content folder: a new paper becomes a new file (through `npm run new`'s writer and
 * check), a paper already there (under any form of its arXiv id, on any day) gets only its import-owned fields updated,
 * and only those still holding what the import wrote last. Each paper succeeds or fails on its own.
 */
export function importPapers(options: {
  root: string;
  contentDir: string;
  candidates: readonly ImportCandidate[];
  /** Failures found before writing (ids arXiv does not know, items that are not papers), reported in order. */
  failures?: readonly { label: string; reason: string }[];
  /** The site's macros (content/site.json), which every paper's math may use, as `npm run check` reads them. */
  siteMacros?: MacroTable;
}): ImportReport {
  const { root, contentDir } = options;
  const contentPath = path.resolve(root, contentDir);
  const statePath = importStatePath(root, contentDir);
  const state = readImportState(statePath);

  // File names are shown as readPaperFiles names them: relative to the project (a folder elsewhere, to its grandparent).
  const origin = paperFileOrigin(root, contentDir);
  const display = (file: string) => path.relative(origin, file).split(path.sep).join("/");

  // Every paper already present, by arXiv id in any form it is written (arxiv, or an arXiv URL under id/url).
  const present = new Map<string, string>();
  for (const { file, text } of readPaperFiles(root, contentDir).files) {
    const parsed = parsePaperFile(text, file);
    const key = identityOf(file, parsed.data, parsed.lineOf, parsed.sourceOf).arxiv?.key;
    if (key && !present.has(key)) present.set(key, file);
  }

  const outcomes: ImportOutcome[] = options.failures?.map((f) => ({ kind: "failed" as const, ...f })) ?? [];
  const warnings: Problem[] = [];
  /** The problems of a file about to be written, as `npm run check` reports them; its warnings are kept for the report. */
  const check = (file: string, text: string): Problem[] => {
    const found = checkNewPaperText(file, text, options.siteMacros);
    if (!found.problems.length) warnings.push(...found.warnings);
    return found.problems;
  };
  const done = new Set<string>();
  for (const { label, paper } of options.candidates) {
    const key = arxivKey(paper.arxiv);
    if (!key) {
      outcomes.push({ kind: "failed", label, reason: `"${paper.arxiv}" is not an arXiv id` });
      continue;
    }
    if (done.has(key)) continue;
    done.add(key);
    const owned = ownedValues(paper);
    const existing = present.get(key);
    try {
      if (existing) {
        outcomes.push(mergeInto(path.resolve(origin, existing), existing, label, key, owned, state, check));
        continue;
      }
      const target = paperFilePath(contentPath, paper);
      const name = display(target);
      if (existsSync(target)) {
        outcomes.push({ kind: "failed", label, reason: `${name} exists but holds another paper; not overwritten` });
        continue;
      }
      const text = paperFileText(paper);
      const problems = check(name, text);
      if (problems.length) {
        outcomes.push({ kind: "failed", label, reason: `not written, it would not pass npm run check:\n  ${problems.map(formatProblem).join("\n  ")}` });
        continue;
      }
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text, { flag: "wx" });
      present.set(key, name);
      state.papers[key] = Object.fromEntries(owned);
      outcomes.push({ kind: "added", label, file: name });
    } catch (error) {
      outcomes.push({ kind: "failed", label, reason: (error as Error).message });
    }
  }
  if (outcomes.some((o) => o.kind === "added" || o.kind === "updated" || o.kind === "unchanged")) writeImportState(statePath, state);
  const counts = { added: 0, updated: 0, unchanged: 0, failed: 0 };
  for (const outcome of outcomes) counts[outcome.kind]++;
  return { outcomes, counts, warnings };
}

/** Updates the owned fields of an existing file that still hold the import's last values; see `importOwnedFields`. */
function mergeInto(
  full: string,
  file: string,
  label: string,
  key: string,
  owned: Map<OwnedField, unknown>,
  state: ImportState,
  check: (file: string, text: string) => Problem[],
): ImportOutcome {
  const text = readFileSync(full, "utf8");
  const parsed = parsePaperFile(text, file);
  const split = splitFile(text);
  if (!parsed.data || !split) return { kind: "unchanged", label, file, kept: ["the file's front matter does not parse; nothing updated"] };
  const record = (state.papers[key] ??= {});
  const changes: string[] = [];
  const kept: string[] = [];
  const doc = parseDocument(split.yaml, { version: "1.2" });
  for (const [field, value] of owned) {
    const current = get(parsed.data, field);
    const written = Object.hasOwn(record, field);
    if (same(current, value)) {
      record[field] = value;
    } else if (current === undefined && !written) {
      doc.setIn(field.split("."), value);
      record[field] = value;
      changes.push(`${field} ${shown(value)} (new)`);
    } else if (current !== undefined && written && same(current, record[field])) {
      doc.setIn(field.split("."), value);
      record[field] = value;
      changes.push(`${field} ${shown(current)} -> ${shown(value)}`);
    } else {
      kept.push(current === undefined ? `${field} was removed by hand` : `${field} ${shown(current)} was set by hand (the import has ${shown(value)})`);
    }
  }
  if (!changes.length) return { kind: "unchanged", label, file, kept };
  const yaml = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  const next = `---\n${yaml}---\n${split.rest}`;
  const problems = check(file, next);
  if (problems.length) {
    return { kind: "failed", label, reason: `${file} not updated, it would not pass npm run check:\n  ${problems.map(formatProblem).join("\n  ")}` };
  }
  writeAtomic(full, next);
  return { kind: "updated", label, file, changes, kept };
}

/**
 * The report as lines: one per paper that was added, updated, left alone in part, or failed; then the totals, then
 * the warnings of the files written, in the block `npm run check` prints them in.
 */
export function reportLines(report: ImportReport): string[] {
  const lines: string[] = [];
  for (const o of report.outcomes) {
    if (o.kind === "added") lines.push(`added      ${o.file}`);
    else if (o.kind === "updated") lines.push(`updated    ${o.file}: ${o.changes.join(", ")}`);
    else if (o.kind === "failed") lines.push(`failed     ${o.label}: ${o.reason}`);
    if ((o.kind === "updated" || o.kind === "unchanged") && o.kept.length) lines.push(`left alone ${o.file}: ${o.kept.join("; ")}`);
  }
  const c = report.counts;
  lines.push(`${c.added} added, ${c.updated} updated, ${c.unchanged} already up to date, ${c.failed} failed.`);
  if (report.warnings.length) lines.push("", ...problemReport([], report.warnings));
  return lines;
}
