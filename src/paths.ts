import { realpathSync } from "node:fs";
import path from "node:path";

/**
 * `target` made absolute with its symbolic links resolved as far as it exists (the rest as given), so a link cannot
 * hide which folder a path is really in.
 */
export function realPath(target: string): string {
  const absolute = path.resolve(target);
  const rest: string[] = [];
  for (let at = absolute; ; at = path.dirname(at)) {
    try {
      return path.join(realpathSync.native(at), ...rest.reverse());
    } catch {
      if (path.dirname(at) === at) return absolute;
      rest.push(path.basename(at));
    }
  }
}

/** `child` is `parent` or inside it (both absolute and resolved). */
export function isWithin(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}
