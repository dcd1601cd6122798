import { setFlagsFromString } from "node:v8";

/**
 * Makes V8 wait longer before it optimizes a function with TurboFan, in every thread of this process from now on (V8's
 * flags are the process's). For a build that typesets many papers (src/pipeline.ts): its CPU is spread over five
 * threads (two typesetting workers, the search index's, the page writer, the main thread), each optimizing the code it
 * runs on its own, for a few seconds each. With V8's defaults, tuned for programs that run longer, a cold build of
 * 10,000 papers compiled about 700 functions with TurboFan on Node 20 (15% of its CPU, on V8's helper threads), most
 * of them hot for a moment only; with these thresholds, about 170. Measured as set here, when the typesetting starts
 * (docs/performance.md, round 28): 10% less CPU and 5% less time on Node 20, 4% less time on Node 24 (12 to 15% when
 * given on the command line, which also covers the start-up). Not for a build with a warm cache: its main thread runs a
 * few loops over every paper, and at 100,000 papers it used more CPU with this.
 *
 * `v8` is the running V8's version (`process.versions.v8`). A V8 whose flags are not known here is left as it is:
 * setting a flag V8 lacks prints an error. Returns the flag set, if any.
 */
export function optimizeLater(v8 = process.versions.v8): string | undefined {
  const flag = tieringFlag(v8);
  if (flag) setFlagsFromString(flag);
  return flag;
}

/** The flag optimizeLater sets for V8 `v8`: 16 times the interrupt budget on V8 11 (Node 20), 8 times the calls before TurboFan on V8 12 and 13 (Node 22, 24). */
export function tieringFlag(v8: string): string | undefined {
  const major = Number(/^(\d+)\./.exec(v8)?.[1]);
  // V8 11.3 counts bytecode run (default 67,584 bytes) before it considers a function for TurboFan.
  if (major === 11) return "--interrupt-budget=1081344";
  // V8 12 and 13 count calls: Maglev after 400, TurboFan after 3,000 (default).
  if (major === 12 || major === 13) return "--invocation-count-for-turbofan=24000";
  return undefined;
}
