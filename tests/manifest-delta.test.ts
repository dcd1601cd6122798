// The page manifest is written whole only now and then: a build records what changed in a delta file beside it
// (src/cache/manifest-delta.ts). Whatever was written last is what is read, a delta that is not of the manifest file
// there is ignored, and a large delta makes the manifest be written whole again.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { manifestIdentity, readManifest, readManifestOnce, readOutputRecord, writeManifest, type PageManifest } from "../src/cache/pages.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A manifest of `n` papers' pages, files and folders, as a complete build records them. */
function manifest(n: number, change: (m: PageManifest) => void = () => {}): PageManifest {
  const m: PageManifest = { output: "/site/dist", pages: {}, files: {}, folders: { "": "1", papers: "2" }, site: `site-${n}`, inputs: "inputs" };
  for (let i = 0; i < n; i++) {
    m.pages[`papers/p${i}/index.html`] = [`key${i}`, 100 + i, `${1000 + i}`, `hash${i}`];
    m.files![`papers/p${i}/index.html`] = [100 + i, `${1000 + i}`];
    m.folders![`papers/p${i}`] = `${2000 + i}`;
  }
  change(m);
  return m;
}

describe("page manifest delta", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "manifest-delta-"));
  dirs.push(dir);
  const file = path.join(dir, "pages.json");

  it("writes what changed beside the manifest file, and reads the manifest as it was last written", () => {
    writeManifest(file, manifest(100));
    const whole = readFileSync(file);
    const identity = manifestIdentity(file);
    expect(readManifestOnce(file).identity).toBe(identity);
    const first = manifest(101, (m) => {
      delete m.pages["papers/p5/index.html"];
      delete m.files!["papers/p5/index.html"];
      m.pages["papers/p7/index.html"] = ["edited", 1, "2", "3"];
      m.folders![""] = "racy";
    });
    writeManifest(file, first, readManifest(file));
    expect(readFileSync(file).equals(whole)).toBe(true); // the manifest file is not written again
    expect(existsSync(`${file}.delta`)).toBe(true);
    expect(readFileSync(`${file}.delta`).length).toBeLessThan(whole.length / 20);
    expect(readManifest(file)).toEqual(first);
    expect(manifestIdentity(file)).not.toBe(identity);
    expect(readManifestOnce(file).identity).toBe(manifestIdentity(file));

    // A second delta holds the first's changes too; a page added back, one removed and a section's value changed.
    const second = manifest(102, (m) => {
      m.pages["papers/p7/index.html"] = ["edited", 1, "2", "3"];
      delete m.pages["papers/p9/index.html"];
      delete m.site;
    });
    writeManifest(file, second, readManifest(file));
    expect(readFileSync(file).equals(whole)).toBe(true);
    expect(readManifest(file)).toEqual(second);
  });

  it("ignores a delta that is not of the manifest file there, and writes the manifest whole when the delta grows large", () => {
    writeManifest(file, manifest(100));
    const read = readManifest(file);
    writeManifest(file, manifest(101), read);
    expect(readManifest(file)).toEqual(manifest(101));
    // The manifest file replaced (another build wrote it whole, a killed one did not delete the delta after).
    writeFileSync(`${file}.keep`, readFileSync(`${file}.delta`));
    writeManifest(file, manifest(50));
    expect(existsSync(`${file}.delta`)).toBe(false);
    writeFileSync(`${file}.delta`, readFileSync(`${file}.keep`));
    expect(readManifest(file)).toEqual(manifest(50));
    // A manifest read before the file was replaced is not the base of a delta: written whole.
    writeManifest(file, manifest(60), read);
    expect(readManifest(file)).toEqual(manifest(60));
    expect(existsSync(`${file}.delta`)).toBe(false);
    // Changes to more than an eighth of the entries: written whole.
    const before = statSync(file).ino;
    writeManifest(file, manifest(80), readManifest(file));
    expect(existsSync(`${file}.delta`)).toBe(false);
    expect(statSync(file).ino).not.toBe(before);
    expect(readManifest(file)).toEqual(manifest(80));
    // A manifest without a file list (a dev server's) is written whole too.
    const pagesOnly = { output: "/site/dist", pages: manifest(80).pages };
    writeManifest(file, pagesOnly, readManifest(file));
    expect(existsSync(`${file}.delta`)).toBe(false);
    expect(readManifest(file)).toEqual(pagesOnly);
    // A damaged delta is ignored.
    writeFileSync(`${file}.delta`, "{ not json");
    expect(readManifest(file)).toEqual(pagesOnly);
  });

  it("reads the output's record without the pages, with the delta, as the whole manifest reads it", () => {
    writeManifest(file, manifest(100));
    const next = manifest(101, (m) => {
      delete m.files!["papers/p3/index.html"];
      m.folders!["papers/p4"] = "racy";
    });
    writeManifest(file, next, readManifest(file));
    expect(existsSync(`${file}.delta`)).toBe(true);
    const { pages, ...record } = next;
    const read = readOutputRecord(file);
    expect(read.manifest).toEqual(record);
    expect(pages).not.toEqual({});
    expect(read.identity).toBe(readManifestOnce(file).identity);
    // One line a part, the pages last: the lines before them are all a reader of the record parses.
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines).toHaveLength(4);
    expect(Object.keys(JSON.parse(lines[3]!))).toContain("papers/p0/index.html");
  });

  it("reads a manifest written whole by earlier code, and none from a file with a part missing or damaged", () => {
    rmSync(`${file}.delta`, { force: true });
    writeFileSync(file, JSON.stringify(manifest(10)));
    expect(readManifest(file)).toEqual(manifest(10));
    const { pages: _, ...record } = manifest(10);
    expect(readOutputRecord(file).manifest).toEqual(record);
    writeManifest(file, manifest(10));
    const lines = readFileSync(file, "utf8").split("\n");
    writeFileSync(file, lines.slice(0, 3).join("\n"));
    expect(readManifest(file)).toBeUndefined();
    expect(readOutputRecord(file).manifest).toBeUndefined();
    writeFileSync(file, [...lines.slice(0, 3), lines[3]!.slice(0, -1)].join("\n"));
    expect(readManifest(file)).toBeUndefined();
    // The output's record does not read the pages: only a damaged part it reads makes it none.
    expect(readOutputRecord(file).manifest).toBeDefined();
    writeFileSync(file, [lines[0], lines[1]!.slice(1), ...lines.slice(2)].join("\n"));
    expect(readOutputRecord(file).manifest).toBeUndefined();
  });

  it("keeps output paths that are also names of object properties", () => {
    writeManifest(file, manifest(100));
    const odd = manifest(100, (m) => {
      Object.defineProperty(m.folders, "__proto__", { value: "5", enumerable: true, writable: true, configurable: true });
      m.folders!["constructor"] = "6";
    });
    writeManifest(file, odd, readManifest(file));
    expect(existsSync(`${file}.delta`)).toBe(true);
    const back = readManifest(file)!;
    expect(Object.hasOwn(back.folders!, "__proto__")).toBe(true);
    expect(back.folders!["constructor"]).toBe("6");
    expect(Object.getPrototypeOf(back.folders)).toBe(Object.prototype);
  });
});
