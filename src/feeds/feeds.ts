import { escapeHtml } from "markdown-it/lib/common/utils.mjs";
import { Feed, type Item } from "feed";
import { dayStart } from "../digest/dates.ts";
import type { FeedItem } from "./items.ts";
import { cdataHtml, xmlCharRefs, xmlText } from "./xml-safe.ts";

/** What a feed says about itself; every URL absolute. */
export interface FeedMeta {
  /** Stable `tag:` URI of the feed. */
  id: string;
  title: string;
  description: string;
  /** The HTML page the feed mirrors. */
  link: string;
  language: string;
  /** Who publishes the feed (Atom requires an author; entries without one inherit it). */
  author: string;
  /** Where each format of this feed is published. */
  urls: { rss: string; atom: string; json: string };
}

/** The three formats of one feed. */
export interface FeedFormats {
  rss: string;
  atom: string;
  json: string;
}

type Format = keyof FeedFormats;

/** When an item is dated: its day at 00:00:00Z plus its offset, so a day's items keep their order. */
export function itemTime(item: Pick<FeedItem, "date" | "offsetSeconds">): Date {
  return new Date(dayStart(item.date) + (item.offsetSeconds ?? 0) * 1000);
}

/** The feed's own updated time is its newest item's, never the build time, so the same content gives the same bytes. */
function updatedOf(items: readonly FeedItem[]): Date {
  return new Date(items.reduce((newest, item) => Math.max(newest, itemTime(item).getTime()), 0));
}

/** An item's authors, one per name, plus "and 34 more" when the paper lists only its first authors (as RSS's line says). */
function authorsOf(item: FeedItem): { name: string }[] {
  const names = item.authors.map((name) => ({ name: xmlText(name) }));
  const more = (item.authorCount ?? 0) - item.authors.length;
  return more > 0 ? [...names, { name: `and ${more} more` }] : names;
}

/**
 * Stands in for an RSS item title while `feed` writes the XML (it writes every title as CDATA); replaced by the
 * escaped title afterwards. U+0001 cannot occur in any text we hand over (`xmlText` removes it), so it cannot collide.
 */
const titleMark = (index: number) => `\u0001${index}\u0001`;

/**
 * One item in the shape `feed` expects for a format. RSS gets the authors as `dc:creator` (its own `author` element
 * is meant for an email address), a plain-text summary as `description` (written before content:encoded, as the W3C
 * validator asks) and the HTML as content:encoded; Atom's title is HTML (`type="html"`), so it is escaped.
 */
function toItem(item: FeedItem, format: Format, index: number): Item {
  const date = itemTime(item);
  const base: Item = {
    id: item.id,
    link: item.link,
    date,
    published: date,
    title: format === "atom" ? cdataHtml(escapeHtml(item.title)) : format === "rss" ? titleMark(index) : xmlText(item.title),
    content: cdataHtml(item.html),
    category: item.tags.map((tag) => ({ name: xmlText(tag), term: xmlText(tag) })),
  };
  // RSS's description is HTML: the plain text is escaped so a "<b>" in it stays text. Atom and JSON Feed get no summary:
  // it is the abstract's first 300 characters again, and their readers show the content (README, "Output size").
  if (item.summary && format === "rss") base.description = cdataHtml(escapeHtml(item.summary));
  if (format === "rss") {
    base.extensions = [{ name: "dc:creator", objects: { _text: xmlText(item.authorText) } }];
  } else {
    base.author = authorsOf(item);
  }
  return base;
}

/**
 * RSS titles as plain text the way most readers agree on: no CDATA (which several readers show raw or treat as HTML),
 * `&`, `<` and `>` as hexadecimal character references (the RSS Best Practices Profile; the W3C validator warns
 * about anything else). A `]]>` in a title is then just text: nothing is inserted into it.
 */
function rssTitles(xml: string, items: readonly FeedItem[]): string {
  // One pass over the feed: a replace per item rescanned and copied the whole feed each time (400 items of MathML).
  return xml.replace(/<title><!\[CDATA\[\u0001(\d+)\u0001\]\]><\/title>/g, (mark, index: string) => {
    const item = items[Number(index)];
    return item && mark === `<title><![CDATA[${titleMark(Number(index))}]]></title>` ? `<title>${xmlCharRefs(xmlText(item.title))}</title>` : mark;
  });
}

/** `feed` writes no language on an Atom feed; `xml:lang` on the root gives every entry its language. */
function atomLanguage(xml: string, language: string): string {
  return xml.replace('<feed xmlns="http://www.w3.org/2005/Atom">', () => `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeHtml(xmlText(language))}">`);
}

/**
 * `feed` writes JSON Feed 1.0; this brings it to 1.1: a language and every author (not just the first, with "and N
 * more") as `authors`. No summary (the content has it) and no `date_modified` equal to `date_published`; written
 * without indentation, which is a quarter of a pretty-printed feed.
 */
function jsonFeed11(json: string, meta: FeedMeta, items: readonly FeedItem[]): string {
  const { version: _old, author: _single, items: written, ...rest } = JSON.parse(json) as Record<string, unknown> & { items: Record<string, unknown>[] };
  const byId = new Map(items.map((item) => [item.id, item]));
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    ...rest,
    language: meta.language,
    authors: [{ name: xmlText(meta.author) }],
    items: written.map(({ author: _first, summary: _html, date_modified: modified, ...written }) => {
      const item = byId.get(String(written.id));
      return { ...written, ...(modified !== written.date_published ? { date_modified: modified } : {}), authors: item ? authorsOf(item) : [] };
    }),
  };
  return `${JSON.stringify(feed)}\n`;
}

/**
 * `feed` indents its XML by four spaces a level; whitespace between elements means nothing in RSS or Atom, so each
 * line's indentation goes. CDATA sections (the HTML, whose `<pre>` could hold meaningful spaces) are kept as they are:
 * `cdataHtml` leaves no `]]>` inside one, so the first `]]>` ends it.
 */
function unindented(xml: string): string {
  return xml.replace(/(<!\[CDATA\[[\s\S]*?\]\]>)|\n[ \t]+(?=<)/g, (match, cdata?: string) => cdata ?? "\n");
}

/** Renders one feed in one format with the `feed` package; items are written in the order given. */
export function renderFeed(meta: FeedMeta, items: readonly FeedItem[], format: Format): string {
  const feed = new Feed({
    id: meta.id,
    title: xmlText(meta.title),
    description: xmlText(meta.description),
    link: meta.link,
    language: meta.language,
    updated: updatedOf(items),
    author: { name: xmlText(meta.author), link: meta.link },
    feedLinks: meta.urls,
  });
  items.forEach((item, i) => feed.addItem(toItem(item, format, i)));
  if (format === "rss") return `${unindented(rssTitles(feed.rss2(), items))}\n`;
  if (format === "atom") return `${unindented(atomLanguage(feed.atom1(), meta.language))}\n`;
  return jsonFeed11(feed.json1(), meta, items);
}

/** One feed in all three formats. */
export function renderFeeds(meta: FeedMeta, items: readonly FeedItem[]): FeedFormats {
  return { rss: renderFeed(meta, items, "rss"), atom: renderFeed(meta, items, "atom"), json: renderFeed(meta, items, "json") };
}
