// The README's own `npm run new` example works on a fresh clone: against the example content (which already holds
// some papers, so the example must not be one of them), with arXiv answering from a recorded response.
import { cpSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeApis, type FakeApis } from "./helpers/fake-apis.ts";
import { fixtureSite, repoRoot } from "./helpers/site.ts";

let api: FakeApis;
beforeAll(async () => {
  api = await startFakeApis();
});
afterAll(() => api.close());

it("the README's npm run new example writes a paper that passes npm run check", async () => {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const line = /^npm run new -- (--arxiv .+?)\s+#/m.exec(readme);
  expect(line, "README has an `npm run new -- --arxiv ...` example").not.toBeNull();
  const args = line![1]!.trim().split(/\s+/);
  const site = fixtureSite({});
  try {
    cpSync(path.join(repoRoot, "content", "papers"), site.contentDir, { recursive: true });
    const result = await site.start("new-paper.ts", [...args, "--date", "2026-02-16"], { ARXIV_API_URL: api.arxivUrl });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Wrote \S*content\/papers\/2026-02-16\/[\w.]+\.md$/m);
    const check = site.check();
    expect(check.status, check.stdout).toBe(0);
  } finally {
    site.cleanup();
  }
});
