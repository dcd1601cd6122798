import { readFileSync } from "node:fs";
import * as cheerio from "cheerio";
import { renderMarkdown } from "./src/markdown/markdown.ts";
const shape = (html: string) => {
  const $ = cheerio.load(html, null, false);
  const tex = (el: any) => $(el).find('annotation[encoding="application/x-tex"]').first().text();
  $(".katex-display").each((_, el) => void $(el).replaceWith(`⟦${tex(el)}⟧`));
  $(".katex").each((_, el) => void $(el).replaceWith(`⟨${tex(el)}⟩`));
  return $.html().trim();
};
for (const line of readFileSync("/tmp/i10/cases.txt", "utf8").trim().split("\n")) {
  const c = line.replace(/\\n/g, "\n");
  const r = renderMarkdown(c);
  console.log("    " + JSON.stringify([c, shape(r.html)]) + ",", r.problems.length ? JSON.stringify(r.problems.map((p) => p.message)) : "");
}
