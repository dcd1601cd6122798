import * as cheerio from "cheerio";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSubscribers, repositoryHolding } from "../src/email/subscribers.ts";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";
import { startSmtpSink, type SmtpSink } from "./helpers/smtp.ts";

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

  it("sends one message per subscriber with both parts and List-Unsubscribe; a refused address does not stop the others", async () => {
    const result = site.run("digest.ts", ["--date", "2026-02-16", "--send"], env);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/failed: bounce@example\.org: .*550/);
    expect(result.stdout).toContain("2 sent, 0 already sent before, 1 failed");

    const mails = await smtp.received();
    expect(mails.map((m) => m.rcptTo)).toEqual([["ada@example.org"], ["alan@example.org"]]);
    for (const mail of mails) {
      expect(mail.subject).toBe(subject);
      expect(mail.from).toBe('"Test Digest" <digest@example.org>');
      expect(mail.to).toBe(mail.rcptTo[0]);
      expect(mail.text).toContain("1. Regret Õ(√K) for MDPs");
      expect(cheerio.load(mail.html)("h2").first().text()).toBe("Regret Õ(√K) for MDPs");
      const target = `https://digest.example.org/unsubscribe?email=${encodeURIComponent(mail.rcptTo[0]!)}`;
      expect(mail.headers["list-unsubscribe"]).toBe(`<${target}>`);
      expect(cheerio.load(mail.html)("a:contains('Unsubscribe')").attr("href")).toBe(target);
    }
    const log = readFileSync(`${subscribers}.sent.log`, "utf8").trim().split("\n").map((l) => l.split("\t").slice(0, 2).join(" "));
    expect(log).toEqual(["2026-02-16 ada@example.org", "2026-02-16 alan@example.org"]);
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

  const refusals: [string, string[], Record<string, string>, RegExp][] = [
    ["a missing date", [], {}, /--date is missing/],
    ["an impossible date", ["--date", "2026-02-30"], {}, /"2026-02-30" is not a calendar day/],
    ["a day without papers", ["--date", "2026-02-15"], {}, /no papers on 2026-02-15; the newest days with papers are 2026-02-17, 2026-02-16/],
    ["--send without the SMTP settings", ["--date", "2026-02-16", "--send"], { DIGEST_SMTP_URL: "", DIGEST_FROM: "" }, /--send needs DIGEST_SMTP_URL, DIGEST_FROM/],
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
    writeFileSync(file, "a@example.org\n# note\nnot an address\nb@example.org # since 2026\nA@EXAMPLE.ORG\n");
    expect(readSubscribers(file)).toEqual({
      addresses: ["a@example.org", "b@example.org"],
      problems: [`${file}:3: "not an address" is not an email address (one address per line)`],
    });
    expect(repositoryHolding(file, repoRoot)).toBeUndefined();
    expect(repositoryHolding(path.join(repoRoot, "private", "subscribers.txt"), repoRoot)).toMatch(/inside the project folder/);
    mkdirSync(path.join(dir, "other-repo", ".git"), { recursive: true });
    expect(repositoryHolding(path.join(dir, "other-repo", "lists", "subscribers.txt"), repoRoot)).toBe(
      `it is inside the Git repository ${realpathSync(path.join(dir, "other-repo"))}`);
    rmSync(dir, { recursive: true, force: true });
  });
});
