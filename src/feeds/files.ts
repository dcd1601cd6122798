import type { Digest } from "../digest/group.ts";
import type { RenderedPaper } from "../markdown/paper.ts";
import { absoluteUrl, type SiteConfig } from "../site.ts";
import { dayItem } from "./digest.ts";
import { renderFeed, renderFeeds, type FeedMeta } from "./feeds.ts";
import { dayOffsets, feedId, feedWindow, paperItem, type FeedItem } from "./items.ts";

/** Site paths of one feed's three formats. */
export interface FeedPaths {
  rss: string;
  atom: string;
  json: string;
}

/** Where the site-wide feeds live; layouts link them from every page. */
export const siteFeedPaths: FeedPaths & { digest: string } = {
  rss: "/feed.xml",
  atom: "/atom.xml",
  json: "/feed.json",
  digest: "/digest.xml",
};

/** Where one tag's feeds live: beside its page, `/tags/<tag>/feed.xml`, `atom.xml`, `feed.json`. */
export function tagFeedPaths(tag: string): FeedPaths {
  return { rss: `/tags/${tag}/feed.xml`, atom: `/tags/${tag}/atom.xml`, json: `/tags/${tag}/feed.json` };
}

/** Where one organization's feeds live: beside its page, `/organizations/<slug>/feed.xml`, `atom.xml`, `feed.json`. */
export function organizationFeedPaths(slug: string): FeedPaths {
  return { rss: `/organizations/${slug}/feed.xml`, atom: `/organizations/${slug}/atom.xml`, json: `/organizations/${slug}/feed.json` };
}

/** A file to write into the output folder: its site path and its content. */
export interface FeedFile {
  path: string;
  body: string;
}

const absolute = (site: SiteConfig, paths: FeedPaths): FeedPaths => ({
  rss: absoluteUrl(site, paths.rss),
  atom: absoluteUrl(site, paths.atom),
  json: absoluteUrl(site, paths.json),
});

/**
 * Every feed of the site: the paper feeds (RSS, Atom, JSON), one set per tag and per organization, and the daily digest feed, each
 * within the `feedDays` / `feedItems` window.
 */
export function feedFiles(data: Digest & { config: SiteConfig }): FeedFile[] {
  const site = data.config;
  const cache = new Map<string, FeedItem>();
  const offsets = dayOffsets(data.days);
  // A paper appears in the site feed and in its tags' feeds; its MathML is rendered once, its date is the same in each.
  const itemOf = (paper: RenderedPaper): FeedItem => {
    let item = cache.get(paper.id);
    if (!item) cache.set(paper.id, (item = paperItem(paper, site, offsets.get(paper.id))));
    return item;
  };
  const files: FeedFile[] = [];
  const addAll = (paths: FeedPaths, meta: Omit<FeedMeta, "urls" | "language" | "author">, items: FeedItem[]) => {
    const rendered = renderFeeds({ ...meta, language: site.language, author: site.title, urls: absolute(site, paths) }, items);
    files.push({ path: paths.rss, body: rendered.rss }, { path: paths.atom, body: rendered.atom }, { path: paths.json, body: rendered.json });
  };

  addAll(siteFeedPaths, { id: feedId(site, "feed"), title: site.title, description: site.description, link: absoluteUrl(site, "/") },
    feedWindow(data.papers, site).map(itemOf));

  for (const group of data.tags) {
    addAll(tagFeedPaths(group.tag), {
      id: feedId(site, `tags/${group.tag}`),
      title: `${site.title}: #${group.tag}`,
      description: `Papers tagged #${group.tag} on ${site.title}.`,
      link: absoluteUrl(site, `/tags/${group.tag}/`),
    }, feedWindow(group.papers, site).map(itemOf));
  }

  for (const group of data.organizations) {
    addAll(organizationFeedPaths(group.slug), {
      id: feedId(site, `organizations/${group.slug}`),
      title: `${site.title}: ${group.name}`,
      description: `Papers from ${group.name} on ${site.title}.`,
      link: absoluteUrl(site, `/organizations/${group.slug}/`),
    }, feedWindow(group.papers, site).map(itemOf));
  }

  const days = data.days.slice(0, site.feedDays).map((day) => dayItem(day, site));
  const digestMeta: FeedMeta = {
    id: feedId(site, "digest"),
    title: `${site.title}: daily digest`,
    description: `One item a day listing that day's papers on ${site.title}.`,
    link: absoluteUrl(site, "/"),
    language: site.language,
    author: site.title,
    urls: { ...absolute(site, siteFeedPaths), rss: absoluteUrl(site, siteFeedPaths.digest) },
  };
  files.push({ path: siteFeedPaths.digest, body: renderFeed(digestMeta, days, "rss") });
  return files;
}
