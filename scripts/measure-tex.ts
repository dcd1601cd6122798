// `npm run measure:tex -- FILE.jsonl`: how real abstracts fare. Each record ({arxiv, title, authors, abstract,
// category, date}) is written as a paper file by the writer `npm run new` uses, the folder is checked and typeset as
// `npm run check` does (cold), and the script prints the share refused, the share whose page shows TeX source as text
// (see src/markdown/tex-as-text.ts for the definition), the share that passes with warnings (a macro nobody defined,
// shown as its name: passing, but counted apart) and the commonest causes left, warnings included.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { commandArgs } from "../src/cli/args.ts";
import { paperFilePath, paperFileText, type NewPaper } from "../src/content/new-paper.ts";
import { texInText, texShownAsText, type TexFound } from "../src/markdown/tex-as-text.ts";
import { checkContent } from "../src/pipeline.ts";
import { resolveSiteConfig } from "../src/site.ts";

const usage = "Usage: npm run measure:tex -- FILE.jsonl [--top 10] [--examples N] [--keep]";
const { positionals, values } = commandArgs(
  "measure:tex",
  usage,
  { top: { type: "string", default: "10" }, examples: { type: "string", default: "0" }, keep: { type: "boolean" } },
  { allowPositionals: true },
);
if (positionals.length !== 1) {
  console.error(`npm run measure:tex: give one FILE.jsonl\n\n${usage}`);
  process.exit(2);
}
const file = positionals[0]!;
const records = readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

const root = mkdtempSync(path.join(os.tmpdir(), "measure-tex-"));
const config = resolveSiteConfig({ contentDir: "content/papers", cacheDir: ".cache", outputDir: "dist" });
const contentDir = path.join(root, config.contentDir);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const byFile = new Map<string, string>();
for (const r of records) {
  const arxiv = str(r.arxiv)?.replace(/v\d+$/, "");
  const date = /^\d{4}-\d{2}-\d{2}$/.test(str(r.date) ?? "") ? str(r.date)! : "2026-01-01";
  const paper: NewPaper = {
    title: str(r.title) ?? "", date, arxiv, authors: Array.isArray(r.authors) ? r.authors.map(String) : [],
    category: str(r.category), abstract: str(r.abstract),
  };
  const target = paperFilePath(contentDir, paper);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, paperFileText(paper));
  byFile.set(path.relative(root, target).split(path.sep).join("/"), arxiv ?? "?");
}

const started = performance.now();
const cpuStarted = process.cpuUsage();
const { papers, problems, warnings } = checkContent(root, config);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

const causes = new Map<string, { count: number; example: string }>();
const count = (cause: string, example: string) => {
  const c = causes.get(cause) ?? { count: 0, example };
  c.count++;
  causes.set(cause, c);
};
// Group messages by their shape: quoted TeX and numbers vary from paper to paper.
const shape = (message: string) =>
  /^\\[A-Za-z]+ is not defined/.test(message)
    ? "a macro is not defined (the message names it and the line to add under macros:)"
    : message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, "N");
const refused = new Set(problems.map((p) => p.file));
for (const f of refused) {
  const first = problems.find((p) => p.file === f)!;
  count(`refused: ${first.field}: ${shape(first.message)}`, `${f}:${first.line}: ${first.message}`);
}
let shown = 0;
const shownFiles = new Set<string>();
for (const p of papers) {
  if (refused.has(p.source.file)) continue;
  const where: [string, TexFound | undefined][] = [
    ["title", texShownAsText(p.titleHtml)], ["abstract", texShownAsText(p.abstractHtml)], ["<title>", texInText(p.titleText)],
  ];
  const hit = where.find(([, piece]) => piece);
  if (!hit) continue;
  shown++;
  shownFiles.add(p.source.file);
  const piece = hit[1]!.piece.replace(/^\\begin\{.*/, "\\begin");
  count(`TeX as text in the ${hit[0]}: ${piece}`, `${p.source.file}: …${hit[1]!.context}…`);
}

// A paper that passes with warnings and shows no TeX as text is counted once, under its first warning.
const warned = new Set(warnings.map((p) => p.file).filter((f) => !refused.has(f)));
for (const f of warned) {
  if (shownFiles.has(f)) continue;
  const first = warnings.find((p) => p.file === f)!;
  count(`passes with a warning: ${first.field}: ${shape(first.message)}`, `${f}:${first.line}: ${first.message}`);
}
const total = records.length;
const pct = (n: number) => `${((100 * n) / total).toFixed(2)}%`;
const good = total - refused.size - shown;
console.log(`${file}: ${total} papers (checked and typeset cold in ${seconds.toFixed(1)} s, ${cpuSeconds.toFixed(1)} s CPU)`);
console.log(`  refused by npm run check:      ${refused.size} (${pct(refused.size)})`);
console.log(`  pass but show TeX as text:     ${shown} (${pct(shown)})`);
console.log(`  pass and show no TeX as text:  ${good} (${pct(good)})`);
const warnedGood = [...warned].filter((f) => !shownFiles.has(f)).length;
console.log(`    of which with warnings:      ${warnedGood} (${pct(warnedGood)}; passing, the page readable, a warning to fix)`);
const top = [...causes].sort((a, b) => b[1].count - a[1].count).slice(0, Number(values.top));
if (top.length) console.log(`\n${top.length} commonest causes left:`);
for (const [cause, { count: n, example }] of top) {
  console.log(`  ${String(n).padStart(5)}  ${cause}`);
  if (Number(values.examples) > 0) console.log(`         e.g. ${example}`);
}
if (values.keep) console.log(`\nFiles kept in ${root}`);
else rmSync(root, { recursive: true, force: true });
if (process.env.MEASURE_TEX_DUMP) {
  for (const p of papers) {
    if (refused.has(p.source.file)) continue;
    const hit = texShownAsText(p.abstractHtml) ?? texShownAsText(p.titleHtml);
    if (hit && hit.piece.startsWith(process.env.MEASURE_TEX_DUMP)) console.log(`${byFile.get(p.source.file)}: …${hit.context}…`);
  }
}
