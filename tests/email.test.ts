import * as cheerio from "cheerio";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLock, LockBusyError, readSentLog, sentEntry } from "../src/email/sent-log.ts";
import { unsubscribeToken, verifyUnsubscribeToken } from "../src/email/settings.ts";
import { readSubscribers, repositoryHolding } from "../src/email/subscribers.ts";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";
import { startSilentServer, startSmtpSink, type SmtpSink } from "./helpers/smtp.ts";

/** A header value as one line: long headers are folded over several. */
const unfolded = (value: string) => value.replace(/\r?\n[ \t]+/g, " ");
const secret = "s3cret-s3cret-s3cret-s3cret-s3cret-0123";

const papers = {
  "2026-02-16/a.md": paper(
    { title: "Regret $\\tilde{\\mathcal O}(\\sqrt K)$ for MDPs", arxiv: "2601.00001", upvotes: 5, links: { code: "https://github.com/example/regret" } },
    "We improve the bound to $\\tilde{\\mathcal O}(\\sqrt K)$, see [the code](https://github.com/example/regret).\n\n$$\\sum_{k=1}^K \\ell_k \\le \\sqrt{K}$$",
  ),
  "2026-02-16/b.md": paper({ title: "Second paper", arxiv: "2601.00002", upvotes: 1 }, "Plain <script>alert(1)</script> text."),
  "2026-02-17/c.md": paper({ title: "Next day", arxiv: "2601.00003", date: "2026-02-17" }),
};
const subject = "Test Digest — Monday, 16 February 2026 (2 papers)";

