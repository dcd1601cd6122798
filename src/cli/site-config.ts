import { printable } from "../content/problems.ts";
import { loadSiteConfig, SiteConfigError, type SiteConfig } from "../site.ts";

/**
 * What a command prints for `error` when it is a wrong site configuration (`<command>: <message>`, one printable
 * line, no stack trace), or undefined for any other error, which the command lets through.
 */
export function siteConfigMessage(command: string, error: unknown): string | undefined {
  return error instanceof SiteConfigError ? `${command}: ${printable(error.message)}` : undefined;
}

/** The site configuration of the project at `root`; a wrong one ends the command (exit 1) with its message. */
export function siteConfigOrExit(command: string, root: string = process.cwd()): SiteConfig {
  try {
    return loadSiteConfig(root);
  } catch (error) {
    const message = siteConfigMessage(command, error);
    if (message === undefined) throw error;
    console.error(message);
    process.exit(1);
  }
}
