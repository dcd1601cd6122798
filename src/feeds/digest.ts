import { escapeHtml } from "markdown-it/lib/common/utils.mjs";
import { formatDay } from "../digest/dates.ts";
import { plural } from "../digest/format.ts";
import type { Day } from "../digest/group.ts";
import { absoluteUrl, type SiteConfig } from "../site.ts";
import { cutAtWord } from "../email/markdown.ts";
import { feedId, linksHtml, paperSummary, summaryChars, type FeedItem } from "./items.ts";

/** "Monday, 16 February 2026 (45 papers)": the title of a day's digest, in the feed and in the email subject. */
export function dayTitle(day: Pick<Day, "date" | "papers">): string {
  return `${formatDay(day.date)} (${plural(day.papers.length, "paper")})`;
}

/**
 * One day as one feed item listing its papers (title, authors, links), for RSS-to-email services and readers who
 * want one notification a day. Abstracts are left to the day page the item links to: with them, thirty busy days
 * made a 4 MB feed that every reader downloads on every poll.
 */
export function dayItem(day: Day, site: SiteConfig): FeedItem {
  const link = absoluteUrl(site, `/date/${day.date}/`);
  const papers = day.papers.map((paper) => paperSummary(paper, site));
  const list = papers.map((item) =>
    `<li><strong><a href="${escapeHtml(item.link)}">${escapeHtml(item.title)}</a></strong><br>\n${escapeHtml(item.authorText)}` +
    (item.links.length ? `<br>\n${linksHtml(item.links)}` : "") + "</li>");
  return {
    id: feedId(site, `date/${day.date}`),
    title: dayTitle(day),
    summary: cutAtWord(`${plural(day.papers.length, "paper")}: ${papers.map((p) => p.title).join("; ")}`, summaryChars),
    link,
    date: day.date,
    authors: [site.title],
    authorText: site.title,
    tags: [],
    links: [],
    html: `<p><a href="${escapeHtml(link)}">${plural(day.papers.length, "paper")} on ${formatDay(day.date)}</a>, with their abstracts.</p>\n<ol>\n${list.join("\n")}\n</ol>\n`,
  };
}
