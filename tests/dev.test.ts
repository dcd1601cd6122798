// The dev server's parts on their own (tests/dev-server.test.ts runs the whole server): a paper's page placed ahead
// of the build, and the folder watcher.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { placesOf } from "../src/dev/build.ts";
import EleventyDevServer from "@11ty/eleventy-dev-server";
import { placePaper } from "../src/dev/page.ts";
import { answerGoneFilesWith404 } from "../src/dev/server.ts";
import { watchPaths, type FolderWatcher } from "../src/dev/watch.ts";
import { groupDigest } from "../src/digest/group.ts";
import type { RenderedPaper } from "../src/markdown/paper.ts";

function rendered(id: string, date: string, upvotes: number, title: string): RenderedPaper {
  return {
    id, title, date, authors: ["A"], authorCount: 1, upvotes, tags: [], links: {}, body: "b",
    source: { file: `content/papers/${date}/${id}.md`, titleLine: 2, bodyLine: 8 },
    slug: id, titleHtml: title, titleText: title, abstractHtml: "<p>b</p>",
    text: { title, body: "b" },
    abstractText: "b",
  };
}

describe("placePaper", () => {
  it("gives a new or edited paper the neighbours the full grouping gives it", () => {
    const paperArb = fc.record({
      date: fc.constantFrom("2026-01-01", "2026-01-02", "2026-01-05", "2025-12-31"),
      upvotes: fc.integer({ min: 0, max: 3 }),
      title: fc.constantFrom("Alpha", "beta", "Gamma", "alpha", "Zeta"),
    });
    fc.assert(
      fc.property(fc.array(paperArb, { minLength: 1, maxLength: 12 }), fc.nat(), paperArb, (fields, pick, edit) => {
        const papers = fields.map((f, i) => rendered(`p${String(i).padStart(2, "0")}`, f.date, f.upvotes, f.title));
        const before = groupDigest(papers.map((p) => ({ ...p })));
        // A new paper (not in the last build) and an edited one (its file in the last build, with other fields).
        const fresh = rendered("new", edit.date, edit.upvotes, edit.title);
        const target = papers[pick % papers.length]!;
        const edited = { ...rendered(target.id, edit.date, edit.upvotes, edit.title), source: target.source };
        for (const paper of [fresh, edited]) {
          const after = groupDigest([...papers.filter((p) => p.source.file !== paper.source.file), paper].map((p) => ({ ...p })));
          const expected = after.paperPages.find((page) => page.paper.id === paper.id)!;
          const placed = placePaper(placesOf(before.papers), paper);
          expect({ prev: placed.prev, next: placed.next }).toEqual({ prev: expected.prev, next: expected.next });
        }
      }),
    );
  });
});

describe("watchPaths", () => {
  let dir = "";
  let watcher: FolderWatcher | undefined;
  afterEach(() => {
    watcher?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts watching; `seen()` resolves with every path reported once `count` batches came in. */
  function start(targets: Parameters<typeof watchPaths>[0]) {
    const batches: string[][] = [];
    watcher = watchPaths(targets, (paths) => batches.push(paths), { settleMs: 50 });
    const seen = async (wanted: string[]) => {
      const started = performance.now();
      while (!wanted.every((file) => batches.flat().includes(file))) {
        if (performance.now() - started > 10_000) throw new Error(`not reported: ${wanted.filter((f) => !batches.flat().includes(f)).join(", ")}; got ${JSON.stringify(batches)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return batches.flat();
    };
    return { seen, batches };
  }

  it("reports files written, replaced and removed in folders old and new, one watch per folder", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "digest-watch-"));
    const papers = path.join(dir, "content", "papers");
    mkdirSync(path.join(papers, "2026-02-16"), { recursive: true });
    writeFileSync(path.join(papers, "2026-02-16", "a.md"), "a");
    writeFileSync(path.join(papers, "2026-02-16", "b.md"), "b");
    const config = path.join(dir, "content", "site.json");
    writeFileSync(config, "{}");
    const { seen } = start([{ tree: papers }, { file: config }]);
    // Two folders of papers, and content/ for site.json alone: never one watch per file.
    expect(watcher!.folders).toBe(3);

    const edited = path.join(papers, "2026-02-16", "a.md");
    writeFileSync(edited, "a2");
    await seen([edited]);
    // A new folder with a file written into it at once, before its watch can have started.
    const fresh = path.join(papers, "2026-02-17", "c.md");
    mkdirSync(path.dirname(fresh));
    writeFileSync(fresh, "c");
    await seen([fresh]);
    const later = path.join(papers, "2026-02-17", "d.md");
    writeFileSync(later, "d");
    await seen([later]);
    // Replaced by rename, as editors save; and removed.
    writeFileSync(`${config}.tmp`, "{ }");
    renameSync(`${config}.tmp`, config);
    const gone = path.join(papers, "2026-02-16", "b.md");
    rmSync(gone);
    const all = await seen([config, gone]);
    // Other files beside site.json are not the watcher's business.
    expect(all).not.toContain(`${config}.tmp`);
    expect(watcher!.folders).toBe(4);
  });
});

describe("answerGoneFilesWith404", () => {
  it("answers 404 for a file removed between the dev server finding it and reading it, instead of throwing", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dev-gone-"));
    const server = EleventyDevServer.getServer("gone-test", dir, { logger: { info() {}, log() {}, error() {} } });
    try {
      const response = () => {
        const res = { statusCode: 200, headers: {} as Record<string, string>, body: "" };
        return Object.assign(res, {
          setHeader: (name: string, value: string) => void (res.headers[name.toLowerCase()] = value),
          getHeader: (name: string) => res.headers[name.toLowerCase()],
          end: (body?: string) => void (res.body = String(body ?? "")),
        });
      };
      const gone = path.join(dir, "search", "meta.ix");
      // Eleventy's own renderFile throws out of the request handler: the process would exit.
      expect(() => server.renderFile(gone, response() as never)).toThrow(/ENOENT/);
      answerGoneFilesWith404(server);
      const res = response();
      server.renderFile(gone, res as never);
      expect(res.statusCode).toBe(404);
      expect(res.body).toMatch(/^Not found/);
      // A file that is there is still served.
      writeFileSync(path.join(dir, "here.txt"), "here");
      const ok = response();
      server.renderFile(path.join(dir, "here.txt"), ok as never);
      expect([ok.statusCode, ok.body]).toEqual([200, "here"]);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
