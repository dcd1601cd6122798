import matter from "gray-matter";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { Problem } from "./problems.ts";

/** Limits that keep one hostile file from costing more than a moment. */
export const frontMatterLimits = {
  /** Largest paper file, in characters. */
  fileChars: 200_000,
  /** Largest front-matter block, in characters. */
  frontMatterChars: 20_000,
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
const controlChar = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Line (1-based) and printable name of the first control character in `text`, if any. */
export function findControlChar(text: string): { line: number; code: string } | undefined {
  const match = controlChar.exec(text);
  if (!match) return undefined;
  const line = text.slice(0, match.index).split("\n").length;
  return { line, code: `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` };
}

/** Depth of the deepest collection in a YAML node tree (iterative: a deep document must not blow the stack). */
function depthOf(root: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      max = Math.max(max, depth + 1);
      if (max > frontMatterLimits.depth) return max;
      for (const item of node.items) {
        if (isMap(node)) {
          const pair = item as { key: unknown; value: unknown };
          stack.push([pair.key, depth + 1], [pair.value, depth + 1]);
        } else stack.push([item, depth + 1]);
      }
    }
  }
  return max;
}

/**
 * Splits and parses a paper file. Only YAML front matter between `---` lines is accepted; the YAML is read with the
 * 1.2 core schema (no timestamps, no custom tags), unique keys and bounded aliases and depth.
 */
export function parsePaperFile(raw: string, file: string): ParsedFile {
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
  const close = lines.findIndex((line, i) => i > 0 && line.trimEnd() === "---");
  if (close === -1) {
    problems.push({ file, line: 1, message: `front matter is not closed: add a line "---" after the last field` });
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

  const lineCounter = new LineCounter();
  let doc: Document.Parsed | undefined;
  // gray-matter hands over the text right after the opening "---", starting with its newline, so offsets in this
  // source map to file lines one to one: offset 0 is on line 1.
  let yamlSource = "";
  const parseYaml = (source: string): Record<string, unknown> => {
    yamlSource = source;
    doc = parseDocument(source, {
      version: "1.2",
      schema: "core",
      uniqueKeys: true,
      strict: true,
      prettyErrors: false,
      lineCounter,
    });
    return {};
  };
  // gray-matter splits the file; our engine parses. Every other engine (js, json, coffee...) is refused outright.
  const refuse = () => {
    throw new Error("only YAML front matter is accepted");
  };
  const split = matter(text, {
    language: "yaml",
    engines: { yaml: parseYaml, javascript: refuse, js: refuse, json: refuse, coffee: refuse, cson: refuse, toml: refuse },
  } as unknown as Parameters<typeof matter>[1]);
  const bodyLine = close + 2;
  const body = split.content;
  const fileLine = (offset: number) => lineCounter.linePos(offset).line;

  if (!doc) {
    // An empty front matter never reaches the engine.
    return { ...none, body, bodyLine, problems: [{ file, line: 1, message: "front matter is empty" }] };
  }
  const parsed: Document.Parsed = doc;
  for (const error of [...parsed.errors, ...parsed.warnings]) {
    const line = error.linePos ? error.linePos[0].line : undefined;
    const message = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+.*$/, "");
    problems.push({ file, line, message: `invalid YAML: ${message}` });
  }
  if (problems.length) return { ...none, body, bodyLine };
  if (depthOf(parsed.contents) > frontMatterLimits.depth) {
    problems.push({ file, line: 2, message: `front matter is nested deeper than ${frontMatterLimits.depth} levels` });
    return { ...none, body, bodyLine };
  }

  let data: unknown;
  try {
    data = parsed.toJS({ maxAliasCount: frontMatterLimits.aliases });
  } catch (error) {
    problems.push({ file, line: 2, message: `invalid YAML: ${(error as Error).message}` });
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
  return { data: data as Record<string, unknown>, body, bodyLine, lineOf, sourceOf, problems };
}
