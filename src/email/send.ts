import nodemailer from "nodemailer";
import type { DigestEmail } from "./render.ts";
import { acquireLock, LockBusyError, lockPath, readSentLog, sentEntry, SentLogWriter } from "./sent-log.ts";

/** What one send run did, address by address. */
export interface SendReport {
  sent: string[];
  /** Addresses the sent-log says already received this day's digest. */
  skipped: string[];
  /**
   * Addresses an earlier run claimed and never confirmed (it was killed mid-send): maybe delivered, so not sent
   * again unless `resendUnconfirmed` is set.
   */
  unconfirmed: string[];
  failed: { address: string; error: string }[];
  /** Addresses not tried because the deadline passed (or another run kept the lock); a rerun sends them. */
  notSent: string[];
  /** Why the run stopped early, when it did. */
  stopped?: string;
}

/** The headers and parts of one reader's message. */
export interface ReaderMessage extends DigestEmail {
  /** List-Unsubscribe targets, https first. */
  unsubscribe: string[];
  listId: { url: string; comment: string };
}

/** Everything a send run needs; the message is built per address so each carries its own unsubscribe link. */
export interface SendOptions {
  /** SMTP server URL, e.g. `smtps://user:pass@smtp.example.org:465`. */
  smtpUrl: string;
  from: string;
  date: string;
  addresses: readonly string[];
  sentLog: string;
  message: (address: string) => ReaderMessage;
  /** Per-connection timeout in seconds: connecting, the server's greeting, and any silence on the socket. */
  smtpTimeout: number;
  /** Seconds the whole run may take, waiting for another run's lock included. */
  deadline: number;
  /** Send again to addresses an interrupted run claimed but never confirmed (at-least-once). Default false. */
  resendUnconfirmed?: boolean;
  log?: (line: string) => void;
}

class DeadlineError extends Error {}

/** Rejects with a DeadlineError at `at` (ms since the epoch) unless `promise` settles first. */
function beforeDeadline<T>(promise: Promise<T>, at: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError("the run's deadline passed before the server answered")), Math.max(0, at - Date.now()));
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Sends the day's digest to each address in turn, one message per reader (no address sees another), holding the
 * sent-log's lock (see sent-log.ts for the semantics). Each address is claimed in the log before its SMTP
 * transaction and recorded after it; a failure is reported and the next address is tried; at the deadline the run
 * stops and reports what it did not send.
 */
export async function sendDigest(options: SendOptions): Promise<SendReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const report: SendReport = { sent: [], skipped: [], unconfirmed: [], failed: [], notSent: [] };
  const started = Date.now();
  const deadlineAt = started + options.deadline * 1000;
  let lock;
  try {
    // Past its deadline (plus the time one SMTP exchange may take) this run's lock counts as stale.
    lock = await acquireLock(lockPath(options.sentLog), { expires: deadlineAt + options.smtpTimeout * 3000, waitUntil: deadlineAt, log });
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    report.notSent.push(...options.addresses);
    report.stopped = `${error.message} past this run's deadline of ${options.deadline} s`;
    return report;
  }
  const writer = new SentLogWriter(options.sentLog);
  const timeoutMs = options.smtpTimeout * 1000;
  const transport = nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  try {
    // Read under the lock: a run that held it before us has written everything it did.
    const done = readSentLog(options.sentLog);
    const pending = (from: number) => options.addresses.slice(from).filter((a) => {
      const state = sentEntry(done, options.date, a)?.state;
      return state !== "sent" && (state !== "claimed" || options.resendUnconfirmed);
    });
    for (const [i, address] of options.addresses.entries()) {
      const entry = sentEntry(done, options.date, address);
      if (entry?.state === "sent") {
        report.skipped.push(address);
        continue;
      }
      if (entry?.state === "claimed" && !options.resendUnconfirmed) {
        report.unconfirmed.push(address);
        log(`unconfirmed: ${address}: an interrupted run (pid ${entry.detail || "?"}) started sending to it; not sent again (--resend-unconfirmed sends it)`);
        continue;
      }
      if (Date.now() >= deadlineAt) {
        report.notSent.push(...pending(i));
        report.stopped = `the deadline of ${options.deadline} s passed`;
        break;
      }
      const message = options.message(address);
      writer.append(options.date, address, "claimed", String(process.pid));
      try {
        const info = await beforeDeadline(transport.sendMail({
          from: options.from,
          to: address,
          subject: message.subject,
          text: message.text,
          html: message.html,
          // One List-Unsubscribe header listing both targets (a flat array would write one header each).
          list: { unsubscribe: [message.unsubscribe], id: message.listId },
          headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
        }), deadlineAt);
        writer.append(options.date, address, "sent", info.messageId);
        report.sent.push(address);
        log(`sent: ${address}`);
      } catch (error) {
        const text = (error as Error).message.replace(/\s+/g, " ").trim();
        // No 250 from the server: the message was not accepted, so the claim is released and a rerun retries it.
        writer.append(options.date, address, "failed", text);
        if (error instanceof DeadlineError) {
          report.notSent.push(...pending(i));
          report.stopped = `the deadline of ${options.deadline} s passed while sending to ${address}`;
          break;
        }
        report.failed.push({ address, error: text });
        log(`failed: ${address}: ${text}`);
      }
    }
  } finally {
    transport.close();
    writer.close();
    lock.release();
  }
  if (report.stopped) {
    const shown = report.notSent.slice(0, 20).join(", ");
    log(`stopped: ${report.stopped}; not sent (a rerun sends them): ${shown}${report.notSent.length > 20 ? ` and ${report.notSent.length - 20} more` : ""}`);
  }
  return report;
}
