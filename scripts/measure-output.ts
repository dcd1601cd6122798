// `npm run measure:output -- [DIR]`: what a built site (default: the configured output folder, dist/) weighs per part
// and per paper (the papers counted from its papers/ folder), against the target of 10 KB a paper (issue 15).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { commandArgs } from "../src/cli/args.ts";
import { formatOutputSize, measureOutput } from "../src/measure/output-size.ts";

const { positionals } = commandArgs("measure:output", "Usage: npm run measure:output -- [DIR]", {}, { allowPositionals: true });
const dir = path.resolve(positionals[0] ?? process.env.SITE_OUTPUT_DIR ?? "dist");
if (!existsSync(path.join(dir, "papers"))) {
  console.error(`${dir}: no papers/ folder: build the site first (npm run build), or name a built site's folder`);
  process.exit(2);
}
const papers = readdirSync(path.join(dir, "papers"), { withFileTypes: true }).filter((e) => e.isDirectory()).length;
console.log(`Output size per part: ${dir}, ${papers} papers`);
console.log(formatOutputSize(measureOutput(dir), Math.max(1, papers)));
