import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { isWithin, realPath } from "../paths.ts";

/**
 * Readers' addresses never live in the repository (a public fork would publish them): the subscribers list and the
 * sent-log beside it are files elsewhere, named by an option or an environment variable.
 */

/** The subscribers list as read: addresses to send to, and lines that are not addresses (`file:line: ...`). */
export interface Subscribers {
  addresses: string[];
  problems: string[];
}

// Deliberately loose: the SMTP server is the judge of deliverability; this only catches lines that are clearly not one address.
// Control characters (C0, DEL, C1) are refused too: an address goes into the To header and the SMTP envelope.
const addressPattern = /^[^\s@<>(),;:"\u0000-\u001F\u007F-\u009F]+@[^\s@<>(),;:"\u0000-\u001F\u007F-\u009F]+\.[^\s@<>(),;:"\u0000-\u001F\u007F-\u009F]+$/;

/**
 * Where a comment begins: a `#` at the start of a line or after whitespace. A `#` inside an address
 * (`team#digest@example.org`, which RFC 5322 allows) is part of it.
 */
const comment = /(?:^|\s)#.*$/;

/** One line of a subscribers file without its comment and surrounding space: the address, or "". */
export function subscriberLine(raw: string): string {
  return raw.replace(comment, "").trim();
}

/** Reads a subscribers file: one address per line; blank lines and `#` comments are skipped; duplicates (any case) once. */
export function readSubscribers(file: string): Subscribers {
  const addresses: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  readFileSync(file, "utf8").split(/\r?\n/).forEach((raw, i) => {
    const line = subscriberLine(raw);
    if (!line) return;
    if (!addressPattern.test(line)) {
      // Control characters are shown as escapes, so the message cannot rewrite the terminal it is printed on.
      const shown = line.replace(/[\u0000-\u001F\u007F-\u009F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
      problems.push(`${file}:${i + 1}: "${shown}" is not an email address (one address per line)`);
      return;
    }
    if (seen.has(line.toLowerCase())) return;
    seen.add(line.toLowerCase());
    addresses.push(line);
  });
  return { addresses, problems };
}

/**
 * Why `file` must not hold readers' addresses, or undefined when it may: it is inside the project folder `root`, or
 * inside any Git working tree (whose history would keep the addresses forever).
 */
export function repositoryHolding(file: string, root: string): string | undefined {
  const real = realPath(file);
  const project = realPath(root);
  if (isWithin(real, project)) return `it is inside the project folder ${project}`;
  for (let dir = path.dirname(real); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, ".git"))) return `it is inside the Git repository ${dir}`;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The sent-log kept beside a subscribers file: `subscribers.txt` -> `subscribers.txt.sent.log`. */
export function sentLogPath(subscribersFile: string): string {
  return `${path.resolve(subscribersFile)}.sent.log`;
}
