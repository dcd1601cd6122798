import { createServer, type AddressInfo, type Socket } from "node:net";
import { Worker } from "node:worker_threads";

/** A message as the test SMTP server received and mailparser parsed it. */
export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  rcptTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Raw header lines by lower-case name. */
  headers: Record<string, string>;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
export interface SmtpSink {
  port: number;
  /** Every message accepted so far. */
  received(): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

// The server runs in a worker thread with its own event loop: the command under test is run with spawnSync, which
// blocks this thread, and a server on this thread could not answer it.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { SMTPServer } = require("smtp-server");
const { simpleParser } = require("mailparser");
const received = [];
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onRcptTo(address, session, callback) {
    if (workerData.reject.includes(address.address)) {
      const error = new Error("Mailbox unavailable");
      error.responseCode = 550;
      return callback(error);
    }
    callback();
  },
  onData(stream, session, callback) {
    // The message is stored before the server answers 250, so it is here once the sender has finished.
    simpleParser(stream).then(async (mail) => {
      if (workerData.delayMs) await new Promise((resolve) => setTimeout(resolve, workerData.delayMs));
      const headers = {};
      for (const { key, line } of mail.headerLines) headers[key] = line.slice(line.indexOf(":") + 1).trim();
      received.push({
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
        from: mail.from ? mail.from.text : "",
        to: Array.isArray(mail.to) ? mail.to.map((t) => t.text).join(", ") : mail.to ? mail.to.text : "",
        subject: mail.subject || "",
        text: mail.text || "",
        html: typeof mail.html === "string" ? mail.html : "",
        headers,
      });
      callback();
    }, callback);
  },
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.server.address().port }));
parentPort.on("message", (message) => {
  if (message === "received") parentPort.postMessage({ received });
  if (message === "close") server.close(() => parentPort.postMessage({ closed: true }));
});
`;

/**
 * Starts an SMTP server on a random local port; addresses in `reject` are refused with 550 at RCPT TO, and each
 * message is answered `delayMs` after it arrived (a slow server, so that two senders overlap).
 */
export async function startSmtpSink(options: { reject?: string[]; delayMs?: number } = {}): Promise<SmtpSink> {
  const worker = new Worker(workerSource, { eval: true, workerData: { reject: options.reject ?? [], delayMs: options.delayMs ?? 0 } });
  const next = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (!(key in message)) return;
        worker.off("message", onMessage);
        worker.off("error", reject);
        resolve(message[key] as T);
      };
      worker.on("message", onMessage);
      worker.on("error", reject);
    });
  const port = await next<number>("port");
  return {
    port,
    received: () => {
      const reply = next<ReceivedMail[]>("received");
      worker.postMessage("received");
      return reply;
    },
    close: async () => {
      const closed = next<boolean>("closed");
      worker.postMessage("close");
      await closed;
      await worker.terminate();
    },
  };
}

/** A TCP server that accepts connections and never says a word: an SMTP server that hangs before its greeting. */
export async function startSilentServer(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
