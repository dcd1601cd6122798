import { isProxy } from "node:util/types";
import type { EleventyConfig } from "./types.ts";

/** The parts of Nunjucks this adapter uses; Eleventy hands over its own copy of the library and environment. */
interface NunjucksTemplate {
  render(data: unknown, done: (error: Error | null, html?: string) => void): void;
}
interface NunjucksLibrary {
  Template: new (source: string, environment: unknown, path?: string, eagerCompile?: boolean) => NunjucksTemplate;
}

/**
 * A paginated page's data as a plain object. Eleventy hands each page of a pagination its data as a Proxy over the
 * page's own keys with the template's data behind it, and Nunjucks copies every key of the data into each render's
 * context with `for...in` and `hasOwnProperty`: two property-descriptor traps and a get trap per key, per page (about
 * 0.5 s of the main thread for 10,000 pages in `--cpu-prof`). Reading the keys once and each value once costs only
 * the get traps, and Nunjucks then copies a plain object. Same keys and values, so the same pages.
 */
function plainData(data: unknown): unknown {
  if (!isProxy(data)) return data;
  const plain: Record<string, unknown> = {};
  const source = data as Record<string, unknown>;
  for (const key of Reflect.ownKeys(source)) if (typeof key === "string") plain[key] = source[key];
  return plain;
}

/**
 * Compiles each Nunjucks template once per build instead of once per page. Eleventy 3.1 marks Nunjucks as not
 * cacheable and compiles a paginated template's text again for each of its pages: at 10,000 paper pages that was
 * 40% of the page rendering time. Here `njk` stays Nunjucks, in Eleventy's own environment (same filters, loader and
 * include cache, which Eleventy still clears when a layout changes), but Eleventy caches the compiled template by its
 * path and text, so an edited template is compiled afresh. Permalinks are compiled the same way.
 */
export function nunjucksCachePlugin(eleventyConfig: EleventyConfig): void {
  let nunjucks: NunjucksLibrary | undefined;
  let environment: unknown;
  eleventyConfig.on("eleventy.engine.njk", (event: { nunjucks: NunjucksLibrary; environment: unknown }) => {
    nunjucks = event.nunjucks;
    environment = event.environment;
  });
  const compile = (source: string, inputPath: string) => {
    if (!nunjucks) throw new Error("nunjucksCachePlugin: Eleventy did not announce its Nunjucks environment");
    const template = new nunjucks.Template(source, environment, inputPath, true);
    return (data: unknown) =>
      new Promise<string>((resolve, reject) => template.render(plainData(data), (error, html) => (error ? reject(error) : resolve(html ?? ""))));
  };
  eleventyConfig.addExtension("njk", { key: "njk", compileOptions: { cache: true, permalink: true }, compile });
}
