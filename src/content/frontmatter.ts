import matter from "gray-matter";
import { Composer, CST, isMap, isScalar, LineCounter, Parser, YAMLParseError, type Document, type Node } from "yaml";
import { readPlainFrontMatter } from "./plain-yaml.ts";
import type { Problem } from "./problems.ts";

/** Limits that keep one hostile file from costing more than a moment. */
export const frontMatterLimits = {
  /** Largest paper file, in characters. */
  fileChars: 200_000,
  /** Largest front-matter block, in characters. */
  frontMatterChars: 20_000,
  /**
   * Largest body (the abstract), in characters; arXiv caps abstracts at 1,920. Markdown and math parsing have
   * superlinear corners, so this bound is what keeps a hostile body under a second.
   */
  bodyChars: 20_000,
  /** Most YAML aliases resolved (alias bombs). */
  aliases: 10,
  /** Deepest nesting of YAML collections. */
  depth: 8,
};

/** A paper file split into parsed front matter and Markdown body, with a way to find a field's line. */
export interface ParsedFile {
  /** The front matter as plain data, or undefined when it could not be read. */
  data: Record<string, unknown> | undefined;
  body: string;
  /** 1-based line of the first body line in the file. */
  bodyLine: number;
  /** 1-based line of a field (`["links", "code"]`), when the YAML has it. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  /** The field's value exactly as written in the file, for messages about YAML's type guesses. */
  sourceOf(path: readonly (string | number)[]): string | undefined;
  problems: Problem[];
}

// C0 controls except tab, newline and carriage return; DEL; C1 controls; lone surrogates can't survive UTF-8 decoding.
// Also the bidirectional overrides and isolates: they make the text a reviewer reads in a pull request differ from what
// readers see ("Trojan Source"); right-to-left names need none of them.
const controlChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** Line (1-based) and printable name of the first control character in `text`, if any. */
export function findControlChar(text: string): { line: number; code: string } | undefined {
  const match = controlChar.exec(text);
  if (!match) return undefined;
  const line = text.slice(0, match.index).split("\n").length;
  return { line, code: `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` };
}

/** Path and name of the first control character in a parsed value or key (iterative walk). */
function escapedControlChar(data: unknown): { path: (string | number)[]; code: string } | undefined {
  const stack: Array<[unknown, (string | number)[]]> = [[data, []]];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === "string") {
      const found = findControlChar(value);
      if (found) return { path, code: found.code };
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, [...path, i]]));
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        const found = findControlChar(key);
        if (found) return { path: [...path, key], code: found.code };
        stack.push([item, [...path, key]]);
      }
    }
  }
  return undefined;
}

/**
 * Offset of the first collection nested deeper than the limit, or of the first key that is itself a collection, found on
 * the parser's syntax tree before the document is composed: composing recurses per level, and a few thousand levels
 * (`- - - - x`, `? ? ? x`, `[[[[`) overflow the stack or exhaust memory. The walk itself is iterative.
 */
