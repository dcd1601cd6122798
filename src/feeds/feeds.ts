import { escapeHtml } from "markdown-it/lib/common/utils.mjs";
import { Feed, type Item } from "feed";
import { dayStart } from "../digest/dates.ts";
import type { FeedItem } from "./items.ts";
import { cdataHtml, cdataText, xmlText } from "./xml-safe.ts";

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

/** The feed's own updated time is its newest item's, never the build time, so the same content gives the same bytes. */
function updatedOf(items: readonly FeedItem[]): Date {
  return new Date(items.reduce((newest, item) => Math.max(newest, dayStart(item.date)), 0));
}

/**
 * One item in the shape `feed` expects for a format. RSS gets a plain-text title, the authors as `dc:creator` (its
 * own `author` element is meant for an email address) and the HTML as content:encoded (no separate description: the
 * abstract is the whole content, and sending it twice would double the feed); Atom's title is HTML
 * (`type="html"`), so it is escaped.
 */
function toItem(item: FeedItem, format: Format): Item {
  const date = new Date(dayStart(item.date));
  const base: Item = {
    id: item.id,
    link: item.link,
    date,
    published: date,
    title: format === "atom" ? cdataHtml(escapeHtml(item.title)) : format === "rss" ? cdataText(item.title) : xmlText(item.title),
    content: cdataHtml(item.html),
    category: item.tags.map((tag) => ({ name: xmlText(tag), term: xmlText(tag) })),
  };
  if (format === "rss") {
    base.extensions = [{ name: "dc:creator", objects: { _text: xmlText(item.authorText) } }];
  } else {
    base.author = item.authors.map((name) => ({ name: xmlText(name) }));
  }
  return base;
}

/** `feed` writes JSON Feed 1.0; this brings it to 1.1: a language, and every author (not just the first) as `authors`. */
function jsonFeed11(json: string, meta: FeedMeta, items: readonly FeedItem[]): string {
  const { version: _old, author: _single, items: written, ...rest } = JSON.parse(json) as Record<string, unknown> & { items: Record<string, unknown>[] };
  const authorsOf = new Map(items.map((item) => [item.id, item.authors]));
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    ...rest,
    language: meta.language,
    authors: [{ name: xmlText(meta.author) }],
    items: written.map(({ author: _first, ...item }) => ({
      ...item,
      authors: (authorsOf.get(String(item.id)) ?? []).map((name) => ({ name: xmlText(name) })),
    })),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
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
  for (const item of items) feed.addItem(toItem(item, format));
  if (format === "rss") return `${feed.rss2()}\n`;
  if (format === "atom") return `${feed.atom1()}\n`;
  return jsonFeed11(feed.json1(), meta, items);
}

/** One feed in all three formats. */
export function renderFeeds(meta: FeedMeta, items: readonly FeedItem[]): FeedFormats {
  return { rss: renderFeed(meta, items, "rss"), atom: renderFeed(meta, items, "atom"), json: renderFeed(meta, items, "json") };
}
