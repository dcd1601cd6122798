// What may live under content/papers/: only regular .md files, decodable as UTF-8, with distinct names and ids.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { fixtureSite } from "../helpers/site.ts";
import { checkFiles, paperText, type Entry } from "./check.ts";

const P = "content/papers";
/** A valid paper with its own arXiv id. */
const valid = (id: string) => paperText().replace("2601.00001", id);
const hidden = (file: string) => `${P}/${file}: is hidden (its name starts with a dot): a paper file or folder must not be hidden; rename it`;
const windows = (file: string, name: string) => `${P}/${file}: "${name}" is a reserved name on Windows, where the file could not be checked out: rename it`;
const trailing = (file: string) => `${P}/${file}: ends with a dot or a space, which Windows drops from file names: rename it`;
const notMarkdown = (file: string) => `${P}/${file}: is not a Markdown paper file: everything under ${P}/ must end in .md`;

// [case, files under content/papers/, every problem, ids of the papers that pass]
const cases: [string, Record<string, Entry>, string[], string[]][] = [
  ["a .txt file", { "2026-02-16/notes.txt": "hello" }, [notMarkdown("2026-02-16/notes.txt")], []],
  ["an .html file", { "2026-02-16/x.html": "<script>alert(1)</script>" }, [notMarkdown("2026-02-16/x.html")], []],
  ["a .njk template", { "2026-02-16/x.njk": "{{ 7*7 }}" }, [notMarkdown("2026-02-16/x.njk")], []],
  ["an Eleventy .11tydata.js file", { "2026-02-16/x.11tydata.js": "module.exports = { permalink: '/x' }" }, [notMarkdown("2026-02-16/x.11tydata.js")], []],
  ["a directory data .json file", { "papers.json": '{"permalink": "/x"}' }, [notMarkdown("papers.json")], []],
  ["a file without extension", { "2026-02-16/README": "x" }, [notMarkdown("2026-02-16/README")], []],
  ["an .MD file (upper case)", { "2026-02-16/x.MD": valid("2601.00002") }, [notMarkdown("2026-02-16/x.MD")], []],
  ["a hidden file", { "2026-02-16/.DS_Store": "x" }, [hidden("2026-02-16/.DS_Store")], []],
  ["a hidden .md file is not a paper", { "2026-02-16/.x.md": valid("2601.00002") }, [hidden("2026-02-16/.x.md")], []],
  ["a hidden folder is not read", { ".drafts/x.md": valid("2601.00002"), "2026-02-16/y.md": valid("2601.00003") }, [hidden(".drafts")], ["2601.00003"]],
  ["aux.md (a Windows device name)", { "2026-02-16/aux.md": valid("2601.00002") }, [windows("2026-02-16/aux.md", "aux")], []],
  ["CON.md, Com1.md, lpt9.tar.md", { "2026-02-16/CON.md": valid("2601.00002"), "2026-02-16/Com1.md": valid("2601.00003"), "2026-02-16/lpt9.tar.md": valid("2601.00004") },
    [windows("2026-02-16/CON.md", "CON"), windows("2026-02-16/Com1.md", "Com1"), windows("2026-02-16/lpt9.tar.md", "lpt9")], []],
  ["a folder named nul", { "nul/x.md": valid("2601.00002") }, [windows("nul", "nul")], []],
  ["a:b.md (a character NTFS refuses)", { "2026-02-16/a:b.md": valid("2601.00002") },
    [`${P}/2026-02-16/a:b.md: ":" cannot be in a file name on Windows, where the file could not be checked out: rename it`], []],
  ["a name with a trailing dot or space", { "2026-02-16/x.md.": valid("2601.00002"), "2026-02-16/y.md ": valid("2601.00003") },
    [trailing("2026-02-16/x.md."), trailing("2026-02-16/y.md ")], []],
  ["names that merely contain a device name are fine", { "2026-02-16/auxiliary.md": valid("2601.00002"), "2026-02-16/con-law.md": valid("2601.00003") }, [], ["2601.00002", "2601.00003"]],
  ["a lone CR in the front matter hides a field from diffs", { "2026-02-16/x.md": valid("2601.00002").replace("title: A paper", "title: A paper\rupvotes: 99999") },
    [`${P}/2026-02-16/x.md:2: holds a carriage return (CR) that is not part of a CRLF line break, which diffs do not show as a line break: save the file with LF or CRLF line breaks`], []],
  ["a lone CR in the abstract", { "2026-02-16/x.md": valid("2601.00002").replace("An abstract.", "An\n\nabs\rtract.") },
    [`${P}/2026-02-16/x.md:9: holds a carriage return (CR) that is not part of a CRLF line break, which diffs do not show as a line break: save the file with LF or CRLF line breaks`], []],
  ["a tag that is a Windows device name (its page is a folder)", { "2026-02-16/x.md": paperText("tags: [ok, con, nul]") },
    [`${P}/2026-02-16/x.md:6: tags[1]: "con" is a reserved name on Windows, where its page's folder could not be checked out; choose another`,
      `${P}/2026-02-16/x.md:6: tags[2]: "nul" is a reserved name on Windows, where its page's folder could not be checked out; choose another`], []],
  ["an id that is a Windows device name", { "2026-02-16/x.md": paperText("id: aux\nurl: https://example.org/aux").replace('arxiv: "2601.00001"\n', "") },
    [`${P}/2026-02-16/x.md:5: id: "aux" is a reserved name on Windows, where its page's folder could not be checked out; choose another`], []],
  ["CRLF line breaks are fine", { "2026-02-16/x.md": valid("2601.00002").replaceAll("\n", "\r\n") }, [], ["2601.00002"]],
  ["a case-colliding pair A.md / a.md", { "2026-02-16/A.md": valid("2601.00002"), "2026-02-16/a.md": valid("2601.00003") },
    [`${P}/2026-02-16/a.md: differs from ${P}/2026-02-16/A.md only by letter case; the two collide on case-insensitive file systems`], ["2601.00002"]],
  ["case-colliding folders", { "2026-02-16X/a.md": valid("2601.00002"), "2026-02-16x/b.md": valid("2601.00003") },
    [`${P}/2026-02-16x: differs from ${P}/2026-02-16X only by letter case; the two collide on case-insensitive file systems`], ["2601.00002"]],
  ["names that differ only in Unicode normalization", { "2026-02-16/caf\u00e9.md": valid("2601.00002"), "2026-02-16/cafe\u0301.md": valid("2601.00003") },
    [`${P}/2026-02-16/caf\u00e9.md: differs from ${P}/2026-02-16/cafe\u0301.md only in how its accented letters are encoded; the two collide on macOS`], ["2601.00003"]],
  ["a symbolic link to /etc/passwd", { "2026-02-16/x.md": { symlink: "/etc/passwd" } },
    [`${P}/2026-02-16/x.md: is a symbolic link; paper files must be regular files`], []],
  ["a symbolic link to a folder", { "2026-02-16/etc": { symlink: "/etc" } },
    [`${P}/2026-02-16/etc: is a symbolic link; paper files must be regular files`], []],
  ["a directory named x.md is a folder like any other: its papers are checked", { "2026-02-16/x.md/y.md": valid("2601.00002"), "2026-02-16/x.md/z.txt": "" },
    [notMarkdown("2026-02-16/x.md/z.txt")], ["2601.00002"]],
  ["an empty file", { "2026-02-16/x.md": "" },
    [`${P}/2026-02-16/x.md:1: file must start with YAML front matter: a line "---", the fields, then a line "---"`], []],
  ["a file of blank lines", { "2026-02-16/x.md": "\n\n  \n" },
    [`${P}/2026-02-16/x.md:1: file must start with YAML front matter: a line "---", the fields, then a line "---"`], []],
  ["a UTF-8 byte-order mark is fine", { "2026-02-16/x.md": `\uFEFF${valid("2601.00002")}` }, [], ["2601.00002"]],
  ["invalid UTF-8 bytes, at their line", { "2026-02-16/x.md": Buffer.concat([Buffer.from("---\ntitle: A\ndate: 2026-02-16\n"), Buffer.from([0x61, 0xff, 0xfe, 0x0a]), Buffer.from("---\nx\n")]) },
    [`${P}/2026-02-16/x.md:4: is not valid UTF-8 text: save the file as UTF-8`], []],
  ["an overlong UTF-8 encoding of /", { "2026-02-16/x.md": Buffer.concat([Buffer.from(valid("2601.00002")), Buffer.from([0xc0, 0xaf])]) },
    [`${P}/2026-02-16/x.md:8: is not valid UTF-8 text: save the file as UTF-8`], []],
  ["a UTF-16 file", { "2026-02-16/x.md": Buffer.from(`\uFEFF${valid("2601.00002")}`, "utf16le") },
    [`${P}/2026-02-16/x.md:1: is not valid UTF-8 text: save the file as UTF-8`], []],
  ["a NUL byte", { "2026-02-16/x.md": valid("2601.00002").replace("An abstract", "An\u0000abstract") },
    [`${P}/2026-02-16/x.md:7: control character U+0000 is not allowed`], []],
  ["a vertical tab and a form feed", { "2026-02-16/x.md": valid("2601.00002").replace("An abstract", "An\u000b\u000cabstract") },
    [`${P}/2026-02-16/x.md:7: control character U+000B is not allowed`], []],
  ["a file over 1 MB is not even read", { "2026-02-16/x.md": "x".repeat(1_000_001) },
    [`${P}/2026-02-16/x.md: is 1000001 bytes; a paper file must be under 1 MB`], []],
  ["the same arXiv id in two folders", { "2026-02-16/a.md": valid("2601.00002"), "2026-02-17/b.md": valid("2601.00002").replace("2026-02-16", "2026-02-17") },
    [`${P}/2026-02-17/b.md:4: arxiv: "2601.00002" is already used by ${P}/2026-02-16/a.md; each paper has one file`], ["2601.00002"]],
  ["the same old-style arXiv id twice", { "2026-02-16/a.md": valid("hep-th/9901001"), "2026-02-16/b.md": valid("hep-th/9901001") },
    [`${P}/2026-02-16/b.md:4: arxiv: "hep-th/9901001" is already used by ${P}/2026-02-16/a.md; each paper has one file`], ["hep-th/9901001"]],
];

