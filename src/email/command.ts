import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { escapeHtml } from "markdown-it/lib/common/utils.mjs";
import { ContentError, formatProblem } from "../content/problems.ts";
import { isCalendarDate } from "../content/schema.ts";
import { buildSiteData } from "../pipeline.ts";
import { loadSiteConfig } from "../site.ts";
import { digestEmail } from "./render.ts";
import { sendDigest } from "./send.ts";
import { listId, readSendSettings, unsubscribeMailto, unsubscribeToken, unsubscribeUrl, type SendSettings } from "./settings.ts";
import { acquireLock, LockBusyError, lockPath } from "./sent-log.ts";
import { readSubscribers, repositoryHolding, sentLogPath } from "./subscribers.ts";
import { applyUnsubscribes } from "./unsubscribe.ts";

/** How to call `npm run digest`, printed with every usage error. */
export const digestUsage = `usage: npm run digest -- --date YYYY-MM-DD [--send [--resend-unconfirmed]] [--subscribers FILE]
       npm run digest -- --unsubscribe REQUESTS [--subscribers FILE]

  --date                the digest day ("latest" for the newest day with papers)
  --send                send the email to every subscriber (otherwise only write it to <outputDir>/email/)
  --resend-unconfirmed  also send to addresses an interrupted run claimed but never confirmed (may send twice)
  --subscribers         the subscribers list, one address per line, outside the repository (or DIGEST_SUBSCRIBERS)
  --unsubscribe         remove from the list every address in REQUESTS (lines with email= and token=, or an address
                        and its token) whose token is valid; needs DIGEST_SECRET

environment for --send:
  DIGEST_SMTP_URL      SMTP server, e.g. smtps://user:password@smtp.example.org:465
  DIGEST_FROM          sender, e.g. "Paper Digest <digest@example.org>"
  DIGEST_SUBSCRIBERS   the subscribers list, when --subscribers is not given
  DIGEST_UNSUBSCRIBE   https URL receiving unsubscribe requests; {email} and {token} in it are replaced, and
                       whichever is missing is added as a query parameter
  DIGEST_SECRET        at least 32 random characters; each reader's unsubscribe token is an HMAC of the address
  DIGEST_SMTP_TIMEOUT  seconds an SMTP connection may stay silent (default 10)
  DIGEST_DEADLINE      seconds the whole run may take; a rerun sends the rest (default 900)`;

/**
 * `npm run digest`: writes a day's digest email as `<outputDir>/email/<day>.html` and `.txt`, and with `--send` mails
 * it to every subscriber not yet in the sent-log. Returns the exit code; problems are printed, never thrown.
 */
