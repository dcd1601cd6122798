import { readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parsePaperFile } from "../src/content/frontmatter.ts";
import { validatePaper } from "../src/content/schema.ts";
import { readHfDay } from "../src/import/hf.ts";
import { importPapers, reportLines } from "../src/import/run.ts";
import { startFakeApis, type FakeApis } from "./helpers/fake-apis.ts";
import { fixtureSite, paper, type FixtureSite } from "./helpers/site.ts";

let api: FakeApis;
let site: FixtureSite | undefined;
beforeAll(async () => {
  api = await startFakeApis();
});
afterAll(() => api.close());
afterEach(() => {
  site?.cleanup();
  site = undefined;
  api.requests.length = 0;
  api.failFirst.clear();
});

const importCmd = (s: FixtureSite, args: string[]) =>
  s.start("import.ts", args, { HF_API_URL: api.hfUrl, ARXIV_API_URL: api.arxivUrl });

/** A written paper file, read back through the validator the build uses. */
function readPaper(s: FixtureSite, rel: string) {
  const file = path.join(s.contentDir, rel);
  const text = readFileSync(file, "utf8");
  const parsed = parsePaperFile(text, rel);
  const { paper: p, problems } = validatePaper(parsed, rel);
  expect(problems).toEqual([]);
  return { text, paper: p!, data: parsed.data! };
}

