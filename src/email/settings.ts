import { createHmac, timingSafeEqual } from "node:crypto";
import { controlCharacterProblem, type SiteConfig } from "../site.ts";

/**
 * The settings of `npm run digest -- --send`, read from the environment and checked like paper files: every problem
 * is reported in one run, and a value that would end up in a mail header is refused when it holds a line break or
 * another control character (a CR/LF in a header value writes a header of its own).
 */

/** Everything a send run needs, validated. */
export interface SendSettings {
  smtpUrl: string;
  from: string;
  /** The sender's bare address, for the mailto: unsubscribe target. */
  fromAddress: string;
  /** Secret the unsubscribe tokens are derived from. */
  secret: string;
  /** https URL template of the unsubscribe endpoint, see `unsubscribeUrl`. */
  unsubscribe: string;
  /** Per-connection SMTP timeout in seconds (connect, greeting, idle socket). */
  smtpTimeout: number;
  /** The whole run stops after this many seconds; a rerun sends the rest. */
  deadline: number;
}

/** Defaults of the optional settings, in seconds. */
export const sendDefaults = { smtpTimeout: 10, deadline: 900 } as const;

/** The shortest accepted DIGEST_SECRET: a token must not be guessable from the address alone. */
export const minSecretLength = 32;

/** Why `value` cannot be a mail header value (a CR/LF would write a header of its own), or undefined. */
export function headerValueProblem(value: string): string | undefined {
  return controlCharacterProblem(value)?.replace("it must be one line", "a header value must be one line");
}

// The same loose check as the subscribers list: the server judges deliverability.
const bareAddress = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** The address in `Name <address>` or a bare address; undefined when `from` is neither. */
export function senderAddress(from: string): string | undefined {
  const angle = /^[^<>]*<([^<>]+)>$/.exec(from.trim());
  const address = angle ? angle[1]!.trim() : from.trim();
  return bareAddress.test(address) ? address : undefined;
}

/** Reads and checks the send settings; `problems` lists every wrong or missing one (`NAME: message`). */
export function readSendSettings(env: NodeJS.ProcessEnv, site: Pick<SiteConfig, "title">): { settings?: SendSettings; problems: string[] } {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name];
    if (value === undefined || value === "") return undefined;
    const problem = headerValueProblem(value);
    if (problem) {
      problems.push(`${name}: ${problem}`);
      return undefined;
    }
    return value;
  };
  const required = (name: string, hint: string): string | undefined => {
    const value = get(name);
    if (value === undefined && !problems.some((p) => p.startsWith(`${name}:`))) problems.push(`${name}: missing; ${hint}`);
    return value;
  };

  const titleProblem = headerValueProblem(site.title);
  if (titleProblem) problems.push(`site title: ${titleProblem} (it is the start of every subject line)`);

  const smtpUrl = required("DIGEST_SMTP_URL", "the SMTP server, e.g. smtps://user:password@smtp.example.org:465");
  if (smtpUrl && !/^smtps?:\/\/[^\s]+$/.test(smtpUrl)) problems.push("DIGEST_SMTP_URL: must start with smtp:// or smtps://");

  const from = required("DIGEST_FROM", 'the sender, e.g. "Paper Digest <digest@example.org>"');
  const fromAddress = from === undefined ? undefined : senderAddress(from);
  if (from !== undefined && !fromAddress) problems.push(`DIGEST_FROM: ${JSON.stringify(from)} is not one address ("Name <address>" or "address")`);

  const secret = required("DIGEST_SECRET", `at least ${minSecretLength} random characters (e.g. \`openssl rand -hex 32\`); unsubscribe tokens are derived from it`);
  if (secret !== undefined && secret.length < minSecretLength) problems.push(`DIGEST_SECRET: must be at least ${minSecretLength} characters long, got ${secret.length}`);

  const unsubscribe = required("DIGEST_UNSUBSCRIBE", "the https URL that receives unsubscribe requests, e.g. https://forms.example.org/unsubscribe");
  if (unsubscribe !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(unsubscribe.replaceAll("{email}", "x").replaceAll("{token}", "x"));
    } catch {
      // reported below
    }
    if (url?.protocol !== "https:") problems.push(`DIGEST_UNSUBSCRIBE: must be an https:// URL (mail providers require one-click unsubscribe over https), got ${JSON.stringify(unsubscribe)}`);
  }

  const seconds = (name: string, fallback: number): number => {
    const value = get(name);
    if (value === undefined) return fallback;
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) {
      problems.push(`${name}: must be a number of seconds greater than 0, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return number;
  };
  const smtpTimeout = seconds("DIGEST_SMTP_TIMEOUT", sendDefaults.smtpTimeout);
  const deadline = seconds("DIGEST_DEADLINE", sendDefaults.deadline);

  if (problems.length) return { problems };
  return { settings: { smtpUrl: smtpUrl!, from: from!, fromAddress: fromAddress!, secret: secret!, unsubscribe: unsubscribe!, smtpTimeout, deadline }, problems };
}

/** The unsubscribe token of an address: HMAC-SHA256 of the lower-cased address with the secret, base64url. */
export function unsubscribeToken(secret: string, address: string): string {
  return createHmac("sha256", secret).update(address.toLowerCase()).digest("base64url");
}

/** True when `token` is the address's unsubscribe token (compared in constant time). */
export function verifyUnsubscribeToken(secret: string, address: string, token: string): boolean {
  const expected = Buffer.from(unsubscribeToken(secret, address));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The unsubscribe URL of one reader: `{email}` and `{token}` in the template are replaced (URL-encoded); whichever
 * of them the template lacks is added as a query parameter `email=` / `token=`.
 */
export function unsubscribeUrl(template: string, address: string, token: string): string {
  let url = template;
  const add: [string, string][] = [];
  for (const [name, value] of [["email", address], ["token", token]] as const) {
    if (url.includes(`{${name}}`)) url = url.replaceAll(`{${name}}`, encodeURIComponent(value));
    else add.push([name, value]);
  }
  if (!add.length) return url;
  const parsed = new URL(url);
  for (const [name, value] of add) parsed.searchParams.append(name, value);
  return parsed.toString();
}

/** The mailto: unsubscribe target: a message to the sender whose subject carries the address and its token. */
export function unsubscribeMailto(fromAddress: string, address: string, token: string): string {
  return `mailto:${fromAddress}?subject=${encodeURIComponent(`unsubscribe ${address} ${token}`)}`;
}

/** The List-Id of the digest: the site title and `digest.<site host>` (RFC 2919). */
export function listId(site: Pick<SiteConfig, "title" | "url">): { url: string; comment: string } {
  return { url: `digest.${new URL(site.url).hostname}`, comment: site.title };
}
