// Shared by the adversarial suite: runs the real check (read -> validate -> typeset) over files in a throw-away folder.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { formatProblem } from "../../src/content/problems.ts";
import { checkContent } from "../../src/pipeline.ts";
import { resolveSiteConfig } from "../../src/site.ts";
import type { RenderedPaper } from "../../src/markdown/paper.ts";

/** A file's content, or a symbolic link to `target`. */
export type Entry = string | Uint8Array | { symlink: string } | { dir: true };

/** The front matter every valid case starts from; `extra` lines are appended before the closing `---`. */
export function paperText(extra = "", body = "An abstract."): string {
  return `---\ntitle: A paper\ndate: 2026-02-16\narxiv: "2601.00001"\nauthors: [Ada Lovelace]\n${extra}${extra ? "\n" : ""}---\n${body}\n`;
}

/** Runs `npm run check`'s pipeline on `files` (paths under content/papers/) and returns its lines and papers. */
export function checkFiles(files: Record<string, Entry>): { problems: string[]; warnings: string[]; papers: RenderedPaper[] } {
  const root = mkdtempSync(path.join(tmpdir(), "digest-security-"));
  try {
    const contentDir = path.join(root, "content", "papers");
    mkdirSync(contentDir, { recursive: true });
    for (const [rel, entry] of Object.entries(files)) {
      const full = path.join(contentDir, rel);
      mkdirSync(path.dirname(full), { recursive: true });
      if (typeof entry === "string" || entry instanceof Uint8Array) writeFileSync(full, entry);
      else if ("symlink" in entry) symlinkSync(entry.symlink, full);
      else mkdirSync(full, { recursive: true });
    }
    const { papers, problems, warnings } = checkContent(root, resolveSiteConfig({ contentDir: "content/papers" }));
    return { problems: problems.map(formatProblem), warnings: warnings.map(formatProblem), papers };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Checks one paper file at content/papers/2026-02-16/x.md. */
export function checkOne(text: string | Uint8Array): { problems: string[]; warnings: string[]; papers: RenderedPaper[] } {
  return checkFiles({ "2026-02-16/x.md": text });
}
