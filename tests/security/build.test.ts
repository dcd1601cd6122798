// The build itself as the subject: hostile content that passes the check comes out inert; nothing is written outside
// the output folder; a failed or interrupted build leaves the previous site byte-identical; output is deterministic.
import { spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trashDeleted } from "../../src/output/atomic.ts";
import { checkFormats } from "../../src/verify/formats.ts";
import { checkPageSecurity } from "../../src/verify/page-security.ts";
import { fixtureSite, paper, repoRoot, type FixtureSite } from "../helpers/site.ts";

/** Every file under `dir` with its bytes, for byte-identical comparisons. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files.set(path.relative(dir, full).split(path.sep).join("/"), readFileSync(full));
    }
  }
  return files;
}

/** Names of the entries beside the output folder: the fixture's own files and any leftovers of a build. */
const siblings = (site: FixtureSite) => readdirSync(site.dir).sort();
/** The project's files, the output and the build cache (the one folder besides dist/ a build writes, by design). */
const allowedSiblings = [".cache", "content", "dist"];

/** Every path under the fixture folder except the output and the build cache, to show a build wrote nowhere else. */
function treeOutsideOutput(site: FixtureSite): string[] {
  return readdirSync(site.dir, { recursive: true })
    .map(String)
    .filter((p) => !/^(?:dist|\.cache)(?:[\\/]|$)/.test(p))
    .map((p) => {
      const stat = statSync(path.join(site.dir, p));
      return stat.isDirectory() ? `${p}/` : `${p}: ${stat.size} bytes`;
    })
    .sort();
}

// Text that passes every check and is still hostile: markup, template syntax and path tricks in every free-text field.
const hostile = paper(
  {
    title: "<script>alert(1)</script> {{ 7*7 }} {% raw %} ../../x",
    arxiv: "2601.00666",
    authors: ["<img src=x onerror=alert(1)>", "{{ site.title }} {%- include 'x' %}", "Ada\"><svg onload=alert(1)>"],
    organization: "\"><iframe src=javascript:alert(1)>",
    venue: "<%= process.exit(1) %>",
    tags: ["security"],
    links: { code: "https://example.org/?q=\"><script>alert(1)</script>" },
  },
  "<b onclick=alert(1) style=color:red>b</b> {{ 7*7 }} [x](javascript:alert(1)) $\\text{<script>}$",
);

