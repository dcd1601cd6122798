// Screenshots of the home page and a paper page, desktop (1280x900) and phone (390x844), light and dark, of a built
// site (default: dist/, after `npm run build`): npm run screenshots -- --out DIR [--site DIR] [--paper SLUG] [--full]
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { commandArgs } from "../src/cli/args.ts";
import { loadSiteConfig } from "../src/site.ts";
import { viewports } from "../src/measure/viewports.ts";
import { launchChromium } from "../tests/helpers/chromium.ts";
import { serveStatic } from "../tests/helpers/static-server.ts";

const usage = "Usage: npm run screenshots -- --out DIR [--site DIR] [--paper SLUG] [--full]";
const { values } = commandArgs("screenshots", usage, {
  out: { type: "string" }, site: { type: "string" }, paper: { type: "string" }, full: { type: "boolean", default: false },
});
if (!values.out) {
  console.error(`npm run screenshots: --out DIR is required\n\n${usage}`);
  process.exit(2);
}
const config = loadSiteConfig();
const siteDir = path.resolve(values.site ?? config.outputDir);
const papers = readdirSync(path.join(siteDir, "papers")).sort();
const paper = values.paper ?? papers[0];
if (!paper) throw new Error(`${siteDir}: no paper pages; run npm run build first`);
const out = path.resolve(values.out);
mkdirSync(out, { recursive: true });

const server = await serveStatic(siteDir, { mount: config.pathPrefix });
const browser = await launchChromium();
try {
  const pages = { home: "", paper: `papers/${paper}/` };
  for (const [name, target] of Object.entries(pages)) {
    for (const [width, viewport] of Object.entries(viewports)) {
      for (const colorScheme of ["light", "dark"] as const) {
        const context = await browser.newContext({ ...viewport, colorScheme });
        const page = await context.newPage();
        await page.goto(server.url + target);
        await page.evaluate(() => document.fonts.ready);
        const file = path.join(out, `${name}-${width}-${colorScheme}.png`);
        await page.screenshot({ path: file, fullPage: values.full });
        console.log(file);
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
