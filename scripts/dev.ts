// `npm run dev` / `npm start`: build, serve on http://localhost:8080 (PORT to change), rebuild when content or layouts change.
import Eleventy from "@11ty/eleventy";
import { loadSiteConfig } from "../src/site.ts";

const site = loadSiteConfig(process.cwd());
const port = Number(process.env.PORT ?? 8080);
const eleventy = new Eleventy("layouts", site.outputDir, { configPath: ".eleventy.ts", runMode: "serve", source: "cli" });
await eleventy.init();
const rebuild = await eleventy.watch();
// Eleventy 3 does not rebuild when a file is deleted (11ty/eleventy#2798, fixed in 4.0): a removed paper would stay on
// the home, day and search pages until something else changed.
eleventy.watcher.on("unlink", (file) => void rebuild(file));
await eleventy.serve(port);
process.on("SIGINT", async () => {
  await eleventy.stopWatch();
  process.exit(0);
});
