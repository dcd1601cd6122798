// Dev-server latency: how long after a new paper file is written its page is served by `npm run dev`.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Corpus } from "./corpus.ts";
import { freePort } from "../../tests/helpers/free-port.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function status(url: string): Promise<number> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/**
 * Starts `scripts/dev.ts` on the corpus, waits for the first build, then `samples` times writes a new paper file and
 * polls its page every 20 ms; returns the milliseconds from writing the file to the page answering 200.
 */
export async function measureDevLatency(options: {
  repo: string;
  env: NodeJS.ProcessEnv;
  contentDir: string;
  corpus: Corpus;
  samples: number;
  log: (line: string) => void;
}): Promise<number[]> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(options.repo, "scripts", "dev.ts")], {
    cwd: options.repo,
    env: { ...options.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const builds = () => output.match(/Wrote \d+ files/g)?.length ?? 0;
  const written: string[] = [];
  const latencies: number[] = [];
  try {
    const started = performance.now();
    while (builds() < 1 || !output.includes("Server at")) {
      if (child.exitCode !== null) throw new Error(`dev server exited:\n${output.slice(-3000)}`);
      await sleep(100);
    }
    options.log(`  first build served after ${((performance.now() - started) / 1000).toFixed(2)} s`);
    // The file watcher scans the content folder after the first build; a file written during that scan is not news.
    await sleep(5000);
    const [dir, name] = options.corpus.extra.file.split("/") as [string, string];
    const baseId = name.replace(/\.md$/, "");
    for (let i = 0; i < options.samples; i++) {
      // Ids past the corpus's last one in the same month: "2012.00307" -> "2012.90307", "2012.90308"...
      const id = `${baseId.slice(0, 5)}${String(90000 + Number(baseId.slice(5)) + i).padStart(5, "0")}`;
      const file = path.join(options.contentDir, dir, `${id}.md`);
      const before = builds();
      const text = options.corpus.extra.text.replace(`arxiv: "${baseId}"`, `arxiv: "${id}"`);
      const t0 = performance.now();
      writeFileSync(file, text);
      written.push(file);
      const url = `http://127.0.0.1:${port}/papers/${id}/`;
      while ((await status(url)) !== 200) {
        if (performance.now() - t0 > 600_000) throw new Error(`${url} not served after 10 minutes`);
        await sleep(20);
      }
      latencies.push(performance.now() - t0);
      options.log(`  sample ${i + 1}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      // Let that rebuild (search index included) finish before the next file.
      while (builds() <= before) await sleep(50);
      await sleep(2000);
    }
  } finally {
    if (child.pid) process.kill(-child.pid, "SIGTERM");
    for (const file of written) rmSync(file, { force: true });
  }
  return latencies;
}
