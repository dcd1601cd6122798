import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureSite, paper, type FixtureSite, type RunResult } from "./helpers/site.ts";

const day = "content/papers/2026-02-16";

/** One file per kind of mistake, each with the exact report line (or a pattern) it must produce. */
const badFiles: Record<string, { text: string; expected: (string | RegExp)[] }> = {
  "invalid-yaml.md": {
    // the commonest slip: an unquoted title with ": " in it
    text: '---\ntitle: Attention: all you need\ndate: 2026-02-16\narxiv: "2602.00000"\nauthors: [A]\n---\nAbstract.\n',
    expected: [`${day}/invalid-yaml.md:2: title: the value contains ": ", which YAML reads as the start of another field; put the whole value in double quotes: title: "Attention: all you need"`],
  },
  "impossible-date.md": {
    text: '---\ntitle: "T"\ndate: 2026-02-30\narxiv: "2602.00001"\nauthors: [A]\n---\nAbstract.\n',
    expected: [`${day}/impossible-date.md:3: date: "2026-02-30" is not a real calendar date`],
  },
  "wrong-type.md": {
    text: '---\ntitle: "T"\ndate: 2026-02-16\narxiv: "2602.00002"\nauthors: [A]\nupvotes: many\n---\nAbstract.\n',
    expected: [`${day}/wrong-type.md:6: upvotes: must be a whole number >= 0, got string "many"`],
  },
  "unquoted-arxiv.md": {
    text: '---\ntitle: "T"\ndate: 2026-02-16\narxiv: 2101.10000\nauthors: [A]\n---\nAbstract.\n',
    expected: [`${day}/unquoted-arxiv.md:4: arxiv: must be quoted: YAML reads 2101.10000 as the number 2101.1; write arxiv: "2101.10000"`],
  },
  "missing-field.md": {
    text: '---\ntitle: "T"\ndate: 2026-02-16\narxiv: "2602.00003"\n---\nAbstract.\n',
    expected: [`${day}/missing-field.md:1: authors: is required: a list of author names`],
  },
  "duplicate-a.md": { text: paper({ arxiv: "2602.00004", date: "2026-02-16" }), expected: [] },
  "duplicate-b.md": {
    text: paper({ arxiv: "2602.00004", date: "2026-02-16" }),
    expected: [`${day}/duplicate-b.md:5: arxiv: "2602.00004" is already used by ${day}/duplicate-a.md; each paper has one file`],
  },
  "unknown-key.md": {
    text: '---\ntitle: "T"\ndate: 2026-02-16\narxiv: "2602.00005"\nauthors: [A]\ncatgory: cs.LG\n---\nAbstract.\n',
    expected: [/^content\/papers\/2026-02-16\/unknown-key\.md:6: catgory: unknown field "catgory" \(did you mean "category"\?\)/],
  },
  "steering-keys.md": {
    text: '---\ntitle: "T"\ndate: 2026-02-16\narxiv: "2602.00006"\nauthors: [A]\npermalink: /index.html\nlayout: other.njk\neleventyComputed:\n  title: x\n---\nAbstract.\n',
    expected: [
      `${day}/steering-keys.md:6: permalink: "permalink" changes how the site is built and is not allowed in a paper file`,
      `${day}/steering-keys.md:7: layout: "layout" changes how the site is built and is not allowed in a paper file`,
      `${day}/steering-keys.md:8: eleventyComputed: "eleventyComputed" changes how the site is built and is not allowed in a paper file`,
    ],
  },
  "javascript-front-matter.md": {
    text: '---js\n{ title: "T", permalink: () => "/" }\n---\nAbstract.\n',
    expected: [`${day}/javascript-front-matter.md:1: front matter must be YAML: "---js" is not accepted (start the file with a line "---")`],
  },
  "tex-error.md": {
    text: '---\ntitle: "T"\ndate: 2026-02-16\narxiv: "2602.00007"\nauthors: [A]\n---\nFirst line of the abstract,\nthen a broken $\\frac{1}{$ formula.\n',
    expected: [`${day}/tex-error.md:8: body: TeX error in "\\frac{1}{": Unexpected end of input in a macro argument, expected '}'`],
  },
  "tex-error-in-title.md": {
    text: '---\ntitle: "Broken $\\\\sqrt{$ title"\ndate: 2026-02-16\narxiv: "2602.00008"\nauthors: [A]\n---\nAbstract.\n',
    expected: [/^content\/papers\/2026-02-16\/tex-error-in-title\.md:2: title: TeX error in "\\sqrt\{": /],
  },
  "href-in-math.md": {
    text: '---\ntitle: "T"\ndate: 2026-02-16\narxiv: "2602.00009"\nauthors: [A]\n---\nClick $x + \\href{https://evil.example}{here}$.\n',
    expected: [`${day}/href-in-math.md:7: body: TeX error in "x + \\href{https://evil.example}{here}": \\href is not allowed: TeX may not emit links, HTML or images`],
  },
  "many-problems.md": {
    // several problems in one file, including a TeX error in a file rejected for other reasons
    text: '---\ntitle: 5\ndate: 2026-13-01\narxiv: "2602.00010"\nauthors: [A]\n---\nA $\\frac{$ formula.\n',
    expected: [
      `${day}/many-problems.md:2: title: must be text, got number 5`,
      `${day}/many-problems.md:3: date: "2026-13-01" is not a real calendar date`,
      /^content\/papers\/2026-02-16\/many-problems\.md:7: body: TeX error in "\\frac\{": /,
    ],
  },
};

