import { existsSync, statSync } from "node:fs";
import path from "node:path";
import EleventyDevServer from "@11ty/eleventy-dev-server";
import { paperFileOrigin } from "../content/load.ts";
import { formatProblem, problemReport } from "../content/problems.ts";
import { OutputFolderError, outputFolderProblem } from "../output/output-folder.ts";
import { holdOutput } from "../output/output-lock.ts";
import { loadSiteConfig, siteConfigFile, type SiteConfig } from "../site.ts";
import { startBuildThread, type PaperPlace } from "./build.ts";
import { checkOnePaper, paperPagePath, placePaper, removePaperPage, renderPaperPage, writePaperPage } from "./page.ts";
import { watchPaths } from "./watch.ts";

/** A running dev server. */
export interface DevServer {
  /** Where the site is served, e.g. `http://localhost:8080/`. */
  url: string;
  /** Resolves once no change is being handled and no build is running or queued. */
  idle(): Promise<void>;
  /**
   * Stops watching and serving, without waiting for a build under way: stopping the process in the middle of one is
   * safe (see devBuild), so Ctrl-C is immediate.
   */
  close(): Promise<void>;
}

/** Settings the running server was started with: a change to them in site.json needs a restart. */
const fixedSettings = ["contentDir", "outputDir", "cacheDir", "pathPrefix"] as const;

/**
 * `npm run dev`: builds the site at `root` as `npm run build` does (incrementally, with the cache), serves the output
 * folder with live reload (Eleventy's own dev server, as `eleventy --serve` uses), and watches the content folder,
 * the layouts and the site configuration. When a paper file is written, its own page is rendered and served first
 * (src/dev/page.ts), then the whole site is brought up to date by the incremental build and open pages reload. A
 * paper with problems is reported as `path:line: field: message` and left out until fixed; the server keeps running.
 */