describe("npm run digest", () => {
  let site: FixtureSite;
  let smtp: SmtpSink;
  let privateDir: string;
  let subscribers: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    site = fixtureSite(papers);
    smtp = await startSmtpSink({ reject: ["bounce@example.org"] });
    privateDir = mkdtempSync(path.join(tmpdir(), "digest-private-"));
    subscribers = path.join(privateDir, "subscribers.txt");
    writeFileSync(subscribers, "# readers\nada@example.org\nbounce@example.org\n\nalan@example.org  # comment\nADA@example.org\n");
    env = {
      DIGEST_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      DIGEST_FROM: "Test Digest <digest@example.org>",
      DIGEST_SUBSCRIBERS: subscribers,
      DIGEST_UNSUBSCRIBE: "https://digest.example.org/unsubscribe?email={email}",
      DIGEST_SECRET: secret,
    };
  });
  afterAll(async () => {
    await smtp.close();
    site.cleanup();
    rmSync(privateDir, { recursive: true, force: true });
  });

  it("writes the day's email as HTML with inline styles only and readable math, and a text part", () => {
    const result = site.run("digest.ts", ["--date", "2026-02-16"]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(subject);
    const html = readFileSync(path.join(site.outputDir, "email", "2026-02-16.html"), "utf8");
    const $ = cheerio.load(html);
    expect($("script, style, link, math, img")).toHaveLength(0);
    expect($("[class]")).toHaveLength(0);
    expect($("h2").first().text()).toBe("Regret Õ(√K) for MDPs");
    expect($("h2").first().next().next().text()).toContain("We improve the bound to Õ(√K), see the code.");
    expect($("h2").first().next().next().find("div[title]").html()).toBe("∑<sub><i>k</i>=1</sub><sup><i>K</i></sup> ℓ<sub><i>k</i></sub> ≤ √<i>K</i>");
    expect($("h2").eq(1).next().next().text()).toContain("Plain <script>alert(1)</script> text.");
    expect($("a").map((_, a) => $(a).attr("href")).get()).toContain("https://digest.example.org/papers/2601.00001/");
    const text = readFileSync(path.join(site.outputDir, "email", "2026-02-16.txt"), "utf8");
    expect(text.split("\n")[0]).toBe(subject);
    expect(text).toContain("1. Regret Õ(√K) for MDPs");
    expect(text.replace(/\s+/g, " ")).toContain("We improve the bound to Õ(√K), see the code <https://github.com/example/regret>.");
    expect(text).toContain("∑ₖ₌₁^K ℓₖ ≤ √K");
    expect(text).toContain("Code: https://github.com/example/regret");
    expect(text).toContain("Plain <script>alert(1)</script> text.");
    expect(text).not.toMatch(/<(?:p|a|i|b|sub|sup|div|span|code)[\s>]/);
  });

  it("sends one message per subscriber with both parts and the List-* headers; a refused address does not stop the others", async () => {
    const result = site.run("digest.ts", ["--date", "2026-02-16", "--send"], env);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/failed: bounce@example\.org: .*550/);
    expect(result.stdout).toContain("2 sent, 0 already sent before, 1 failed");

    const mails = await smtp.received();
    expect(mails.map((m) => m.rcptTo)).toEqual([["ada@example.org"], ["alan@example.org"]]);
    if (process.env.DIGEST_SHOW_HEADERS) console.log(JSON.stringify(mails[0]!.headers, null, 2));
    for (const mail of mails) {
      expect(mail.subject).toBe(subject);
      expect(mail.from).toBe('"Test Digest" <digest@example.org>');
      expect(mail.to).toBe(mail.rcptTo[0]);
      expect(mail.text).toContain("1. Regret Õ(√K) for MDPs");
      expect(cheerio.load(mail.html)("h2").first().text()).toBe("Regret Õ(√K) for MDPs");
      const address = mail.rcptTo[0]!;
      const unsubscribe = /^<(https:\/\/[^>]+)>, <mailto:digest@example\.org\?subject=unsubscribe%20(\S+?)%20([\w-]+)>$/.exec(unfolded(mail.headers["list-unsubscribe"]!));
      expect(unsubscribe, mail.headers["list-unsubscribe"]).not.toBeNull();
      const url = new URL(unsubscribe![1]!);
      expect(url.origin + url.pathname).toBe("https://digest.example.org/unsubscribe");
      expect(url.searchParams.get("email")).toBe(address);
      // The token is an HMAC with the secret: right for this address, wrong for any other, not computable without it.
      const token = url.searchParams.get("token")!;
      expect(decodeURIComponent(unsubscribe![2]!)).toBe(address);
      expect(unsubscribe![3]).toBe(token);
      expect(verifyUnsubscribeToken(secret, address, token)).toBe(true);
      expect(verifyUnsubscribeToken(secret, "someone@example.org", token)).toBe(false);
      expect(verifyUnsubscribeToken("another-secret-another-secret-0123", address, token)).toBe(false);
      expect(mail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
      expect(mail.headers["list-id"]).toBe('"Test Digest" <digest.digest.example.org>');
      // The unsubscribe link is both near the top (before the first paper) and at the end.
      const $ = cheerio.load(mail.html);
      const links = $("a:contains('Unsubscribe')");
      expect(links.map((_, a) => $(a).attr("href")).get()).toEqual([url.toString(), url.toString()]);
      expect(mail.html.indexOf("Unsubscribe")).toBeLessThan(mail.html.indexOf("<h2"));
      expect(mail.html.lastIndexOf("Unsubscribe")).toBeGreaterThan(mail.html.lastIndexOf("<h2"));
      expect(mail.text.split("\n").slice(0, 3).join("\n")).toContain(`Unsubscribe: ${url}`);
    }

    // Each address is claimed before its SMTP transaction and recorded after it; a refusal releases the claim.
    const log = readFileSync(`${subscribers}.sent.log`, "utf8").trim().split("\n").map((l) => l.split("\t").slice(0, 3).join(" "));
    expect(log).toEqual([
      "2026-02-16 ada@example.org claimed", "2026-02-16 ada@example.org sent",
      "2026-02-16 bounce@example.org claimed", "2026-02-16 bounce@example.org failed",
      "2026-02-16 alan@example.org claimed", "2026-02-16 alan@example.org sent",
    ]);
  });

  it("sends nothing twice when run again for the same day", async () => {
    const result = site.run("digest.ts", ["--date", "2026-02-16", "--send"], env);
    expect(result.stdout).toContain("0 sent, 2 already sent before, 1 failed");
    expect(await smtp.received()).toHaveLength(2);
  });

  it("sends another day to everyone", async () => {
    const result = site.run("digest.ts", ["--date", "latest", "--send", "--subscribers", subscribers], env);
    expect(result.stdout).toContain("2 sent, 0 already sent before, 1 failed");
    const mails = await smtp.received();
    expect(mails.slice(2).map((m) => m.subject)).toEqual(Array(2).fill("Test Digest — Tuesday, 17 February 2026 (1 paper)"));
  });

  it("--unsubscribe removes the addresses whose token is valid and refuses forged ones, keeping the rest of the list", () => {
    const requests = path.join(privateDir, "requests.txt");
    const token = (address: string) => unsubscribeToken(secret, address);
    writeFileSync(requests, [
      `https://digest.example.org/unsubscribe?email=ada%40example.org&token=${token("ada@example.org")}`,
      `unsubscribe alan@example.org ${unsubscribeToken("a-guessed-secret-a-guessed-secret", "alan@example.org")}`,
      `Subject: unsubscribe bounce@example.org ${token("bounce@example.org")}`,
      "just a line",
    ].join("\n"));
    const before = readFileSync(subscribers, "utf8");
    const result = site.run("digest.ts", ["--unsubscribe", requests], env);
    expect(result.stdout).toContain("removed: ada@example.org\nremoved: bounce@example.org");
    expect(result.stdout).toContain(`refused: ${requests}:2: the token is not alan@example.org's (forged, or made with another DIGEST_SECRET)`);
    expect(result.stdout).toContain(`refused: ${requests}:4: no address and token found`);
    expect(result.stdout).toContain("2 removed, 0 not on the list, 2 refused");
    expect(result.status).toBe(1);
    // Every line of both addresses goes (ADA@ too); comments and the others stay.
    expect(readFileSync(subscribers, "utf8")).toBe("# readers\n\nalan@example.org  # comment\n");
    writeFileSync(subscribers, before);
  });

  const refusals: [string, string[], Record<string, string>, RegExp][] = [
    ["a missing date", [], {}, /--date is missing/],
    ["an impossible date", ["--date", "2026-02-30"], {}, /"2026-02-30" is not a calendar day/],
    ["a day without papers", ["--date", "2026-02-15"], {}, /no papers on 2026-02-15; the newest days with papers are 2026-02-17, 2026-02-16/],
    ["--send without its settings, naming each one", ["--date", "2026-02-16", "--send"],
      { DIGEST_SMTP_URL: "", DIGEST_FROM: "", DIGEST_SECRET: "", DIGEST_UNSUBSCRIBE: "" },
      /DIGEST_SMTP_URL: missing.*\n.*DIGEST_FROM: missing.*\n.*DIGEST_SECRET: missing.*\n.*DIGEST_UNSUBSCRIBE: missing/],
    ["a CR/LF in DIGEST_FROM", ["--date", "2026-02-16", "--send"], { DIGEST_FROM: "Digest <digest@example.org>\r\nBcc: victim@example.org" },
      /DIGEST_FROM: contains a carriage return \(CR\) at character 28; a header value must be one line/],
    ["a control character in any header value, all reported at once", ["--date", "2026-02-16", "--send"],
      { DIGEST_FROM: "Digest\u0007 <digest@example.org>", DIGEST_UNSUBSCRIBE: "https://example.org/u\nX: y", DIGEST_SMTP_URL: "smtp://127.0.0.1:1\u0085" },
      /DIGEST_SMTP_URL: contains the control character U\+0085[^\n]*\n.*DIGEST_FROM: contains the control character U\+0007 at character 7[^\n]*\n.*DIGEST_UNSUBSCRIBE: contains a line feed \(LF\)/],
    ["a site title with a line break", ["--date", "2026-02-16"], { SITE_TITLE: "Test\nBcc: x@example.org" },
      /site config: "title" contains a line feed \(LF\) at character 5; it must be one line of printable text/],
    ["a short DIGEST_SECRET", ["--date", "2026-02-16", "--send"], { DIGEST_SECRET: "short" }, /DIGEST_SECRET: must be at least 32 characters long, got 5/],
    ["an unsubscribe URL that is not https", ["--date", "2026-02-16", "--send"], { DIGEST_UNSUBSCRIBE: "http://digest.example.org/u?e={email}" }, /DIGEST_UNSUBSCRIBE: must be an https:\/\/ URL/],
    ["a sender that is not one address", ["--date", "2026-02-16", "--send"], { DIGEST_FROM: "a@example.org, b@example.org" }, /DIGEST_FROM: "a@example.org, b@example.org" is not one address/],
    ["a deadline that is not a number", ["--date", "2026-02-16", "--send"], { DIGEST_DEADLINE: "soon" }, /DIGEST_DEADLINE: must be a number of seconds greater than 0, got "soon"/],
    ["a subscribers list inside the repository", ["--date", "2026-02-16", "--send", "--subscribers", path.join(repoRoot, "content", "subscribers.txt")], {}, /refusing to read subscribers from .*inside the project folder/],
  ];
  for (const [name, args, extraEnv, message] of refusals) {
    it(`refuses ${name}, sending nothing`, async () => {
      const before = (await smtp.received()).length;
      const result = site.run("digest.ts", args, { ...env, ...extraEnv });
      expect(result.status).toBe(2);
      expect(result.stdout).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await smtp.received()).toHaveLength(before);
    });
  }
});

