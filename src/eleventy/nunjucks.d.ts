// The part of Nunjucks (a dependency of Eleventy, shipped without TypeScript types) that src/eleventy/paginated-pages.ts uses.
declare module "nunjucks" {
  export class FileSystemLoader {
    constructor(searchPaths: string[]);
  }
  export class Environment {
    constructor(loader: FileSystemLoader, options?: { dev?: boolean; autoescape?: boolean });
    addFilter(name: string, filter: (...args: unknown[]) => unknown): void;
  }
  export class Template {
    constructor(source: string, environment: Environment, path?: string, eagerCompile?: boolean);
    render(context: object): string;
  }
  const nunjucks: { Environment: typeof Environment; FileSystemLoader: typeof FileSystemLoader; Template: typeof Template };
  export default nunjucks;
}
