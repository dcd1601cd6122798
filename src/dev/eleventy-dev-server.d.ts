// @11ty/eleventy-dev-server ships JavaScript without type declarations; this declares the part src/dev/server.ts uses.
declare module "@11ty/eleventy-dev-server" {
  export default class EleventyDevServer {
    static getServer(
      name: string,
      dir: string,
      options?: {
        pathPrefix?: string;
        domDiff?: boolean;
        portReassignmentRetryCount?: number;
        messageOnStart?: (info: { hosts: string[]; localhostUrl: string }) => string | false;
        logger?: { info(message: string): void; log(message: string): void; error(message: string): void };
      },
    ): EleventyDevServer;
    serve(port: number): void;
    ready(): Promise<void>;
    getServerUrl(host: string, pathname?: string): string;
    /** Answers a request with a file of the served folder (read whole, live-reload script added to HTML). */
    renderFile(filepath: string, res: import("node:http").ServerResponse): unknown;
    /** Tells every open page to reload. */
    reload(event?: { files?: string[] }): void;
    close(): Promise<void>;
  }
}
