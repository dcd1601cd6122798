// Dev server figures: how long `npm run dev` takes to start, how long after a new paper file is written its page is
// served, how long until the rest of the site is up to date, and the peak memory of its process tree.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Corpus } from "./corpus.ts";
import { trackTree } from "./measure.ts";
import { freePort } from "../../tests/helpers/free-port.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function page(url: string): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url);
    return { status: response.status, text: await response.text() };
  } catch {
    return { status: 0, text: "" };
  }
}

/** What measureDev found. */
export interface DevFigures {
  /** From starting the process to the site being served (first build done, server listening). */
  startMs: number;
  /** Per new paper: from writing its file to its page answering 200 with its title. */
  servedMs: number[];
  /** Per new paper: from writing its file to the rebuild of the rest of the site (day pages, feeds, search) ending. */
  updatedMs: number[];
  /** Peak resident memory of the dev server's process tree over the whole session, bytes. */
  peakRss: number;
}

/**
 * Starts `scripts/dev.ts` on the corpus (with `nodeFlags`, those of `npm run dev`), waits until it serves, then
 * `samples` times writes a new paper file and polls its page every 20 ms, and waits for the rebuild that follows to
 * end before the next file. Removes the files it wrote.
 */
export async function measureDev(options: {
  repo: string;
  env: NodeJS.ProcessEnv;
  nodeFlags: string[];
  contentDir: string;
  corpus: Corpus;
  samples: number;
  log: (line: string) => void;
}): Promise<DevFigures> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...options.nodeFlags, path.join(options.repo, "scripts", "launch.mjs"), path.join(options.repo, "scripts", "dev.ts")], {
    cwd: options.repo,
    env: { ...options.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const tree = trackTree(child.pid!);
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const builds = () => output.match(/^Built \d+ papers/gm)?.length ?? 0;
  const written: string[] = [];
  const figures: DevFigures = { startMs: 0, servedMs: [], updatedMs: [], peakRss: 0 };
  const mb = () => `${(tree.peakRss() / 2 ** 30).toFixed(2)} GiB peak so far`;
  try {
    while (!output.includes("Server at")) {
      if (child.exitCode !== null) throw new Error(`dev server exited:\n${output.slice(-3000)}`);
      await sleep(50);
    }
    figures.startMs = performance.now() - started;
    options.log(`  started (first build done, serving) after ${s(figures.startMs)} s; ${mb()}`);
    options.log(`  ${output.split("\n").find((line) => line.startsWith("Built ")) ?? ""}`);
    const [dir, name] = options.corpus.extra.file.split("/") as [string, string];
    const baseId = name.replace(/\.md$/, "");
    for (let i = 0; i < options.samples; i++) {
      // Ids past the corpus's last one in the same month: "2012.00307" -> "2012.90307", "2012.90308"...
      const id = `${baseId.slice(0, 5)}${String(90000 + Number(baseId.slice(5)) + i).padStart(5, "0")}`;
      const title = `Benchmark paper number ${i + 1} of the dev server`;
      const text = options.corpus.extra.text.replace(`arxiv: "${baseId}"`, `arxiv: "${id}"`).replace(/^title: .*$/m, `title: "${title}"`);
      const file = path.join(options.contentDir, dir, `${id}.md`);
      const url = `http://127.0.0.1:${port}/papers/${id}/`;
      const before = builds();
      const t0 = performance.now();
      writeFileSync(file, text);
      written.push(file);
      for (;;) {
        const { status, text: html } = await page(url);
        if (status === 200 && html.includes(title)) break;
        if (child.exitCode !== null) throw new Error(`dev server exited:\n${output.slice(-3000)}`);
        if (performance.now() - t0 > 600_000) throw new Error(`${url} not served after 10 minutes`);
        await sleep(20);
      }
      figures.servedMs.push(performance.now() - t0);
      while (builds() <= before) {
        if (child.exitCode !== null) throw new Error(`dev server exited:\n${output.slice(-3000)}`);
        await sleep(20);
      }
      figures.updatedMs.push(performance.now() - t0);
      options.log(`  paper ${i + 1}: page served after ${s(figures.servedMs.at(-1)!)} s, site updated after ${s(figures.updatedMs.at(-1)!)} s; ${mb()}`);
      for (const kind of ["Served ", "Built "]) options.log(`    ${output.trimEnd().split("\n").filter((line) => line.startsWith(kind)).at(-1) ?? ""}`);
    }
  } finally {
    figures.peakRss = tree.stop().peakRss;
    if (child.pid) process.kill(-child.pid, "SIGTERM");
    for (const file of written) rmSync(file, { force: true });
  }
  return figures;
}

function s(ms: number): string {
  return (ms / 1000).toFixed(2);
}
