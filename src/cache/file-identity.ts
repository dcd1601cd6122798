import { closeSync, fstatSync, openSync, readFileSync, type BigIntStats } from "node:fs";

/**
 * Which file a stat is of: inode, size, modification and change times. The build's cache files (the file index, the
 * page manifest, the paper summaries, the search index's state, and the deltas that name the file they apply to) are
 * replaced whole when written (written beside, then renamed over), so a file written again has another identity.
 */
export const fileIdentity = (stat: BigIntStats): string => `${stat.ino} ${stat.size} ${stat.mtimeNs} ${stat.ctimeNs}`;

/** A file's bytes and its stat, both of the very file read (one open file), or undefined when it cannot be read. */
export function readWithStat(file: string): { bytes: Buffer; stat: BigIntStats } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    return { stat: fstatSync(fd, { bigint: true }), bytes: readFileSync(fd) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
