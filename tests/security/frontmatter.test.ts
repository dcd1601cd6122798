// Hostile and broken front matter: every file is refused with the exact message, file and line, and nothing runs.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { knownFields } from "../../src/content/schema.ts";
import { linkNames } from "../../src/content/paper.ts";
import { repoRoot } from "../helpers/site.ts";
import { checkOne, paperText } from "./check.ts";

const F = "content/papers/2026-02-16/x.md";
const known = `known fields: ${knownFields.join(", ")}`;
const knownLinks = `known links: ${linkNames.join(", ")}`;
const steering = (key: string) => `${F}:6: ${key}: "${key}" changes how the site is built and is not allowed in a paper file`;
const unresolved = (tag: string, field = "organization") =>
  `${F}:6: ${field}: invalid YAML: Unresolved tag: ${tag} (tags such as !!binary or !!js/function are not accepted; write plain values)`;
/** The valid base paper with one field's line replaced. */
const withLine = (from: string, to: string) => paperText().replace(from, to);

// [case, file text, every problem `npm run check` prints for it]
const cases: [string, string, string[]][] = [
  // Front-matter engines: only YAML, and the file must have it.
  ["---js is refused, not evaluated", '---js\n{ title: require("child_process").execSync("touch pwned-js").toString() }\n---\nbody\n',
    [`${F}:1: front matter must be YAML: "---js" is not accepted (start the file with a line "---")`]],
  ["---javascript", '---javascript\nmodule.exports = { title: require("fs").writeFileSync("pwned-js", "") }\n---\nbody\n',
    [`${F}:1: front matter must be YAML: "---javascript" is not accepted (start the file with a line "---")`]],
  ["---json", '---json\n{ "title": "x" }\n---\nbody\n',
    [`${F}:1: front matter must be YAML: "---json" is not accepted (start the file with a line "---")`]],
  ["--- json, with a space", '--- json\n{ "title": "x" }\n---\nbody\n',
    [`${F}:1: front matter must be YAML: "---json" is not accepted (start the file with a line "---")`]],
  ["---coffee", "---coffee\ntitle: require('child_process').execSync('id')\n---\nbody\n",
    [`${F}:1: front matter must be YAML: "---coffee" is not accepted (start the file with a line "---")`]],
  ["---toml", '---toml\ntitle = "x"\n---\nbody\n',
    [`${F}:1: front matter must be YAML: "---toml" is not accepted (start the file with a line "---")`]],
  ["a file without front matter", "Just an abstract, no fields.\n",
    [`${F}:1: file must start with YAML front matter: a line "---", the fields, then a line "---"`]],
  ["unclosed front matter", "---\ntitle: x\ndate: 2026-02-16\n\nThe abstract.\n",
    [`${F}:1: front matter is not closed: add a line "---" after the last field`]],
  ["a closing line that only starts with ---", "---\ntitle: A paper\n---x: 1\n---\nbody\n",
    [`${F}:3: a line starting with "---" ends the front matter and must be exactly "---"`]],
  ["empty front matter", "---\n---\nbody\n", [`${F}:1: front matter is empty`]],
  ["a list instead of fields", "---\n- a\n- b\n---\nbody\n", [`${F}:2: front matter must be a set of \`field: value\` lines`]],

  // Keys that would steer Eleventy, were paper files ever templates.
  ["permalink with ../", paperText('permalink: "../../../pwned.html"'), [steering("permalink")]],
  ["permalink: false", paperText("permalink: false"), [steering("permalink")]],
  ["layout", paperText("layout: ../../../etc/passwd"), [steering("layout")]],
  ["eleventyComputed", paperText('eleventyComputed:\n  title: "{{ 7*7 }}"'), [steering("eleventyComputed")]],
  ["templateEngineOverride", paperText("templateEngineOverride: njk,md"), [steering("templateEngineOverride")]],
  ["pagination", paperText("pagination:\n  data: collections.all\n  size: 1"), [steering("pagination")]],
  ["eleventyExcludeFromCollections", paperText("eleventyExcludeFromCollections: true"), [steering("eleventyExcludeFromCollections")]],
  ["an unknown key, with a suggestion", paperText("titel: typo"),
    [`${F}:6: titel: unknown field "titel" (did you mean "title"?); ${known}`]],

  // YAML's own attack surface.
  ["an alias bomb (billion laughs)",
    paperText("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]"),
    [`${F}:2: invalid YAML: Excessive alias count indicates a resource exhaustion attack (the limit is 10 aliases)`]],
  ["deeply nested flow lists", paperText(`links: ${"[".repeat(5000)}${"]".repeat(5000)}`),
    [`${F}:6: front matter is nested deeper than 8 levels`]],
  ["deeply nested block lists (- - - -)", paperText(`organization:\n  ${"- ".repeat(9000)}x`),
    [`${F}:7: front matter is nested deeper than 8 levels`]],
  ["thousands of explicit keys (? ? ? ?), which exhaust memory when composed", `---\n${"? ".repeat(9000)}x\n---\nbody\n`,
    [`${F}:2: a key must be a plain name, not a list or a set of fields`]],
  ["a list as a key", paperText("? [a, b]\n: x"), [`${F}:6: a key must be a plain name, not a list or a set of fields`]],
  ["a duplicate key, at the second one", paperText("title: Another title"), [`${F}:6: title: invalid YAML: Map keys must be unique`]],
  ["!!js/function", paperText("organization: !!js/function 'function () { return 1 }'"), [unresolved("tag:yaml.org,2002:js/function")]],
  ["!!python/object", paperText("organization: !!python/object:os.system ls"), [unresolved("tag:yaml.org,2002:python/object:os.system")]],
  ["!!binary", paperText("organization: !!binary aGVsbG8="), [unresolved("tag:yaml.org,2002:binary")]],
  ["!!timestamp", paperText("published: !!timestamp 2026-01-01"), [unresolved("tag:yaml.org,2002:timestamp", "published")]],
  ["!!set", paperText("tags: !!set {a, b}"), [unresolved("tag:yaml.org,2002:set", "tags")]],
  ["a custom tag", paperText("organization: !shell 'rm -rf /'"), [unresolved("!shell")]],
  ["a << merge key does not merge", paperText("defaults: &d {organization: Evil}\n<<: *d"), [
    `${F}:6: defaults: unknown field "defaults"; ${known}`,
    `${F}:7: <<: unknown field "<<" (did you mean "id"?); ${known}`,
  ]],
  ["a __proto__ key", paperText("__proto__:\n  polluted: yes"), [`${F}:6: __proto__: unknown field "__proto__"; ${known}`]],
  ["a __proto__ link", paperText("links:\n  __proto__: https://evil.example"),
    [`${F}:7: links.__proto__: unknown link "__proto__"; ${knownLinks}`]],
  ["constructor.prototype", paperText("constructor:\n  prototype:\n    polluted: yes"),
    [`${F}:6: constructor: unknown field "constructor"; ${known}`]],

  // YAML's type guesses and impossible values.
  ["an unquoted arXiv id read as a number", withLine('arxiv: "2601.00001"', "arxiv: 2101.10000"),
    [`${F}:4: arxiv: must be quoted: YAML reads 2101.10000 as the number 2101.1; write arxiv: "2101.10000"`]],
  ["date: 2026-02-30", withLine("date: 2026-02-16", "date: 2026-02-30"), [`${F}:3: date: "2026-02-30" is not a real calendar date`]],
  ["date: 2026-2-3", withLine("date: 2026-02-16", "date: 2026-2-3"), [`${F}:3: date: "2026-2-3" is not a date written YYYY-MM-DD`]],
  ["a date with a time and zone", withLine("date: 2026-02-16", "date: 2026-02-16T23:30:00-08:00"),
    [`${F}:3: date: "2026-02-16T23:30:00-08:00" is not a date written YYYY-MM-DD`]],
  ['upvotes: "12"', paperText('upvotes: "12"'), [`${F}:6: upvotes: must be a whole number >= 0, got string "12"`]],
  ["upvotes: -1", paperText("upvotes: -1"), [`${F}:6: upvotes: must be a whole number >= 0, got number -1`]],
  ["upvotes: 1.5", paperText("upvotes: 1.5"), [`${F}:6: upvotes: must be a whole number >= 0, got number 1.5`]],
  ["upvotes: .inf", paperText("upvotes: .inf"), [`${F}:6: upvotes: must be a whole number >= 0, got number Infinity`]],
  ["upvotes: 1e300", paperText("upvotes: 1e300"), [`${F}:6: upvotes: must be a whole number >= 0, got number 1e+300`]],
  ["authors: Alice (text, not a list)", withLine("authors: [Ada Lovelace]", "authors: Alice"),
    [`${F}:5: authors: must be a list of names (one "- Name" per line), got string "Alice"`]],
  ["authors: []", withLine("authors: [Ada Lovelace]", "authors: []"), [`${F}:5: authors: must list at least one author`]],
  ["a tag with uppercase", paperText("tags: [Machine-Learning]"),
    [`${F}:6: tags[0]: must be a lowercase slug like "reinforcement-learning", got string "Machine-Learning"`]],
  ["an id that is a path", paperText().replace('arxiv: "2601.00001"\n', "id: ../../etc\nurl: https://example.org\n"),
    [`${F}:4: id: must be a slug of lowercase letters, digits and hyphens, got string "../../etc"`]],

  // Control characters, raw and escaped.
  ["a NUL byte in the body", paperText("", "An\u0000abstract."), [`${F}:7: control character U+0000 is not allowed`]],
  ["an ANSI escape in the title", withLine("title: A paper", "title: \u001b[31mred"), [`${F}:2: control character U+001B is not allowed`]],
  ["a C1 control", paperText("", "a\u0085b"), [`${F}:7: control character U+0085 is not allowed`]],
  ["a NUL written as a YAML escape", paperText('organization: "Evil\\0Corp"'),
    [`${F}:6: control character U+0000 is not allowed (written as an escape)`]],
  ["an escape character in a key", paperText('"evil\\e": x'), [`${F}:6: control character U+001B is not allowed (written as an escape)`]],
  ["a right-to-left override (Trojan Source)", paperText("organization: Evil\u202Egnp.exe"), [`${F}:6: control character U+202E is not allowed`]],
];

describe("hostile front matter is refused with the exact message", () => {
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const { problems, papers } = checkOne(text);
      expect(problems).toEqual(expected);
      expect(papers).toEqual([]);
    });
  }

  it("evaluates nothing: no file appears from the ---js and ---javascript payloads", () => {
    expect(existsSync(path.join(repoRoot, "pwned-js"))).toBe(false);
    expect(existsSync(path.join(process.cwd(), "pwned-js"))).toBe(false);
  });

  it("does not pollute Object.prototype through __proto__ or constructor keys", () => {
    for (const [name, text] of cases.filter(([n]) => /proto|constructor/.test(n))) {
      checkOne(text);
      expect(({} as Record<string, unknown>).polluted, name).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted"), name).toBe(false);
    }
  });

  it("accepts what merely looks odd: a BOM, CRLF line endings, YAML comments", () => {
    for (const text of [`\uFEFF${paperText()}`, paperText().replace(/\n/g, "\r\n"), paperText("# a comment\nupvotes: 3 # inline")]) {
      const { problems, papers } = checkOne(text);
      expect(problems).toEqual([]);
      expect(papers.map((p) => p.id)).toEqual(["2601.00001"]);
    }
  });
});
