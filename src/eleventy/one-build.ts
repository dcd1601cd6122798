/**
 * Imported first by `npm run build` (scripts/build.ts), before anything imports Eleventy. Eleventy 3 registers an
 * import hook that busts its module cache for the files its watcher saw change (src/Util/EsmResolverPortAdapter.js),
 * unless ELEVENTY_SKIP_ESM_RESOLVER is set (11ty/eleventy#3371). A build imports each module once and watches nothing,
 * so the hook has nothing to bust; but on Node 20 it is registered with `module.register`, which runs it on a thread
 * of its own, and every import after Eleventy's (its template engines, the build's own modules loaded when needed)
 * waits for that thread: about half a second of a build that adds a paper at 10,000 papers. The dev server, which
 * watches, keeps the hook. A value the user set is left as it is.
 */
process.env.ELEVENTY_SKIP_ESM_RESOLVER ??= "1";

export {};
