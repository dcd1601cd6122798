import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import type { SourceFile } from "../src/content/load.ts";
import { compact, decodeResults, processFile, type EncodedResults } from "../src/render/pool.ts";
import { compileBundle, upToDateBundle, workerBundle } from "../src/workers/bundle.ts";
import { paper, realAbstracts } from "./helpers/site.ts";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Starts `file` as a worker, sends it `message` and resolves with its first reply. */
function reply<T>(file: string, message: unknown): Promise<T> {
  const worker = new Worker(file);
  return new Promise<T>((resolve, reject) => {
    worker.once("message", (value: T) => {
      resolve(value);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.postMessage(message);
  });
}

describe("compiled worker entries", () => {
  it("are used only while every file they were compiled from is unchanged, and keep each module's own import.meta.url", async () => {
    // Inside the repository, as the worker entries are (packages resolve from its node_modules).
    dir = mkdtempSync(path.join(repoRoot, "tests", ".bundle-"));
    const entry = path.join(dir, "entry.ts");
    const dep = path.join(dir, "dep.ts");
    writeFileSync(
      entry,
      'import { parentPort } from "node:worker_threads";\nimport { value, where } from "./dep.ts";\n' +
        'const text: string = "import.meta.url stays text";\n' +
        "parentPort!.on(\"message\", () => parentPort!.postMessage({ value, where, entry: import.meta.url, text }));\n",
    );
    writeFileSync(dep, "export const value: number = 1;\nexport const where = import.meta.url;\n");
    expect(upToDateBundle(entry)).toBeUndefined();
    const first = await compileBundle(entry);
    expect(first).toBeDefined();
    expect(upToDateBundle(entry)).toBe(first);
    expect(await reply(first!, "go")).toEqual({
      value: 1,
      where: pathToFileURL(dep).href,
      entry: pathToFileURL(entry).href,
      text: "import.meta.url stays text",
    });
    // Files of entries that moved or were deleted go once a week old, when another entry is compiled.
    const folder = path.dirname(first!);
    const stale = path.join(folder, "0000000000000000-stale.mjs");
    const recent = path.join(folder, "0000000000000000-recent.mjs");
    writeFileSync(stale, "");
    writeFileSync(recent, "");
    const eightDays = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000);
    utimesSync(stale, eightDays, eightDays);
    // An edit to an imported module, even one that keeps its size, makes the compiled file out of date.
    writeFileSync(dep, readFileSync(dep, "utf8").replace("= 1;", "= 2;"));
    expect(upToDateBundle(entry)).toBeUndefined();
    const second = await compileBundle(entry);
    expect(second).not.toBe(first);
    expect([existsSync(stale), existsSync(recent)]).toEqual([false, true]);
    rmSync(recent);
    expect(await reply<{ value: number }>(second!, "go")).toMatchObject({ value: 2 });
    // A deleted input too.
    rmSync(dep);
    expect(upToDateBundle(entry)).toBeUndefined();
  });

  it("are looked for again when the file this process used was deleted since (pruned by another process)", async () => {
    dir = mkdtempSync(path.join(repoRoot, "tests", ".bundle-"));
    const entry = path.join(dir, "entry.ts");
    writeFileSync(entry, 'import { parentPort } from "node:worker_threads";\nparentPort!.on("message", () => parentPort!.postMessage("ok"));\n');
    const first = await compileBundle(entry);
    expect(workerBundle(pathToFileURL(entry))).toBe(first);
    rmSync(first!);
    // Its record names a file that is gone: none is up to date, and one is compiled again for the next thread.
    expect(workerBundle(pathToFileURL(entry))).toBeUndefined();
    await expect.poll(() => workerBundle(pathToFileURL(entry)), { timeout: 30_000 }).toBeDefined();
    expect(await reply(workerBundle(pathToFileURL(entry))!, "go")).toBe("ok");
  });

  it("start from their compiled file in a process run with V8 heap flags, tsx and --input-type", async () => {
    const entry = new URL("../src/output/page-writer-worker.ts", import.meta.url);
    const bundle = upToDateBundle(fileURLToPath(entry)) ?? (await compileBundle(fileURLToPath(entry)));
    expect(bundle).toBeDefined();
    // The page writer's thread answers `close` with the hashes of what it wrote: nothing here.
    const code = `
      const { workerBundle } = await import(${JSON.stringify(path.join(repoRoot, "src/workers/bundle.ts"))});
      const { startTypeScriptWorker } = await import(${JSON.stringify(path.join(repoRoot, "src/workers/typescript-worker.ts"))});
      const entry = new URL(${JSON.stringify(entry.href)});
      const worker = startTypeScriptWorker(entry);
      worker.postMessage({ queued: new Int32Array(new SharedArrayBuffer(4)) });
      worker.postMessage({ close: true });
      worker.once("message", (reply) => { console.log(JSON.stringify({ bundle: workerBundle(entry), reply })); worker.terminate(); });`;
    const run = spawnSync(process.execPath, ["--max-old-space-size=512", "--stack-size=900", "--import", "tsx", "--input-type=module", "-e", code], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ bundle, reply: { hashes: [] } });
  });

  it("typeset real abstracts exactly as the modules do on this thread", async () => {
    const entry = fileURLToPath(new URL("../src/render/worker.ts", import.meta.url));
    const bundle = upToDateBundle(entry) ?? (await compileBundle(entry));
    expect(bundle).toBeDefined();
    const records = realAbstracts
      ? readFileSync(realAbstracts, "utf8").split("\n").filter(Boolean).slice(0, 300).map((line) => JSON.parse(line) as { title: string; abstract: string })
      : [{ title: "Bounds in $\\mathcal{O}(n)$", abstract: "We show $$\\sum_i x_i$$ and Müller’s $x^2$." }];
    const files: SourceFile[] = records.map((record, i) => ({
      file: `content/papers/2026-02-16/p${i}.md`,
      text: paper({ arxiv: `2602.${String(i + 1).padStart(5, "0")}`, title: record.title }, record.abstract),
    }));
    files.push({ file: "content/papers/2026-02-16/broken.md", text: paper({ arxiv: "2602.99999" }, "Broken $\\frac{1}{$ math.") });
    const encoded = await reply<EncodedResults>(bundle!, { files });
    const results = decodeResults(encoded).map(({ paperJson: _, ...result }) => result);
    expect(results).toEqual(files.map((file) => compact(processFile(file))));
    expect(results.filter((result) => result.rendered).length).toBeGreaterThan(files.length / 2);
  });
});
