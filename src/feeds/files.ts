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
 * One feed in its formats: the files (site paths), what they are made of besides the site's code and configuration
 * (`inputs`: the papers, each standing for its content key in a page key, and their places in their days), and how
 * to render them.
 */
export interface FeedSet {
  paths: string[];
  inputs: unknown;
  render(): FeedFile[];
}

/**
 * Every feed of the site: the paper feeds (RSS, Atom, JSON), one set per tag and per organization, and the daily
 * digest feed, each within the `feedDays` / `feedItems` window (`tagFeedItems` for a tag or an organization);
 * rendered only when asked for (see FeedSet), so a build renders only the feeds whose inputs changed.
 */
export function feedSets(data: Digest & { config: SiteConfig }): FeedSet[] {
  const site = data.config;
  const cache = new Map<string, FeedItem>();
  const offsetOf = dayOffsets(data.days);
  // A paper appears in the site feed and in its tags' feeds; its MathML is rendered once, its date is the same in each.
  const itemOf = (paper: RenderedPaper): FeedItem => {
    let item = cache.get(paper.id);
    if (!item) cache.set(paper.id, (item = paperItem(paper, site, offsetOf(paper))));
    return item;
  };
  const groupWindow = { feedDays: site.feedDays, feedItems: site.tagFeedItems };
  const sets: FeedSet[] = [];
  const addAll = (paths: FeedPaths, meta: Omit<FeedMeta, "urls" | "language" | "author">, papers: RenderedPaper[]) => {
    const full: FeedMeta = { ...meta, language: site.language, author: site.title, urls: absolute(site, paths) };
    sets.push({
      paths: [paths.rss, paths.atom, paths.json],
      inputs: { meta: full, papers, offsets: papers.map((paper) => offsetOf(paper) ?? 0) },
      render: () => {
        const rendered = renderFeeds(full, papers.map(itemOf));
        return [{ path: paths.rss, body: rendered.rss }, { path: paths.atom, body: rendered.atom }, { path: paths.json, body: rendered.json }];
      },
    });
  };

  addAll(siteFeedPaths, { id: feedId(site, "feed"), title: site.title, description: site.description, link: absoluteUrl(site, "/") },
    feedWindow(data.papers, site));

  for (const group of data.tags) {
    addAll(tagFeedPaths(group.tag), {
      id: feedId(site, `tags/${group.tag}`),
      title: `${site.title}: #${group.tag}`,
      description: `Papers tagged #${group.tag} on ${site.title}.`,
      link: absoluteUrl(site, `/tags/${group.tag}/`),
    }, feedWindow(group.papers, groupWindow));
  }

  for (const group of data.organizations) {
    addAll(organizationFeedPaths(group.slug), {
      id: feedId(site, `organizations/${group.slug}`),
      title: `${site.title}: ${group.name}`,
      description: `Papers from ${group.name} on ${site.title}.`,
      link: absoluteUrl(site, `/organizations/${group.slug}/`),
    }, feedWindow(group.papers, groupWindow));
  }

  const days = data.days.slice(0, site.feedDays);
  const digestMeta: FeedMeta = {
    id: feedId(site, "digest"),
    title: `${site.title}: daily digest`,
    description: `One item a day listing that day's papers on ${site.title}.`,
    link: absoluteUrl(site, "/"),
    language: site.language,
    author: site.title,
    urls: { ...absolute(site, siteFeedPaths), rss: absoluteUrl(site, siteFeedPaths.digest) },
  };
  // A day item shows the day's date and papers (each standing for its key): those are its inputs.
  sets.push({
    paths: [siteFeedPaths.digest],
    inputs: { meta: digestMeta, days: days.map((day) => ({ date: day.date, papers: day.papers })) },
    render: () => [{ path: siteFeedPaths.digest, body: renderFeed(digestMeta, days.map((day) => dayItem(day, site)), "rss") }],
  });
  return sets;
}

/**
 * Every feed file as a build's page plan keys it (src/cache/pages.ts, `feeds`): its output path (relative, `/`-separated)
 * and what its bytes are made of. `npm run build` and the dev server's build plan the same feeds, so that what one
 * recorded the other keeps, and neither takes the other's feeds for pages it no longer makes.
 */
export function plannedFeeds(data: Digest & { config: SiteConfig }): { file: string; inputs: unknown }[] {
  return feedSets(data).flatMap((set) => set.paths.map((file) => ({ file: file.slice(1), inputs: set.inputs })));
}

/**
 * The files of every feed (see feedSets) but those `skip` says are in the output already (by site path): a feed's
 * formats are rendered together, and only the ones not skipped are returned.
 */
export function feedFiles(data: Digest & { config: SiteConfig }, skip?: (sitePath: string) => boolean): FeedFile[] {
  return feedSets(data)
    .filter((set) => !skip || !set.paths.every(skip))
    .flatMap((set) => set.render())
    .filter((file) => !skip?.(file.path));
}
