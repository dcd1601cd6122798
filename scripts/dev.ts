// `npm run dev` / `npm start`: build, serve on http://localhost:8080 (PORT to change) with live reload, and on every
// change to a paper, a layout or the site configuration serve that paper's page first, then update the rest of the
// site (src/dev/server.ts).
import { startDevServer } from "../src/dev/server.ts";
import { siteConfigMessage } from "../src/cli/site-config.ts";
import { OutputFolderError } from "../src/output/output-folder.ts";
import { OutputBusyError } from "../src/output/output-lock.ts";

const server = await startDevServer({ root: process.cwd(), port: Number(process.env.PORT ?? 8080) }).catch((error: unknown) => {
  const message = siteConfigMessage("npm run dev", error);
  if (message === undefined && !(error instanceof OutputBusyError || error instanceof OutputFolderError)) throw error;
  console.error(message ?? `npm run dev: ${(error as Error).message}`);
  process.exit(1);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void server.close().finally(() => process.exit(0)));
}