export async function startDevServer(options: { root: string; port: number; log?: (line: string) => void }): Promise<DevServer> {
  const { root } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  let site = loadSiteConfig(root);
  const outputDir = path.resolve(root, site.outputDir);
  const contentDir = path.resolve(root, site.contentDir);
  const origin = paperFileOrigin(root, site.contentDir);
  const configFile = siteConfigFile(root);
  const layoutsDir = path.join(root, "layouts");

  /**
   * The paper pages served or taken down since the last build, by paper file (its path as the papers give it,
   * `content/papers/...` -> slug, undefined once taken down); every other paper file has the page the last build gave
   * it (`served`). No map of the build's 100,000 papers is made: one keyed by resolved paths, made as each build
   * ended, held this thread for 0.25 to 0.35 s, and a paper file written meanwhile waited that long to be served; a
   * scan of the papers for one file takes about a millisecond.
   */
  let changedPages = new Map<string, string | undefined>();
  /** The page served now for a paper file (see changedPages). */
  const pageOf = (file: string) => (changedPages.has(file) ? changedPages.get(file) : served?.find((p) => p.source.file === file)?.slug);
  /** A watched path as the papers give theirs (see paperFileOrigin). */
  const paperPath = (file: string) => path.relative(origin, file).split(path.sep).join("/");
  /** Pages written since the last build began: it removes them when it does not make them. */
  const written = new Set<string>();
  /** The papers the last build served, in reading order (the pages themselves are in the build thread). */
  let served: PaperPlace[] | undefined;
  // Never a folder that holds the project's own files, or someone else's (src/output/output-folder.ts).
  const problem = outputFolderProblem(root, site, configFile);
  if (problem) throw new OutputFolderError(problem);
  // The output folder is this server's until it is closed: `npm run build` on the same folder fails meanwhile, saying
  // why, and a build under way is waited for (src/output/output-lock.ts).
  const releaseOutput = await holdOutput(outputDir, "npm run dev", {
    name: site.outputDir,
    waiting: log,
  });
  const thread = startBuildThread();
  let server: EleventyDevServer | undefined;

  // Builds run one at a time; a change during one queues one more, which sees every change made until it starts.
  let building: Promise<void> | undefined;
  let again = false;
  const rebuild = (): Promise<void> => {
    if (building) {
      again = true;
      return building;
    }
    building = (async () => {
      do {
        again = false;
        const since = [...written];
        written.clear();
        try {
          site = currentSite(site);
          const reply = await thread.build({ root, site, written: since });
          if (!reply.ok) throw new Error(reply.message);
          served = reply.papers;
          changedPages = new Map();
          server?.reload();
        } catch (error) {
          for (const page of since) written.add(page);
          log(`The build failed; the server keeps serving the previous pages: ${(error as Error).message}`);
        }
      } while (again);
      building = undefined;
    })();
    return building;
  };

  /** The site configuration as it is now on disk, keeping what the running server depends on. */
  const currentSite = (previous: SiteConfig): SiteConfig => {
    let next: SiteConfig;
    try {
      next = loadSiteConfig(root);
    } catch (error) {
      log(`${(error as Error).message}; keeping the previous site configuration.`);
      return previous;
    }
    const changed = fixedSettings.filter((key) => next[key] !== previous[key]);
    if (changed.length) log(`The site configuration changed ${changed.join(", ")}: restart npm run dev to use the new value.`);
    return { ...next, ...Object.fromEntries(changed.map((key) => [key, previous[key]])) };
  };

  /** Serves a written paper file's page at once, before the build: parse, typeset and render that page alone. */
  const servePaperFirst = async (file: string) => {
    const started = performance.now();
    const one = checkOnePaper(root, site, file);
    const key = paperPath(file);
    const old = pageOf(key);
    if (one.problems.length) {
      log(`${one.problems.map(formatProblem).join("\n")}\n(left out until fixed)`);
      if (old) removePaperPage(outputDir, old);
      changedPages.set(key, undefined);
      return;
    }
    if (!one.paper) return;
    if (one.warnings.length) log(problemReport([], one.warnings).join("\n"));
    const paper = one.paper;
    const ordered = served ?? [];
    // Another existing file with this id: the build reports the duplicate, and which file keeps the page is its call.
    const twin = ordered.find((p) => p.id === paper.id && path.resolve(origin, p.source.file) !== file);
    if (twin && existsSync(path.resolve(origin, twin.source.file))) return;
    const relative = await writePaperPage({ root, site, page: placePaper(ordered, paper), outputDir });
    written.add(relative);
    if (old && old !== paper.slug) removePaperPage(outputDir, old);
    changedPages.set(key, paper.slug);
    log(`Served ${site.pathPrefix}papers/${paper.slug}/ in ${((performance.now() - started) / 1000).toFixed(2)} s (${path.relative(origin, file)}); updating the rest of the site.`);
    server?.reload();
  };

  /** Takes down the pages of paper files that are gone (a deleted or renamed file, a removed folder). */
  const removeGone = (gone: string) => {
    const under = paperPath(gone);
    const inside = (file: string) => file === under || under === "" || file.startsWith(`${under}/`);
    // The build's pages there, then those served or taken down since over them (see changedPages).
    const pages = new Map<string, string | undefined>();
    for (const p of served ?? []) if (inside(p.source.file)) pages.set(p.source.file, p.slug);
    for (const [file, slug] of changedPages) if (inside(file)) pages.set(file, slug);
    for (const [file, slug] of pages) {
      if (slug === undefined) continue;
      removePaperPage(outputDir, slug);
      written.delete(paperPagePath(slug));
      changedPages.set(file, undefined);
      log(`Removed ${site.pathPrefix}papers/${slug}/ (${file} is gone); updating the rest of the site.`);
    }
  };

  let serving = false;
  const onChange = async (changed: string[]) => {
    if (serving) {
      for (const file of changed) {
        if (file !== contentDir && !file.startsWith(contentDir + path.sep)) continue;
        try {
          const stat = statSync(file, { throwIfNoEntry: false });
          if (!stat) removeGone(file);
          else if (stat.isFile() && file.endsWith(".md")) await servePaperFirst(file);
        } catch (error) {
          log(`Could not serve ${path.relative(origin, file)} ahead of the build: ${(error as Error).message}`);
        }
      }
    }
    void rebuild();
  };
  // Changes are handled in order: a batch waits for the one before it.
  let handling: Promise<void> = Promise.resolve();
  const watcher = watchPaths([{ tree: contentDir }, { tree: layoutsDir }, { file: configFile }], (changed) => {
    handling = handling.then(() => onChange(changed));
  });

  try {
    await rebuild();
    if (!served) throw new Error("the first build failed");
    // The first page rendered on this thread loads and compiles Eleventy and the layouts (about 1 s): do it now, so
    // the first paper written is served as fast as the next ones.
    const first = served[0] && checkOnePaper(root, site, path.resolve(origin, served[0].source.file));
    if (first?.paper) await renderPaperPage(root, site, placePaper(served, first.paper));
    server = EleventyDevServer.getServer("paper-digest", outputDir, {
      pathPrefix: site.pathPrefix,
      // A build rewrites many pages at once: a full reload is simpler and always right.
      domDiff: false,
      messageOnStart: ({ hosts }) => `Server at ${hosts[0] ?? `http://localhost:${options.port}/`}`,
      logger: { info: log, log, error: log },
    });
    answerGoneFilesWith404(server);
    server.serve(options.port);
    await server.ready();
  } catch (error) {
    watcher.close();
    await server?.close();
    await thread.close();
    releaseOutput();
    throw error;
  }
  serving = true;
  const running = server;
  return {
    url: running.getServerUrl("localhost"),
    idle: async () => {
      await handling;
      while (building) await building;
    },
    close: async () => {
      watcher.close();
      await running.close();
      await thread.close();
      releaseOutput();
    },
  };
}

/**
 * Makes a file that disappears while it is being served a 404 instead of the end of the server. Eleventy's dev server
 * finds a request's file, then reads it (`renderFile`, synchronously, in the request handler): a build that removes
 * or replaces the file between the two (a deleted paper's page, the search index being rewritten) made that read throw
 * ENOENT out of the request handler, and the process exited. The reader's next request (or the live reload that
 * follows the build) gets the new file.
 */
export function answerGoneFilesWith404(server: Pick<EleventyDevServer, "renderFile">): void {
  const renderFile = server.renderFile.bind(server);
  server.renderFile = (filepath, res) => {
    try {
      return renderFile(filepath, res);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== "ENOENT" && code !== "EISDIR" && code !== "ENOTDIR") throw error;
      res.statusCode = 404;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      return res.end("Not found: the file was replaced while the site was being rebuilt; reload the page.\n");
    }
  };
}
