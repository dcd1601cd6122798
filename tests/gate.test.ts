import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { annotation, escapeData, escapeProperty } from "../src/content/annotations.ts";
import { findDuplicates } from "../src/content/duplicates.ts";
import { parsePaperFile } from "../src/content/frontmatter.ts";
import { arxivKey, doiKey, identityOf, titleKey } from "../src/content/identity.ts";
import { paperWarnings, validatePaper } from "../src/content/schema.ts";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "./helpers/site.ts";

let site: FixtureSite | undefined;
afterEach(() => {
  site?.cleanup();
  site = undefined;
});

describe("GitHub annotations", () => {
  it("escapes messages and properties exactly as the workflow-command format requires", () => {
    expect(escapeData("100% done\r\nnext")).toBe("100%25 done%0D%0Anext");
    expect(escapeProperty("a:b,c%d\ne")).toBe("a%3Ab%2Cc%25d%0Ae");
    // Other control characters become visible text; ":" and "," are left alone in a message.
    expect(escapeData("bell\u0007 esc\u001b[31m tab\t nul\u0000 :,")).toBe("bell\\u0007 esc\\u001b[31m tab\\u0009 nul\\u0000 :,");
    expect(escapeData("rtl\u202Eoverride")).toBe("rtl\\u202eoverride");
  });

  it("cannot be broken out of by a file name or a message", () => {
    const line = annotation({
      file: "content/papers/x,line=1::oops\n::error file=evil.md::pwned%0A.md",
      line: 3,
      field: "title",
      message: "bad\n::warning::injected %0A",
    });
    expect(line).toBe(
      "::error file=content/papers/x%2Cline=1%3A%3Aoops%0A%3A%3Aerror file=evil.md%3A%3Apwned%250A.md,line=3," +
        "title=npm run check%3A title::title: bad%0A::warning::injected %250A",
    );
    // One line, one command: everything the contributor controls sits inside its escaped value.
    expect(line.split("\n")).toHaveLength(1);
    expect(line.match(/::/g)).toHaveLength(4);
    expect(annotation({ file: "a.md", message: "m", severity: "warning" })).toBe("::warning file=a.md,title=npm run check::m");
  });
});

describe("friendlier YAML messages", () => {
  const problems = (yaml: string) => parsePaperFile(`---\n${yaml}\n---\nAbstract.\n`, "p.md").problems;
  it.each([
    [
      'title: Attention: all you need\ndate: 2026-02-16',
      { line: 2, field: "title", message: 'the value contains ": ", which YAML reads as the start of another field; put the whole value in double quotes: title: "Attention: all you need"' },
    ],
    ['title: "ok"\nauthors:\n\t- Ada Lovelace', { line: 4, field: "authors", message: "is indented with a tab; YAML needs spaces: indent with two spaces instead" }],
    ['title: "Unclosed\ndate: 2026-02-16', { line: 2, field: "title", message: 'the quoted value is not closed: end it with " on the same line' }],
    ["title: ok\ntags: [a, b\ndate: 2026-02-16", { line: 3, field: "tags", message: 'the list opened with "[" is not closed: end it with "]" on the same line' }],
    ["title: ok\nlinks:\n  code: https://x.org\n   pdf: https://y.org\ndate: 2026-02-16", { line: 4, field: "links" }],
  ])("%j", (yaml, expected) => {
    expect(problems(yaml)).toEqual([expect.objectContaining({ file: "p.md", ...expected })]);
  });

  it("a missing required field points at the front matter's first line", () => {
    const parsed = parsePaperFile('---\ndate: 2026-02-16\narxiv: "2301.12942"\n---\nAbstract.\n', "p.md");
    const { problems: found } = validatePaper(parsed, "p.md");
    expect(found).toEqual([
      { file: "p.md", line: 1, field: "title", message: "is required" },
      { file: "p.md", line: 1, field: "authors", message: "is required: a list of author names" },
    ]);
  });

  it("warns about authors written Last, First", () => {
    const warn = (yaml: string) => paperWarnings(parsePaperFile(`---\ntitle: T\n${yaml}\n---\nA.\n`, "p.md"), "p.md");
    expect(warn("authors: [Smith, John]")).toEqual([
      { file: "p.md", line: 3, field: "authors", severity: "warning", message: 'looks like "Last, First" names split at their commas ("Smith", "John"); write one name per line: - John Smith' },
    ]);
    expect(warn('authors: ["Smith, John", "Doe, Jane"]')[0]?.message).toBe('"Smith, John" looks like "Last, First"; write each name as it is printed: "John Smith"');
    expect(warn("authors: [Ada Lovelace, Alan Turing]")).toEqual([]);
    expect(warn("authors: [NVIDIA]")).toEqual([]);
  });
});

