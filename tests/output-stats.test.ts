import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkOutputInWorker } from "../src/cache/output-check.ts";
import { compareOutput, outputStats, sameOutput } from "../src/cache/output-stats.ts";
import { readManifestOnce, writeManifest } from "../src/cache/pages.ts";

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

const put = (rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(root!, rel)), { recursive: true });
  writeFileSync(path.join(root!, rel), text);
};
/** Lets the clock move past the folders' change times. */
const later = () => new Promise((resolve) => setTimeout(resolve, 30));
const noMargin = { racyMarginNs: 0n };

describe("the output folder's stats", () => {
  function site() {
    root = mkdtempSync(path.join(tmpdir(), "digest-output-"));
    put("index.html", "home");
    put("papers/a/index.html", "a");
    put("papers/b/index.html", "b");
    return root;
  }

  it("finds a file added, deleted, renamed, edited or touched in a folder it trusts", async () => {
    const dir = site();
    await later();
    const recorded = outputStats(dir, noMargin);
    expect(Object.keys(recorded.files).sort()).toEqual(["index.html", "papers/a/index.html", "papers/b/index.html"]);
    await later();
    expect(sameOutput(dir, recorded, noMargin)).toBe(true);
    const at = (rel: string) => path.join(root!, rel);
    const changes: [string, () => void][] = [
      ["added", () => writeFileSync(at("papers/a/stray.html"), "x")],
      ["deleted", () => rmSync(at("papers/a/index.html"))],
      ["renamed", () => renameSync(at("papers/a/index.html"), at("papers/a/other.html"))],
      ["edited", () => writeFileSync(at("papers/a/index.html"), "A")],
      ["touched", () => utimesSync(at("papers/a/index.html"), new Date(2001, 0, 1), new Date(2001, 0, 1))],
      ["added in a new folder", () => put("papers/a/sub/x.html", "x")],
    ];
    for (const [what, change] of changes) {
      rmSync(root!, { recursive: true });
      site();
      await later();
      const before = outputStats(root!, noMargin);
      await later();
      change();
      expect(sameOutput(root!, before, noMargin), what).toBe(false);
    }
  });

  it("lists only folders that changed since they were recorded, trusting what it recorded of the others", async () => {
    const dir = site();
    await later();
    const recorded = outputStats(dir, noMargin);
    await later();
    writeFileSync(path.join(dir, "papers/b/stray.html"), "x");
    // A record that left out papers/a's page: a folder that did not change is not listed, so the page is not found.
    const { "papers/a/index.html": _, ...files } = recorded.files;
    const now = outputStats(dir, { previous: { files, folders: recorded.folders }, ...noMargin });
    expect(Object.keys(now.files).sort()).toEqual(["index.html", "papers/b/index.html", "papers/b/stray.html"]);
    // With the racy margin, folders changed a moment ago are always listed.
    const racy = outputStats(dir, { previous: { files, folders: outputStats(dir).folders } });
    expect(Object.keys(racy.files)).toContain("papers/a/index.html");
  });

  it("records the stats the caller took of a file (a page the build checked), so an edit made since is found next time", async () => {
    const dir = site();
    await later();
    const checked = outputStats(dir, noMargin);
    await later();
    // Edited after the build checked it, keeping its size: the record must not vouch for the new bytes.
    writeFileSync(path.join(dir, "papers/a/index.html"), "A");
    const known = new Map([["papers/a/index.html", checked.files["papers/a/index.html"]!]]);
    const recorded = outputStats(dir, { known, ...noMargin });
    expect(recorded.files["papers/a/index.html"]).toEqual(checked.files["papers/a/index.html"]);
    expect(Object.keys(recorded.files).sort()).toEqual(["index.html", "papers/a/index.html", "papers/b/index.html"]);
    await later();
    expect(sameOutput(dir, recorded, noMargin)).toBe(false);
  });

  it("compares the output with its record in place: what changed, in trusted and racy folders alike", async () => {
    const dir = site();
    put("papers/b/sub/c.html", "c");
    await later();
    const exact = outputStats(dir, noMargin);
    // papers/ recorded racy, as after a build that took it over (src/cache/manifest-update.ts): listed every time.
    const racy = { files: exact.files, folders: { ...exact.folders, papers: "racy" } };
    await later();
    expect(compareOutput(dir, exact, noMargin)).toEqual({ same: true, changed: new Set(), changedFolders: new Set() });
    expect(compareOutput(dir, racy, noMargin)).toEqual({ same: true, changed: new Set(), changedFolders: new Set(["papers"]) });
    // An empty folder added holds no file: still the same files, as a walk of the output finds.
    mkdirSync(path.join(dir, "papers/empty"));
    expect(compareOutput(dir, racy, noMargin).same).toBe(true);
    // A page in a new folder of a folder recorded racy.
    put("papers/new/index.html", "n");
    expect(compareOutput(dir, racy, noMargin)).toMatchObject({ same: false, changed: new Set() });
    rmSync(path.join(dir, "papers/new"), { recursive: true });
    // A folder replaced by a file: its recorded files and folders are named, for the page plan of a build that goes on.
    rmSync(path.join(dir, "papers/b"), { recursive: true });
    writeFileSync(path.join(dir, "papers/b"), "b");
    const replaced = compareOutput(dir, exact, noMargin);
    expect(replaced.same).toBe(false);
    expect([...(replaced.changed ?? [])].sort()).toEqual(["papers/b/index.html", "papers/b/sub/c.html"]);
    expect([...(replaced.changedFolders ?? [])].sort()).toEqual(["papers", "papers/b", "papers/b/sub"]);
  });

  it("deletes the files it is told to drop, and lists their folder next time", async () => {
    const dir = site();
    writeFileSync(path.join(dir, "papers/a/stray.html"), "x");
    await later();
    const stats = outputStats(dir, { drop: (file) => file.endsWith("stray.html"), ...noMargin });
    expect(readdirSync(path.join(dir, "papers/a"))).toEqual(["index.html"]);
    expect(stats.folders["papers/a"]).toBe("racy");
    expect(stats.folders["papers/b"]).not.toBe("racy");
  });

  it("checks the output against the page manifest on a worker thread, as on this one", async () => {
    const dir = site();
    // Past the racy margin (2 s): the worker, which uses it, finds the folders that did not change as recorded.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const file = path.join(dir, "..", `${path.basename(dir)}-pages.json`);
    writeManifest(file, { output: dir, pages: {}, site: "s", inputs: "i", ...outputStats(dir, noMargin) });
    try {
      await later();
      const first = checkOutputInWorker(file, dir, 0)!;
      const checked = await first.check;
      expect(checked?.manifest).toEqual({ output: dir, site: "s", inputs: "i" });
      expect(await checked?.same).toBe(true);
      first.stop();
      writeFileSync(path.join(dir, "papers/b/index.html"), "B");
      const second = checkOutputInWorker(file, dir, 0)!;
      expect(await (await second.check)?.same).toBe(false);
      second.stop();
      // Which recorded files are not as recorded, for the page plan of a build that goes on (src/build.ts), and of
      // which manifest file.
      rmSync(path.join(dir, "papers/a/index.html"));
      const third = checkOutputInWorker(file, dir, 0)!;
      const changed = await (await third.check)?.changed;
      third.stop();
      expect(changed?.identity).toBe(readManifestOnce(file).identity);
      expect([...(changed?.changes.files ?? [])].sort()).toEqual(["papers/a/index.html", "papers/b/index.html"]);
      // Deleting a file changes its folder; editing one does not.
      expect([...(changed?.changes.folders ?? [])]).toEqual(["papers/a"]);
      expect(checkOutputInWorker(file, dir)).toBeUndefined(); // a small manifest: checked on the calling thread
    } finally {
      rmSync(file, { force: true });
    }
  });
});