function firstStructureProblem(tokens: readonly CST.Token[]): { offset: number; kind: "depth" | "key" } | undefined {
  const stack: Array<[CST.Token | null | undefined, number]> = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === "document") stack.push([token.value, depth]);
    else if (CST.isCollection(token)) {
      if (depth + 1 > frontMatterLimits.depth) return { offset: token.offset, kind: "depth" };
      for (const item of token.items) {
        const key = "key" in item ? item.key : undefined;
        if (CST.isCollection(key)) return { offset: key.offset, kind: "key" };
        stack.push([key, depth + 1], [item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * Splits and parses a paper file. Only YAML front matter between `---` lines is accepted; the YAML is read with the
 * 1.2 core schema (no timestamps, no custom tags), unique keys and bounded aliases and depth. `plain: false` (default
 * true) always uses the YAML parser, as the plain reader's tests compare the two.
 */
export function parsePaperFile(raw: string, file: string, options: { plain?: boolean } = {}): ParsedFile {
  const problems: Problem[] = [];
  const none: ParsedFile = { data: undefined, body: "", bodyLine: 1, lineOf: () => undefined, sourceOf: () => undefined, problems };
  if (raw.length > frontMatterLimits.fileChars) {
    problems.push({ file, message: `file is ${raw.length} characters; the limit is ${frontMatterLimits.fileChars}` });
    return none;
  }
  const text = raw.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const lines = text.split("\n");
  const first = lines[0]?.trimEnd() ?? "";
  if (first !== "---") {
    const language = /^---\s*(\S+)/.exec(first)?.[1];
    problems.push({
      file,
      line: 1,
      message: language
        ? `front matter must be YAML: "---${language}" is not accepted (start the file with a line "---")`
        : `file must start with YAML front matter: a line "---", the fields, then a line "---"`,
    });
    return none;
  }
  // gray-matter ends the front matter at the first line that merely starts with "---"; anything but an exact "---"
  // there would make it and our line numbers disagree about where the body begins.
  const close = lines.findIndex((line, i) => i > 0 && line.startsWith("---"));
  if (close === -1) {
    problems.push({ file, line: 1, message: `front matter is not closed: add a line "---" after the last field` });
    return none;
  }
  if (lines[close]!.trimEnd() !== "---") {
    problems.push({ file, line: close + 1, message: `a line starting with "---" ends the front matter and must be exactly "---"` });
    return none;
  }
  const bodyChars = text.length - lines.slice(0, close + 1).join("\n").length - 1;
  if (bodyChars > frontMatterLimits.bodyChars) {
    problems.push({ file, line: close + 2, field: "body", message: `the abstract is ${bodyChars} characters; the limit is ${frontMatterLimits.bodyChars}` });
    return none;
  }
  const yamlText = lines.slice(1, close).join("\n");
  if (yamlText.length > frontMatterLimits.frontMatterChars) {
    problems.push({ file, line: 2, message: `front matter is ${yamlText.length} characters; the limit is ${frontMatterLimits.frontMatterChars}` });
    return none;
  }
  const control = findControlChar(text);
  if (control) {
    problems.push({ file, line: control.line, message: `control character ${control.code} is not allowed` });
    return none;
  }
  // Front matter in the plain shape (nearly every paper file) is read without the YAML parser, to the same data. The
  // parser still answers for nested fields' lines and for source text, which only messages about problems ask for.
  const plain = options.plain !== false && lines[0] === "---" ? readPlainFrontMatter(lines.slice(1, close), 2) : undefined;
  if (plain && !escapedControlChar(plain.data)) {
    let full: ParsedFile | undefined;
    const parsed = () => (full ??= parsePaperFile(raw, file, { plain: false }));
    return {
      data: plain.data,
      body: lines.slice(close + 1).join("\n"),
      bodyLine: close + 2,
      lineOf: (path) => (path.length === 1 ? plain.keyLines.get(String(path[0])) : undefined) ?? parsed().lineOf(path),
      sourceOf: (path) => parsed().sourceOf(path),
      problems,
    };
  }

  const lineCounter = new LineCounter();
  let doc: Document.Parsed | undefined;
  // gray-matter hands over the text right after the opening "---", starting with its newline, so offsets in this
  // source map to file lines one to one: offset 0 is on line 1.
  let yamlSource = "";
  let structure: ReturnType<typeof firstStructureProblem>;
  const parseYaml = (source: string): Record<string, unknown> => {
    yamlSource = source;
    // Tokenise once: the structure check and the composer read the same syntax tree (what parseDocument does inside).
    const tokens = [...new Parser(lineCounter.addNewLine).parse(source)];
    structure = firstStructureProblem(tokens);
    if (structure) return {};
    const composer = new Composer({
      version: "1.2",
      schema: "core",
      uniqueKeys: true,
      strict: true,
      // Without this the core schema still honours YAML 1.1's !!binary, !!set, !!omap and !!timestamp, which turn text
      // into bytes, sets and Date objects; with it they are unresolved tags, reported like any other.
      resolveKnownTags: false,
    });
    for (const next of composer.compose(tokens, true, source.length)) {
      if (!doc) doc = next;
      else {
        doc.errors.push(new YAMLParseError(next.range.slice(0, 2) as [number, number], "MULTIPLE_DOCS", "Source contains multiple documents"));
        break;
      }
    }
    return {};
  };
  // gray-matter splits the file; our engine parses. Every other engine (js, json, coffee...) is refused outright.
  const refuse = () => {
    throw new Error("only YAML front matter is accepted");
  };
  matter(text, {
    language: "yaml",
    engines: { yaml: parseYaml, javascript: refuse, js: refuse, json: refuse, coffee: refuse, cson: refuse, toml: refuse },
  } as unknown as Parameters<typeof matter>[1]);
  const bodyLine = close + 2;
  // The body is everything after the closing line (gray-matter would keep trailing blanks of that line as a first line).
  const body = lines.slice(close + 1).join("\n");
  const fileLine = (offset: number) => lineCounter.linePos(offset).line;

  if (structure) {
    const line = yamlSource.slice(0, structure.offset).split("\n").length;
    const message = structure.kind === "depth"
      ? `front matter is nested deeper than ${frontMatterLimits.depth} levels`
      : "a key must be a plain name, not a list or a set of fields";
    return { ...none, body, bodyLine, problems: [{ file, line, message }] };
  }
  if (!doc) {
    // An empty front matter never reaches the engine.
    return { ...none, body, bodyLine, problems: [{ file, line: 1, message: "front matter is empty" }] };
  }
  const parsed: Document.Parsed = doc;
  const frontLines = lines.slice(0, close);
  const seenLines = new Set<number>();
  for (const error of [...parsed.errors, ...parsed.warnings]) {
    // With prettyErrors off the parser sets no linePos; the offset is always there.
    const line = fileLine(error.pos[0]);
    // One message a line: the parser often reports one mistake twice ("nested mappings" and "implicit keys").
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    const message = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+.*$/, "");
    problems.push(friendlyYamlProblem(file, frontLines, line, error.code, message));
  }
  if (problems.length) return { ...none, body, bodyLine };

  let data: unknown;
  try {
    data = parsed.toJS({ maxAliasCount: frontMatterLimits.aliases });
  } catch (error) {
    // The only error toJS throws on a well-formed document is the alias limit (an alias bomb).
    const message = (error as Error).message;
    problems.push({ file, line: 2, message: `invalid YAML: ${message}${/alias/i.test(message) ? ` (the limit is ${frontMatterLimits.aliases} aliases)` : ""}` });
    return { ...none, body, bodyLine };
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    problems.push({ file, line: 2, message: "front matter must be a set of `field: value` lines" });
    return { ...none, body, bodyLine };
  }

  const nodeAt = (path: readonly (string | number)[]): Node | undefined => {
    const node = parsed.getIn(path, true);
    return node && typeof node === "object" && "range" in node ? (node as Node) : undefined;
  };
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    // The key's line is the useful one; fall back to the value's.
    if (path.length) {
      const parent = path.length === 1 ? parsed.contents : parsed.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
        const range = (pair?.key as Node | undefined)?.range;
        if (range) return fileLine(range[0]);
      }
    }
    const range = nodeAt(path)?.range;
    return range ? fileLine(range[0]) : undefined;
  };
  const sourceOf = (path: readonly (string | number)[]): string | undefined => {
    const node = nodeAt(path);
    return isScalar(node) && node.range ? yamlSource.slice(node.range[0], node.range[1]).trim() : undefined;
  };
  // "\u0000" or "\e" in a double-quoted string is not in the file text, so the check above cannot see it.
  const escaped = escapedControlChar(data);
  if (escaped) {
    problems.push({ file, line: lineOf(escaped.path), message: `control character ${escaped.code} is not allowed (written as an escape)` });
    return { ...none, body, bodyLine };
  }
  return { data: data as Record<string, unknown>, body, bodyLine, lineOf, sourceOf, problems };
}

/** A top-level `key:` line of front matter: the field a mistake on or below it belongs to. */
const keyLine = /^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*))?$/;

