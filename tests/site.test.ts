import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { absoluteUrl, defaultSiteConfig, loadSiteConfig, resolveSiteConfig, sitePath } from "../src/site.ts";
import { missingFolder } from "../src/content/load.ts";
import { fixtureSite, paper, type FixtureSite } from "./helpers/site.ts";

describe("resolveSiteConfig", () => {
  it("fills every default", () => {
    expect(resolveSiteConfig()).toEqual(defaultSiteConfig);
    expect(defaultSiteConfig).toMatchObject({ url: "http://localhost:8080", pathPrefix: "/", contentDir: "content/papers", outputDir: "dist" });
  });

  it.each([
    ["/", "/"],
    ["", "/"],
    ["digest", "/digest/"],
    ["/digest", "/digest/"],
    ["digest/", "/digest/"],
    ["//digest//", "/digest/"],
    ["/a/b/", "/a/b/"],
  ])("normalises the path prefix %j to %j", (pathPrefix, expected) => {
    expect(resolveSiteConfig({ pathPrefix }).pathPrefix).toBe(expected);
  });

  it.each([
    ["https://digest.example.org/", "https://digest.example.org"],
    ["https://digest.example.org", "https://digest.example.org"],
    ["https://example.org/sub/", "https://example.org"],
    ["HTTPS://Example.ORG:443/", "https://example.org"],
  ])("normalises the url %j to %j", (url, expected) => {
    expect(resolveSiteConfig({ url }).url).toBe(expected);
  });

  it("takes a path in the url as the path prefix, so links never carry it twice", () => {
    const config = resolveSiteConfig({ url: "https://example.org/sub/" });
    expect(config.pathPrefix).toBe("/sub/");
    expect(absoluteUrl(config, "/date/2026-02-16/")).toBe("https://example.org/sub/date/2026-02-16/");
    expect(resolveSiteConfig({ url: "https://example.org/sub", pathPrefix: "/sub/" }).pathPrefix).toBe("/sub/");
    expect(() => resolveSiteConfig({ url: "https://example.org/sub", pathPrefix: "/other/" })).toThrow(/path \/sub\/ but "pathPrefix" is \/other\//);
  });

  it.each([
    [{ titel: "x" }, /unknown key "titel"/],
    [{ title: 5 }, /"title" must be a string, got 5/],
    [{ feedItems: "10" }, /"feedItems" must be a number/],
    [{ url: "digest.example.org" }, /"url" must be an absolute http\(s\) URL/],
    [{ url: "ftp://example.org" }, /"url" must be an absolute http\(s\) URL/],
    [{ authorsShown: 0 }, /"authorsShown" must be a whole number >= 1/],
    [{ feedDays: 1.5 }, /"feedDays" must be a whole number >= 1/],
    [{ tagFeedItems: 0 }, /"tagFeedItems" must be a whole number >= 1/],
    [{ tagFeedItems: "10" }, /"tagFeedItems" must be a number/],
    [{ title: "Digest\r\nBcc: x@example.org" }, /"title" contains a carriage return \(CR\) at character 7; it must be one line of printable text/],
    [{ description: "A\u0085B" }, /"description" contains the control character U\+0085 at character 2/],
    [{ outputDir: "dist\n::error::x" }, /"outputDir" contains a line feed \(LF\) at character 5; it must be one line of printable text/],
    [{ contentDir: "content/\u001B[2Jpapers" }, /"contentDir" contains the control character U\+001B at character 9/],
    [{ cacheDir: ".cache\u2028" }, /"cacheDir" contains the control character U\+2028 at character 7/],
  ] as const)("refuses %j", (input, message) => {
    expect(() => resolveSiteConfig(input as Record<string, unknown>)).toThrow(message);
  });
});

describe("loadSiteConfig", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const project = (siteJson?: string) => {
    dir = mkdtempSync(path.join(tmpdir(), "digest-config-"));
    mkdirSync(path.join(dir, "content"));
    if (siteJson !== undefined) writeFileSync(path.join(dir, "content", "site.json"), siteJson);
    return dir;
  };

  it("reads content/site.json under the root", () => {
    const root = project(JSON.stringify({ title: "My Digest", pathPrefix: "digest" }));
    expect(loadSiteConfig(root, {})).toMatchObject({ title: "My Digest", pathPrefix: "/digest/", url: "http://localhost:8080" });
  });

  it("uses the defaults when there is no file", () => {
    expect(loadSiteConfig(project(), {})).toEqual(defaultSiteConfig);
  });

  it("lets environment variables override the file", () => {
    const root = project(JSON.stringify({ url: "https://a.example.org", pathPrefix: "/" }));
    const config = loadSiteConfig(root, {
      SITE_URL: "https://b.example.org/",
      SITE_PATH_PREFIX: "/digest/",
      SITE_CONTENT_DIR: "/tmp/papers",
      SITE_OUTPUT_DIR: "out",
      SITE_TITLE: "From env",
    });
    expect(config).toMatchObject({ url: "https://b.example.org", pathPrefix: "/digest/", contentDir: "/tmp/papers", outputDir: "out", title: "From env" });
  });

  it("refuses a cacheDir that is a file", () => {
    const root = project();
    expect(() => loadSiteConfig(root, { SITE_CACHE_DIR: "content/site.json" })).not.toThrow(); // no file there yet
    writeFileSync(path.join(root, "content", "site.json"), "{}");
    expect(() => loadSiteConfig(root, { SITE_CACHE_DIR: "content/site.json" })).toThrow(
      'site config: "cacheDir" is "content/site.json", a file, not a folder: the build cache needs a folder of its own, such as ".cache"',
    );
  });

  it("reads the file named by SITE_CONFIG instead", () => {
    const root = project(JSON.stringify({ title: "Default file" }));
    writeFileSync(path.join(root, "other.json"), JSON.stringify({ title: "Other file" }));
    expect(loadSiteConfig(root, { SITE_CONFIG: "other.json" }).title).toBe("Other file");
  });

  it("names the file when its JSON is broken", () => {
    const root = project("{ title: oops");
    expect(() => loadSiteConfig(root, {})).toThrow(/^content\/site\.json: /);
  });
});

