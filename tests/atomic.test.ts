import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { splitAdoptable } from "../src/output/adopt.ts";
import { keepOutput, recoverInterruptedBuilds, trashDeleted, writeAtomically } from "../src/output/atomic.ts";
import { repoRoot } from "./helpers/site.ts";

/** Writes `files` (relative path -> text) under `dir`. */
function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
}

/** Every file under `dir` with its text, by relative `/`-separated path. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full).split(path.sep).join("/")] = readFileSync(full, "utf8");
  }
  return out;
}

/** The id of a process that has ended: what a crashed build leaves in its folders' names. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;

/** Polls `check` until it holds or 10 s pass; returns its last answer. */
async function eventually(check: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return check();
}

describe("writeAtomically", () => {
  let root: string;
  let out: string;
  const entries = () => readdirSync(root).sort();
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "digest-atomic-"));
    out = path.join(root, "dist");
  });
  afterEach(async () => {
    await trashDeleted(out, 10_000);
    rmSync(root, { recursive: true, force: true });
  });

  it("swaps the new output in whole, and leaves the previous one to a background process to delete", async () => {
    await writeAtomically(out, async (temp) => writeFiles(temp, { "index.html": "one", "gone/index.html": "old page" }));
    const result = await writeAtomically(out, async (temp) => {
      writeFiles(temp, { "index.html": "two" });
      return 42;
    });
    expect(result).toBe(42);
    expect(contents(out)).toEqual({ "index.html": "two" });
    // Beside it, at most the previous output, named after the process deleting it: another one than this.
    for (const name of entries().filter((n) => n !== "dist")) {
      const [, pid] = /^dist\.trash-(\d+)$/.exec(name) ?? [];
      expect(pid, name).toBeDefined();
      expect(Number(pid)).not.toBe(process.pid);
    }
    expect(await trashDeleted(out, 10_000)).toBe(true);
    expect(entries()).toEqual(["dist"]);
  });

  it("leaves the previous output as it was when the write fails", async () => {
    await writeAtomically(out, async (temp) => writeFiles(temp, { "index.html": "one" }));
    await expect(
      writeAtomically(out, async (temp) => {
        writeFiles(temp, { "index.html": "half" });
        throw new Error("page failed");
      }),
    ).rejects.toThrow("page failed");
    expect(contents(out)).toEqual({ "index.html": "one" });
    expect(entries()).toEqual(["dist"]);
  });

  it("swaps nothing and removes its temporary folder when the write finds the output already right", async () => {
    await writeAtomically(out, async (temp) => writeFiles(temp, { "index.html": "one" }));
    const result = await writeAtomically(out, async (temp) => {
      writeFiles(temp, { "index.html": "two", "search/meta.ix": "half an index" });
      return keepOutput;
    });
    expect(result).toBe(keepOutput);
    expect(contents(out)).toEqual({ "index.html": "one" });
    expect(await trashDeleted(out, 10_000)).toBe(true);
    expect(entries()).toEqual(["dist"]);
  });

  it("cleans up what runs that died left beside the output, and leaves running processes' folders alone", async () => {
    await writeAtomically(out, async (temp) => writeFiles(temp, { "index.html": "one" }));
    const dead = deadPid();
    // A build killed mid-way, one killed between the swap's renames (dist/ was back by then), and a killed deleter.
    for (const kind of ["tmp", "old", "trash"]) writeFiles(`${out}.${kind}-${dead}`, { "index.html": kind, "a/b.html": kind });
    const running = `dist.trash-${process.pid}`;
    writeFiles(path.join(root, running), { "index.html": "still being deleted" });
    await writeAtomically(out, async (temp) => writeFiles(temp, { "index.html": "two" }));
    expect(contents(out)).toEqual({ "index.html": "two" });
    expect(await eventually(() => entries().join() === ["dist", running].join())).toBe(true);
    rmSync(path.join(root, running), { recursive: true });
  });

  it("puts the previous output back when a build died between the swap's two renames", () => {
    writeFiles(`${out}.old-${deadPid()}`, { "index.html": "previous" });
    recoverInterruptedBuilds(out);
    expect(contents(out)).toEqual({ "index.html": "previous" });
    expect(entries()).toEqual(["dist"]);
  });

  it("lets the build's process exit as soon as the output is swapped in", async () => {
    const script = path.join(root, "swap.mts");
    const atomic = path.join(repoRoot, "src", "output", "atomic.ts");
    writeFileSync(
      script,
      `import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { writeAtomically } from ${JSON.stringify(atomic)};
const out = ${JSON.stringify(out)};
const fill = (text: string) => async (temp: string) => {
  for (let i = 0; i < 2000; i++) {
    mkdirSync(temp + "/d" + (i % 50), { recursive: true });
    writeFileSync(temp + "/d" + (i % 50) + "/" + i + ".html", text);
  }
};
await writeAtomically(out, fill("one"));
await writeAtomically(out, fill("two"));
console.log(JSON.stringify({ pid: process.pid, beside: readdirSync(${JSON.stringify(root)}) }));
`,
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const { pid, beside } = JSON.parse(run.stdout) as { pid: number; beside: string[] };
    for (const name of beside.filter((n) => n.startsWith("dist."))) expect(name).not.toBe(`dist.trash-${pid}`);
    expect(Object.keys(contents(out))).toHaveLength(2000);
    expect(new Set(Object.values(contents(out)))).toEqual(new Set(["two"]));
    expect(await trashDeleted(out, 10_000)).toBe(true);
    expect(entries()).toEqual(["dist", "swap.mts"]);
  });
});