const expectedLines = Object.values(badFiles).flatMap((f) => f.expected);

/** Name and SHA-256 of every file under a folder, to prove a failed build touched nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = createHash("sha256").update(readFileSync(full)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

/** Asserts that a run reported exactly the expected problem lines, each once, and no stack trace. */
function expectReport(result: RunResult) {
  const output = `${result.stdout}${result.stderr}`;
  const lines = result.stdout.split("\n").filter((l) => l.startsWith("content/"));
  for (const expected of expectedLines) {
    const matching = lines.filter((l) => (typeof expected === "string" ? l === expected : expected.test(l)));
    expect(matching, `${expected}\n--- output:\n${output}`).toHaveLength(1);
  }
  // Every reported line is one we expect: no stray problem, and none reported twice.
  for (const line of lines) expect(expectedLines.some((e) => (typeof e === "string" ? line === e : e.test(line))), line).toBe(true);
  expect(lines).toHaveLength(expectedLines.length);
  expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(output).not.toMatch(/\b(ReferenceError|TypeError|ContentError)\b/);
  return lines;
}

describe("bad paper files", () => {
  let site: FixtureSite;
  let before: Record<string, string>;
  let check: RunResult;
  let build: RunResult;
  beforeAll(() => {
    site = fixtureSite({ "2026-02-15/good.md": paper({ arxiv: "2602.00100", date: "2026-02-15" }, "A good $x^2$ paper.") });
    const first = site.build();
    if (first.status !== 0) throw new Error(`the good site did not build:\n${first.stdout}${first.stderr}`);
    before = snapshot(site.outputDir);
    for (const [name, { text }] of Object.entries(badFiles)) site.write(`2026-02-16/${name}`, text);
    check = site.check();
    build = site.build();
  });
  afterAll(() => site?.cleanup());

  it("npm run check reports every problem of every file in one run, as path:line: field: message", () => {
    expect(check.status).toBe(1);
    expectReport(check);
    expect(check.stdout).toContain(`${expectedLines.length} problems in ${Object.values(badFiles).filter((f) => f.expected.length).length} files.`);
  });

  it("the build reports the same problems and exits 1", () => {
    expect(build.status).toBe(1);
    expect(expectReport(build)).toEqual(expectReport(check));
    expect(build.stdout).toMatch(/the site was not built \(.*dist\/ is unchanged\)/);
  });

  it("a failed build leaves the previous output untouched, with no temporary folders beside it", () => {
    expect(snapshot(site.outputDir)).toEqual(before);
    expect(readdirSync(path.dirname(site.outputDir)).filter((n) => n.startsWith("dist"))).toEqual(["dist"]);
  });

  it("puts every problem of a file with several on its own line", () => {
    const lines = check.stdout.split("\n").filter((l) => l.includes("many-problems.md"));
    expect(lines.map((l) => l.split(":")[1])).toEqual(["2", "3", "7"]);
  });
});

describe("a content folder with no problems", () => {
  it("npm run check says so and exits 0", () => {
    const site = fixtureSite({ "2026-02-16/a.md": paper({ arxiv: "2602.00001" }), "2026-02-17/b.md": paper({ id: "b", url: "https://example.org/" }) });
    try {
      const result = site.check();
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe("2 papers checked: no problems.");
      expect(site.files()).toEqual([]);
    } finally {
      site.cleanup();
    }
  });
});
