// Eleventy 3 ships JavaScript without type declarations; this declares the programmatic API our runners use.
declare module "@11ty/eleventy" {
  export default class Eleventy {
    constructor(
      input?: string,
      output?: string,
      options?: {
        /** `false`: no configuration file (the `config` callback configures everything). */
        configPath?: string | false;
        quietMode?: boolean;
        runMode?: "build" | "watch" | "serve";
        source?: string;
        pathPrefix?: string;
        /** Runs before the project's configuration file, with the same configuration API; what it returns is ignored. */
        config?: (eleventyConfig: import("./types.ts").EleventyConfig) => unknown;
      },
    );
    init(): Promise<void>;
    write(): Promise<unknown>;
    /** Renders without writing: every page with its output path and content. */
    toJSON(): Promise<unknown>;
    /** Starts watching; resolves with the function that rebuilds for a changed path. */
    watch(): Promise<(path: string) => Promise<void>>;
    /** The file watcher (chokidar), once `watch()` has started it. */
    watcher: { on(event: "unlink", listener: (path: string) => void): void };
    serve(port?: number): Promise<void>;
    stopWatch(): Promise<void>;
  }
}
