// The JSON Schema of the front matter: the committed file is what the validator generates, it accepts every example
// paper, and it refuses what the validator refuses for type and shape reasons.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parsePaperFile } from "../src/content/frontmatter.ts";
import { paperJsonSchemaText } from "../src/content/json-schema.ts";
import { validatePaper } from "../src/content/schema.ts";
import { repoRoot } from "./helpers/site.ts";

const file = path.join(repoRoot, "schema", "paper.schema.json");
const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(file, "utf8")));
const front = (yaml: string) => parsePaperFile(`---\n${yaml}\n---\nAbstract.\n`, "p.md");

describe("schema/paper.schema.json", () => {
  it("is what npm run schema generates from the validator (run it after changing a field)", () => {
    expect(readFileSync(file, "utf8")).toBe(paperJsonSchemaText());
  });

  it("accepts every example paper", () => {
    const dir = path.join(repoRoot, "content", "papers");
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".md"));
    expect(files.length).toBeGreaterThan(10);
    for (const name of files) {
      const data = parsePaperFile(readFileSync(path.join(dir, name), "utf8"), name).data;
      expect(validate(data), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  const base = 'title: "T"\ndate: 2026-02-16\nauthors: [Ada Lovelace]';
  it.each([
    ["an unquoted arXiv id (a number)", `${base}\narxiv: 2101.10000`],
    ["an arXiv id with its version", `${base}\narxiv: "2101.10000v2"`],
    ["an unknown field", `${base}\narxiv: "2101.10000"\ncatgory: cs.LG`],
    ["negative upvotes", `${base}\narxiv: "2101.10000"\nupvotes: -1`],
    ["an upper-case tag", `${base}\narxiv: "2101.10000"\ntags: [RL]`],
    ["an unknown link", `${base}\narxiv: "2101.10000"\nlinks:\n  github: https://github.com/x/y`],
    ["a link that is not http(s)", `${base}\narxiv: "2101.10000"\nlinks:\n  code: javascript:alert(1)`],
    ["a date written loosely", 'title: "T"\ndate: 2026-2-3\nauthors: [A]\narxiv: "2101.10000"'],
    ["no identity", base],
    ["both arxiv and id", `${base}\narxiv: "2101.10000"\nid: x`],
    ["id without url", `${base}\nid: x`],
    ["authors as text", 'title: "T"\ndate: 2026-02-16\nauthors: Ada Lovelace\narxiv: "2101.10000"'],
    ["no authors", 'title: "T"\ndate: 2026-02-16\nauthors: []\narxiv: "2101.10000"'],
  ])("refuses %s, as the validator does", (_, yaml) => {
    const parsed = front(yaml);
    expect(validatePaper(parsed, "p.md").problems.length).toBeGreaterThan(0);
    expect(validate(parsed.data)).toBe(false);
  });

  it("accepts a full paper not on arXiv", () => {
    const parsed = front('title: "T"\ndate: 2026-02-16\nid: my-paper\nurl: https://openreview.net/forum?id=x\nauthors: [A]\nupvotes: 3\ntags: [rl]\nlinks:\n  code: https://github.com/x/y');
    expect(validatePaper(parsed, "p.md").problems).toEqual([]);
    expect(validate(parsed.data), JSON.stringify(validate.errors)).toBe(true);
  });
});