/** The top-level field whose lines hold `line` (1-based file line): the nearest `key:` line at or above it. */
function fieldAt(frontLines: readonly string[], line: number): { field: string; line: number; value: string } | undefined {
  for (let i = Math.min(line, frontLines.length) - 1; i >= 1; i--) {
    const m = keyLine.exec(frontLines[i]!);
    if (m) return { field: m[1]!, line: i + 1, value: (m[2] ?? "").trim() };
  }
  return undefined;
}

/**
 * A YAML parser error turned into a message a contributor can act on, naming the field it is in: an unquoted colon in
 * a value says to quote the value (with the fixed line), a tab says to indent with spaces, an unclosed quote says
 * where it opened. Other errors keep the parser's words.
 */
export function friendlyYamlProblem(file: string, frontLines: readonly string[], line: number, code: string, message: string): Problem {
  const text = frontLines[line - 1] ?? "";
  const here = fieldAt(frontLines, line);
  if (/^[ \t]*\t/.test(text) || (code === "TAB_AS_INDENT" && /\t/.test(text))) {
    return { file, line, field: here?.field, message: "is indented with a tab; YAML needs spaces: indent with two spaces instead" };
  }
  // `title: Attention: all you need` -- YAML reads the second ": " as the start of a nested field.
  const own = keyLine.exec(text);
  const value = own?.[2]?.trim() ?? "";
  if (own && /:[ \t]/.test(value) && !/^["'[{|>]/.test(value)) {
    return {
      file,
      line,
      field: own[1],
      message: `the value contains ": ", which YAML reads as the start of another field; put the whole value in double quotes: ${own[1]}: ${JSON.stringify(value)}`,
    };
  }
  if (code === "MISSING_CHAR" && /closing ["']?quote/i.test(message)) {
    // The parser reports the end of the text; the quote opened on the last field whose value starts with one.
    for (let i = line; i >= 2; i--) {
      const m = keyLine.exec(frontLines[i - 1] ?? "");
      const v = m?.[2]?.trim() ?? "";
      const quote = v[0];
      if (m && (quote === '"' || quote === "'") && !(v.length > 1 && v.endsWith(quote))) {
        return { file, line: i, field: m[1], message: `the quoted value is not closed: end it with ${quote} on the same line` };
      }
    }
  }
  if (/flow (?:sequence|mapping)|end with an? [\]}]/i.test(message)) {
    for (let i = line; i >= 2; i--) {
      const m = keyLine.exec(frontLines[i - 1] ?? "");
      const v = m?.[2]?.trim() ?? "";
      const close = v[0] === "[" ? "]" : v[0] === "{" ? "}" : undefined;
      if (m && close && !v.endsWith(close)) {
        return { file, line: i, field: m[1], message: `the ${close === "]" ? "list" : "set of fields"} opened with "${v[0]}" is not closed: end it with "${close}" on the same line` };
      }
    }
  }
  const hint = code === "TAG_RESOLVE_FAILED" ? " (tags such as !!binary or !!js/function are not accepted; write plain values)" : "";
  return { file, line, field: here?.field, message: `invalid YAML: ${message}${hint}` };
}
