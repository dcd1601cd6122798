import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { verifyUnsubscribeToken } from "./settings.ts";
import { subscriberLine } from "./subscribers.ts";

/**
 * Unsubscribe requests collected by whatever receives them for a static site (a form service's export, the subjects
 * of mails to the sender), applied to the subscribers list. Only a request whose token matches its address counts:
 * without the secret nobody can unsubscribe someone else.
 */

/** What applying a batch of requests did. */
export interface UnsubscribeReport {
  removed: string[];
  /** Requests with a valid token for an address the list does not hold (already removed, or never there). */
  absent: string[];
  /** `requests:line: message` for lines that are not a valid request. */
  refused: string[];
}

const addressWord = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const tokenWord = /^[A-Za-z0-9_-]{43}$/;

/**
 * The address and token of one request line: a URL or query string with `email=` and `token=` (what the form
 * service received), or words holding an address and a token (`unsubscribe ada@example.org <token>`, a mail subject).
 */
export function parseRequest(line: string): { address: string; token: string } | undefined {
  const query = /(?:^|[?&\s])(email=[^\s]*)/.exec(line);
  if (query) {
    const params = new URLSearchParams(line.slice(line.indexOf(query[1]!)).split(/\s/)[0]);
    const address = params.get("email");
    const token = params.get("token");
    if (address && token) return { address, token };
  }
  const words = line.split(/[\s,;]+/).map((w) => { try { return decodeURIComponent(w); } catch { return w; } });
  const address = words.find((w) => addressWord.test(w));
  const token = words.find((w) => tokenWord.test(w));
  return address && token ? { address, token } : undefined;
}

/**
 * Removes every address with a valid request from the subscribers list (other lines, comments included, stay as
 * they were). The list is replaced atomically (a temporary file renamed over it) with its permissions kept.
 */
export function applyUnsubscribes(requestsFile: string, subscribersFile: string, secret: string): UnsubscribeReport {
  const report: UnsubscribeReport = { removed: [], absent: [], refused: [] };
  const leaving = new Set<string>();
  readFileSync(requestsFile, "utf8").split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith("#")) return;
    const request = parseRequest(line);
    if (!request) return void report.refused.push(`${requestsFile}:${i + 1}: no address and token found`);
    if (!verifyUnsubscribeToken(secret, request.address, request.token)) {
      return void report.refused.push(`${requestsFile}:${i + 1}: the token is not ${request.address}'s (forged, or made with another DIGEST_SECRET)`);
    }
    leaving.add(request.address.toLowerCase());
  });
  const lines = readFileSync(subscribersFile, "utf8").split("\n");
  const kept = lines.filter((line) => {
    const address = subscriberLine(line).toLowerCase();
    if (!leaving.has(address)) return true;
    if (!report.removed.some((a) => a.toLowerCase() === address)) report.removed.push(subscriberLine(line));
    return false;
  });
  for (const address of leaving) if (!report.removed.some((a) => a.toLowerCase() === address)) report.absent.push(address);
  if (report.removed.length) {
    const temporary = `${subscribersFile}.${process.pid}.tmp`;
    writeFileSync(temporary, kept.join("\n"), { mode: statSync(subscribersFile).mode & 0o777 });
    renameSync(temporary, subscribersFile);
  }
  return report;
}
