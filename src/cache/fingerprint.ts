import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const importPattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`; relative and `node:` specifiers -> undefined. */
function packageName(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The installed version of a package, looked up from `from` upwards the way Node finds it. */
function packageVersion(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version ?? "?";
    if (path.dirname(dir) === dir) return "missing";
  }
}

/**
 * A hash of the code that turns a paper file into page data: the source of every module reachable from `entries` by
 * relative imports, plus the installed version of every package they import. Any edit to that code, or an upgrade of
 * KaTeX, markdown-it, yaml..., gives a new fingerprint, so nothing rendered by older code is ever reused.
 */
export function codeFingerprint(entries: readonly string[]): string {
  const hash = createHash("sha256");
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const queue = entries.map((entry) => path.resolve(entry));
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    hash.update(`${path.basename(file)}\0${source}\0`);
    for (const match of source.matchAll(importPattern)) {
      const specifier = match[1]!;
      const name = packageName(specifier);
      if (name) packages.set(name, packages.get(name) ?? packageVersion(name, path.dirname(file)));
      else if (specifier.startsWith(".")) queue.push(path.resolve(path.dirname(file), specifier));
    }
  }
  for (const [name, version] of [...packages].sort()) hash.update(`${name}@${version}\0`);
  return hash.digest("hex");
}
