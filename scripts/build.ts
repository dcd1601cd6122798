// `npm run build`: validate, then build the whole site into a temporary folder and swap it in only when complete.
// First: before anything imports Eleventy (see the module).
import "../src/eleventy/one-build.ts";
import { buildSite } from "../src/build.ts";
import { siteConfigMessage } from "../src/cli/site-config.ts";

const result = await buildSite({ root: process.cwd() }).catch((error: unknown) => {
  const message = siteConfigMessage("npm run build", error);
  if (message === undefined) throw error;
  console.error(message);
  return { ok: false };
});
// Exits as soon as what was printed is out, rather than once the event loop drains: leaving on its own, Node tears
// down each thread's heap first (0.2 s of a build that adds a paper at 100,000 papers, whose heap holds them all).
// Nothing is left running by then: buildSite has written the site and the caches, and the search index's worker
// and the output check only wait to be stopped.
process.stdout.write("", () => process.stderr.write("", () => process.exit(result.ok ? 0 : 1)));