export async function digestCommand(argv: string[], env: NodeJS.ProcessEnv, root: string, log: (line: string) => void): Promise<number> {
  const fail = (message: string, usage = false) => {
    log(`digest: ${message}${usage ? `\n\n${digestUsage}` : ""}`);
    return 2;
  };
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        date: { type: "string" }, send: { type: "boolean" }, subscribers: { type: "string" }, "resend-unconfirmed": { type: "boolean" },
        unsubscribe: { type: "string" },
      },
    }).values;
  } catch (error) {
    return fail((error as Error).message, true);
  }
  if (args.unsubscribe !== undefined) {
    if (args.date || args.send) return fail("--unsubscribe goes without --date and --send", true);
    return unsubscribeCommand(args.unsubscribe, args.subscribers ?? env.DIGEST_SUBSCRIBERS, env, root, log);
  }
  if (!args.date) return fail("--date is missing", true);
  if (args.date !== "latest" && !isCalendarDate(args.date)) return fail(`--date "${args.date}" is not a calendar day written YYYY-MM-DD`, true);

  if (args["resend-unconfirmed"] && !args.send) return fail("--resend-unconfirmed goes with --send", true);
  let site;
  try {
    site = loadSiteConfig(root, env);
  } catch (error) {
    return fail((error as Error).message);
  }
  let data;
  try {
    data = buildSiteData(root, site);
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    for (const problem of error.problems) log(formatProblem(problem));
    return fail(`${error.problems.length} content problem(s); fix them first (npm run check)`);
  }
  const day = args.date === "latest" ? data.days[0] : data.days.find((d) => d.date === args.date);
  if (!day) {
    const recent = data.days.slice(0, 5).map((d) => d.date).join(", ");
    return fail(`no papers on ${args.date}${recent ? `; the newest days with papers are ${recent}` : "; there are no papers yet"}`);
  }

  // Check everything --send needs before writing anything, so a wrong setup fails fast and clearly.
  let sending: { settings: SendSettings; subscribers: string } | undefined;
  if (args.send) {
    const { settings, problems } = readSendSettings(env, site);
    const subscribers = args.subscribers ?? env.DIGEST_SUBSCRIBERS;
    if (!subscribers) problems.push("DIGEST_SUBSCRIBERS: missing; the subscribers list (or --subscribers FILE)");
    if (problems.length || !settings) return fail(`--send cannot start:\n${problems.map((p) => `  ${p}`).join("\n")}`, true);
    const inside = repositoryHolding(subscribers!, root);
    if (inside) return fail(`refusing to read subscribers from ${subscribers}: ${inside}. Readers' addresses must never be committed; keep the list outside the repository.`);
    sending = { settings, subscribers: path.resolve(subscribers!) };
  }

  const email = digestEmail(day, site);
  const folder = path.resolve(root, site.outputDir, "email");
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, `${day.date}.html`), email.html);
  writeFileSync(path.join(folder, `${day.date}.txt`), email.text);
  log(`${email.subject}\nwrote ${path.join(folder, `${day.date}.html`)} and .txt`);
  if (!sending) return 0;
  const { settings, subscribers } = sending;

  let list;
  try {
    list = readSubscribers(subscribers);
  } catch (error) {
    return fail(`cannot read the subscribers list ${subscribers}: ${(error as Error).message}`);
  }
  for (const problem of list.problems) log(problem);
  const readerUrl = (address: string) => {
    const token = unsubscribeToken(settings.secret, address);
    return { token, url: unsubscribeUrl(settings.unsubscribe, address, token) };
  };
  // Rendered once, not once a reader (about 0.1 s each): a stand-in URL, unguessable so no paper can contain it and
  // as long as the longest reader's so the size budget holds, is replaced by each reader's own.
  const longest = Math.max(0, ...list.addresses.map((a) => escapeHtml(readerUrl(a).url).length));
  const base = `https://unsubscribe.invalid/${randomUUID()}`;
  const standIn = base + "x".repeat(Math.max(0, longest - base.length));
  const shared = digestEmail(day, site, { unsubscribe: standIn });
  const report = await sendDigest({
    smtpUrl: settings.smtpUrl,
    from: settings.from,
    date: day.date,
    addresses: list.addresses,
    sentLog: sentLogPath(subscribers),
    smtpTimeout: settings.smtpTimeout,
    deadline: settings.deadline,
    resendUnconfirmed: args["resend-unconfirmed"] ?? false,
    message: (address) => {
      const { token, url } = readerUrl(address);
      return {
        subject: shared.subject,
        html: shared.html.replaceAll(escapeHtml(standIn), escapeHtml(url)),
        text: shared.text.replaceAll(standIn, url),
        unsubscribe: [url, unsubscribeMailto(settings.fromAddress, address, token)],
        listId: listId(site),
      };
    },
    log,
  });
  log(`${report.sent.length} sent, ${report.skipped.length} already sent before, ${report.failed.length} failed` +
    (report.unconfirmed.length ? `, ${report.unconfirmed.length} unconfirmed from an interrupted run` : "") +
    (report.notSent.length ? `, ${report.notSent.length} not sent (run again to send them)` : "") +
    (list.problems.length ? `, ${list.problems.length} line(s) of the list skipped` : "") + ` (sent-log: ${sentLogPath(subscribers)})`);
  return report.failed.length || report.notSent.length || list.problems.length ? 1 : 0;
}

/** `npm run digest -- --unsubscribe REQUESTS`: applies verified unsubscribe requests to the subscribers list. */
async function unsubscribeCommand(requests: string, subscribers: string | undefined, env: NodeJS.ProcessEnv, root: string, log: (line: string) => void): Promise<number> {
  const problems: string[] = [];
  const secret = env.DIGEST_SECRET;
  if (!secret) problems.push("DIGEST_SECRET: missing; the secret the tokens were made with");
  if (!subscribers) problems.push("DIGEST_SUBSCRIBERS: missing; the subscribers list (or --subscribers FILE)");
  if (problems.length) {
    log(`digest: --unsubscribe cannot start:\n${problems.map((p) => `  ${p}`).join("\n")}\n\n${digestUsage}`);
    return 2;
  }
  const inside = repositoryHolding(subscribers!, root);
  if (inside) {
    log(`digest: refusing to read subscribers from ${subscribers}: ${inside}. Readers' addresses must never be committed; keep the list outside the repository.`);
    return 2;
  }
  // The same lock as a send run: the list is not rewritten under a run reading it, nor by two of these at once.
  let lock;
  try {
    lock = await acquireLock(lockPath(sentLogPath(subscribers!)), { expires: Date.now() + 60_000, waitUntil: Date.now() + 60_000, log });
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    log(`digest: ${error.message}; try again when it has finished`);
    return 1;
  }
  let report;
  try {
    report = applyUnsubscribes(requests, path.resolve(subscribers!), secret!);
  } catch (error) {
    log(`digest: ${(error as Error).message}`);
    return 2;
  } finally {
    lock.release();
  }
  for (const address of report.removed) log(`removed: ${address}`);
  for (const address of report.absent) log(`not on the list: ${address}`);
  for (const line of report.refused) log(`refused: ${line}`);
  log(`${report.removed.length} removed, ${report.absent.length} not on the list, ${report.refused.length} refused`);
  return report.refused.length ? 1 : 0;
}