describe("subscribers list", () => {
  it("reads one address per line, skips comments and duplicates, and reports lines that are not addresses", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "digest-subscribers-"));
    const file = path.join(dir, "subscribers.txt");
    writeFileSync(file, "a@example.org\n# note\nnot an address\nb@example.org # since 2026\nA@EXAMPLE.ORG\nteam#digest@example.org\t# a # inside an address is part of it\n  # indented comment\nc\u0085d@example.org\n");
    expect(readSubscribers(file)).toEqual({
      addresses: ["a@example.org", "b@example.org", "team#digest@example.org"],
      problems: [`${file}:3: "not an address" is not an email address (one address per line)`, `${file}:8: "c\\u0085d@example.org" is not an email address (one address per line)`],
    });
    expect(repositoryHolding(file, repoRoot)).toBeUndefined();
    expect(repositoryHolding(path.join(repoRoot, "private", "subscribers.txt"), repoRoot)).toMatch(/inside the project folder/);
    mkdirSync(path.join(dir, "other-repo", ".git"), { recursive: true });
    expect(repositoryHolding(path.join(dir, "other-repo", "lists", "subscribers.txt"), repoRoot)).toBe(
      `it is inside the Git repository ${realpathSync(path.join(dir, "other-repo"))}`);
    rmSync(dir, { recursive: true, force: true });
  });
});

