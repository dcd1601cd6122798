// Worker thread entry (started by src/cache/output-check.ts): the manifest's inputs first (the build may stop the
// worker there: a paper file changed), then whether the output folder still holds what the manifest recorded.
import { parentPort } from "node:worker_threads";
import { sameOutput } from "./output-stats.ts";
import { readManifest } from "./pages.ts";

parentPort?.once("message", ({ manifestFile, outputDir }: { manifestFile: string; outputDir: string }) => {
  const manifest = readManifest(manifestFile);
  parentPort?.postMessage({ manifest: manifest && { output: manifest.output, site: manifest.site, inputs: manifest.inputs } });
  parentPort?.postMessage({ same: !!manifest && sameOutput(outputDir, manifest) });
});
