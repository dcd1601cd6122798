// The benchmark moves the folders it replaces aside and deletes them only at the end (scripts/bench/set-aside.ts).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { inodeRecencyMs, outwaitDeletions, SetAside } from "../scripts/bench/set-aside.ts";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("SetAside", () => {
  it("moves folders aside with what they hold, skips one that is not there, and deletes them all when emptied", () => {
    dir = mkdtempSync(path.join(tmpdir(), "set-aside-"));
    const output = path.join(dir, "site", "dist");
    mkdirSync(path.join(output, "papers"), { recursive: true });
    writeFileSync(path.join(output, "papers", "index.html"), "first");
    const aside = new SetAside(path.join(dir, "aside"));
    aside.move(output);
    aside.move(path.join(dir, "missing"));
    expect(existsSync(output)).toBe(false);
    mkdirSync(output);
    writeFileSync(path.join(output, "index.html"), "second");
    aside.move(output);
    expect(readdirSync(path.join(dir, "aside")).sort()).toEqual(["0", "1"]);
    expect(readFileSync(path.join(dir, "aside", "0", "papers", "index.html"), "utf8")).toBe("first");
    expect(readFileSync(path.join(dir, "aside", "1", "index.html"), "utf8")).toBe("second");
    aside.empty();
    expect(readdirSync(dir)).toEqual(["site"]);
  });
});

describe("outwaitDeletions", () => {
  it("returns at once when nothing was deleted or the deletions are older than the kernel's window", async () => {
    const started = performance.now();
    await outwaitDeletions(undefined);
    await outwaitDeletions(Date.now() - inodeRecencyMs - 1);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("waits out the rest of the window after a recent deletion", async () => {
    const started = performance.now();
    await outwaitDeletions(Date.now() - inodeRecencyMs + 300);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });
});
