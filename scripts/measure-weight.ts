// Prints what the built site (default: dist/, after `npm run build`) weighs where readers feel it: the site's CSS and
// the largest day page, gzipped, and every render-blocking script (failing on any but the theme script). npm run measure:weight [-- --site DIR]
import path from "node:path";
import { commandArgs } from "../src/cli/args.ts";
import { gzipSize, measureSiteWeight, themeScript } from "../src/measure/weight.ts";
import { loadSiteConfig } from "../src/site.ts";
import { readFileSync } from "node:fs";

const { values } = commandArgs("measure:weight", "Usage: npm run measure:weight [-- --site DIR]", { site: { type: "string" } });
const config = loadSiteConfig();
const dir = path.resolve(values.site ?? config.outputDir);
const weight = measureSiteWeight(dir);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

for (const css of weight.css) {
  const note = css.file.endsWith("site.css") ? "every page; target <= 10 KB gzipped" : "loaded when the reader first searches";
  console.log(`${css.file}: ${kb(css.bytes)}, ${kb(css.gzip)} gzipped (${note})`);
}
if (weight.largestDay) {
  const day = weight.largestDay;
  console.log(`${day.file}: ${day.papers} papers, ${kb(day.bytes)} HTML, ${kb(day.gzip)} gzipped (target <= 60 KB gzipped for 45 papers)`);
}
const prefix = config.pathPrefix;
// The theme script blocks rendering on purpose (it must run before the first paint), within its byte budget.
let failed = false;
const blocking = weight.blocking.map((script) => {
  const relative = script.src.startsWith(prefix) ? script.src.slice(prefix.length) : script.src;
  const bytes = readFileSync(path.join(dir, relative));
  const allowed = relative === themeScript.path && bytes.length <= themeScript.bytes;
  if (!allowed) failed = true;
  const note = allowed ? `, the saved theme before the first paint: allowed up to ${themeScript.bytes} bytes` : "";
  return `${script.src} (${bytes.length} bytes, ${kb(gzipSize(bytes))} gzipped, on ${script.pages} pages${note})`;
});
console.log(blocking.length === 0 ? "render-blocking scripts: none" : `render-blocking scripts: ${blocking.join(", ")}`);
process.exitCode = failed ? 1 : 0;