describe("npm run import -- hf", () => {
  it("writes one valid file per paper of the day, with upvotes, organization, links and TeX kept", async () => {
    site = fixtureSite({});
    const result = await importCmd(site, ["hf", "--date", "2026-02-16"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("added      content/papers/2026-02-16/2509.25149.md");
    expect(result.stdout).toContain("added      content/papers/2026-02-16/2602.01234.md");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("2 added, 0 updated, 0 already up to date, 0 failed.");
    const nv = readPaper(site, "2026-02-16/2509.25149.md");
    // The digest day is the day asked for, not the paper's publishedAt.
    expect(nv.paper.date).toBe("2026-02-16");
    expect(nv.paper.published).toBe("2025-09-29");
    expect(nv.paper.upvotes).toBe(87);
    expect(nv.paper.organization).toBe("NVIDIA");
    expect(nv.paper.links.code).toBe("https://github.com/NVIDIA/TransformerEngine");
    expect(nv.paper.links.project).toBe("https://developer.nvidia.com/blog/nvfp4-pretraining");
    expect(nv.paper.authors).toEqual(["NVIDIA", "Felix Abecassis", "Anjulie Agrusa"]);
    expect(nv.paper.body).toContain("$12\\mathrm{B}$ model on $10^{13}$ tokens");
    expect(nv.paper.body).toContain("within $1\\%$ of an FP8 baseline");
    const moe = readPaper(site, "2026-02-16/2602.01234.md");
    expect(moe.paper.title).toBe("Sparse Mixtures: Routing Tokens with $\\ell_1$ Penalties");
    expect(moe.paper.organization).toBeUndefined();
    expect(moe.data.links).toBeUndefined();
    expect(moe.paper.authors).toEqual(["Mei Tanaka", "José Álvarez"]);
    // The request asked for the day and said who is asking.
    const hf = api.requests.filter((r) => r.path === "/api/daily_papers");
    expect(hf.map((r) => r.query.get("date"))).toEqual(["2026-02-16"]);
    expect(hf[0]!.userAgent).toMatch(/^paper-digest\//);
    // The files pass the real check.
    const check = site.check();
    expect(check.stdout).toContain("2 papers checked: no problems.");
  });

  it("re-running adds nothing, updates the import's own fields and never overwrites a field edited by hand", async () => {
    site = fixtureSite({});
    expect((await importCmd(site, ["hf", "--date", "2026-02-16"])).status).toBe(0);
    const again = await importCmd(site, ["hf", "--date", "2026-02-16"]);
    expect(again.stdout.trim()).toBe("0 added, 0 updated, 2 already up to date, 0 failed.");

    // A person fixes the code link of one paper; then the day's upvotes and links change on Hugging Face.
    const nvFile = path.join(site.contentDir, "2026-02-16/2509.25149.md");
    writeFileSync(nvFile, readFileSync(nvFile, "utf8").replace("https://github.com/NVIDIA/TransformerEngine", "https://github.com/NVIDIA/nvfp4-recipe"));
    const day = structuredClone(api.hfDays.get("2026-02-16")) as { paper: Record<string, unknown> }[];
    day[0]!.paper.upvotes = 120;
    day[0]!.paper.githubRepo = "https://github.com/NVIDIA/TransformerEngine2";
    day[1]!.paper.upvotes = 15;
    day[1]!.paper.githubRepo = "https://github.com/example/sparse-mixtures";
    api.hfDays.set("2026-02-17", day);
    try {
      // Featured again on another day: still the same papers, not new files.
      const third = await importCmd(site, ["hf", "--date", "2026-02-17"]);
      expect(third.status).toBe(0);
      expect(third.stdout).toContain("updated    content/papers/2026-02-16/2509.25149.md: upvotes 87 -> 120");
      expect(third.stdout).toContain(
        'left alone content/papers/2026-02-16/2509.25149.md: links.code "https://github.com/NVIDIA/nvfp4-recipe" was set by hand (the import has "https://github.com/NVIDIA/TransformerEngine2")',
      );
      expect(third.stdout).toContain('updated    content/papers/2026-02-16/2602.01234.md: upvotes 12 -> 15, links.code "https://github.com/example/sparse-mixtures" (new)');
      expect(third.stdout.trim().split("\n").at(-1)).toBe("0 added, 2 updated, 0 already up to date, 0 failed.");
      expect(existsSync(path.join(site.contentDir, "2026-02-17"))).toBe(false);
      const nv = readPaper(site, "2026-02-16/2509.25149.md");
      expect(nv.paper.upvotes).toBe(120);
      expect(nv.paper.links.code).toBe("https://github.com/NVIDIA/nvfp4-recipe");
      expect(readPaper(site, "2026-02-16/2602.01234.md").paper.links.code).toBe("https://github.com/example/sparse-mixtures");
      const state = JSON.parse(readFileSync(path.join(site.dir, "content", "import-state.json"), "utf8"));
      expect(state.papers["2509.25149"]).toEqual({ "links.code": "https://github.com/NVIDIA/TransformerEngine", "links.project": "https://developer.nvidia.com/blog/nvfp4-pretraining", organization: "NVIDIA", upvotes: 120 });
    } finally {
      api.hfDays.delete("2026-02-17");
    }
  });

  it("does not duplicate a paper already present under another id form, nor touch fields a person wrote", async () => {
    site = fixtureSite({
      "2026-01-05/nvfp4.md": paper({ id: "nvfp4", url: "https://arxiv.org/abs/2509.25149v1", title: "NVFP4", upvotes: 3 }),
    });
    const result = await importCmd(site, ["hf", "--date", "2026-02-16"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('left alone content/papers/2026-01-05/nvfp4.md: upvotes 3 was set by hand (the import has 87)');
    expect(result.stdout).toContain("updated    content/papers/2026-01-05/nvfp4.md: organization \"NVIDIA\" (new)");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("1 added, 1 updated, 0 already up to date, 0 failed.");
    expect(existsSync(path.join(site.contentDir, "2026-02-16/2509.25149.md"))).toBe(false);
  });

  it("an empty day writes nothing and says so", async () => {
    site = fixtureSite({});
    const result = await importCmd(site, ["hf", "--date", "2026-02-15"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Hugging Face lists no papers for 2026-02-15.");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("0 added, 0 updated, 0 already up to date, 0 failed.");
    expect(existsSync(path.join(site.contentDir, "2026-02-15"))).toBe(false);
  });

  it("waits as Retry-After asks after HTTP 429, then imports", async () => {
    site = fixtureSite({});
    api.failFirst.set("/api/daily_papers", 1);
    const result = await importCmd(site, ["hf", "--date", "2026-02-16"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/Hugging Face: answered HTTP 429 Too Many Requests; trying again in 1 s/);
    const [first, second] = api.requests.filter((r) => r.path === "/api/daily_papers");
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(result.stdout).toContain("2 added");
  });

  it("an answer that is not a day of papers fails clearly, without a stack trace", async () => {
    site = fixtureSite({});
    api.hfDays.set("2026-02-14", "<!doctype html><title>Maintenance</title>");
    try {
      const result = await importCmd(site, ["hf", "--date", "2026-02-14"]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toMatch(/^npm run import: Hugging Face daily papers for 2026-02-14: http:\/\/127\.0\.0\.1:\d+\/api\/daily_papers\?date=2026-02-14 did not answer JSON: "<!doctype html>/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      api.hfDays.delete("2026-02-14");
    }
  });

  it("reads each item on its own: one broken item fails, the others are kept", () => {
    const day = JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures", "hf", "2026-02-16.json"), "utf8")) as unknown[];
    const { candidates, failures } = readHfDay([...day, { paper: { id: "not-an-id", title: "x" } }, 42], "2026-02-16");
    expect(candidates.map((c) => c.paper.arxiv)).toEqual(["2509.25149", "2602.01234"]);
    expect(failures).toEqual([
      { item: "not-an-id", reason: '"not-an-id" is not an arXiv id' },
      { item: "item 4", reason: 'has no "paper" object' },
    ]);
    expect(() => readHfDay({ error: "Invalid date" }, "2026-02-16")).toThrow("expected a list of papers, got object");
  });
});

describe("npm run import -- arxiv", () => {
  it("reads the newer Atom layout, any id form, old-style ids with their subject class, in one batched request", async () => {
    site = fixtureSite({});
    const result = await importCmd(site, ["arxiv", "arXiv:2509.25149v2", "https://arxiv.org/abs/math.AG/0601001", "--date", "2026-02-16"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const queries = api.requests.filter((r) => r.path === "/api/query");
    expect(queries.map((r) => r.query.get("id_list"))).toEqual(["2509.25149,math.AG/0601001"]);
    expect(queries[0]!.userAgent).toMatch(/^paper-digest\/.*npm run import/);
    const nv = readPaper(site, "2026-02-16/2509.25149.md");
    expect(nv.paper.category).toBe("cs.CL");
    expect(nv.paper.doi).toBe("10.48550/arXiv.2509.25149");
    expect(nv.paper.published).toBe("2025-09-29");
    expect(nv.paper.body).toBe(
      "Large Language Models (LLMs) today are powerful problem solvers across many domains. We train a $12\\mathrm{B}$ model on $10^{13}$ tokens with 4-bit floating point (FP4) arithmetic, and the loss stays within $1\\%$ of an FP8 baseline.\n\nWe describe the recipe: Random Hadamard transforms, a two-dimensional quantization scheme and stochastic rounding.\n",
    );
    const hodge = readPaper(site, "2026-02-16/math_0601001.md");
    expect(hodge.paper.arxiv).toBe("math/0601001");
    expect(hodge.paper.title).toBe("Hodge classes on abelian varieties of type $\\mathrm{III}$");
    expect(hodge.paper.doi).toBe("10.1000/example.0601001");
    // Asked again in other forms: already present.
    const again = await importCmd(site, ["arxiv", "math/0601001v3", "2509.25149", "--date", "2026-02-17"]);
    expect(again.stdout.trim()).toBe("0 added, 0 updated, 2 already up to date, 0 failed.");
  });

  it("--category takes a category's submissions of one day, oldest first", async () => {
    site = fixtureSite({});
    const result = await importCmd(site, ["arxiv", "--category", "cs.CL", "--date", "2026-02-16"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const [query] = api.requests.filter((r) => r.path === "/api/query");
    expect(query!.query.get("search_query")).toBe("cat:cs.CL AND submittedDate:[202602160000 TO 202602162359]");
    expect(query!.query.get("sortBy")).toBe("submittedDate");
    expect(query!.query.get("sortOrder")).toBe("ascending");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("2 added, 0 updated, 0 already up to date, 0 failed.");
    expect(readPaper(site, "2026-02-16/2509.25149.md").paper.date).toBe("2026-02-16");
    const missing = await importCmd(site, ["arxiv", "--category", "cs.CL"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^npm run import: --category needs --date YYYY-MM-DD/);
  });

  it("reads the layout arXiv served for years; an unknown id fails alone; HTTP 429 is retried after the wait it asks", async () => {
    site = fixtureSite({});
    api.failFirst.set("/api/query", 1);
    const result = await importCmd(site, ["arxiv", "2301.12942", "2301.99999", "not-an-id", "--date", "2026-02-16"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/arXiv: answered HTTP 429 Too Many Requests; trying again in 3 s/);
    const queries = api.requests.filter((r) => r.path === "/api/query");
    expect(queries).toHaveLength(2);
    // Never faster than one request every 3 seconds, even when the server asks for less.
    expect(queries[1]!.at - queries[0]!.at).toBeGreaterThanOrEqual(2_950);
    expect(result.stdout).toContain("added      content/papers/2026-02-16/2301.12942.md");
    expect(result.stdout).toContain("failed     2301.99999: arXiv has no paper 2301.99999");
    expect(result.stdout).toContain("failed     not-an-id: is not an arXiv id");
    expect(result.stdout.trim().split("\n").at(-1)).toBe("1 added, 0 updated, 0 already up to date, 2 failed.");
    const p = readPaper(site, "2026-02-16/2301.12942.md");
    expect(p.paper.authors).toEqual(["Yan Dai", "Haipeng Luo", "Chen-Yu Wei", "Julian Zimmert"]);
    expect(p.paper.category).toBe("cs.LG");
    expect(p.paper.body).toContain("$\\tilde{\\mathcal O}(\\sqrt K)$");
  });
});

describe("importPapers and warnings", () => {
  const candidate = (abstract: string) => ({
    label: "2602.00042",
    paper: { title: "Weights $\\qzW$ at scale", date: "2026-02-16", arxiv: "2602.00042", authors: ["Ada Lovelace"], tags: [], abstract },
  });

  it("writes a paper whose macro nobody defined, and reports the warning npm run check gives, in its block", () => {
    site = fixtureSite({});
    const report = importPapers({ root: site.dir, contentDir: "content/papers", candidates: [candidate("We learn $\\qzW x$ fast.")] });
    expect(report.counts.added).toBe(1);
    const lines = reportLines(report);
    const check = site.check();
    const warningLines = (text: string) => text.split("\n").filter((line) => line.includes("is not defined"));
    expect(warningLines(check.stdout).length).toBeGreaterThan(0);
    // The same lines as npm run check, after the totals, under the same heading.
    expect(lines.slice(lines.indexOf("1 added, 0 updated, 0 already up to date, 0 failed.") + 1)).toEqual([
      "",
      "Warnings (the site still builds):",
      ...warningLines(check.stdout),
    ]);
  });

  it("reads the site's macros, as npm run check does: no warning for a macro content/site.json defines", () => {
    site = fixtureSite({}, { macros: { "\\qzW": "\\mathbf{W}" } });
    const report = importPapers({
      root: site.dir, contentDir: "content/papers", candidates: [candidate("We learn $\\qzW x$ fast.")], siteMacros: { "\\qzW": "\\mathbf{W}" },
    });
    expect(report.counts.added).toBe(1);
    expect(report.warnings).toEqual([]);
    expect(reportLines(report).at(-1)).toBe("1 added, 0 updated, 0 already up to date, 0 failed.");
    expect(site.check().stdout).not.toContain("is not defined");
  });
});
