/** A content problem, located as precisely as we can: file, line, field. */
export interface Problem {
  /** Path of the file, relative to the project root, with forward slashes. */
  file: string;
  /** 1-based line in the file, when known. */
  line?: number;
  /** The front-matter field (dotted for nested: `links.code`), or `body` for the abstract. */
  field?: string;
  message: string;
  /** "warning" for something valid but probably unintended: printed by `npm run check`, never failing it. Default "error". */
  severity?: "error" | "warning";
}

// Control characters (C0, DEL, C1), line and paragraph separators, bidirectional marks, overrides and isolates, and
// lone surrogates.
const unprintable = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `text` as one line of printable text: line breaks, escape sequences and every other control character are written
 * as escapes (`\n`, `\r`, `\u001B`), so a message that quotes a file name, a key or a value from an untrusted file
 * (or text from a server) can neither start a line of its own (a CI workflow command such as `::error`) nor drive the
 * terminal.
 */
export function printable(text: string): string {
  return text.replace(unprintable, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}

/** Formats a problem as `path:line: field: message`, the shape editors and CI annotate: always one printable line. */
export function formatProblem(p: Problem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  return printable(p.field ? `${where}: ${p.field}: ${p.message}` : `${where}: ${p.message}`);
}

/** The heading above the warnings in every report: they never stop a check, a build or the dev server. */
export const warningsHeading = "Warnings (the site still builds):";

/**
 * Problems, then warnings in a block of their own under `warningsHeading`, each one line `path:line: field: message`
 * (a warning's line is the same shape as a problem's, so editors and CI read both).
 */
export function problemReport(problems: readonly Problem[], warnings: readonly Problem[]): string[] {
  const lines = problems.map(formatProblem);
  if (warnings.length) lines.push(...(lines.length ? [""] : []), warningsHeading, ...warnings.map(formatProblem));
  return lines;
}

/** Sorts problems by file, then line, so reports are stable. */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)),
  );
}

/** Thrown by the build when content has problems; carries all of them, not just the first. */
export class ContentError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `${problems.length} content problem${problems.length === 1 ? "" : "s"}:\n` +
        sortProblems(problems).map(formatProblem).join("\n"),
    );
    this.name = "ContentError";
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The closest known name to `name`, if it is close enough to be a likely typo. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of known) {
    const score = distance(name.toLowerCase(), candidate.toLowerCase());
    if (score < bestScore) [best, bestScore] = [candidate, score];
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
