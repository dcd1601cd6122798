import { escapeHtml } from "markdown-it/lib/common/utils.mjs";
import { withMathmlNamespace } from "../markdown/mathml-core.ts";
import type { PaperLinks } from "../content/paper.ts";
import { authorLine, hostOf } from "../digest/format.ts";
import type { MacroTable } from "../markdown/macros.ts";
import { paperMacros, type RenderedPaper } from "../markdown/paper.ts";
import { abstractExcerpt, emailAbstractText } from "../email/markdown.ts";
import { absoluteUrl, type SiteConfig } from "../site.ts";

/** One feed entry, format-neutral: feeds.ts writes it as RSS, Atom or JSON Feed. */
export interface FeedItem {
  /** Stable `tag:` URI (RFC 4151), see `feedId`. */
  id: string;
  /** Plain text: math turned into readable Unicode. */
  title: string;
  /** Absolute URL of the item's page on the site. */
  link: string;
  /** The digest day, `YYYY-MM-DD`; feeds date it at 00:00:00Z plus `offsetSeconds`. */
  date: string;
  /**
   * Seconds after the day's 00:00:00Z the item is dated: a day's papers get their rank from the bottom (the top
   * paper of a 45-paper day 00:00:44Z, the last 00:00:00Z), so readers that sort by date keep the site's order and no
   * two items of a feed share a date. Derived from the content, never the clock. Default 0.
   */
  offsetSeconds?: number;
  /** A short plain-text summary (RSS `description`, Atom `summary`, JSON `summary`). */
  summary?: string;
  authors: string[];
  /** How many authors the paper has, when `authors` lists only the first ones ("and 34 more"). */
  authorCount?: number;
  /** The author list as one line ("A, B and C"), for formats with a single author field. */
  authorText: string;
  tags: string[];
  /** The paper's external links (arXiv, PDF, code, ...), also listed at the end of `html`. */
  links: { label: string; url: string }[];
  /** HTML with math as MathML (feed readers strip CSS) and absolute links only. */
  html: string;
}

/**
 * The year in every id. A `tag:` URI names an authority (the site's host) and a date it held it; the date is fixed
 * because ids must never change, so it cannot follow the content or the build.
 */
const idYear = "2026";

/**
 * Stable id of a feed or item: `tag:<host>,2026:<name>`, e.g. `tag:digest.example.org,2026:papers/2509.25149`.
 * It depends only on the site's host and the paper id, so moving to https or to another path prefix keeps every id.
 */
export function feedId(site: Pick<SiteConfig, "url">, name: string): string {
  return `tag:${new URL(site.url).hostname},${idYear}:${name}`;
}

/** A paper's external links in display order, with their labels (shared by feeds and the email digest). */
export function paperLinkList(paper: Pick<RenderedPaper, "arxiv" | "links">): { label: string; url: string }[] {
  const labels: Record<Exclude<keyof PaperLinks, "abs">, string> = {
    pdf: "PDF", code: "Code", project: "Project page", data: "Data", model: "Model", demo: "Demo", video: "Video",
    slides: "Slides", poster: "Poster", blog: "Blog post",
  };
  const list: { label: string; url: string }[] = [];
  if (paper.links.abs) list.push({ label: paper.arxiv ? `arXiv:${paper.arxiv}` : hostOf(paper.links.abs), url: paper.links.abs });
  for (const [name, label] of Object.entries(labels)) {
    const url = paper.links[name as keyof typeof labels];
    if (url) list.push({ label, url });
  }
  return list;
}

/** Links as HTML anchors separated by middle dots. */
export function linksHtml(links: readonly { label: string; url: string }[]): string {
  return links.map((link) => `<a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a>`).join(" · ");
}

/** Absolute URL of a paper's page. */
export function paperUrl(site: Pick<SiteConfig, "url" | "pathPrefix">, paper: Pick<RenderedPaper, "slug">): string {
  return absoluteUrl(site, `/papers/${paper.slug}/`);
}

/** Everything a feed says about a paper except its abstract, which is the costly part to render. */
export function paperSummary(paper: RenderedPaper, site: SiteConfig): Omit<FeedItem, "html"> {
  return {
    id: feedId(site, `papers/${paper.id}`),
    // The readable title every page and feed shows (`\tilde{\mathcal O}` reads "Õ"), typeset with the paper's macros.
    title: paper.titleText,
    link: paperUrl(site, paper),
    date: paper.date,
    authors: paper.authors,
    authorCount: paper.authorCount,
    authorText: authorLine(paper.authors, paper.authorCount, paper.authors.length),
    tags: paper.tags,
    links: paperLinkList(paper),
  };
}

/** Characters of plain text in an item's summary. */
export const summaryChars = 300;

/**
 * The start of an abstract as one line of plain text, math as readable Unicode (the email's rendering), cut at a word
 * with an ellipsis past `maxChars`.
 */
export function plainSummary(body: string, maxChars = summaryChars, macros?: MacroTable): string {
  return emailAbstractText(abstractExcerpt(body, maxChars, macros)).replace(/\s+/g, " ").trim();
}

/**
 * A paper as a feed item: its abstract with math as MathML, followed by its links, and a plain-text summary.
 * `offsetSeconds` orders it within its day (see `dayOffsets`).
 */
export function paperItem(paper: RenderedPaper, site: SiteConfig, offsetSeconds = 0): FeedItem {
  const summary = paperSummary(paper, site);
  const links = summary.links.length ? `<p>${linksHtml(summary.links)}</p>\n` : "";
  return { ...summary, offsetSeconds, summary: plainSummary(paper.body, summaryChars, paperMacros(paper, site.macros)), html: withMathmlNamespace(paper.abstractHtml) + links };
}

/**
 * Each paper's `offsetSeconds`: its rank in its day counted from the bottom, so the day's top paper is the newest
 * item. Expects each day's papers in the site's order. Undefined for a paper in no day. Worked out for the days of the
 * papers asked for (the feeds' few hundred), each day's ranks once: a map of every paper took 0.15 s of a build that
 * adds a paper at 100,000, and a search of the day for each paper asked for would cost a day's length a call (a day
 * of 100,000 papers and many tags' feeds). A copy of a paper (not the digest's object) is found by its id.
 */
export function dayOffsets<P extends { id: string; date: string }>(days: readonly { date: string; papers: readonly P[] }[]): (paper: P) => number | undefined {
  let byDate: Map<string, readonly P[]> | undefined;
  const ranked = new Map<string, Map<string, number>>();
  return (paper) => {
    byDate ??= new Map(days.map((day) => [day.date, day.papers]));
    let offsets = ranked.get(paper.date);
    if (!offsets) {
      const papers = byDate.get(paper.date) ?? [];
      offsets = new Map(papers.map((other, rank) => [other.id, papers.length - 1 - rank]));
      ranked.set(paper.date, offsets);
    }
    return offsets.get(paper.id);
  };
}

/**
 * The feed window: items on the newest `feedDays` days, at most `feedItems` of them. Expects items newest day first,
 * as the digest orders them.
 */
export function feedWindow<T extends { date: string }>(items: readonly T[], site: Pick<SiteConfig, "feedDays" | "feedItems">): T[] {
  const days = new Set<string>();
  const kept: T[] = [];
  for (const item of items) {
    if (!days.has(item.date)) {
      if (days.size === site.feedDays) break;
      days.add(item.date);
    }
    kept.push(item);
    if (kept.length === site.feedItems) break;
  }
  return kept;
}
