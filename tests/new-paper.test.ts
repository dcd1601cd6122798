import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { normalizeArxivId } from "../src/arxiv/api.ts";
import { entryId, parseArxivFeed } from "../src/arxiv/atom.ts";
import { parsePaperFile } from "../src/content/frontmatter.ts";
import { checkNewPaperFile, paperFileText } from "../src/content/new-paper.ts";
import { abstractPlaceholder, validatePaper } from "../src/content/schema.ts";
import { fixtureSite, paper, type FixtureSite, type RunResult } from "./helpers/site.ts";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "arxiv");
const recorded = readFileSync(path.join(fixtures, "2301.12942.xml"), "utf8");
const emptyFeed = readFileSync(path.join(fixtures, "empty.xml"), "utf8");
const errorFeed = readFileSync(path.join(fixtures, "error.xml"), "utf8");
// The same paper under another id with a formula KaTeX cannot typeset, to prove nothing invalid is ever written.
const brokenTex = recorded.replaceAll("2301.12942", "2301.00666").replace("$K$ episodes", "$\\frac{K$ episodes");

/**
 * A stand-in for the arXiv API on 127.0.0.1: `/api/query?id_list=...` answers from the recorded responses,
 * `/broken/api/query` answers HTTP 500. Every request's query is kept so tests can see what was asked.
 */
function fakeArxiv(): Promise<{ server: Server; url: string; queries: URLSearchParams[] }> {
  const queries: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    queries.push(url.searchParams);
    if (url.pathname === "/broken/api/query") {
      res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
      return;
    }
    const id = url.searchParams.get("id_list");
    const body = id === "2301.12942" ? recorded : id === "2301.00666" ? brokenTex : id === "1234" ? errorFeed : emptyFeed;
    res.writeHead(200, { "content-type": "application/atom+xml; charset=utf-8" }).end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, queries });
    });
  });
}

/** Runs `npm run new` for a fixture site (asynchronously: the fake API lives in this process). */
const runNew = (site: FixtureSite, args: string[], env: Record<string, string> = {}): Promise<RunResult> =>
  site.start("new-paper.ts", args, env);