describe("hostile content that passes the check is inert in every output", () => {
  let site: FixtureSite;
  beforeAll(() => {
    site = fixtureSite({ "2026-02-16/hostile.md": hostile, "2026-02-16/plain.md": paper({ arxiv: "2601.00001" }) });
    const result = site.build();
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
  afterAll(() => site.cleanup());

  it("escapes every field on the paper page, and runs no template", () => {
    const html = site.read("papers/2601.00666/index.html");
    for (const fragment of [
      '<h1 class=paper-title>&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% raw %} ../../x</h1>',
      // Author names as escaped text (site.js links them to their searches, as text nodes, from citation_author).
      '<p class=authors-full>&lt;img src=x onerror=alert(1)&gt;, {{ site.title }} {%- include &#39;x&#39; %}, Ada&quot;&gt;&lt;svg onload=alert(1)&gt;<dl class=paper-details>',
      '<dt>Organization<dd><a href="/organizations/iframe-src-javascript-alert-1/">&quot;&gt;&lt;iframe src=javascript:alert(1)&gt;</a><dt>',
      // The description holds the text the page shows (the refused link as written) as data: escaped.
      '<meta name=description content="&lt;b onclick=alert(1) style=color:red&gt;b&lt;/b&gt; {{ 7*7 }} [x](javascript:alert(1)) &lt;script&gt;">',
      "<dt>Venue<dd>&lt;%= process.exit(1) %&gt;<dt>",
      "<title>&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% raw %} ../../x · Test Digest</title>",
      '<a href="https://example.org/?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" rel="noopener nofollow ugc">Code</a>',
      "<p>&lt;b onclick=alert(1) style=color:red&gt;b&lt;/b&gt; {{ 7*7 }} [x](javascript:alert(1)) ",
      "<mtext>&lt;script&gt;</mtext>",
    ]) {
      expect(html).toContain(fragment);
    }
    expect(html).not.toContain("49");
    // No inline script at all (the theme line is assets/theme.js): no data block holds the hostile text.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
  });

  it("passes the page-security checks on every page, and every feed parses", () => {
    expect(checkPageSecurity(site.outputDir)).toEqual([]);
    expect(checkFormats(site.outputDir)).toEqual([]);
  });

  it("writes pages only where the schema says: the title's ../ is text, not a path", () => {
    const pages = site.files().filter((f) => f.endsWith(".html"));
    expect(pages.filter((f) => f.startsWith("papers/"))).toEqual(["papers/2601.00001/index.html", "papers/2601.00666/index.html"]);
    expect(existsSync(path.join(site.dir, "x"))).toBe(false);
  });
});

describe("nothing is written outside the output folder", () => {
  it("a build and a refused build leave the fixture and the repository untouched but for dist/", () => {
    const site = fixtureSite({ "2026-02-16/a.md": hostile });
    try {
      const before = treeOutsideOutput(site);
      expect(before).toContain(`${path.join("content", "papers", "2026-02-16", "a.md")}: ${Buffer.byteLength(hostile)} bytes`);
      const repoBefore = readdirSync(repoRoot).filter((n) => /pwned/i.test(n));
      expect(site.build().status).toBe(0);
      site.write("2026-02-16/evil.md", paper({ arxiv: "2601.00667", permalink: "../../pwned.html", layout: "../../../pwned" }));
      site.write("2026-02-16/js.md", '---js\n{ title: require("fs").writeFileSync("pwned-build", "") }\n---\nx\n');
      const refused = site.build();
      expect(refused.status).toBe(1);
      expect(refused.stdout).toContain('content/papers/2026-02-16/evil.md:6: permalink: "permalink" changes how the site is built and is not allowed in a paper file');
      site.remove("2026-02-16/evil.md");
      site.remove("2026-02-16/js.md");
      expect(treeOutsideOutput(site)).toEqual(before);
      expect(siblings(site)).toEqual(allowedSiblings);
      expect(readdirSync(repoRoot).filter((n) => /pwned/i.test(n))).toEqual(repoBefore);
      expect(existsSync(path.join(path.dirname(site.dir), "pwned.html"))).toBe(false);
    } finally {
      site.cleanup();
    }
  });
});

describe("nothing is lost: the previous site survives failed and interrupted builds", () => {
  /** A fixture site built once, and the bytes of that build; each test gets its own, so none depends on another. */
  const builtSite = () => {
    const site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2601.00001", tags: ["kept"] }),
      "2026-02-17/b.md": paper({ title: "Beta", date: "2026-02-17", arxiv: "2601.00002", tags: ["only-beta"] }),
    });
    const result = site.build();
    expect(result.status, result.stdout + result.stderr).toBe(0);
    return { site, previous: snapshot(site.outputDir) };
  };

  /** Starts the build as a child process, as `npm run build` would; `exited` resolves when it ends. */
  const startBuild = (site: FixtureSite) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "scripts", "build.ts")], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...site.env,
      },
      stdio: "ignore",
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on("exit", (code, signal) => resolve({ code, signal }));
    });
    return { child, exited };
  };

  /** Waits until the build's temporary folder exists (the build is mid-way); undefined if the build ended first. */
  const waitForTemp = async (site: FixtureSite, pid: number, exited: Promise<unknown>) => {
    const temp = `${site.outputDir}.tmp-${pid}`;
    let done = false;
    void exited.then(() => (done = true));
    while (!done && !existsSync(temp)) await new Promise((resolve) => setTimeout(resolve, 5));
    return done ? undefined : temp;
  };

  /**
   * Adds a paper, starts a build, and stops it with `signal` once its temporary folder exists. Returns that folder;
   * the previous output is checked to be untouched.
   */
  const interruptedBuild = async (site: FixtureSite, previous: ReturnType<typeof snapshot>, signal: NodeJS.Signals) => {
    site.write("2026-02-18/c.md", paper({ title: "Gamma", date: "2026-02-18", arxiv: "2601.00004" }));
    const { child, exited } = startBuild(site);
    const temp = await waitForTemp(site, child.pid!, exited);
    expect(temp, "the build ended before its temporary folder appeared").toBeDefined();
    child.kill(signal);
    expect((await exited).signal).toBe(signal);
    expect(snapshot(site.outputDir)).toEqual(previous);
    return temp!;
  };

  it("a build that fails on a content problem leaves the previous output byte-identical", () => {
    const { site, previous } = builtSite();
    try {
      site.write("2026-02-16/bad.md", paper({ arxiv: "2601.00003", date: "2026-02-30" }));
      const result = site.build();
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('content/papers/2026-02-16/bad.md:3: date: "2026-02-30" is not a real calendar date');
      expect(snapshot(site.outputDir)).toEqual(previous);
      expect(siblings(site)).toEqual(allowedSiblings);
    } finally {
      site.cleanup();
    }
  });

  it("a build killed with SIGKILL mid-way leaves the previous output intact, and the next build recovers", async () => {
    const { site, previous } = builtSite();
    try {
      const temp = await interruptedBuild(site, previous, "SIGKILL");
      expect(existsSync(temp)).toBe(true); // nothing can clean up after a SIGKILL; the next build does

      const next = site.build();
      expect(next.status, next.stdout + next.stderr).toBe(0);
      expect(site.exists("papers/2601.00004/index.html")).toBe(true);
      // The killed build's folder and the replaced output are deleted by a background process, soon after.
      expect(await trashDeleted(site.outputDir)).toBe(true);
      expect(siblings(site)).toEqual(allowedSiblings);
    } finally {
      site.cleanup();
    }
  });

  it("a build stopped with SIGTERM mid-way removes its temporary folder and leaves the previous output intact", async () => {
    const { site, previous } = builtSite();
    try {
      await interruptedBuild(site, previous, "SIGTERM");
      expect(siblings(site)).toEqual(allowedSiblings);
    } finally {
      site.cleanup();
    }
  });

  it("pages of a deleted paper are gone after the next build", () => {
    const { site } = builtSite();
    try {
      expect(site.exists("papers/2601.00002/index.html")).toBe(true);
      expect(site.exists("tags/only-beta/index.html")).toBe(true);
      site.remove("2026-02-17/b.md");
      expect(site.build().status).toBe(0);
      const files = site.files();
      expect(files.filter((f) => /2601\.00002|only-beta|2026-02-17/.test(f))).toEqual([]);
      expect(files).toContain("papers/2601.00001/index.html");
      for (const file of files.filter((f) => /\.(html|xml|json)$/.test(f))) {
        expect(site.read(file), file).not.toMatch(/2601\.00002|Beta/);
      }
    } finally {
      site.cleanup();
    }
  });
});

describe("deterministic output", () => {
  it("two clean builds, in Los Angeles and in Tokyo, are byte-identical, feeds and search index included", () => {
    const source = path.join(repoRoot, "content", "papers");
    const site = fixtureSite({ "2026-02-16/hostile.md": hostile });
    const twin = fixtureSite({});
    try {
      for (const s of [site, twin]) {
        cpSync(source, s.contentDir, { recursive: true });
        s.write("2026-02-16/hostile.md", hostile);
      }
      const a = site.build({ TZ: "America/Los_Angeles" });
      const b = twin.build({ TZ: "Asia/Tokyo" });
      expect(a.status, a.stdout + a.stderr).toBe(0);
      expect(b.status, b.stdout + b.stderr).toBe(0);
      const left = snapshot(site.outputDir);
      const right = snapshot(twin.outputDir);
      expect([...left.keys()]).toEqual([...right.keys()]);
      const differing = [...left].filter(([file, bytes]) => !bytes.equals(right.get(file)!)).map(([file]) => file);
      expect(differing).toEqual([]);
      expect(left.size).toBeGreaterThan(50);
    } finally {
      site.cleanup();
      twin.cleanup();
    }
  });
});
