// What a built site weighs, split into the parts a reader or a crawler loads: paper pages, day pages, week and month
// pages, tag and organization lists, the other pages, feeds, the search index, the sitemap and the assets. Used by
// `npm run bench` ("Output size per part") to see where the bytes per paper go (issue 15: at most 10 KB a paper).
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

export const outputParts = [
  "paper pages",
  "day pages",
  "week and month pages",
  "tag pages",
  "organization pages",
  "home, archive and other pages",
  "feeds",
  "search index",
  "sitemap",
  "assets",
] as const;
export type OutputPart = (typeof outputParts)[number];

/** The part one output file belongs to, from its path relative to the output folder (`/` separators). */
export function partOf(relative: string): OutputPart {
  const file = relative.split(path.sep).join("/");
  const top = file.split("/")[0]!;
  // Feeds anywhere (the site's, and each tag's and organization's): RSS, Atom, JSON Feed, the daily digest.
  if (/(^|\/)(feed\.xml|atom\.xml|feed\.json|digest\.xml)$/.test(file)) return "feeds";
  if (/^sitemap[^/]*\.xml$/.test(file) || file === "robots.txt") return "sitemap";
  if (top === "assets") return "assets";
  if (top === "search") return file === "search/index.html" ? "home, archive and other pages" : "search index";
  if (top === "papers") return "paper pages";
  if (top === "date") return "day pages";
  if (top === "week" || top === "month") return "week and month pages";
  if (top === "tags") return "tag pages";
  if (top === "organizations") return "organization pages";
  return "home, archive and other pages";
}

export interface PartSize {
  part: OutputPart;
  bytes: number;
  files: number;
}

export interface OutputSize {
  parts: PartSize[];
  bytes: number;
  files: number;
}

/** Sizes of every part of the output folder `dir` (every part listed, empty ones with zeros). */
export function measureOutput(dir: string): OutputSize {
  const sizes = new Map<OutputPart, PartSize>(outputParts.map((part) => [part, { part, bytes: 0, files: 0 }]));
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) {
        const size = sizes.get(partOf(child))!;
        size.bytes += statSync(path.join(dir, child)).size;
        size.files++;
      }
    }
  };
  walk("");
  const parts = [...sizes.values()];
  return { parts, bytes: parts.reduce((sum, p) => sum + p.bytes, 0), files: parts.reduce((sum, p) => sum + p.files, 0) };
}

/** A Markdown table of `size` for a site of `papers` papers, and the total per paper against `targetKbPerPaper`. */
export function formatOutputSize(size: OutputSize, papers: number, targetKbPerPaper = 10): string {
  const kb = (bytes: number) => bytes / 1024;
  const share = (bytes: number) => (size.bytes ? ((100 * bytes) / size.bytes).toFixed(1) : "0.0");
  const lines = [
    "| part | MB | files | KB per paper | share |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...size.parts.map((p) =>
      `| ${p.part} | ${(p.bytes / 2 ** 20).toFixed(2)} | ${p.files} | ${(kb(p.bytes) / papers).toFixed(2)} | ${share(p.bytes)}% |`),
    `| total | ${(size.bytes / 2 ** 20).toFixed(2)} | ${size.files} | ${(kb(size.bytes) / papers).toFixed(2)} | 100% |`,
  ];
  const perPaper = kb(size.bytes) / papers;
  lines.push(
    "",
    `Total ${perPaper.toFixed(2)} KB per paper against the target of at most ${targetKbPerPaper} KB ` +
      `(${perPaper <= targetKbPerPaper ? "met" : "NOT met"}): ${((perPaper * 10_000) / 1024).toFixed(0)} MB at 10,000 papers, ` +
      `${((perPaper * 100_000) / 2 ** 20).toFixed(2)} GB at 100,000 at this rate.`,
  );
  return lines.join("\n");
}