const noStackTrace = (result: RunResult) => expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe("npm run new", () => {
  let api: Awaited<ReturnType<typeof fakeArxiv>>;
  let site: FixtureSite;
  let env: Record<string, string>;
  beforeAll(async () => {
    api = await fakeArxiv();
    env = { ARXIV_API_URL: `${api.url}/api/query` };
  });
  afterAll(() => new Promise<void>((resolve) => api.server.close(() => resolve())));
  beforeEach(() => {
    site = fixtureSite({ "2026-02-10/existing.md": paper({ arxiv: "2509.25149", date: "2026-02-10" }) });
    api.queries.length = 0;
  });
  afterEach(() => site.cleanup());

  const written = (rel: string) => readFileSync(path.join(site.contentDir, rel), "utf8");

  it("writes a valid paper file from the arXiv API, TeX kept as written", async () => {
    const result = await runNew(site, ["--arxiv", "2301.12942", "--date", "2026-02-16", "--tags", "reinforcement-learning,theory"], env);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const file = path.join(site.contentDir, "2026-02-16", "2301.12942.md");
    expect(result.stdout).toContain(`Wrote ${file}`);
    expect(result.stdout).toContain("npm run check");
    expect(api.queries.map((q) => q.get("id_list"))).toEqual(["2301.12942"]);

    const text = written("2026-02-16/2301.12942.md");
    expect(text).toContain('arxiv: "2301.12942"\n');
    const parsed = parsePaperFile(text, "x.md");
    const { paper: record, problems } = validatePaper(parsed, "x.md");
    expect(problems).toEqual([]);
    expect(record).toMatchObject({
      title: "Refined Regret for Adversarial MDPs with Linear Function Approximation",
      date: "2026-02-16",
      arxiv: "2301.12942",
      authors: ["Yan Dai", "Haipeng Luo", "Chen-Yu Wei", "Julian Zimmert"],
      published: "2023-01-30",
      category: "cs.LG",
      tags: ["reinforcement-learning", "theory"],
    });
    expect(record!.body).toMatch(/^We consider learning in an adversarial Markov Decision Process \(MDP\) where the loss functions/);
    expect(record!.body).toContain("is of order $\\tilde{\\mathcal O}(K^{2/3})$ (omitting all other dependencies)");
    expect(record!.body).toContain("by Neu & Olkhovskaya (2020)");
    expect(record!.body.trim().split("\n")).toHaveLength(1);

    const check = site.check();
    expect(check.status, check.stdout).toBe(0);
    expect(check.stdout).toContain("2 papers checked: no problems.");
  });

  it("accepts an arXiv URL with a version and asks the API for the bare id", async () => {
    const result = await runNew(site, ["--arxiv", "https://arxiv.org/abs/2301.12942v1", "--date", "2026-02-16"], env);
    expect(result.status, result.stderr).toBe(0);
    expect(api.queries.map((q) => q.get("id_list"))).toEqual(["2301.12942"]);
    expect(existsSync(path.join(site.contentDir, "2026-02-16", "2301.12942.md"))).toBe(true);
  });

  it("lists the paper under today's UTC date when no --date is given", async () => {
    const before = new Date().toISOString().slice(0, 10);
    const result = await runNew(site, ["--arxiv", "2301.12942"], env);
    const after = new Date().toISOString().slice(0, 10);
    expect(result.status, result.stderr).toBe(0);
    const day = [before, after].find((d) => existsSync(path.join(site.contentDir, d, "2301.12942.md")));
    expect(day).toBeDefined();
    expect(written(`${day}/2301.12942.md`)).toContain(`\ndate: ${day}\n`);
  });

  it("refuses to overwrite a file or to reuse an id found anywhere under content/papers", async () => {
    const first = await runNew(site, ["--arxiv", "2301.12942", "--date", "2026-02-16"], env);
    expect(first.status).toBe(0);
    const before = written("2026-02-16/2301.12942.md");
    const again = await runNew(site, ["--arxiv", "2301.12942", "--date", "2026-02-16"], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/2026-02-16\/2301\.12942\.md already exists; edit it instead/);
    expect(written("2026-02-16/2301.12942.md")).toBe(before);

    const otherDay = await runNew(site, ["--arxiv", "2301.12942", "--date", "2026-02-17"], env);
    expect(otherDay.status).toBe(1);
    expect(otherDay.stderr).toContain('"2301.12942" is already used by content/papers/2026-02-16/2301.12942.md; each paper has one file');
    expect(existsSync(path.join(site.contentDir, "2026-02-17"))).toBe(false);
    noStackTrace(otherDay);
  });

  it("refuses an id already used by a paper file it did not write", async () => {
    const dup = await runNew(site, ["--arxiv", "2509.25149", "--date", "2026-02-16"], env);
    expect(dup.status).toBe(1);
    expect(dup.stderr.trim()).toBe('npm run new: "2509.25149" is already used by content/papers/2026-02-10/existing.md; each paper has one file');
    expect(api.queries, "refused before asking arXiv").toEqual([]);
    // Even a file with problems of its own holds its id.
    site.write("2026-02-11/theirs.md", paper({ id: "their-paper", url: "https://example.org/", upvotes: "many" }));
    const byId = await runNew(site, ["--id", "their-paper", "--url", "https://example.org/", "--title", "T", "--authors", "A", "--date", "2026-02-16"], env);
    expect(byId.status).toBe(1);
    expect(byId.stderr).toContain('"their-paper" is already used by content/papers/2026-02-11/theirs.md');
    expect(existsSync(path.join(site.contentDir, "2026-02-16"))).toBe(false);
  });

  it("says clearly when arXiv has no such paper", async () => {
    const result = await runNew(site, ["--arxiv", "2509.99999", "--date", "2026-02-16"], env);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("npm run new: arXiv has no paper 2509.99999: check the id (the API returned no entry for it)");
    expect(existsSync(path.join(site.contentDir, "2026-02-16"))).toBe(false);
  });

  it("says clearly when the arXiv API fails", async () => {
    const result = await runNew(site, ["--arxiv", "2301.12942", "--date", "2026-02-16"], { ARXIV_API_URL: `${api.url}/broken/api/query` });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^npm run new: the arXiv API at http:\/\/127\.0\.0\.1:\d+ answered HTTP 500 Internal Server Error \(2 attempts\); try again later$/);
    expect(existsSync(path.join(site.contentDir, "2026-02-16"))).toBe(false);
    noStackTrace(result);
  });

  it("says clearly when the arXiv API cannot be reached", async () => {
    const closed = await fakeArxiv();
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const result = await runNew(site, ["--arxiv", "2301.12942", "--date", "2026-02-16"], { ARXIV_API_URL: `${closed.url}/api/query` });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^npm run new: the arXiv API at http:\/\/127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\) \(2 attempts\); check your connection and try again$/m);
    noStackTrace(result);
  });

  it("never writes a file that would fail the check: a TeX error in the abstract is reported instead", async () => {
    const result = await runNew(site, ["--arxiv", "2301.00666", "--date", "2026-02-16"], env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/2026-02-16\/2301\.00666\.md:\d+: body: TeX error in "\\frac\{K": /);
    expect(result.stderr).toMatch(/2301\.00666\.md was not written: it would not pass npm run check/);
    expect(existsSync(path.join(site.contentDir, "2026-02-16", "2301.00666.md"))).toBe(false);
  });

  it("writes a real arXiv abstract as it was pasted, so that it passes the check; an undefined macro is written with a warning naming its fix", async () => {
    const abstract = [
      "We bound $ \\chi$ over\n$\\R^n$ with $$ \\sum_i x_i $$ in \\emph{all} cases~\\cite{k}, for G\\\"odel's",
      "``classes''; a $1000 prize \\href{https://example.org}{here}.",
    ].join("\n");
    const args = ["--id", "pasted", "--url", "https://example.org/p", "--title", "Bounds for $l_p$", "--authors", "A", "--date", "2026-02-16"];
    const ok = await runNew(site, [...args, "--abstract", abstract], env);
    expect(ok.status, ok.stderr).toBe(0);
    expect(written("2026-02-16/pasted.md").split("---\n")[2]).toBe(`${abstract.replace(/\n/g, " ")}\n`);
    expect(site.run("check.ts").status).toBe(0);

    const warning = 'content/papers/2026-02-16/pasted-two.md:9: body: \\bWx is not defined: add it under macros: in this file, e.g. macros: { "\\\\bWx": "\\\\operatorname{bWx}" }';
    const undefinedMacro = await runNew(site, [...args.map((a) => (a === "pasted" ? "pasted-two" : a)), "--abstract", "Over $\\bWx$."], env);
    expect(undefinedMacro.status, undefinedMacro.stderr).toBe(0);
    // The same warning, in the same block, as npm run check then prints for the file.
    // (new prints the path as it was given: here absolute, the site being outside the working folder).
    expect(undefinedMacro.stdout).toMatch(new RegExp(`Warnings \\(the site still builds\\):\\n\\S*${warning.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}\\n`));
    const check = site.run("check.ts");
    expect(check.status).toBe(0);
    expect(check.stdout).toContain(`Warnings (the site still builds):\n${warning}\n`);
  });


  it("writes a paper not on arXiv with a TODO line that npm run check refuses until replaced", async () => {
    const result = await runNew(site, [
      "--id", "my-paper", "--url", "https://openreview.net/forum?id=abc", "--title", "Attention: \"All\" You Need",
      "--authors", "Ada Lovelace, Alan Turing", "--date", "2026-02-16", "--tags", "theory",
    ], env);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("Replace its TODO line with the paper's abstract.");
    expect(api.queries).toEqual([]);
    const text = written("2026-02-16/my-paper.md");
    expect(parsePaperFile(text, "x.md").data).toEqual({
      title: 'Attention: "All" You Need',
      date: "2026-02-16",
      id: "my-paper",
      url: "https://openreview.net/forum?id=abc",
      authors: ["Ada Lovelace", "Alan Turing"],
      tags: ["theory"],
    });

    const check = site.check();
    expect(check.status).toBe(1);
    const line = text.split("\n").indexOf(abstractPlaceholder) + 1;
    expect(check.stdout).toContain(
      `content/papers/2026-02-16/my-paper.md:${line}: body: still holds the placeholder written by \`npm run new\`: replace that line with the paper's abstract`,
    );
    site.write("2026-02-16/my-paper.md", text.replace(abstractPlaceholder, "The real abstract, with $x^2$."));
    expect(site.check().status).toBe(0);
  });

  it("writes the abstract given with --abstract", async () => {
    const result = await runNew(site, [
      "--id", "given", "--url", "https://example.org/", "--title", "T", "--authors", "A", "--date", "2026-02-16", "--abstract", "Bound $O(n)$.",
    ], env);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).not.toContain("TODO");
    expect(written("2026-02-16/given.md").endsWith("---\nBound $O(n)$.\n")).toBe(true);
  });

  it("explains each wrong call with the usage and exit 2, without asking arXiv", async () => {
    const calls: [string[], RegExp][] = [
      [[], /give --arxiv <id> or --id <slug>/],
      [["--arxiv", "not-an-id"], /"not-an-id" is not an arXiv id like 2509\.25149/],
      [["--arxiv", "1234"], /"1234" is not an arXiv id/],
      [["--arxiv", "2301.12942", "--date", "2026-02-30"], /--date "2026-02-30" is not a calendar date written YYYY-MM-DD/],
      [["--arxiv", "2301.12942", "--title", "T"], /--arxiv takes everything from arXiv; leave out --title/],
      [["--id", "x", "--title", "T"], /--id needs --url, --authors too/],
      [["--arxiv", "2301.12942", "--colour"], /Unknown option '--colour'/],
      // Two papers asked for: never silently only the last one.
      [["--arxiv", "2301.12942", "--arxiv", "2509.25149"], /--arxiv is given 2 times; npm run new writes one paper\. For several, run: npm run import -- arxiv 2301\.12942 2509\.25149/],
      [["--id", "x", "--url", "https://example.org", "--title", "A", "--title", "B", "--authors", "Ada"], /--title is given 2 times; give it once/],
    ];
    // Run side by side: each is a separate process, and none of them may reach the API.
    const results = await Promise.all(calls.map(([args]) => runNew(site, args, env)));
    results.forEach((result, i) => {
      const [args, message] = calls[i]!;
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(message);
      expect(result.stderr).toContain("Usage:");
      noStackTrace(result);
    });
    expect(api.queries).toEqual([]);
    expect(readdirSync(site.contentDir)).toEqual(["2026-02-10"]);
  });
});

