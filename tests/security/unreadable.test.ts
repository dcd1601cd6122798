// File and folder names that are not UTF-8, and files or folders that cannot be read, are `path: message` problems:
// they once crashed check and build with a stack trace.
import * as fs from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { fixtureSite } from "../helpers/site.ts";
import { checkFiles, paperText } from "./check.ts";

// Reading a file or folder named "locked..." fails as it does without permission (tests may run as root, for whom
// permissions do not stop reading).
vi.mock("node:fs", async (original) => {
  const real = await original<typeof import("node:fs")>();
  const denied = (p: fs.PathLike) => {
    if (String(p).includes(`${path.sep}locked`)) throw Object.assign(new Error(`EACCES: permission denied, open '${String(p)}'`), { code: "EACCES" });
  };
  return {
    ...real,
    readFileSync: ((p: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      if (typeof p !== "number") denied(p as fs.PathLike);
      return (real.readFileSync as (...args: unknown[]) => unknown)(p, ...rest);
    }) as typeof real.readFileSync,
    // A first build opens each file and reads it through the descriptor (src/content/load.ts): denied at the open.
    openSync: ((p: fs.PathLike, ...rest: unknown[]) => {
      denied(p);
      return (real.openSync as (...args: unknown[]) => unknown)(p, ...rest);
    }) as typeof real.openSync,
    readdirSync: ((p: fs.PathLike, ...rest: unknown[]) => {
      denied(p);
      return (real.readdirSync as (...args: unknown[]) => unknown)(p, ...rest);
    }) as typeof real.readdirSync,
  };
});

const P = "content/papers";
const valid = (id: string) => paperText().replace("2601.00001", id);

describe("unreadable files and folders", () => {
  it("are problems; the other papers are still checked", () => {
    const result = checkFiles({ "2026-02-16/locked.md": valid("2601.00002"), "locked-day/x.md": valid("2601.00003"), "2026-02-16/ok.md": valid("2601.00004") });
    expect(result.problems).toEqual([
      `${P}/2026-02-16/locked.md: cannot be read (EACCES): check the file's permissions`,
      `${P}/locked-day: cannot be read (EACCES): check the file's permissions`,
    ]);
    expect(result.papers.map((p) => p.id)).toEqual(["2601.00004"]);
  });
});

describe("names that are not UTF-8", () => {
  it("npm run check reports the file and the folder, without a stack trace", () => {
    const site = fixtureSite({ "2026-02-16/ok.md": valid("2601.00002") });
    try {
      const dir = Buffer.from(path.join(site.contentDir, "2026-02-16") + path.sep);
      // Latin-1 "é" (0xE9) is not UTF-8.
      fs.writeFileSync(Buffer.concat([dir, Buffer.from("caf"), Buffer.from([0xe9]), Buffer.from(".md")]), valid("2601.00003"));
      const folder = Buffer.concat([Buffer.from(site.contentDir + path.sep), Buffer.from([0xff, 0x61])]);
      fs.mkdirSync(folder);
      fs.writeFileSync(Buffer.concat([folder, Buffer.from(`${path.sep}x.md`)]), valid("2601.00004"));
      const check = site.check();
      expect(check.stdout).toBe(
        `${P}/2026-02-16/caf\uFFFD.md: the name is not valid UTF-8 text: rename it\n` +
          `${P}/\uFFFDa: the name is not valid UTF-8 text: rename it\n\n2 problems in 2 files.\n`,
      );
      expect(check.stderr).not.toMatch(/\n\s+at /);
      expect(check.status).toBe(1);
    } finally {
      site.cleanup();
    }
  });
});
