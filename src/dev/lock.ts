let tail: Promise<unknown> = Promise.resolve();

/**
 * Runs `task` once every Eleventy run started before it has ended. Eleventy runs in one process must not overlap: the
 * site data is handed to the next run through module state (src/eleventy/data.ts usePreparedSiteData).
 */
export function withEleventy<T>(task: () => Promise<T>): Promise<T> {
  const run = tail.then(task, task);
  tail = run.catch(() => {});
  return run;
}