describe("content/papers/ holds only regular, distinct, UTF-8 .md files", () => {
  for (const [name, files, problems, ids] of cases) {
    it(name, () => {
      const result = checkFiles(files);
      expect(result.problems).toEqual(problems);
      expect(result.papers.map((p) => p.id)).toEqual(ids);
    });
  }

  const hasMkfifo = spawnSync("mkfifo", ["--version"]).status === 0;
  it.skipIf(!hasMkfifo)("a named pipe is refused without being opened (reading it would hang the check)", () => {
    const site = fixtureSite({ "2026-02-16/a.md": valid("2601.00002") });
    try {
      expect(spawnSync("mkfifo", [`${site.contentDir}/2026-02-16/pipe.md`]).status).toBe(0);
      const check = site.check();
      expect(check.stdout).toContain("content/papers/2026-02-16/pipe.md: is not a regular file\n");
      expect(check.status).toBe(1);
    } finally {
      site.cleanup();
    }
  });
});

describe("`npm run check` and the build report every bad file, without a stack trace", () => {
  it("lists each problem as path:line: field: message and exits 1; the build writes nothing", () => {
    const site = fixtureSite({
      "2026-02-16/good.md": valid("2601.00002"),
      "2026-02-16/js.md": '---js\n{ title: "x" }\n---\nbody\n',
      "2026-02-16/notes.txt": "hello",
      "2026-02-16/bomb.md": paperText("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]").replace("2601.00001", "2601.00003"),
      "2026-02-16/tex.md": paperText("", "Bad $x + \\href{https://e.example}{x}$ math.").replace("2601.00001", "2601.00004"),
    });
    try {
      const expected = [
        'content/papers/2026-02-16/bomb.md:2: invalid YAML: Excessive alias count indicates a resource exhaustion attack (the limit is 10 aliases)',
        'content/papers/2026-02-16/js.md:1: front matter must be YAML: "---js" is not accepted (start the file with a line "---")',
        "content/papers/2026-02-16/notes.txt: is not a Markdown paper file: everything under content/papers/ must end in .md",
        'content/papers/2026-02-16/tex.md:7: body: TeX error in "x + \\href{https://e.example}{x}": \\href is not allowed: TeX may not emit links, HTML or images',
      ];
      const check = site.check();
      expect(check.status).toBe(1);
      expect(check.stdout).toBe(`${expected.join("\n")}\n\n4 problems in 4 files.\n`);
      expect(check.stderr).not.toMatch(/\n\s+at /);
      const build = site.build();
      expect(build.status).toBe(1);
      expect(build.stdout).toContain(expected.join("\n"));
      expect(build.stdout + build.stderr).not.toMatch(/\n\s+at /);
      expect(site.files()).toEqual([]);
    } finally {
      site.cleanup();
    }
  });
});