describe("duplicate detection", () => {
  it("finds one paper under every arXiv id form, DOIs in any case, and near-identical titles", () => {
    expect(new Set(["2509.25149", "2509.25149v3", "arXiv:2509.25149", "https://arxiv.org/abs/2509.25149v2", "http://export.arxiv.org/pdf/2509.25149.pdf"].map(arxivKey))).toEqual(new Set(["2509.25149"]));
    expect(arxivKey("math.AG/0601001")).toBe(arxivKey("math/0601001v2"));
    expect(arxivKey("hep-th/9901001")).toBe("hep-th/9901001");
    expect(arxivKey("https://example.org/abs/2509.25149")).toBeUndefined();
    expect(doiKey("https://doi.org/10.1145/ABC.1")).toBe(doiKey("10.1145/abc.1"));
    expect(titleKey("Attention Is All You Need!")).toBe(titleKey("attention is  all you   need"));
    expect(titleKey("Introduction")).toBeUndefined();
  });

  it("reports a duplicate on the changed file, never on the old one", () => {
    const id = (file: string, data: Record<string, unknown>) => identityOf(file, data, () => 2);
    const old = id("content/papers/2026-01-01/a.md", { arxiv: "math/0601001", title: "Hodge classes on abelian varieties" });
    const added = id("content/papers/2025-01-01/b.md", { id: "hodge", url: "https://arxiv.org/abs/math.AG/0601001v2", title: "x y z" });
    expect(findDuplicates([old, added], new Set([added.file]))).toEqual([
      { file: added.file, line: 2, field: "url", message: `is the arXiv paper math/0601001, which ${old.file} already has; each paper has one file (edit that one instead)` },
    ]);
    // Without a list of changed files, the later path is the newer one.
    expect(findDuplicates([old, added]).map((p) => p.file)).toEqual([old.file]);
  });
});

