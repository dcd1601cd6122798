import type { Problem } from "./problems.ts";

/**
 * Problems as GitHub Actions workflow commands (`::error file=..,line=..,title=..::message`), so a pull request shows
 * each one on the line it is about. Everything in a command comes from contributor files (file names, field names,
 * values quoted in messages), so it is escaped as the workflow-command format requires: in the message `%`, CR and LF;
 * in properties also `:` and `,`. Other control characters (and bidirectional overrides) are written as visible
 * `\u001b`-style text first: a runner may treat them specially, and a reader must see them.
 */

const otherControls = /[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

const visible = (value: string): string =>
  value.replace(otherControls, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** Escapes a command's message (the text after `::`). */
export function escapeData(value: string): string {
  return visible(value).replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Escapes a command property's value (`file=`, `title=`). */
export function escapeProperty(value: string): string {
  return escapeData(value).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** One problem as one workflow command line: `::error` or `::warning`, with file, line and a title naming the field. */
export function annotation(problem: Problem): string {
  const kind = problem.severity === "warning" ? "warning" : "error";
  const props = [`file=${escapeProperty(problem.file)}`];
  if (problem.line) props.push(`line=${problem.line}`);
  props.push(`title=${escapeProperty(problem.field ? `npm run check: ${problem.field}` : "npm run check")}`);
  const message = problem.field ? `${problem.field}: ${problem.message}` : problem.message;
  return `::${kind} ${props.join(",")}::${escapeData(message)}`;
}
