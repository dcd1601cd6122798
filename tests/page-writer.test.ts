// src/output/page-writer.ts: pages written on the calling thread or a thread of their own, each hashed as written;
// a write that fails fails `close` and nothing is written after it; a renderer faster than the disk waits.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inlinePageWriter, queuedLimit, threadPageWriter, type PageWriter } from "../src/output/page-writer.ts";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

let dir: string;
beforeEach(() => void (dir = mkdtempSync(path.join(os.tmpdir(), "page-writer-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ["on a thread of their own", threadPageWriter],
  ["on the calling thread", inlinePageWriter],
] as [string, () => PageWriter][])("pages written %s", (_name, start) => {
  it("writes every page into folders it makes, and hashes the bytes written", async () => {
    const writer = start();
    const pages = new Map([
      [path.join(dir, "papers/a/index.html"), "<p>Größe: ∑ 𝑥</p>"],
      [path.join(dir, "papers/b/index.html"), Buffer.from("<p>bytes</p>")],
      [path.join(dir, "index.html"), ""],
    ] as [string, string | Buffer][]);
    for (const [file, content] of pages) writer.write(file, content);
    const { hashes } = await writer.close();
    expect([...hashes.keys()].sort()).toEqual([...pages.keys()].sort());
    for (const [file, content] of pages) {
      expect(readFileSync(file)).toEqual(Buffer.from(content));
      expect(hashes.get(file)).toBe(sha256(readFileSync(file)));
    }
  });

  it("rejects on the first write that fails and writes nothing after it", async () => {
    // A file where a page's folder should be.
    writeFileSync(path.join(dir, "papers"), "not a folder");
    const writer = start();
    writer.write(path.join(dir, "first.html"), "1");
    writer.write(path.join(dir, "papers/a/index.html"), "2");
    writer.write(path.join(dir, "after.html"), "3");
    await expect(writer.close()).rejects.toThrow(/papers/);
    expect(existsSync(path.join(dir, "first.html"))).toBe(true);
    expect(existsSync(path.join(dir, "after.html"))).toBe(false);
  });

  it("writes more than its queue holds, each page whole", async () => {
    const writer = start();
    const page = (i: number) => `${i}`.padEnd(queuedLimit / 8, "x");
    for (let i = 0; i < 24; i++) writer.write(path.join(dir, `p${i}/index.html`), page(i));
    const { hashes } = await writer.close();
    expect(hashes.size).toBe(24);
    for (let i = 0; i < 24; i++) expect(readFileSync(path.join(dir, `p${i}/index.html`), "utf8")).toBe(page(i));
  }, 60_000);
});