describe("npm run check in a pull request", () => {
  const existing = {
    "2026-02-10/2301.12942.md": paper({ arxiv: "2301.12942", title: "Refined Regret for Adversarial MDPs", doi: "10.1000/abc.1" }),
    "2026-02-10/hodge.md": paper({ arxiv: "math/0601001", title: "Hodge classes on abelian varieties" }),
    // Broken, but not part of the pull request: only checked for duplicates.
    "2026-02-11/old-broken.md": paper({ arxiv: "2401.00001", title: "Old", date: "2026-02-30" }),
  };

  it("checks the changed files in full and the others only for duplicates, and annotates under GitHub Actions", () => {
    site = fixtureSite(existing);
    site.write("2026-02-16/new-a.md", paper({ id: "new-a", url: "https://arxiv.org/abs/2301.12942v2", title: "Another title here" }));
    site.write("2026-02-16/new-b.md", paper({ arxiv: "2402.00002", title: "refined regret for adversarial MDPs!", doi: "10.1000/ABC.1" }));
    site.write("2026-02-16/new-c.md", paper({ arxiv: "math.AG/0601001", title: "Something else entirely", authors: ["Smith", "John"] }));
    const files = ["2026-02-16/new-a.md", "2026-02-16/new-b.md", "2026-02-16/new-c.md"].map((f) => path.join(site!.contentDir, f));
    const result = site.run("check.ts", files, { GITHUB_ACTIONS: "true" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
    const lines = result.stdout.trim().split("\n");
    expect(lines.filter((l) => l.startsWith("::"))).toEqual([
      "::error file=content/papers/2026-02-16/new-a.md,line=6,title=npm run check%3A url::url: is the arXiv paper 2301.12942, which content/papers/2026-02-10/2301.12942.md already has; each paper has one file (edit that one instead)",
      "::error file=content/papers/2026-02-16/new-b.md,line=6,title=npm run check%3A doi::doi: 10.1000/abc.1 is also the DOI of content/papers/2026-02-10/2301.12942.md; each paper has one file",
      "::error file=content/papers/2026-02-16/new-c.md,line=5,title=npm run check%3A arxiv::arxiv: is the arXiv paper math/0601001, which content/papers/2026-02-10/hodge.md already has; each paper has one file (edit that one instead)",
      // Warnings come after the problems, in their own block.
      expect.stringMatching(/^::warning file=content\/papers\/2026-02-16\/new-c\.md,line=4,title=npm run check%3A authors::authors: looks like "Last, First"/),
    ]);
    expect(result.stdout).not.toContain("old-broken.md");
    expect(lines.at(-1)).toBe("3 problems in 3 files (1 warning).");
    // Without GITHUB_ACTIONS: the plain lines only.
    const plain = site.run("check.ts", files);
    expect(plain.stdout).not.toContain("::");
    // Warnings in a block of their own after the problems, each line in the plain `path:line: field: message` shape.
    const plainLines = plain.stdout.split("\n");
    const heading = plainLines.indexOf("Warnings (the site still builds):");
    expect(heading).toBeGreaterThan(plainLines.findIndex((l) => l.includes("new-c.md:5: arxiv:")));
    expect(plainLines[heading - 1]).toBe("");
    expect(plainLines[heading + 1]).toMatch(/^content\/papers\/2026-02-16\/new-c\.md:4: authors: looks like "Last, First"/);
    expect(plain.stdout).not.toContain("warning:");
  });

  it("a file with three mistakes gets three annotations on its lines", () => {
    site = fixtureSite(existing);
    site.write("2026-02-16/three.md", "---\ntitle: Scaling laws: a survey\ndate: 2026-02-16\narxiv: 2502.01234\n---\nAbstract.\n");
    site.write("2026-02-16/four.md", '---\ntitle: "Fine"\ndate: 2026-02-31\narxiv: 2502.01235\nauthor: [Ada Lovelace]\n---\nAbstract.\n');
    const result = site.run("check.ts", [path.join(site.contentDir, "2026-02-16/four.md")], { GITHUB_ACTIONS: "true" });
    expect(result.stdout.split("\n").filter((l) => l.startsWith("::"))).toEqual([
      "::error file=content/papers/2026-02-16/four.md,line=1,title=npm run check%3A authors::authors: is required: a list of author names",
      "::error file=content/papers/2026-02-16/four.md,line=3,title=npm run check%3A date::date: \"2026-02-31\" is not a real calendar date",
      "::error file=content/papers/2026-02-16/four.md,line=4,title=npm run check%3A arxiv::arxiv: must be quoted: YAML reads 2502.01235 as the number 2502.01235; write arxiv: \"2502.01235\"",
      expect.stringMatching(/^::error file=content\/papers\/2026-02-16\/four\.md,line=5,title=npm run check%3A author::author: unknown field "author" \(did you mean "authors"\?\)/),
    ]);
    const whole = site.run("check.ts", [], { GITHUB_ACTIONS: "true" });
    expect(whole.stdout).toContain("::error file=content/papers/2026-02-16/three.md,line=2,title=npm run check%3A title::title: the value contains \": \"");
    expect(whole.stdout).toContain("content/papers/2026-02-11/old-broken.md:3: date:");
  });

  it("--changed-from lists the files changed since a git ref, untracked ones included", () => {
    site = fixtureSite(existing);
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", ...args], { cwd: site!.dir, stdio: "pipe" });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-qm", "base");
    writeFileSync(path.join(site.contentDir, "2026-02-10/hodge.md"), paper({ arxiv: "math/0601001", title: "Hodge classes on abelian varieties", upvotes: -1 }));
    site.write("2026-02-16/dup.md", paper({ arxiv: "2301.12942v2", title: "Something new" }));
    const tsx = import.meta.resolve("tsx");
    const result = spawnSync(process.execPath, ["--import", tsx, path.join(repoRoot, "scripts", "check.ts"), "--changed-from", "main"], {
      cwd: site.dir, encoding: "utf8", env: { ...process.env, ...site.env },
    });
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("content/papers/2026-02-10/hodge.md:6: upvotes: must be a whole number >= 0, got number -1");
    expect(result.stdout).toContain("content/papers/2026-02-16/dup.md:5: arxiv:");
    expect(result.stdout).not.toContain("old-broken");
    expect(result.status).toBe(1);
    const bad = spawnSync(process.execPath, ["--import", tsx, path.join(repoRoot, "scripts", "check.ts"), "--changed-from", "no-such-ref"], {
      cwd: site.dir, encoding: "utf8", env: { ...process.env, ...site.env },
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^npm run check: cannot list the files changed since "no-such-ref": /);
  });
});
