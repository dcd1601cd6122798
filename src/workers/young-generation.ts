import { setFlagsFromString } from "node:v8";

/**
 * `npm run build` gives its main thread a young generation of 64 MB semi-spaces (`--max-semi-space-size=64` in
 * package.json), where Node 20 and 22 give 16 MB. A build that adds a paper at 100,000 papers builds maps of all of
 * them on that thread (the file index, the page plan, the manifest), and nearly everything it allocates survives: with
 * 16 MB, 90 scavenges took 1.5 to 1.8 s of it; with 64 MB, 34 took 1.2 s, and the build took 0.97 times the time (6
 * alternating pairs; docs/performance.md, round 33).
 *
 * The worker threads keep V8's default: V8's flags are the process's, and a cold build whose typesetting workers had
 * 64 MB semi-spaces took 4 to 21% longer (5 alternating pairs at 10,000 papers). Called before a worker starts: an
 * isolate takes its heap's sizes from the flags when it is made, so the main thread keeps the size it started with.
 *
 * Only on V8 11 and 12 (Node 20 and 22), whose default is 16 MB on a 64-bit machine whatever the heap limit; V8 13
 * (Node 24) sizes the young generation from the heap limit (64 MB semi-spaces at the build's 6 GiB) and is left as it
 * is. Returns the flag set, if any.
 */
export function workersDefaultYoungGeneration(v8 = process.versions.v8): string | undefined {
  const flag = workerSemiSpaceFlag(v8);
  if (flag) setFlagsFromString(flag);
  return flag;
}

/** The flag workersDefaultYoungGeneration sets for V8 `v8`: V8's default semi-space size, where it does not depend on the heap limit. */
export function workerSemiSpaceFlag(v8: string): string | undefined {
  const major = Number(/^(\d+)\./.exec(v8)?.[1]);
  return major === 11 || major === 12 ? "--max-semi-space-size=16" : undefined;
}