describe("writeAtomically adopting folders of the previous output", () => {
  let root: string;
  let out: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "digest-adopt-"));
    out = path.join(root, "dist");
  });
  afterEach(async () => {
    await trashDeleted(out, 10_000);
    rmSync(root, { recursive: true, force: true });
  });
  const previous = {
    "index.html": "home 1",
    "papers/a/index.html": "a 1",
    "papers/b/index.html": "b 1",
    "papers/c/index.html": "c 1 (deleted since)",
    "papers/e/index.html": "e 1",
    "papers/e/extra.html": "e's second page, reused too",
  };
  const build = (temp: string) => writeFiles(temp, { "index.html": "home 2", "papers/b/index.html": "b 2", "papers/d/index.html": "d 2" });
  const reused = ["papers/a/index.html", "papers/e/index.html", "papers/e/extra.html"];

  it("keeps the kept entries as they were, takes this build's entries, and drops the others", async () => {
    await writeAtomically(out, async (temp) => writeFiles(temp, previous));
    const { adoptions, link } = splitAdoptable(reused, ["papers"], out);
    const [adoption] = adoptions;
    expect(link).toEqual([]);
    await writeAtomically(out, async (temp) => build(temp), { adopt: { adoptions, reused } });
    expect(contents(out)).toEqual({
      "index.html": "home 2",
      "papers/a/index.html": "a 1",
      "papers/b/index.html": "b 2",
      "papers/d/index.html": "d 2",
      "papers/e/index.html": "e 1",
      "papers/e/extra.html": "e's second page, reused too",
    });
    expect([...adoption!.adopted!].sort()).toEqual(["a", "e"]);
    expect(await trashDeleted(out, 10_000)).toBe(true);
    expect(readdirSync(root)).toEqual(["dist"]);
  });

  it("leaves the previous output whole when the build fails, and when it is killed while adopting", async () => {
    await writeAtomically(out, async (temp) => writeFiles(temp, previous));
    const failed = splitAdoptable(reused, ["papers"], out).adoptions;
    await expect(writeAtomically(out, async () => Promise.reject(new Error("no")), { adopt: { adoptions: failed, reused } })).rejects.toThrow("no");
    expect(contents(out)).toEqual(previous);
    // Killed (SIGKILL) after the folder was moved and the first entry of this build put in its place.
    const script = path.join(root, "killed.mts");
    writeFileSync(
      script,
      `import { mkdirSync, writeFileSync } from "node:fs";
import { writeAtomically } from ${JSON.stringify(path.join(repoRoot, "src", "output", "atomic.ts"))};
import { splitAdoptable } from ${JSON.stringify(path.join(repoRoot, "src", "output", "adopt.ts"))};
const reused = ${JSON.stringify(reused)};
const [adoption] = splitAdoptable(reused, ["papers"], ${JSON.stringify(out)}).adoptions;
// Asked once per entry this build wrote, then once per entry of the moved folder: dies at the first of those.
let asked = 0;
const keep = { has: (name: string) => (++asked > 2 ? process.kill(process.pid, "SIGKILL") : adoption!.keep.has(name)) };
await writeAtomically(${JSON.stringify(out)}, async (temp) => {
  for (const [file, text] of Object.entries({ "index.html": "home 2", "papers/b/index.html": "b 2", "papers/d/index.html": "d 2" })) {
    mkdirSync(temp + "/" + file.slice(0, file.lastIndexOf("/") + 1), { recursive: true });
    writeFileSync(temp + "/" + file, text);
  }
}, { adopt: { adoptions: [{ ...adoption!, keep: keep as unknown as Set<string> }], reused } });
`,
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
    expect(run.signal, run.stderr).toBe("SIGKILL");
    expect(existsSync(path.join(out, "papers"))).toBe(false);
    recoverInterruptedBuilds(out);
    // Every page of the previous output, and the new paper's page that was already in place (no page links to it).
    expect(contents(out)).toEqual({ ...previous, "papers/d/index.html": "d 2" });
    expect(await trashDeleted(out, 10_000)).toBe(true);
    expect(readdirSync(root).sort()).toEqual(["dist", "killed.mts"]);
  });

  // A site's day and tag folders besides its paper folders, each adopted as the paper folders are.
  const site = {
    ...previous,
    "date/d1/index.html": "day 1",
    "date/d2/index.html": "day 2 (rendered again)",
    "tags/t/index.html": "tag t 1",
    "tags/t/feed.xml": "tag t's feed, reused",
    "tags/u/index.html": "tag u 1 (gone since)",
  };
  const siteBuild: Record<string, string> = {
    "index.html": "home 2",
    "papers/b/index.html": "b 2",
    "papers/d/index.html": "d 2",
    "date/d2/index.html": "day 2 again",
    "date/d3/index.html": "day 3",
    "tags/t/index.html": "tag t 2",
  };
  const siteReused = [...reused, "date/d1/index.html", "tags/t/feed.xml"];

  it("adopts several folders at once, each as it adopts one", async () => {
    await writeAtomically(out, async (temp) => writeFiles(temp, site));
    const { adoptions, link } = splitAdoptable(siteReused, ["papers", "date", "week", "tags"], out);
    expect(link).toEqual([]);
    expect(adoptions.map((adoption) => adoption.folder)).toEqual(["papers", "date", "tags"]);
    await writeAtomically(out, async (temp) => writeFiles(temp, siteBuild), { adopt: { adoptions, reused: siteReused } });
    expect(contents(out)).toEqual({
      ...siteBuild,
      "papers/a/index.html": "a 1",
      "papers/e/index.html": "e 1",
      "papers/e/extra.html": "e's second page, reused too",
      "date/d1/index.html": "day 1",
      "tags/t/feed.xml": "tag t's feed, reused",
    });
    expect(adoptions.map((adoption) => [...adoption.adopted!].sort())).toEqual([["a", "e"], ["d1"], []]);
    expect(adoptions.map((adoption) => [...adoption.rendered!].sort())).toEqual([["b", "d"], ["d2", "d3"], ["t"]]);
    expect(await trashDeleted(out, 10_000)).toBe(true);
    expect(readdirSync(root)).toEqual(["dist"]);
  });

  it("does not take over as it is a folder holding a page the build no longer has", async () => {
    await writeAtomically(out, async (temp) => writeFiles(temp, { ...site, "tags/t/page/2/index.html": "tag t's second page (gone since)" }));
    // Tag t lost its second page; its first page and feed are unchanged (a layout whose first page does not show the count).
    const reusedNow = [...siteReused, "tags/t/index.html"];
    const { adoptions, link } = splitAdoptable(reusedNow, ["papers", "date", "tags"], out, ["tags/t/page/2/index.html", "papers/c/index.html"]);
    expect(adoptions.find((adoption) => adoption.folder === "tags")).toBeUndefined();
    expect(link.sort()).toEqual(["tags/t/feed.xml", "tags/t/index.html"]);
    const { "tags/t/index.html": _, ...written } = siteBuild;
    await writeAtomically(
      out,
      async (temp) => {
        writeFiles(temp, written);
        for (const file of link) {
          mkdirSync(path.dirname(path.join(temp, file)), { recursive: true });
          writeFileSync(path.join(temp, file), readFileSync(path.join(out, file)));
        }
      },
      { adopt: { adoptions, reused: reusedNow } },
    );
    expect(existsSync(path.join(out, "tags/t/page"))).toBe(false);
    expect(contents(out)["tags/t/index.html"]).toBe("tag t 1");
  });

  it("puts every adopted folder back when killed while adopting the second", async () => {
    await writeAtomically(out, async (temp) => writeFiles(temp, site));
    const script = path.join(root, "killed.mts");
    writeFileSync(
      script,
      `import { mkdirSync, writeFileSync } from "node:fs";
import { writeAtomically } from ${JSON.stringify(path.join(repoRoot, "src", "output", "atomic.ts"))};
import { splitAdoptable } from ${JSON.stringify(path.join(repoRoot, "src", "output", "adopt.ts"))};
const reused = ${JSON.stringify(siteReused)};
const adoptions = splitAdoptable(reused, ["papers", "date"], ${JSON.stringify(out)}).adoptions;
// The day folder's entries are asked for once per entry this build wrote there (d2, d3), then once per entry of the
// moved folder: dies at the first of those, once the paper folder was adopted whole and the day folder moved.
let asked = 0;
const days = adoptions[1]!;
const keep = { has: (name: string) => (++asked > 2 ? process.kill(process.pid, "SIGKILL") : days.keep.has(name)) };
await writeAtomically(${JSON.stringify(out)}, async (temp) => {
  for (const [file, text] of Object.entries(${JSON.stringify(siteBuild)})) {
    mkdirSync(temp + "/" + file.slice(0, file.lastIndexOf("/") + 1), { recursive: true });
    writeFileSync(temp + "/" + file, text);
  }
}, { adopt: { adoptions: [adoptions[0]!, { ...days, keep: keep as unknown as Set<string> }], reused } });
`,
    );
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
    expect(run.signal, run.stderr).toBe("SIGKILL");
    expect(existsSync(path.join(out, "papers"))).toBe(false);
    expect(existsSync(path.join(out, "date"))).toBe(false);
    recoverInterruptedBuilds(out);
    // Every page of the previous output; pages of this build already in place under new names stay (no page links to them).
    expect(contents(out)).toEqual({ ...site, "papers/d/index.html": "d 2", "date/d3/index.html": "day 3" });
    expect(await trashDeleted(out, 10_000)).toBe(true);
    expect(readdirSync(root).sort()).toEqual(["dist", "killed.mts"]);
  });

  it("puts a folder back from a build of earlier code that adopted one folder", async () => {
    await writeAtomically(out, async (temp) => writeFiles(temp, previous));
    // What that build left when killed: the folder moved into its temporary folder, its own page b put in place and the
    // previous one displaced, noted as {"folder": "papers"} with the entries directly in entries/.
    const dead = deadPid();
    const temp = `${out}.tmp-${dead}`;
    const displaced = `${out}.displaced-${dead}`;
    mkdirSync(temp);
    mkdirSync(path.join(displaced, "entries"), { recursive: true });
    writeFileSync(path.join(displaced, "folder.json"), JSON.stringify({ folder: "papers" }));
    renameSync(path.join(out, "papers"), path.join(temp, "papers"));
    renameSync(path.join(temp, "papers", "b"), path.join(displaced, "entries", "b"));
    writeFiles(path.join(temp, "papers", "b"), { "index.html": "b 2" });
    recoverInterruptedBuilds(out);
    expect(contents(out)).toEqual(previous);
    expect(await trashDeleted(out, 10_000)).toBe(true);
    expect(readdirSync(root)).toEqual(["dist"]);
  });
});
