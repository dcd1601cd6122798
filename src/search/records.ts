import type { RenderedPaper } from "../markdown/paper.ts";
import { sitePath, type SiteConfig } from "../site.ts";
import { searchText } from "./text.ts";

/** One paper as Pagefind indexes it (the shape of Pagefind's `addCustomRecord`). */
export interface SearchRecord {
  /** The paper page, with the path prefix. */
  url: string;
  /** Everything a reader may search for, title first: the excerpt is cut from this text. */
  content: string;
  language: string;
  /** Shown in results. Pagefind also indexes every meta word, so only words worth finding go here (no dates). */
  meta: Record<string, string>;
  /** Filters are loaded only when used, so they also carry the day and upvotes: sorting and display, at no cost to a query. */
  filters: Record<string, string[]>;
}

/** Filters a reader picks on the search page; `day` and `upvotes` are used for sorting instead. */
export const shownFilters = ["tag", "organization", "year"] as const;

/**
 * Ranking options for Pagefind's client (`pagefind.options({ ranking })`), handed to it by the page so the client and
 * the record fields cannot drift. A query equal to an arXiv id matches the `arxiv` field, whose weight puts that paper
 * above papers citing the id in their abstracts; title words outrank the same words in an abstract.
 */
export const searchRanking = {
  metaWeights: { arxiv: 20, title: 5, authors: 2 },
} as const;

type RecordSite = Pick<SiteConfig, "pathPrefix" | "language" | "authorsShown">;

/** The search record of one paper: title, authors, organization, tags, ids and abstract, math as TeX source. */
export function searchRecord(paper: RenderedPaper, site: RecordSite): SearchRecord {
  const content = [
    `${searchText(paper.title)}.`,
    `${paper.authors.join(", ")}.`,
    paper.organization && `${paper.organization}.`,
    paper.tags.length > 0 && `${paper.tags.join(" ")}.`,
    paper.arxiv ? `arXiv ${paper.arxiv}.` : `${paper.id}.`,
    paper.category && `${paper.category}.`,
    searchText(paper.body),
  ].filter((part): part is string => Boolean(part));
  const shown = paper.authors.slice(0, site.authorsShown);
  // No "and 3 more": every meta word is searchable, and "more" must not find every paper with many authors.
  const more = paper.authorCount > shown.length ? ", …" : "";
  const meta: Record<string, string> = { title: paper.titleText, authors: shown.join(", ") + more };
  if (paper.arxiv) meta.arxiv = paper.arxiv;
  const filters: Record<string, string[]> = {
    year: [paper.date.slice(0, 4)],
    day: [paper.date],
    upvotes: [String(paper.upvotes)],
  };
  if (paper.tags.length > 0) filters.tag = [...paper.tags];
  if (paper.organization) filters.organization = [paper.organization];
  return { url: sitePath(site, `/papers/${paper.slug}/`), content: content.join(" "), language: site.language, meta, filters };
}

/** Search records for every paper, in a stable order (newest day first, then id) so the index bytes are reproducible. */
export function searchRecords(papers: readonly RenderedPaper[], site: RecordSite): SearchRecord[] {
  const ordered = [...papers].sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ordered.map((paper) => searchRecord(paper, site));
}

/** Papers per value of each filter the search page offers, most papers first (years newest first). */
export type FilterOptions = Record<(typeof shownFilters)[number], [value: string, papers: number][]>;

/**
 * The choices for the search page's filter menus. Written as a small file beside the index because Pagefind's own
 * `filters()` loads every filter chunk, including the large `day` and `upvotes` ones.
 */
export function filterOptions(records: readonly SearchRecord[]): FilterOptions {
  const options = {} as FilterOptions;
  for (const name of shownFilters) {
    const counts = new Map<string, number>();
    for (const record of records) for (const value of record.filters[name] ?? []) counts.set(value, (counts.get(value) ?? 0) + 1);
    const byName = (a: [string, number], b: [string, number]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    options[name] = [...counts].sort(name === "year" ? (a, b) => byName(b, a) : (a, b) => b[1] - a[1] || byName(a, b));
  }
  return options;
}
