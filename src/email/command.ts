import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ContentError, formatProblem } from "../content/problems.ts";
import { isCalendarDate } from "../content/schema.ts";
import { buildSiteData } from "../pipeline.ts";
import { loadSiteConfig } from "../site.ts";
import { digestEmail } from "./render.ts";
import { sendDigest, unsubscribeTarget } from "./send.ts";
import { readSubscribers, repositoryHolding, sentLogPath } from "./subscribers.ts";

/** How to call `npm run digest`, printed with every usage error. */
export const digestUsage = `usage: npm run digest -- --date YYYY-MM-DD [--send] [--subscribers FILE]

  --date          the digest day ("latest" for the newest day with papers)
  --send          send the email to every subscriber (otherwise only write it to <outputDir>/email/)
  --subscribers   the subscribers list, one address per line, outside the repository (or DIGEST_SUBSCRIBERS)

environment for --send:
  DIGEST_SMTP_URL     SMTP server, e.g. smtps://user:password@smtp.example.org:465
  DIGEST_FROM         sender, e.g. "Paper Digest <digest@example.org>"
  DIGEST_SUBSCRIBERS  the subscribers list, when --subscribers is not given
  DIGEST_UNSUBSCRIBE  List-Unsubscribe target, a URL or mailto: where {email} stands for the reader's address
                      (default: mailto:<sender>?subject=unsubscribe)`;

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
    args = parseArgs({ args: argv, options: { date: { type: "string" }, send: { type: "boolean" }, subscribers: { type: "string" } } }).values;
  } catch (error) {
    return fail((error as Error).message, true);
  }
  if (!args.date) return fail("--date is missing", true);
  if (args.date !== "latest" && !isCalendarDate(args.date)) return fail(`--date "${args.date}" is not a calendar day written YYYY-MM-DD`, true);

  const site = loadSiteConfig(root, env);
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
  let sending: { smtpUrl: string; from: string; subscribers: string } | undefined;
  if (args.send) {
    const missing = ["DIGEST_SMTP_URL", "DIGEST_FROM"].filter((name) => !env[name]);
    const subscribers = args.subscribers ?? env.DIGEST_SUBSCRIBERS;
    if (!subscribers) missing.push("DIGEST_SUBSCRIBERS (or --subscribers FILE)");
    if (missing.length) return fail(`--send needs ${missing.join(", ")}`, true);
    const inside = repositoryHolding(subscribers!, root);
    if (inside) return fail(`refusing to read subscribers from ${subscribers}: ${inside}. Readers' addresses must never be committed; keep the list outside the repository.`);
    sending = { smtpUrl: env.DIGEST_SMTP_URL!, from: env.DIGEST_FROM!, subscribers: path.resolve(subscribers!) };
  }

  const email = digestEmail(day, site);
  const folder = path.resolve(root, site.outputDir, "email");
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, `${day.date}.html`), email.html);
  writeFileSync(path.join(folder, `${day.date}.txt`), email.text);
  log(`${email.subject}\nwrote ${path.join(folder, `${day.date}.html`)} and .txt`);
  if (!sending) return 0;
  const { smtpUrl, from, subscribers } = sending;

  let list;
  try {
    list = readSubscribers(subscribers);
  } catch (error) {
    return fail(`cannot read the subscribers list ${subscribers}: ${(error as Error).message}`);
  }
  for (const problem of list.problems) log(problem);
  const report = await sendDigest({
    smtpUrl,
    from,
    date: day.date,
    addresses: list.addresses,
    sentLog: sentLogPath(subscribers),
    message: (address) => {
      const unsubscribe = unsubscribeTarget(env.DIGEST_UNSUBSCRIBE, from, address);
      return { ...digestEmail(day, site, { unsubscribe }), unsubscribe };
    },
    log,
  });
  log(`${report.sent.length} sent, ${report.skipped.length} already sent before, ${report.failed.length} failed` +
    (list.problems.length ? `, ${list.problems.length} line(s) of the list skipped` : "") + ` (sent-log: ${sentLogPath(subscribers)})`);
  return report.failed.length || list.problems.length ? 1 : 0;
}
