// `node scripts/launch.mjs scripts/build.ts [arguments]`: runs a command's TypeScript entry from its compiled
// JavaScript when that is up to date, else under tsx, as `tsx scripts/build.ts` would (and compiles it meanwhile, on a
// process of its own, for the next run). The npm scripts of the commands a big archive waits for start through it.
//
// Under tsx every module the command imports, the project's 200 and its packages' 400, is resolved and loaded by a
// hooks thread, one message at a time: at 100,000 papers, half a second before a build starts working and 1.2 s of
// CPU taken from the workers it runs beside. The compiled entry is checked as worker entries are (the hash of every
// file it was compiled from; src/workers/bundle-cache.mjs), so an edit is never missed: a changed file means tsx for
// that run. `DIGEST_COMPILED=0` always runs under tsx.
import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { packagesCache, upToDateBundle } from "../src/workers/bundle-cache.mjs";

const [entryArgument] = process.argv.splice(2, 1);
if (!entryArgument) {
  process.stderr.write("Usage: node scripts/launch.mjs ENTRY.ts [arguments]\n");
  process.exit(2);
}
const entry = path.resolve(entryArgument);
// The command sees the arguments it would under tsx: process.argv[1] is its entry.
process.argv[1] = entry;

const enabled = process.env.DIGEST_COMPILED !== "0";
const compiled = enabled ? upToDateBundle(entry) : undefined;
// Compiled code imports packages by name, so it runs only from inside the project's node_modules (not the fallback
// folder in the system's temporary folder that a read-only install compiles workers into).
if (compiled && compiled.startsWith(packagesCache + path.sep)) {
  await import(pathToFileURL(compiled).href);
} else {
  // Not when one is up to date but unusable (compiled into the temporary folder): it would be compiled on every run.
  if (enabled && !compiled) compileLater(entry);
  await import("tsx");
  await import(pathToFileURL(entry).href);
}

/** Compiles `entry` on a process of its own that outlives this one if it must (a command may exit before it ends). */
function compileLater(entry) {
  const bundle = pathToFileURL(path.join(import.meta.dirname, "..", "src", "workers", "bundle.ts")).href;
  const code = `import(${JSON.stringify(bundle)}).then((m) => m.compileCommand(${JSON.stringify(entry)})).catch(() => {});`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "--eval", code], {
    detached: true,
    stdio: "ignore",
  });
  child.on("error", () => {});
  child.unref();
}