describe("reading arXiv API answers", () => {
  it("reads the fields of an entry, joining hard-wrapped lines and decoding entities", () => {
    const { entries, errors } = parseArxivFeed(recorded);
    expect(errors).toEqual([]);
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(entry).toMatchObject({
      id: "2301.12942",
      version: 2,
      title: "Refined Regret for Adversarial MDPs with Linear Function Approximation",
      authors: ["Yan Dai", "Haipeng Luo", "Chen-Yu Wei", "Julian Zimmert"],
      published: "2023-01-30",
      primaryCategory: "cs.LG",
    });
    expect(entry.doi).toBeUndefined();
    expect(entry.summary).not.toMatch(/\n|\s{2}/);
    expect(entry.summary).toContain("$\\tilde{\\mathcal O}(\\sqrt K)$ in the same setting");
    expect(entry.summary.endsWith("which could again be of independent interest.")).toBe(true);
  });

  it("keeps paragraphs and reads one author and a DOI", () => {
    const xml = `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"><entry>
      <id>https://arxiv.org/abs/hep-th/9901001v1</id><title>1984</title><published>1999-01-04T00:00:00Z</published>
      <summary>First paragraph
wrapped.

Second &lt;paragraph&gt;.</summary><author><name>Solo</name></author><arxiv:doi>10.1000/xyz</arxiv:doi></entry></feed>`;
    expect(parseArxivFeed(xml).entries).toEqual([
      { id: "hep-th/9901001", version: 1, title: "1984", summary: "First paragraph wrapped.\n\nSecond <paragraph>.", authors: ["Solo"], published: "1999-01-04", doi: "10.1000/xyz" },
    ]);
  });

  it("reads an empty answer and the API's error entry", () => {
    expect(parseArxivFeed(emptyFeed)).toEqual({ entries: [], errors: [], totalResults: 0 });
    expect(parseArxivFeed(errorFeed)).toEqual({ entries: [], errors: ["incorrect id format for 1234"], totalResults: 1 });
  });

  it.each([["Rate exceeded.", /not XML/], ["<html><body>busy</body></html>", /not an Atom feed/]])("refuses %j", (body, message) => {
    expect(() => parseArxivFeed(body)).toThrow(message);
  });

  it.each([
    ["http://arxiv.org/abs/2509.25149v3", { id: "2509.25149", version: 3 }],
    ["https://arxiv.org/abs/hep-th/9901001", { id: "hep-th/9901001" }],
    ["http://arxiv.org/api/errors#x", undefined],
  ])("entryId(%j)", (url, expected) => {
    expect(entryId(url)).toEqual(expected);
  });

  it.each([
    ["2509.25149", "2509.25149"],
    [" 2509.25149v2 ", "2509.25149"],
    ["arXiv:2509.25149", "2509.25149"],
    ["https://arxiv.org/abs/2509.25149v1", "2509.25149"],
    ["https://arxiv.org/pdf/2509.25149v1.pdf", "2509.25149"],
    ["hep-th/9901001", "hep-th/9901001"],
    ["https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136"],
    ["1234", undefined],
    ["2509.2514", "2509.2514"],
    ["https://example.org/abs/2509.25149", undefined],
  ])("normalizeArxivId(%j) is %j", (input, expected) => {
    expect(normalizeArxivId(input)).toBe(expected);
  });
});

