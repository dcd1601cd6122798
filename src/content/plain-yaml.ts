/**
 * A fast reader for front matter in the plain shape paper files almost always have: `key: value` lines, a list of
 * `  - item` lines or a map of `  key: value` lines under a key, and one-line `[a, b]` lists, with values that are
 * plain, quoted (with no escapes but \\ and \"), whole numbers or dates. For such text it returns exactly what the
 * YAML 1.2 core schema gives (tests/plain-yaml.test.ts compares the two on many shapes); for anything else (comments,
 * blank lines, other escapes, anchors, tags, nesting, numbers other than small whole ones, anything the YAML parser
 * would warn about) it returns undefined and the caller uses the YAML parser. Tokenising YAML was a quarter of a paper
 * file's processing time.
 */

/** What the reader found: the data, and the 1-based file line of each top-level key. */
export interface PlainFrontMatter {
  data: Record<string, unknown>;
  keyLines: Map<string, number>;
}

const keyLine = /^([A-Za-z][A-Za-z0-9_]{0,63}):(?: +(.*))?$/;
const nestedKeyLine = /^( +)([A-Za-z][A-Za-z0-9_]{0,63}):(?: +(.*))?$/;
const itemLine = /^( *)- (.*)$/;

// The YAML 1.2 core schema's tests for plain scalars that are not strings, as the yaml package has them: null,
// booleans, octal, decimal and hexadecimal integers, .inf and .nan, floats with and without exponent.
const coreNonStrings = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
const isCoreString = (plain: string) => !coreNonStrings.some((test) => test.test(plain));
/** The only non-string values read here: decimal whole numbers that parseInt and Number read alike. */
const wholeNumber = /^(?:0|[1-9][0-9]{0,14})$/;

// A plain scalar on one line: starts with a letter, digit, `$` or `(`; no `#` (a comment after a space), no flow
// brackets, no tab, no byte-order mark, non-character or Unicode line separator. `: ` and a final `:` are checked apart.
const plainText = /^[\p{L}\p{N}$(][^#\t\[\]{}\uFEFF\uFFFE\uFFFF\u2028\u2029]*$/u;
// Quoted on one line; in double quotes the only escapes read here are \\ and \" (TeX in titles needs the first).
const doubleQuoted = /^"(?:[^"\\\t\uFEFF\uFFFE\uFFFF\u2028\u2029]|\\[\\"])*"$/;
const singleQuoted = /^'[^'\t\uFEFF\uFFFE\uFFFF\u2028\u2029]*'$/;
const flowItem = /^[\p{L}\p{N}][\p{L}\p{N}._-]*$/u;
const trimEndSpaces = (text: string) => text.replace(/ +$/, "");

/** The value of a one-line scalar as the core schema reads it, or undefined when this reader does not handle it. */
function scalar(source: string): string | number | undefined {
  const value = trimEndSpaces(source);
  if (value[0] === '"') return doubleQuoted.test(value) ? value.slice(1, -1).replace(/\\(.)/g, "$1") : undefined;
  if (value[0] === "'") return singleQuoted.test(value) ? value.slice(1, -1) : undefined;
  if (!plainText.test(value) || value.includes(": ") || value.endsWith(":")) return undefined;
  if (isCoreString(value)) return value;
  return wholeNumber.test(value) ? Number(value) : undefined;
}

/** A one-line flow list of plain words (`[a, b-c, d]`), or undefined. */
function flowList(value: string): string[] | undefined {
  if (!value.startsWith("[") || !value.endsWith("]")) return undefined;
  const inner = value.slice(1, -1);
  if (/^ *$/.test(inner)) return [];
  const items = inner.split(",").map((item) => item.replace(/^ +| +$/g, ""));
  return items.every((item) => flowItem.test(item) && isCoreString(item)) ? items : undefined;
}

/** A key the core schema reads as a string (`true:` or `null:` would not be one). */
const plainKey = (key: string) => (isCoreString(key) ? key : undefined);

/**
 * Reads the lines between the `---` lines (`lines[0]` is line `firstLine` of the file), or returns undefined when they
 * are not in the plain shape.
 */
export function readPlainFrontMatter(lines: readonly string[], firstLine: number): PlainFrontMatter | undefined {
  const data: Record<string, unknown> = {};
  const keyLines = new Map<string, number>();
  let i = 0;
  /** The line at `i` if it matches, at the given indentation when one is given. */
  const next = (pattern: RegExp, indent?: string): RegExpExecArray | null => {
    const match = i < lines.length ? pattern.exec(lines[i]!) : null;
    return match && (indent === undefined || match[1] === indent) ? match : null;
  };
  while (i < lines.length) {
    const match = keyLine.exec(lines[i]!);
    const key = match && plainKey(match[1]!);
    if (!match || !key || keyLines.has(key)) return undefined;
    keyLines.set(key, firstLine + i);
    i++;
    const rest = trimEndSpaces(match[2] ?? "");
    let value: unknown;
    if (rest) {
      value = rest[0] === "[" ? flowList(rest) : scalar(rest);
    } else if (next(itemLine)) {
      // `- item` lines, all at the indentation of the first (which may be none).
      const indent = next(itemLine)![1]!;
      const list: unknown[] = [];
      for (let item = next(itemLine, indent); item; i++, item = next(itemLine, indent)) {
        const itemValue = item[2]![0] === " " ? undefined : scalar(item[2]!);
        if (itemValue === undefined) return undefined;
        list.push(itemValue);
      }
      value = list;
    } else if (next(nestedKeyLine)) {
      // Indented `key: value` lines, all at the indentation of the first.
      const indent = next(nestedKeyLine)![1]!;
      const map: Record<string, unknown> = {};
      for (let entry = next(nestedKeyLine, indent); entry; i++, entry = next(nestedKeyLine, indent)) {
        const name = plainKey(entry[2]!);
        const entryValue = entry[3] === undefined ? undefined : scalar(entry[3]);
        if (!name || entryValue === undefined || Object.hasOwn(map, name)) return undefined;
        map[name] = entryValue;
      }
      value = map;
    }
    if (value === undefined) return undefined;
    data[key] = value;
  }
  return keyLines.size ? { data, keyLines } : undefined;
}
