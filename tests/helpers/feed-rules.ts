import { XMLParser } from "fast-xml-parser";
import { parseStrictXml } from "./feeds.ts";

/**
 * The W3C feed validator's rules that can be checked offline (it is not reachable from here): its errors and the
 * warnings this project's feeds once drew. Returns one line per broken rule; an empty list means all hold.
 */

type Node = Record<string, unknown>;
const list = (value: unknown): Node[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]) as Node[];
const text = (value: unknown): string => (typeof value === "object" && value !== null ? String((value as Node)["#text"] ?? "") : String(value ?? ""));
const rfc822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$/;
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const absolute = (url: string) => /^https?:\/\/[^\s]+$/.test(url);
const languageTag = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, trimValues: false });

/** Broken rules of an RSS 2.0 feed. */
export function rssRuleProblems(xml: string): string[] {
  const problems: string[] = [];
  parseStrictXml(xml);
  const rss = parser.parse(xml).rss as Node;
  if (rss?.["@version"] !== "2.0") problems.push("rss: version must be 2.0");
  if (rss?.["@xmlns:atom"] !== "http://www.w3.org/2005/Atom") problems.push("rss: the atom namespace is not declared");
  const channel = rss.channel as Node;
  for (const name of ["title", "link", "description"]) if (!text(channel[name])) problems.push(`channel: missing ${name}`);
  if (!absolute(text(channel.link))) problems.push("channel: link is not an absolute URL");
  if (channel.language && !languageTag.test(text(channel.language))) problems.push("channel: language is not a language code");
  if (channel.lastBuildDate && !rfc822.test(text(channel.lastBuildDate))) problems.push("channel: lastBuildDate is not an RFC 822 date");
  const self = list(channel["atom:link"]).find((l) => l["@rel"] === "self");
  if (!self || self["@type"] !== "application/rss+xml" || !absolute(String(self["@href"]))) problems.push("channel: missing atom:link rel=self with type application/rss+xml");
  const guids = new Set<string>();
  for (const [i, item] of list(channel.item).entries()) {
    const where = `item ${i + 1}`;
    if (!item.title && !item.description) problems.push(`${where}: needs a title or a description`);
    if (!absolute(text(item.link))) problems.push(`${where}: link is not an absolute URL`);
    const guid = text(item.guid);
    if (!guid) problems.push(`${where}: missing guid`);
    if (guids.has(guid)) problems.push(`${where}: guid ${guid} repeats`);
    guids.add(guid);
    if (!rfc822.test(text(item.pubDate))) problems.push(`${where}: pubDate is not an RFC 822 date`);
    if ("content:encoded" in item) {
      const keys = Object.keys(item);
      if (!("description" in item) || keys.indexOf("description") > keys.indexOf("content:encoded")) problems.push(`${where}: description must precede content:encoded`);
    }
    if ("dc:creator" in item && rss["@xmlns:dc"] !== "http://purl.org/dc/elements/1.1/") problems.push(`${where}: dc namespace not declared`);
  }
  // Plain-text elements: no CDATA and no literal markup (the validator's "Encode & and < in plain text using
  // hexadecimal character references"); entity or hex references are what it asks for.
  for (const match of xml.matchAll(/<title>([\s\S]*?)<\/title>/g)) {
    if (match[1]!.includes("<![CDATA[")) problems.push(`title ${JSON.stringify(match[1]!.slice(0, 40))}: CDATA in plain text`);
    if (/&(lt|amp|gt);/.test(match[1]!)) problems.push(`title ${JSON.stringify(match[1]!.slice(0, 40))}: encode & and < with hexadecimal references`);
  }
  return problems;
}

/** Broken rules of an Atom 1.0 feed. */
export function atomRuleProblems(xml: string): string[] {
  const problems: string[] = [];
  parseStrictXml(xml);
  const feed = parser.parse(xml).feed as Node;
  if (feed?.["@xmlns"] !== "http://www.w3.org/2005/Atom") problems.push("feed: not in the Atom namespace");
  if (!languageTag.test(String(feed["@xml:lang"] ?? ""))) problems.push("feed: missing or invalid xml:lang");
  for (const name of ["id", "title", "updated"]) if (!text(feed[name])) problems.push(`feed: missing ${name}`);
  if (!rfc3339.test(text(feed.updated))) problems.push("feed: updated is not an RFC 3339 date");
  const links = list(feed.link);
  if (!links.some((l) => l["@rel"] === "self" && absolute(String(l["@href"])))) problems.push("feed: missing link rel=self");
  const feedAuthor = list(feed.author).some((a) => text(a.name));
  const ids = new Set<string>();
  const updated = new Set<string>();
  for (const [i, entry] of list(feed.entry).entries()) {
    const where = `entry ${i + 1}`;
    const id = text(entry.id);
    if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(id)) problems.push(`${where}: id is not an IRI`);
    if (ids.has(id)) problems.push(`${where}: id ${id} repeats`);
    ids.add(id);
    if (!text(entry.title)) problems.push(`${where}: missing title`);
    const date = text(entry.updated);
    if (!rfc3339.test(date)) problems.push(`${where}: updated is not an RFC 3339 date`);
    // The validator's "Two entries with the same value for atom:updated".
    if (updated.has(date)) problems.push(`${where}: another entry has the same atom:updated ${date}`);
    updated.add(date);
    if (entry.published && Date.parse(text(entry.published)) > Date.parse(date)) problems.push(`${where}: published after updated`);
    if (!feedAuthor && !list(entry.author).some((a) => text(a.name))) problems.push(`${where}: no author`);
    if (!list(entry.link).some((l) => absolute(String(l["@href"])) && (l["@rel"] ?? "alternate") === "alternate")) problems.push(`${where}: missing alternate link`);
    const content = entry.content as Node | undefined;
    if (content && content["@type"] !== "html") problems.push(`${where}: content type is not html`);
  }
  return problems;
}
