import type { RenderedPaper } from "../markdown/paper.ts";
import { defaultSiteConfig } from "../site.ts";
import { isoWeek, monthOf, weekBounds } from "./dates.ts";

/** One digest day: its papers in reading order and its neighbours. */
export interface Day {
  date: string;
  papers: RenderedPaper[];
  /** The nearest older day with papers. */
  prev?: string;
  /** The nearest newer day with papers. */
  next?: string;
  week: string;
  month: string;
  hasMath: boolean;
}

/** A week (`YYYY-Www`) or month (`YYYY-MM`) of days, newest day first. */
export interface Period {
  key: string;
  days: Day[];
  count: number;
  /** First and last calendar day the period covers. */
  start: string;
  end: string;
  prev?: string;
  next?: string;
  hasMath: boolean;
}

/** The whole site's grouping: days, weeks and months, newest first. */
export interface Digest {
  papers: RenderedPaper[];
  days: Day[];
  weeks: Period[];
  months: Period[];
  /** Every tag with its papers, newest first; tags sorted by name. */
  tags: TagGroup[];
  /** The pages of every tag's list (see paginateTags), tag by tag, page by page. */
  tagPages: TagPage[];
}

/** The papers carrying one tag. */
export interface TagGroup {
  tag: string;
  papers: RenderedPaper[];
}

/** One page of a tag's papers: page 1 has the newest. */
export interface TagPage {
  tag: string;
  /** The papers on this page, newest first. */
  papers: RenderedPaper[];
  /** Papers with the tag, on all its pages. */
  count: number;
  /** This page's number, from 1, and how many pages the tag has. */
  page: number;
  pages: number;
  /** Site path of this page (see tagPagePath), and of the pages before (newer papers) and after it (older), if any. */
  url: string;
  prev?: string;
  next?: string;
}

/** Where a page of a tag's list lives: `/tags/<tag>/` for page 1, `/tags/<tag>/page/<n>/` for the others. */
export function tagPagePath(tag: string, page: number): string {
  return page === 1 ? `/tags/${tag}/` : `/tags/${tag}/page/${page}/`;
}

/** Cuts each tag's list, newest first, into pages of `pageSize` papers (the last one shorter), linked in order. */
export function paginateTags(tags: readonly TagGroup[], pageSize: number): TagPage[] {
  return tags.flatMap(({ tag, papers }) => {
    const pages = Math.max(1, Math.ceil(papers.length / pageSize));
    return Array.from({ length: pages }, (_, i): TagPage => ({
      tag,
      papers: papers.slice(i * pageSize, (i + 1) * pageSize),
      count: papers.length,
      page: i + 1,
      pages,
      url: tagPagePath(tag, i + 1),
      ...(i > 0 ? { prev: tagPagePath(tag, i) } : {}),
      ...(i + 1 < pages ? { next: tagPagePath(tag, i + 2) } : {}),
    }));
  });
}

/** Reading order within a day: most upvoted first, then by title, then by id so ties are stable. */
export function comparePapers(a: RenderedPaper, b: RenderedPaper): number {
  return b.upvotes - a.upvotes || a.titleText.localeCompare(b.titleText, "en") || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const newestFirst = <T extends { key?: string; date?: string }>(a: T, b: T) => {
  const [x, y] = [a.key ?? a.date ?? "", b.key ?? b.date ?? ""];
  return x < y ? 1 : x > y ? -1 : 0;
};

function linkNeighbours<T extends { prev?: string; next?: string }>(items: T[], key: (item: T) => string): void {
  items.forEach((item, i) => {
    if (i + 1 < items.length) item.prev = key(items[i + 1]!);
    if (i > 0) item.next = key(items[i - 1]!);
  });
}

function periods(days: Day[], keyOf: (day: Day) => string, bounds: (key: string) => { start: string; end: string }): Period[] {
  const byKey = new Map<string, Day[]>();
  for (const day of days) {
    const key = keyOf(day);
    const group = byKey.get(key);
    if (group) group.push(day);
    else byKey.set(key, [day]);
  }
  const list: Period[] = [...byKey].map(([key, group]) => ({
    key,
    days: group,
    count: group.reduce((n, d) => n + d.papers.length, 0),
    ...bounds(key),
    // Period pages list titles only, so only math in a title needs the stylesheet.
    hasMath: group.some((d) => d.papers.some((p) => p.titleHasMath)),
  }));
  list.sort(newestFirst);
  linkNeighbours(list, (p) => p.key);
  return list;
}

const monthBounds = (month: string) => {
  const [y, m] = month.split("-").map(Number);
  const last = new Date(Date.UTC(y!, m!, 0)).getUTCDate();
  return { start: `${month}-01`, end: `${month}-${String(last).padStart(2, "0")}` };
};

/**
 * Groups papers by day, ISO week and month, each newest first, days linked to their neighbours, and by tag, each
 * tag's list cut into pages of `tagPageSize` papers (default: the site configuration's default).
 */
export function groupDigest(papers: RenderedPaper[], options: { tagPageSize?: number } = {}): Digest {
  const byDate = new Map<string, RenderedPaper[]>();
  for (const paper of papers) {
    const list = byDate.get(paper.date);
    if (list) list.push(paper);
    else byDate.set(paper.date, [paper]);
  }
  const days: Day[] = [...byDate].map(([date, list]) => ({
    date,
    papers: list.sort(comparePapers),
    week: isoWeek(date),
    month: monthOf(date),
    hasMath: list.some((p) => p.hasMath),
  }));
  days.sort(newestFirst);
  linkNeighbours(days, (d) => d.date);
  const ordered = days.flatMap((d) => d.papers);
  const byTag = new Map<string, RenderedPaper[]>();
  for (const paper of ordered) {
    for (const tag of paper.tags) {
      const list = byTag.get(tag);
      if (list) list.push(paper);
      else byTag.set(tag, [paper]);
    }
  }
  const tags = [...byTag].map(([tag, list]) => ({ tag, papers: list })).sort((a, b) => (a.tag < b.tag ? -1 : 1));
  return {
    tags,
    tagPages: paginateTags(tags, options.tagPageSize ?? defaultSiteConfig.tagPageSize),
    papers: ordered,
    days,
    weeks: periods(days, (d) => d.week, weekBounds),
    months: periods(days, (d) => d.month, monthBounds),
  };
}
