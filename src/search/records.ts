import type { RenderedPaper } from "../markdown/paper.ts";
import { sitePath, type SiteConfig } from "../site.ts";

/** The parts of a paper that are searched, each weighted on its own (see `fieldBonus` in index.ts). */
export const searchFields = ["title", "authors", "organization", "tags", "id", "category", "body"] as const;
export type SearchField = (typeof searchFields)[number];

/** One paper as the search index holds it: what is searched, what a result shows, what filters and sorts it. */
export interface SearchRecord {
  /** The paper page, with the path prefix. */
  url: string;
  /** The digest day, `YYYY-MM-DD`. */
  day: string;
  upvotes: number;
  /** Shown in results: the readable title and the first authors. */
  title: string;
  authors: string;
  /** Filters. */
  tags: string[];
  organization?: string;
  /** Year of the paper's first version (`published`), when known: a filter beside the digest day's year. */
  published?: string;
  /** Searched text per field; math as its TeX source, so `\\mathcal` finds the papers that use it. */
  fields: Record<SearchField, string>;
  /**
   * Names this record's content for incremental index builds (the paper cache's content key): a record with the key of
   * one indexed before is not tokenised again. Not written to the index.
   */
  key?: string;
  /**
   * The paper's text was left out (it is the same as in the previous build, whose analysis and what its result shows
   * are reused from the index's state): `fields`, `title` and `authors` are empty (the index worker is not sent them).
   * Not written to the index.
   */
  textless?: boolean;
  /** The paper's id, which orders papers of one day (see searchRecords). Not written to the index. */
  paperId?: string;
}

/**
 * What the index keeps of each record between builds (src/search/index.ts, IndexState.kept), so that a paper the
 * previous index has can be sent to the worker as its content key alone: page, day, upvotes, tags, organization,
 * year of first version, and the paper's id. What its result shows besides (title, authors) is kept apart, as bytes
 * read only for a result file made again (IndexState.shown in src/search/index.ts).
 */
export type KeptRecord = [url: string, day: string, upvotes: number, tags: string[], organization: string | null, published: string | null, id: string];

/** A record's kept part. */
export const keptOf = (record: SearchRecord): KeptRecord => [
  record.url, record.day, record.upvotes, record.tags, record.organization ?? null, record.published ?? null, record.paperId ?? "",
];

/** Filters a reader picks on the search page. */
export const shownFilters = ["tag", "organization", "year", "published"] as const;

type RecordSite = Pick<SiteConfig, "pathPrefix" | "authorsShown">;

/** The fields of a paper the search reads. */
export const searchPaperFields = [
  "slug", "id", "arxiv", "date", "published", "upvotes", "titleText", "authors", "authorCount", "organization", "tags", "category",
  "text",
] as const;
export type SearchPaper = Pick<RenderedPaper, (typeof searchPaperFields)[number]>;

/** The search record of one paper: title, authors, organization, tags, ids and abstract, math as TeX source. */
export function searchRecord(paper: SearchPaper, site: RecordSite): SearchRecord {
  const shown = paper.authors.slice(0, site.authorsShown);
  const more = paper.authorCount > shown.length ? ", …" : "";
  const record: SearchRecord = {
    url: sitePath(site, `/papers/${paper.slug}/`),
    day: paper.date,
    upvotes: paper.upvotes,
    title: paper.titleText,
    authors: shown.join(", ") + more,
    tags: [...paper.tags],
    fields: {
      title: paper.text.title,
      authors: paper.authors.join(", "),
      organization: paper.organization ?? "",
      tags: paper.tags.join(" "),
      id: paper.arxiv ?? paper.id,
      category: paper.category ?? "",
      body: paper.text.body,
    },
  };
  if (paper.organization) record.organization = paper.organization;
  if (paper.published) record.published = paper.published.slice(0, 4);
  return record;
}

const noFields: Record<SearchField, string> = Object.freeze({ title: "", authors: "", organization: "", tags: "", id: "", category: "", body: "" });

/** The record of a paper sent without its text (see `SearchRecord.textless`): what orders, links, filters and sorts it. */
function textlessRecord(paper: SearchPaper, site: RecordSite): SearchRecord {
  const record: SearchRecord = {
    url: sitePath(site, `/papers/${paper.slug}/`), day: paper.date, upvotes: paper.upvotes, title: "", authors: "", tags: paper.tags, fields: noFields,
  };
  if (paper.organization) record.organization = paper.organization;
  if (paper.published) record.published = paper.published.slice(0, 4);
  return record;
}

/** The record of a paper sent as its key alone, from what the previous index kept of it (see KeptRecord). */
function keptRecord([url, day, upvotes, tags, organization, published, id]: KeptRecord): SearchRecord {
  const record: SearchRecord = { url, day, upvotes, title: "", authors: "", tags, fields: noFields, textless: true, paperId: id };
  if (organization !== null) record.organization = organization;
  if (published !== null) record.published = published;
  return record;
}

/**
 * Search records for every paper, oldest day first, then by id: a paper's number in the index stays the same when
 * newer papers are added, and the index bytes are reproducible. A paper may be given as what the previous index kept
 * of it (see KeptRecord).
 */
export function searchRecords(
  papers: readonly (SearchPaper | KeptRecord)[],
  site: RecordSite,
  keys?: readonly (string | undefined)[],
  textless?: readonly boolean[],
): SearchRecord[] {
  const order = papers.map((_, i) => i);
  const days = papers.map((p) => (Array.isArray(p) ? p[1] : p.date));
  const ids = papers.map((p) => (Array.isArray(p) ? p[6] : p.id));
  order.sort((x, y) => {
    const da = days[x]!;
    const db = days[y]!;
    if (da !== db) return da < db ? -1 : 1;
    const ia = ids[x]!;
    const ib = ids[y]!;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  return order.map((i) => {
    const paper = papers[i]!;
    const record = Array.isArray(paper) ? keptRecord(paper) : textless?.[i] ? textlessRecord(paper, site) : searchRecord(paper, site);
    if (!Array.isArray(paper)) record.paperId = paper.id;
    if (keys?.[i]) record.key = keys[i];
    if (textless?.[i]) record.textless = true;
    return record;
  });
}

/** Papers per value of each filter the search page offers, most papers first (years newest first). */
export type FilterOptions = Record<(typeof shownFilters)[number], [value: string, papers: number][]>;

/** The choices for the search page's filter menus, with how many papers each holds. */
export function filterOptions(records: readonly SearchRecord[]): FilterOptions {
  const options = {} as FilterOptions;
  const values = (record: SearchRecord, name: (typeof shownFilters)[number]): readonly string[] =>
    name === "tag"
      ? record.tags
      : name === "year"
        ? [record.day.slice(0, 4)]
        : name === "published"
          ? record.published ? [record.published] : []
          : record.organization ? [record.organization] : [];
  for (const name of shownFilters) {
    const counts = new Map<string, number>();
    for (const record of records) for (const value of values(record, name)) counts.set(value, (counts.get(value) ?? 0) + 1);
    const byName = (a: [string, number], b: [string, number]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    const years = name === "year" || name === "published";
    options[name] = [...counts].sort(years ? (a, b) => byName(b, a) : (a, b) => b[1] - a[1] || byName(a, b));
  }
  return options;
}
