// Problem messages are one line of printable text: a key, a link name, a URL value, a file name or a server's text
// that holds a line break, an escape sequence or any other control character cannot forge a CI workflow command
// (`::error ...` on a line of its own) or drive the terminal. Checked on `formatProblem`, through the check pipeline,
// and on the real output of `npm run check` and `npm run new`.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, printable } from "../../src/content/problems.ts";
import { fixtureSite, repoRoot } from "../helpers/site.ts";
import { checkFiles, checkOne, paperText } from "./check.ts";

const forged = "\n::error title=Forged::pwned\r\n";
const esc = "\u001b[31m";

describe("printable", () => {
  const cases: [string, string][] = [
    [`a${forged}b`, "a\\n::error title=Forged::pwned\\r\\nb"],
    [`red ${esc}text`, "red \\u001B[31mtext"],
    ["tab\tbell\u0007nul\u0000del\u007fnel\u0085", "tab\\tbell\\u0007nul\\u0000del\\u007Fnel\\u0085"],
    ["line\u2028paragraph\u2029", "line\\u2028paragraph\\u2029"],
    ["bidi \u202Eevil\u202C and \u2066isolate\u2069 \u200F", "bidi \\u202Eevil\\u202C and \\u2066isolate\\u2069 \\u200F"],
    ["lone \uD800 surrogate, pair \uD83D\uDE00 kept", "lone \\uD800 surrogate, pair \uD83D\uDE00 kept"],
    ["Schölkopf, 東京, emoji are kept", "Schölkopf, 東京, emoji are kept"],
  ];
  for (const [input, output] of cases) {
    it(JSON.stringify(input), () => expect(printable(input)).toBe(output));
  }

  it("formatProblem escapes file, field and message", () => {
    expect(formatProblem({ file: `content/papers/a${forged}.md`, line: 3, field: "links.x\ny", message: `bad ${esc}` })).toBe(
      "content/papers/a\\n::error title=Forged::pwned\\r\\n.md:3: links.x\\ny: bad \\u001B[31m",
    );
  });
});

const F = "content/papers/2026-02-16/x.md";

describe("problems quoting hostile text are one line", () => {
  const cases: [string, string, string][] = [
    ["a key with a YAML escape", `"\\n::error title=Forged::pwned\\n": 1`,
      `${F}:6: \\n::error title=Forged::pwned\\n: unknown field "\\n::error title=Forged::pwned\\n"; known fields:`],
    ["a link name", `links:\n  "code\\n::error::x": https://example.org`,
      `${F}:7: links.code\\n::error::x: unknown link "code\\n::error::x"; known links:`],
    ["a URL value", `links:\n  code: "https://example.org/\\n::error title=Forged::pwned"`,
      `${F}:7: links.code: "https://example.org/\\n::error title=Forged::pwned" is not an absolute http(s) URL`],
  ];
  for (const [name, yaml, start] of cases) {
    it(name, () => {
      const { problems } = checkOne(paperText(yaml));
      expect(problems).toHaveLength(1);
      expect(problems[0]!.startsWith(start), problems[0]).toBe(true);
      expect(problems[0]).not.toMatch(/[\u0000-\u001f]/);
    });
  }

  it("a file name with a line break and an escape sequence", () => {
    const { problems } = checkFiles({ [`2026-02-16/a\n::error::x${esc}.md`]: "no front matter\n" });
    expect(problems).toEqual([
      "content/papers/2026-02-16/a\\n::error::x\\u001B[31m.md: a control character cannot be in a file name on Windows, where the file could not be checked out: rename it",
    ]);
  });
});

describe("the commands print one line per problem", () => {
  it("npm run check", () => {
    const site = fixtureSite({
      [`2026-02-16/a${esc}.md`]: paperText(`"\\n::error title=Forged::pwned\\n": 1`),
      "2026-02-16/b.md": paperText(`links:\n  code: "https://example.org/\\r::error::x"`).replace("2601.00001", "2601.00002"),
    });
    try {
      const result = site.check();
      expect(result.status).toBe(1);
      const lines = result.stdout.split("\n");
      expect(lines.filter((line) => line.startsWith("::"))).toEqual([]);
      expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
      expect(lines.filter((line) => line.startsWith("content/"))).toHaveLength(2);
      expect(lines.at(-2)).toBe("2 problems in 2 files.");
    } finally {
      site.cleanup();
    }
  });

  it("npm run new, quoting what was typed and what the arXiv API answered", async () => {
    const errorFeed = readFileSync(path.join(repoRoot, "tests", "fixtures", "arxiv", "error.xml"), "utf8");
    const server = createServer((_req, res) => {
      // An API error whose text holds line breaks and what would be a workflow command.
      const body = errorFeed.replace(/<summary>[^<]*<\/summary>/, `<summary>bad id\n::error title=Forged::pwned\n${esc}red</summary>`);
      res.writeHead(200, { "content-type": "application/atom+xml" }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const site = fixtureSite({});
    try {
      const env = { ARXIV_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/query` };
      const typed = await site.start("new-paper.ts", ["--arxiv", `2301.1294\n::error::x${esc}`], env);
      expect(typed.status).toBe(2);
      expect(typed.stderr.split("\n")[0]).toBe('npm run new: "2301.1294\\n::error::x\\u001B[31m" is not an arXiv id like 2509.25149 or hep-th/9901001');
      const answered = await site.start("new-paper.ts", ["--arxiv", "2301.12942"], env);
      expect(answered.status).toBe(1);
      expect(answered.stderr).toMatch(/^npm run new: arXiv refused the query for 2301\.12942: bad id.::error title=Forged::pwned.\\u001B\[31mred/);
      expect(answered.stderr.trimEnd().split("\n")).toHaveLength(1);
    } finally {
      server.close();
      site.cleanup();
    }
  });
});
