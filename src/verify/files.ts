import { readdirSync } from "node:fs";
import path from "node:path";

/** Every file under `dir`, as sorted paths relative to it with forward slashes. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

/** The URL path a built file is served at: `papers/x/index.html` -> `/prefix/papers/x/`. */
export function urlPathOf(file: string, pathPrefix: string): string {
  return pathPrefix + (file === "index.html" ? "" : file.endsWith("/index.html") ? file.slice(0, -"index.html".length) : file);
}
