// Worker thread entry (started by src/dev/build.ts startBuildThread): runs the dev server's builds, so that reading,
// hashing and grouping 100,000 papers never stops the server thread from answering requests and serving a new
// paper's page.
import { parentPort } from "node:worker_threads";
import { devBuild, placesOf, type BuildJob, type BuildReply } from "./build.ts";

parentPort?.on("message", async (job: BuildJob) => {
  let reply: BuildReply;
  try {
    const { digest, problems } = await devBuild(job.root, job.site, (line) => console.log(line), job.written);
    reply = { ok: true, papers: placesOf(digest.papers), problems: problems.length };
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort?.postMessage(reply);
});