/** A private folder (outside any repository) holding a subscribers list, and the environment to send to it. */
function privateList(addresses: string[], port: number, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "digest-private-"));
  const file = path.join(dir, "subscribers.txt");
  writeFileSync(file, `${addresses.join("\n")}\n`);
  const env = {
    DIGEST_SMTP_URL: `smtp://127.0.0.1:${port}`,
    DIGEST_FROM: "Test Digest <digest@example.org>",
    DIGEST_SUBSCRIBERS: file,
    DIGEST_UNSUBSCRIBE: "https://digest.example.org/unsubscribe",
    DIGEST_SECRET: secret,
    ...extra,
  };
  const logLines = () => readFileSync(`${file}.sent.log`, "utf8").trim().split("\n").map((l) => l.split("\t").slice(0, 3).join(" "));
  return { dir, file, env, logLines, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe("sending once, whatever happens to the run", () => {
  let site: FixtureSite;
  beforeAll(() => {
    site = fixtureSite(papers);
  });
  afterAll(() => site.cleanup());
  const readers = ["a@example.org", "b@example.org", "c@example.org", "d@example.org"];

  it("two overlapping --send runs deliver one message per subscriber", async () => {
    // A slow server (1 s a message) keeps the first run sending while the second one starts.
    const smtp = await startSmtpSink({ delayMs: 1000 });
    const list = privateList(readers, smtp.port);
    try {
      const [first, second] = await Promise.all([
        site.start("digest.ts", ["--date", "2026-02-16", "--send"], list.env),
        site.start("digest.ts", ["--date", "2026-02-16", "--send"], list.env),
      ]);
      expect(first.status, first.stdout + first.stderr).toBe(0);
      expect(second.status, second.stdout + second.stderr).toBe(0);
      const mails = await smtp.received();
      expect(mails.map((m) => m.rcptTo[0]).sort()).toEqual(readers);
      // Both ran to the end: one sent everything, the other found it all sent.
      const summaries = [first.stdout, second.stdout].map((out) => /(\d+) sent, (\d+) already sent before/.exec(out)!.slice(1).map(Number));
      expect(summaries.sort()).toEqual([[0, 4], [4, 0]]);
      expect(first.stdout + second.stdout).toMatch(/waiting for another digest run to finish \(pid \d+ on /);
      expect(list.logLines().filter((l) => l.endsWith(" sent"))).toHaveLength(4);
      expect(existsSync(`${list.file}.sent.log.lock`)).toBe(false);
    } finally {
      await smtp.close();
      list.cleanup();
    }
  });

  it("after a crash mid-run: the stale lock is taken over, the unconfirmed address is not sent again (at-most-once) unless asked", async () => {
    const smtp = await startSmtpSink();
    const list = privateList(readers, smtp.port);
    try {
      // What a run killed while sending to b@ leaves behind: its lock (a process that is gone) and a claim without a record.
      const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
      writeFileSync(`${list.file}.sent.log.lock`, JSON.stringify({ pid: dead, host: hostname(), started: "2026-02-16T06:00:00Z", expires: Date.now() + 3_600_000 }));
      writeFileSync(`${list.file}.sent.log`, `2026-02-16\ta@example.org\tclaimed\t${dead}\n2026-02-16\ta@example.org\tsent\t<1@x>\n2026-02-16\tb@example.org\tclaimed\t${dead}\n2026-02-16\tc@exa`);
      const result = await site.start("digest.ts", ["--date", "2026-02-16", "--send"], list.env);
      expect(result.stdout).toContain(`taking over the stale lock ${list.file}.sent.log.lock: its process ${dead} is gone`);
      expect(result.stdout).toMatch(/unconfirmed: b@example\.org: an interrupted run \(pid \d+\) started sending to it; not sent again/);
      expect(result.stdout).toContain("2 sent, 1 already sent before, 0 failed, 1 unconfirmed from an interrupted run");
      expect((await smtp.received()).map((m) => m.rcptTo[0])).toEqual(["c@example.org", "d@example.org"]);

      const again = await site.start("digest.ts", ["--date", "2026-02-16", "--send", "--resend-unconfirmed"], list.env);
      expect(again.stdout).toContain("1 sent, 3 already sent before, 0 failed");
      expect((await smtp.received()).map((m) => m.rcptTo[0])).toEqual(["c@example.org", "d@example.org", "b@example.org"]);
    } finally {
      await smtp.close();
      list.cleanup();
    }
  });

  it("a server that never answers: the run stops at its deadline, says what was not sent, and a rerun sends it", async () => {
    const silent = await startSilentServer();
    const list = privateList(readers.slice(0, 2), silent.port, { DIGEST_DEADLINE: "3", DIGEST_SMTP_TIMEOUT: "120" });
    try {
      const started = Date.now();
      const result = await site.start("digest.ts", ["--date", "2026-02-16", "--send"], list.env);
      const seconds = (Date.now() - started) / 1000;
      // Far under the per-connection timeout of 120 s: the deadline (3 s, plus start-up) ended it.
      expect(seconds).toBeLessThan(30);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain("stopped: the deadline of 3 s passed while sending to a@example.org; not sent (a rerun sends them): a@example.org, b@example.org");
      expect(result.stdout).toContain("0 sent, 0 already sent before, 0 failed, 2 not sent (run again to send them)");

      const smtp = await startSmtpSink();
      try {
        const rerun = await site.start("digest.ts", ["--date", "2026-02-16", "--send"], { ...list.env, DIGEST_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
        expect(rerun.stdout).toContain("2 sent, 0 already sent before, 0 failed");
        expect((await smtp.received()).map((m) => m.rcptTo[0])).toEqual(["a@example.org", "b@example.org"]);
      } finally {
        await smtp.close();
      }
    } finally {
      await silent.close();
      list.cleanup();
    }
  });

  it("a per-connection timeout of seconds: each silent connection fails after DIGEST_SMTP_TIMEOUT, not 30 s", async () => {
    const silent = await startSilentServer();
    const list = privateList(readers.slice(0, 2), silent.port, { DIGEST_SMTP_TIMEOUT: "1" });
    try {
      const started = Date.now();
      const result = await site.start("digest.ts", ["--date", "2026-02-16", "--send"], list.env);
      expect((Date.now() - started) / 1000).toBeLessThan(30);
      expect(result.stdout).toMatch(/failed: a@example\.org: Greeting never received/);
      expect(result.stdout).toContain("0 sent, 0 already sent before, 2 failed");
      expect(silent.connections()).toBe(2);
    } finally {
      await silent.close();
      list.cleanup();
    }
  });
});

describe("the size of the email", () => {
  it("the 45-paper example day is under 100 KB of HTML, every paper with an excerpt", () => {
    const site = fixtureSite({});
    try {
      const result = site.run("digest.ts", ["--date", "2026-02-16"], {
        SITE_CONFIG: path.join(repoRoot, "content", "site.json"),
        SITE_CONTENT_DIR: path.join(repoRoot, "content", "papers"),
      });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      const html = readFileSync(path.join(site.outputDir, "email", "2026-02-16.html"));
      if (process.env.DIGEST_SHOW_SIZE) console.log(`example day: ${html.length} bytes of HTML`);
      expect(html.length).toBeLessThan(100_000);
      const $ = cheerio.load(html.toString());
      expect($("h2")).toHaveLength(45);
      expect($("a:contains('Full abstract')").length).toBeGreaterThan(0);
    } finally {
      site.cleanup();
    }
  });

  it("a day of 400 papers with long titles and abstracts stays under 100 KB: cards, then titles, then a link to the rest", () => {
    const long = "Long words of an abstract that goes on and on, $x^2$ and **bold** text. ".repeat(60);
    const many = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [
      `2026-02-16/p${i}.md`,
      paper({ title: `Paper ${i} ${"with a rather long title ".repeat(8)}`, arxiv: `2601.${String(10000 + i)}`, upvotes: 1000 - i, tags: ["a", "b", "c"] }, long),
    ]));
    const site = fixtureSite(many);
    try {
      const result = site.run("digest.ts", ["--date", "2026-02-16"]);
      expect(result.status, result.stdout + result.stderr).toBe(0);
      const html = readFileSync(path.join(site.outputDir, "email", "2026-02-16.html"), "utf8");
      expect(Buffer.byteLength(html)).toBeLessThan(100_000);
      const $ = cheerio.load(html);
      const cards = $("h2").length;
      const listed = $("li").length;
      expect(cards).toBeGreaterThan(10);
      expect(cards + listed).toBeLessThan(400);
      const more = $(`a:contains('${400 - cards - listed} more papers on the site')`);
      expect(more.attr("href")).toBe("https://digest.example.org/date/2026-02-16/");
      // Excerpts end at a word with an ellipsis; their markup is closed (the parser found no stray text after the cut).
      expect($("h2").first().parent().find("div").text().trim()).toMatch(/\w…$/);
      const text = readFileSync(path.join(site.outputDir, "email", "2026-02-16.txt"), "utf8");
      expect(text).toContain(`${400 - cards - listed} more papers on the site: https://digest.example.org/date/2026-02-16/`);
    } finally {
      site.cleanup();
    }
  });
});

describe("math in the email keeps its meaning", () => {
  // Depends on src/markdown/readable-math.ts (roots keep their extent), which the issue-10 change fixes.
  it("a root keeps its extent: \\sqrt{KT} is not √KT, \\sqrt{K} T^{3/4} is not √KT^(3/4)", () => {
    const site = fixtureSite({ "2026-02-16/m.md": paper({ title: "Regret $\\sqrt{KT}$", arxiv: "2601.00009" }, "Bound $\\sqrt{K} T^{3/4}$ holds.") });
    try {
      const result = site.run("digest.ts", ["--date", "2026-02-16"]);
      expect(result.status, result.stdout + result.stderr).toBe(0);
      const $ = cheerio.load(readFileSync(path.join(site.outputDir, "email", "2026-02-16.html"), "utf8"));
      const text = readFileSync(path.join(site.outputDir, "email", "2026-02-16.txt"), "utf8");
      expect($("h2").text()).toContain("√(KT)");
      expect(text).toContain("√(KT)");
      for (const shown of [$("h2").text(), $("h2").parent().find("div").text(), text]) {
        expect(shown).not.toMatch(/√KT/);
      }
    } finally {
      site.cleanup();
    }
  });
});

describe("math that uses the site's and the paper's own macros", () => {
  it("is readable in the email, both parts, and in the feeds' plain-text summary", () => {
    const site = fixtureSite(
      { "2026-02-16/m.md": paper({ title: "Maps $\\Wt$ on $\\Dom$", arxiv: "2601.00019", macros: { "\\Wt": "\\mathbf{W}" } }, "We bound $\\Wt x$ on $\\Dom$.") },
      { url: "https://digest.example.org", macros: { "\\Dom": "\\mathcal{D}" } },
    );
    try {
      const result = site.run("digest.ts", ["--date", "2026-02-16"]);
      expect(result.status, result.stdout + result.stderr).toBe(0);
      const html = readFileSync(path.join(site.outputDir, "email", "2026-02-16.html"), "utf8");
      const text = readFileSync(path.join(site.outputDir, "email", "2026-02-16.txt"), "utf8");
      const $ = cheerio.load(html);
      expect($("h2").text()).toContain("Maps W on D");
      expect($("h2").parent().find("div").text()).toContain("We bound Wx on D.");
      expect(text).toContain("We bound Wx on D.");
      // The TeX source stays only in the formulas' hover titles, never as shown text.
      expect($("body").text() + text).not.toMatch(/\\Wt|\\Dom/);
      expect(site.build().status).toBe(0);
      expect(site.read("feed.xml")).toMatch(/<description><!\[CDATA\[We bound Wx on D\.\]\]><\/description>/);
    } finally {
      site.cleanup();
    }
  });
});

describe("the sent-log's lock", () => {
  it("is exclusive, waits until its deadline, is released, and a stale one (dead process, or past its deadline) is taken over", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "digest-lock-"));
    const file = path.join(dir, "list.sent.log.lock");
    try {
      const held = await acquireLock(file, { expires: Date.now() + 60_000, waitUntil: Date.now() });
      const started = Date.now();
      await expect(acquireLock(file, { expires: Date.now() + 60_000, waitUntil: Date.now() + 300 })).rejects.toThrow(LockBusyError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      held.release();
      expect(existsSync(file)).toBe(false);

      const lines: string[] = [];
      writeFileSync(file, JSON.stringify({ pid: process.pid, host: "another-host", started: "2026-02-16T06:00:00Z", expires: Date.now() - 1 }));
      const taken = await acquireLock(file, { expires: Date.now() + 60_000, waitUntil: Date.now(), log: (l) => lines.push(l) });
      expect(lines).toEqual([`taking over the stale lock ${file}: its run (pid ${process.pid} on another-host) is past its deadline`]);
      expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid);
      taken.release();

      // A live process on another host, within its deadline: not stale.
      writeFileSync(file, JSON.stringify({ pid: 1, host: "another-host", started: "2026-02-16T06:00:00Z", expires: Date.now() + 60_000 }));
      await expect(acquireLock(file, { expires: Date.now() + 60_000, waitUntil: Date.now() })).rejects.toThrow(/pid 1 on another-host/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the log's last word for each address; the older three-field lines count as sent, a torn last line as nothing", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "digest-log-"));
    const file = path.join(dir, "list.sent.log");
    try {
      writeFileSync(file, "2026-02-15\tOld@example.org\t<id@x>\n2026-02-16\ta@example.org\tclaimed\t12\n2026-02-16\ta@example.org\tfailed\ttimeout\n2026-02-16\tb@exam");
      const log = readSentLog(file);
      expect(sentEntry(log, "2026-02-15", "old@EXAMPLE.org")).toEqual({ state: "sent", detail: "<id@x>" });
      expect(sentEntry(log, "2026-02-16", "a@example.org")).toEqual({ state: "failed", detail: "timeout" });
      expect(sentEntry(log, "2026-02-16", "b@exam")).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
