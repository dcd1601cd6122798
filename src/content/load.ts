import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, type BigIntStats } from "node:fs";
import path from "node:path";
import { textHash, type FileIndex } from "../cache/files.ts";
import { parsePaperFile } from "./frontmatter.ts";
import { fileNameProblem } from "./file-names.ts";
import { checkMacroTable } from "../markdown/macros.ts";
import { validatePaper } from "./schema.ts";
import type { Paper, PaperText } from "./paper.ts";
import { sortProblems, type Problem } from "./problems.ts";

/** A paper file as found on disk: its path relative to the project root, and its text. */
export interface SourceFile {
  file: string;
  text: string;
  /** The hash of `text` (see textHash), when read with a file index. */
  hash?: string;
}

/**
 * A file the index vouches for: its hash is known, its text is read only if asked for (a paper the build cache does
 * not hold, or one whose id collides). It passed every check of readPaperFiles when it was recorded, with these bytes.
 * A class, so the 100,000 of a big site share one getter rather than each hold a closure.
 */
class UnreadFile implements SourceFile {
  readonly file: string;
  readonly hash: string;
  readonly #full: string;
  #text: string | undefined;
  constructor(file: string, full: string, hash: string) {
    this.file = file;
    this.#full = full;
    this.hash = hash;
  }
  get text(): string {
    this.#text ??= utf8.decode(readFileSync(this.#full));
    return this.#text;
  }
}

/** A paper file over this many bytes is refused before it is read. */
export const maxPaperFileBytes = 1_000_000;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A file name read as bytes: its text (with U+FFFD for bytes that are not UTF-8, for messages) and whether it is UTF-8. */
function decodeName(bytes: Uint8Array): { text: string; valid: boolean } {
  try {
    return { text: utf8.decode(bytes), valid: true };
  } catch {
    return { text: Buffer.from(bytes).toString("utf8"), valid: false };
  }
}

/** The text of a UTF-8 file, or the first line with invalid bytes (reading with "utf8" would silently write U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { line: number } {
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    let start = 0;
    for (let line = 1; ; line++) {
      const end = bytes.indexOf(0x0a, start);
      try {
        utf8.decode(bytes.subarray(start, end === -1 ? bytes.length : end));
      } catch {
        return { line };
      }
      if (end === -1) return { line };
      start = end + 1;
    }
  }
}

/**
 * The folder paper file names are relative to: the project; for a content folder elsewhere (a test fixture), its
 * grandparent, so names still read `content/papers/...`.
 */
export function paperFileOrigin(root: string, dir: string): string {
  const base = path.resolve(root, dir);
  return base.startsWith(path.resolve(root) + path.sep) ? path.resolve(root) : path.dirname(path.dirname(base));
}

/**
 * Opens a file without following a symbolic link, stats it through the descriptor and reads it unless it is over
 * `maxBytes` (its bytes are then left out).
 */
function openAndRead(full: string, maxBytes: number): { stat: BigIntStats; bytes?: Buffer } {
  const fd = openSync(full, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const stat = fstatSync(fd, { bigint: true });
    return stat.size > BigInt(maxBytes) ? { stat } : { stat, bytes: readFileSync(fd) };
  } finally {
    closeSync(fd);
  }
}

/** The warning for a paper folder that does not exist (see readPaperFiles). */
export const missingFolder = "the paper folder does not exist, so the site has no papers: create it, or fix contentDir (site.json) or SITE_CONTENT_DIR";

/**
 * Every entry under `dir`, sorted; symbolic links and non-Markdown files become problems, never silently skipped.
 * `onRead` is called after each file read with the number read so far and the file (to start work that overlaps the
 * reading).
 * With `index`, a file whose stat the index vouches for is not read (its text is read when asked for), and every file
 * read is recorded in it with its hash.
 */
