import { formatDay, formatMonth, formatShortDay, formatWeek, formatWeekShort } from "../digest/dates.ts";
import { authorLine, formatNumber, hostOf, plural } from "../digest/format.ts";
import { absoluteUrl, sitePath, type SiteConfig } from "../site.ts";
import type { EleventyConfig } from "./types.ts";

/** Registers the typed formatting functions from src/ as Nunjucks filters. */
export function filtersPlugin(eleventyConfig: EleventyConfig, site: SiteConfig): void {
  const filters: Record<string, (...args: never[]) => unknown> = {
    href: (target: string) => sitePath(site, target),
    absoluteUrl: (target: string) => absoluteUrl(site, target),
    formatDay,
    formatShortDay,
    formatMonth,
    formatWeek,
    formatWeekShort,
    authorLine: (authors: string[], count: number) => authorLine(authors, count, site.authorsShown),
    plural,
    formatNumber,
    hostOf,
  };
  for (const [name, filter] of Object.entries(filters)) eleventyConfig.addFilter(name, filter);
}
