/** The small part of Eleventy's configuration API our adapters use (Eleventy ships no TypeScript types). */
export interface EleventyConfig {
  addFilter(name: string, filter: (...args: never[]) => unknown): void;
  addGlobalData(name: string, data: unknown): void;
  addPassthroughCopy(copy: string | Record<string, string>): void;
  addWatchTarget(target: string): void;
  addPlugin<O>(plugin: (config: EleventyConfig, options: O) => void, options: O): void;
  on(event: string, handler: (...args: never[]) => unknown): void;
  addExtension(extension: string, options: Record<string, unknown>): void;
  setServerOptions(options: Record<string, unknown>): void;
  ignores: { add(glob: string): void };
  setQuietMode(quiet: boolean): void;
  setTemplateFormats(formats: string[]): void;
  /** Relative to the input folder. */
  setIncludesDirectory(dir: string): void;
}
