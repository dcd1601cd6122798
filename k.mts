import { readFileSync } from "node:fs";
import { renderMarkdown, renderInlineMarkdown } from "./src/markdown/markdown.ts";
import { abstractMarkdown } from "./src/content/new-paper.ts";
const recs = readFileSync("/work/shared/data/real-abstracts/dev.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l));
const names = new Map<string, string[]>();
for (const r of recs) for (const p of [...renderMarkdown(abstractMarkdown(r.abstract)).problems, ...renderInlineMarkdown(r.title.replace(/\s+/g, " ")).problems]) {
  const k = p.undefinedMacro ?? p.message.slice(0, 50);
  names.set(k, [...(names.get(k) ?? []), r.arxiv + " " + p.tex.slice(0, 60).replace(/\n/g, " ")]);
}
for (const [k, v] of [...names].sort((a, b) => b[1].length - a[1].length)) console.log(v.length, k, "|", v[0]);
