import nodemailer from "nodemailer";
import type { DigestEmail } from "./render.ts";
import { alreadySent, readSentLog, recordSent } from "./subscribers.ts";

/** What one send run did, address by address. */
export interface SendReport {
  sent: string[];
  /** Addresses the sent-log says already received this day's digest. */
  skipped: string[];
  failed: { address: string; error: string }[];
}

/** Everything a send run needs; the message is built per address so each carries its own unsubscribe link. */
export interface SendOptions {
  /** SMTP server URL, e.g. `smtps://user:pass@smtp.example.org:465`. */
  smtpUrl: string;
  from: string;
  date: string;
  addresses: readonly string[];
  sentLog: string;
  message: (address: string) => DigestEmail & { unsubscribe: string };
  log?: (line: string) => void;
}

/**
 * The List-Unsubscribe target for one address: `{email}` in the template is replaced by the encoded address; without
 * a template, a mailto: to the sender with the subject "unsubscribe".
 */
export function unsubscribeTarget(template: string | undefined, from: string, address: string): string {
  if (template) return template.replaceAll("{email}", encodeURIComponent(address));
  const sender = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  return `mailto:${sender}?subject=unsubscribe`;
}

/**
 * Sends the day's digest to each address in turn, one message per reader (no address sees another). An address in
 * the sent-log is skipped; each success is logged at once; a failure is reported and the next address is tried.
 */
export async function sendDigest(options: SendOptions): Promise<SendReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const report: SendReport = { sent: [], skipped: [], failed: [] };
  const done = readSentLog(options.sentLog);
  const transport = nodemailer.createTransport(options.smtpUrl);
  try {
    for (const address of options.addresses) {
      if (alreadySent(done, options.date, address)) {
        report.skipped.push(address);
        continue;
      }
      const message = options.message(address);
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: address,
          subject: message.subject,
          text: message.text,
          html: message.html,
          list: { unsubscribe: message.unsubscribe },
        });
        recordSent(options.sentLog, options.date, address, info.messageId);
        report.sent.push(address);
        log(`sent: ${address}`);
      } catch (error) {
        const text = (error as Error).message.replace(/\s+/g, " ").trim();
        report.failed.push({ address, error: text });
        log(`failed: ${address}: ${text}`);
      }
    }
  } finally {
    transport.close();
  }
  return report;
}
