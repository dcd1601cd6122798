import { readFileSync } from "node:fs";
import { renderMarkdown } from "./src/markdown/markdown.ts";
import { abstractMarkdown } from "./src/content/new-paper.ts";
const recs = readFileSync("/work/shared/data/real-abstracts/dev.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l));
let t = performance.now();
let n = 0;
for (const r of recs) n += renderMarkdown(abstractMarkdown(r.abstract)).formulas;
console.log("render", (performance.now() - t) / 1000, n);
