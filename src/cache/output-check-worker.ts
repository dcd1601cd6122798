// Worker thread entry (started by src/cache/output-check.ts): the manifest's inputs first (the build may stop the
// worker there), then whether the output folder still holds what the manifest recorded, and which recorded files it
// does not hold as recorded (for the page plan and the manifest of a build that found a paper file changed).
import { parentPort } from "node:worker_threads";
import { compareOutput } from "./output-stats.ts";
import { readOutputRecord } from "./pages.ts";

parentPort?.once("message", ({ manifestFile, outputDir }: { manifestFile: string; outputDir: string }) => {
  const { manifest, identity } = readOutputRecord(manifestFile);
  parentPort?.postMessage({ manifest: manifest && { output: manifest.output, site: manifest.site, inputs: manifest.inputs } });
  const { same, changed, changedFolders } = manifest ? compareOutput(outputDir, manifest) : { same: false };
  const known = changed && changedFolders && identity !== undefined;
  parentPort?.postMessage({ same, changed: known ? { identity, files: [...changed], folders: [...changedFolders] } : undefined });
});