describe("links", () => {
  it.each([
    ["/", "/", "/"],
    ["/", "/date/2026-02-16/", "/date/2026-02-16/"],
    ["/", "assets/site.css", "/assets/site.css"],
    ["/digest/", "/", "/digest/"],
    ["/digest/", "/date/2026-02-16/", "/digest/date/2026-02-16/"],
    ["/digest/", "//archive/", "/digest/archive/"],
  ])("sitePath with prefix %s: %s -> %s", (pathPrefix, target, expected) => {
    expect(sitePath({ pathPrefix }, target)).toBe(expected);
  });

  it("makes absolute URLs from the site URL and the prefix", () => {
    expect(absoluteUrl({ url: "https://x.example.org", pathPrefix: "/" }, "/papers/2509.25149/")).toBe("https://x.example.org/papers/2509.25149/");
    expect(absoluteUrl({ url: "https://x.example.org", pathPrefix: "/digest/" }, "/")).toBe("https://x.example.org/digest/");
  });
});

describe("a wrong site configuration on the command line", () => {
  let site: FixtureSite | undefined;
  afterEach(() => site?.cleanup());

  // It used to end each command with Node's report of an uncaught error: the throwing source line, then the message.
  it("ends check, build, verify and dev with one line naming the command, and exit 1", () => {
    site = fixtureSite({ "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16" }) });
    for (const script of ["check.ts", "build.ts", "verify.ts", "dev.ts"]) {
      const result = site.run(script, [], { SITE_URL: "digest.example.org\n::error::forged", PORT: "0" });
      const command = `npm run ${script.replace(".ts", "")}`;
      expect(result.status, result.stdout + result.stderr).toBe(1);
      expect(result.stderr.trim()).toBe(`${command}: site config: "url" must be an absolute http(s) URL, got "digest.example.org\\n::error::forged"`);
    }
    expect(site.exists("index.html")).toBe(false);
  }, 120_000);
});

describe("a paper folder that does not exist", () => {
  let site: FixtureSite | undefined;
  afterEach(() => site?.cleanup());

  // A fork that deleted every example paper has no folder left in git and builds a site without papers; a misspelt
  // contentDir looks the same, and used to publish an empty site without a word.
  it("builds a site without papers and says so, naming the folder, in build and in check", () => {
    site = fixtureSite({ "2026-02-16/a.md": paper({ title: "Alpha", arxiv: "2602.00001", date: "2026-02-16" }) });
    const misspelt = { SITE_CONTENT_DIR: path.join(site.dir, "content", "paperz") };
    const warning = `content/paperz: ${missingFolder}`;
    const build = site.build(misspelt);
    expect(build.status, build.stdout + build.stderr).toBe(0);
    expect(build.stdout + build.stderr).toContain(warning);
    expect(build.stdout).toContain("Built 0 papers");
    expect(site.read("index.html")).not.toContain("Alpha");
    // Said again on the next build, not hidden behind "Nothing changed".
    const again = site.build(misspelt);
    expect(again.stdout + again.stderr).toContain(warning);
    const check = site.check(misspelt);
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout + check.stderr).toContain(warning);
    // The folder that exists: no warning.
    const right = site.build();
    expect(right.stdout + right.stderr).not.toContain(missingFolder);
    expect(site.read("index.html")).toContain("Alpha");
  }, 120_000);
});