export function readPaperFiles(
  root: string,
  dir: string,
  onRead?: (count: number, file: SourceFile) => void,
  index?: FileIndex,
): { files: SourceFile[]; problems: Problem[] } {
  const files: SourceFile[] = [];
  const problems: Problem[] = [];
  const base = path.resolve(root, dir);
  const origin = paperFileOrigin(root, dir);
  const rel = (p: string) => path.relative(origin, p).split(path.sep).join("/");
  // An entry that cannot be read (permissions, a file removed while the folder is read) is a problem, not a crash.
  const unreadable = (file: string, error: unknown) =>
    problems.push({ file, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check the file's permissions` });
  const walk = (folder: string) => {
    let entries;
    try {
      // Names as bytes: a name that is not UTF-8 would otherwise be decoded lossily, to a path that does not exist.
      entries = readdirSync(folder, { withFileTypes: true, encoding: "buffer" });
    } catch (error) {
      // No paper folder: a site without papers (a fork that deleted every example paper loses the folder in git), but
      // said, since a misspelt contentDir would otherwise publish an empty site without a word.
      if ((error as NodeJS.ErrnoException).code === "ENOENT" && folder === base) {
        problems.push({ file: rel(base) || ".", severity: "warning", message: missingFolder });
        return;
      }
      unreadable(rel(folder), error);
      return;
    }
    const named = entries.map((entry) => ({ entry, name: decodeName(entry.name) }));
    // A folder's entries are names, never "." or ".." nor holding a separator: their paths are the folder's and the
    // name (path.join and path.relative for each file: about 0.15 s at 100,000 files in a profile, load 5).
    const folderPath = rel(folder);
    // Names that collide on a case-insensitive or normalising file system, by their folded form: only within a folder,
    // since two paths that fold alike have folders that fold alike, and of two such folders the second is never walked.
    // (One map for the whole walk, of whole paths, took 0.1 s more at 100,000 files.)
    const seen = new Map<string, string>();
    for (const { entry, name } of named.sort((a, b) => (a.name.text < b.name.text ? -1 : a.name.text > b.name.text ? 1 : 0))) {
      const full = `${folder}${path.sep}${name.text}`;
      const file = folderPath ? `${folderPath}/${name.text}` : name.text;
      if (!name.valid) {
        problems.push({ file, message: "the name is not valid UTF-8 text: rename it" });
        continue;
      }
      const badName = fileNameProblem(name.text);
      if (badName) {
        problems.push({ file, message: badName });
        continue;
      }
      // NFC too: macOS file systems treat "é" written as one or as two code points as the same name.
      const folded = name.text.normalize("NFC").toLowerCase();
      const twin = seen.get(folded);
      if (twin) {
        problems.push({
          file,
          message: file.toLowerCase() === twin.toLowerCase()
            ? `differs from ${twin} only by letter case; the two collide on case-insensitive file systems`
            : `differs from ${twin} only in how its accented letters are encoded; the two collide on macOS`,
        });
        continue;
      }
      seen.set(folded, file);
      if (entry.isSymbolicLink()) {
        problems.push({ file, message: "is a symbolic link; paper files must be regular files" });
      } else if (entry.isDirectory()) {
        walk(full);
      } else if (!entry.isFile()) {
        problems.push({ file, message: "is not a regular file" });
      } else if (!name.text.endsWith(".md")) {
        problems.push({ file, message: `is not a Markdown paper file: everything under ${rel(base)}/ must end in .md` });
      } else {
        let bytes;
        let stat;
        try {
          // Taken before the file is read: a change while it is read leaves a stat the index no longer matches. A
          // file the index cannot vouch for (it holds nothing: a first build) is stat'ed through the descriptor it is
          // read from, one lookup of its path instead of two (a tenth of a second at 10,000 files).
          const opened = index && !index.empty ? undefined : openAndRead(full, maxPaperFileBytes);
          stat = opened?.stat ?? lstatSync(full, { bigint: true });
          const size = stat.size;
          if (size > BigInt(maxPaperFileBytes)) {
            problems.push({ file, message: `is ${size} bytes; a paper file must be under 1 MB` });
            continue;
          }
          const hash = opened ? undefined : index?.known(file, stat);
          if (hash) {
            const unread = new UnreadFile(file, full, hash);
            files.push(unread);
            onRead?.(files.length, unread);
            continue;
          }
          bytes = opened?.bytes ?? readFileSync(full);
        } catch (error) {
          unreadable(file, error);
          continue;
        }
        const decoded = decodeUtf8(bytes);
        if (!("text" in decoded)) {
          problems.push({ file, line: decoded.line, message: "is not valid UTF-8 text: save the file as UTF-8" });
          continue;
        }
        // A CR that does not end a CRLF line break is a line break to YAML and Markdown but not to line-based diffs:
        // `title: A\rupvotes: 99999` reads as two fields where a reviewer sees one.
        const cr = /\r(?!\n)/.exec(decoded.text);
        if (cr) {
          const line = decoded.text.slice(0, cr.index).split("\n").length;
          problems.push({ file, line, message: "holds a carriage return (CR) that is not part of a CRLF line break, which diffs do not show as a line break: save the file with LF or CRLF line breaks" });
          continue;
        }
        const source: SourceFile = { file, text: decoded.text };
        if (index) {
          source.hash = textHash(decoded.text);
          index.record(file, stat, source.hash);
        }
        files.push(source);
        onRead?.(files.length, source);
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

/** One file parsed and validated on its own, without looking at other files (plain data: it may cross threads). */
export interface ParsedPaper {
  paper?: Paper;
  problems: Problem[];
  /** Title and body of a file rejected for other reasons, so its math can be checked too. */
  rejected?: PaperText;
  /** Line of the `arxiv` or `id` field, for a duplicate id. */
  idLine?: number;
}

/** Parses and validates one paper file. */
export function parsePaper(file: string, text: string): ParsedPaper {
  const parsed = parsePaperFile(text, file);
  const result = validatePaper(parsed, file);
  const problems = [...parsed.problems, ...result.problems];
  if (!result.paper) {
    if (!parsed.data) return { problems };
    const title = typeof parsed.data.title === "string" ? parsed.data.title : "";
    // The paper's macros, where they are right, so its math is checked as it will be typeset.
    const { macros } = checkMacroTable(parsed.data.macros);
    const rejected: PaperText = { title, body: parsed.body, source: { file, titleLine: parsed.lineOf(["title"]) ?? 2, bodyLine: parsed.bodyLine } };
    if (Object.keys(macros).length) rejected.macros = macros;
    return { problems, rejected };
  }
  return { paper: result.paper, problems, idLine: parsed.lineOf([result.paper.arxiv ? "arxiv" : "id"]) };
}

/**
 * Parses and validates paper files, reporting every problem in every file plus duplicate ids across files. `known`
 * holds papers already validated from these very bytes (the build cache, by file path): they skip parsing unless
 * their id collides, which needs the file's line numbers. `parsed` holds files already parsed (on worker threads).
 */
export function parsePapers(files: SourceFile[], known?: ReadonlyMap<string, Paper>, parsed?: ReadonlyMap<string, ParsedPaper>): Loaded {
  const papers: Paper[] = [];
  const rejected: PaperText[] = [];
  const problems: Problem[] = [];
  const byId = new Map<string, Paper>();
  // A file's text is read only when it is parsed: a file the index vouched for reads it on first use (see above).
  for (const source of files) {
    const file = source.file;
    const cached = known?.get(file);
    if (cached && !byId.has(cached.id)) {
      byId.set(cached.id, cached);
      papers.push(cached);
      continue;
    }
    const one = parsed?.get(file) ?? parsePaper(file, source.text);
    problems.push(...one.problems);
    if (!one.paper) {
      if (one.rejected) rejected.push(one.rejected);
      continue;
    }
    const twin = byId.get(one.paper.id);
    if (twin) {
      const field = one.paper.arxiv ? "arxiv" : "id";
      problems.push({ file, line: one.idLine, field, message: `"${one.paper.id}" is already used by ${twin.source.file}; each paper has one file` });
      continue;
    }
    byId.set(one.paper.id, one.paper);
    papers.push(one.paper);
  }
  return { papers, problems: sortProblems(problems), rejected };
}

/** Reads and validates every paper under `dir` (relative to `root`). */
export function loadPapers(root: string, dir: string): Loaded {
  const found = readPaperFiles(root, dir);
  const parsed = parsePapers(found.files);
  return { ...parsed, problems: sortProblems([...found.problems, ...parsed.problems]) };
}