describe("paperFileText", () => {
  it("writes YAML that reads back exactly, however odd the values", () => {
    const fields = {
      title: 'Yes: "No" # not a comment',
      date: "2026-02-16",
      arxiv: "2101.10000",
      authors: ["null", "Yes", "2001", "O'Brien", "- dash", "José Ñúñez", "[bracket]", "a: b"],
      published: "2021-01-02",
      category: "cs.LG",
      tags: ["rl", "theory"],
    };
    const text = paperFileText({ ...fields, abstract: "  An abstract.  " });
    expect(text).toContain('\narxiv: "2101.10000"\n');
    expect(text).toContain("\ntags: [rl, theory]\n");
    expect(text.endsWith("---\nAn abstract.\n")).toBe(true);
    const parsed = parsePaperFile(text, "x.md");
    expect(parsed.data).toEqual(fields);
    expect(checkNewPaperFile("x.md", text)).toEqual([]);
  });

  it("writes fields in the README's order and leaves out empty ones", () => {
    const text = paperFileText({ tags: [], authors: ["A"], id: "x", url: "https://example.org/", date: "2026-02-16", title: "T" });
    const frontMatter = text.split("---\n")[1]!;
    expect(frontMatter.split("\n").filter((l) => /^\w+:/.test(l)).map((l) => l.split(":")[0])).toEqual(["title", "date", "id", "url", "authors"]);
    expect(text.endsWith(`---\n${abstractPlaceholder}\n`)).toBe(true);
  });

  it("checks a new file as npm run check would, the placeholder aside", () => {
    const ok = paperFileText({ title: "T", date: "2026-02-16", id: "x", url: "https://example.org/", authors: ["A"] });
    expect(checkNewPaperFile("x.md", ok)).toEqual([]);
    const bad = paperFileText({ title: "T $x + \\href{https://e.org}{x}$", date: "2026-02-16", id: "Not A Slug", url: "https://example.org/", authors: ["A"], tags: ["Bad Tag"] });
    expect(checkNewPaperFile("x.md", bad).map((p) => p.field).sort()).toEqual(["id", "tags[0]", "title"]);
  });
});
