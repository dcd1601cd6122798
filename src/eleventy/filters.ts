import { monthCalendar, weekdayNames } from "../digest/calendar.ts";
import { bibtex, citationMeta, firstSentence, openGraph } from "../digest/cite.ts";
import { formatDay, formatMonth, formatShortDay, formatWeek, formatWeekShort } from "../digest/dates.ts";
import { authorLine, formatNumber, hostOf, metaTags, plural } from "../digest/format.ts";
import { organizationPagePath, organizationSlug } from "../digest/group.ts";
import type { RenderedPaper } from "../markdown/paper.ts";
import { absoluteUrl, sitePath, type SiteConfig } from "../site.ts";
import type { EleventyConfig } from "./types.ts";

/** The typed formatting functions from src/ by the names layouts call them as Nunjucks filters. */
export function siteFilters(site: SiteConfig): Record<string, (...args: never[]) => unknown> {
  return {
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
    organizationPath: (name: string) => organizationPagePath(organizationSlug(name), 1),
    monthCalendar,
    description: (paper: RenderedPaper) => firstSentence(paper.abstractText),
    bibtex: (paper: RenderedPaper) => bibtex(paper, site),
    citationMeta: (paper: RenderedPaper) => metaTags(citationMeta(paper), "name"),
    // og:type is always "article" here (src/digest/cite.ts): written bare like the layouts' fixed values.
    openGraph: (paper: RenderedPaper) => metaTags(openGraph(paper, site), "property", ["og:type"]),
  };
}

/** Registers `siteFilters` with Eleventy (and the calendar's weekday names). */
export function filtersPlugin(eleventyConfig: EleventyConfig, site: SiteConfig): void {
  eleventyConfig.addGlobalData("weekdays", weekdayNames);
  for (const [name, filter] of Object.entries(siteFilters(site))) eleventyConfig.addFilter(name, filter);
}
