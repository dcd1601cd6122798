import { XMLParser, XMLValidator } from "fast-xml-parser";

/** One paper as the arXiv API describes it, with whitespace tidied and nothing else changed. */
export interface ArxivEntry {
  /** The id without version suffix: "2509.25149" or "hep-th/9901001". */
  id: string;
  /** The version the API returned (the latest), e.g. 3 for "v3". */
  version?: number;
  title: string;
  /** The abstract as the authors wrote it (TeX included), hard line breaks joined, paragraphs kept. */
  summary: string;
  authors: string[];
  /** Day version 1 was submitted, `YYYY-MM-DD` (UTC, as the API gives it). */
  published?: string;
  primaryCategory?: string;
  doi?: string;
}

/** What an arXiv API answer holds: papers, or the error entries the API returns with HTTP 200 for a bad query. */
export interface ArxivFeed {
  entries: ArxivEntry[];
  errors: string[];
  /** `opensearch:totalResults`: how many entries the whole query has (for paging), when the feed says. */
  totalResults?: number;
}

/** Elements that may repeat: always read as lists, so one author and five authors look alike. */
const repeated = new Set(["entry", "author", "link", "category"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  // arXiv's own elements (arxiv:doi, arxiv:primary_category) have no Atom namesakes, so the prefix can go.
  removeNSPrefix: true,
  // Text stays text: a title "1984" or an id "2101.10000" must not become a number.
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => repeated.has(name),
});

type XmlNode = string | { "#text"?: string; [key: string]: unknown } | undefined;

const text = (node: unknown): string => {
  const value = typeof node === "string" ? node : (node as { "#text"?: unknown } | undefined)?.["#text"];
  return typeof value === "string" ? value : "";
};

/** Collapses runs of whitespace (the API hard-wraps titles and abstracts) into single spaces. */
const oneLine = (value: string): string => value.replace(/\s+/g, " ").trim();

/** Joins the API's hard-wrapped lines into paragraphs; blank lines still separate paragraphs. */
export function paragraphs(value: string): string {
  return value
    .trim()
    .split(/\n\s*\n/)
    .map(oneLine)
    .filter(Boolean)
    .join("\n\n");
}

/**
 * "http://arxiv.org/abs/2509.25149v2" -> { id: "2509.25149", version: 2 }; also https, and a PDF link
 * ("https://arxiv.org/pdf/2509.25149v2", with or without ".pdf").
 */
export function entryId(url: string): { id: string; version?: number } | undefined {
  const m = /\/(?:abs|pdf)\/(.+?)(?:v(\d+))?(?:\.pdf)?$/.exec(url.trim());
  if (!m) return undefined;
  return m[2] ? { id: m[1]!, version: Number(m[2]) } : { id: m[1]! };
}

type Link = { "@href"?: string; "@rel"?: string; "@title"?: string; "@type"?: string };

/**
 * The paper's id, wherever the layout puts it. The API long gave it as the entry's `<id>` URL; the layout served since
 * the API was replaced may give it in `https` form, and a feed that leaves `<id>` out still links the abstract page
 * and the PDF. So: the `<id>` if it is an abstract URL, else the `alternate` link, else the PDF link.
 */
function findEntryId(entry: Record<string, unknown>): { id: string; version?: number } | undefined {
  const fromId = /arxiv\.org\/abs\//.test(text(entry.id)) ? entryId(text(entry.id)) : undefined;
  if (fromId) return fromId;
  const links = (entry.link ?? []) as Link[];
  const abs = links.find((l) => /arxiv\.org\/abs\//.test(l["@href"] ?? ""));
  const pdf = links.find((l) => /arxiv\.org\/pdf\//.test(l["@href"] ?? ""));
  const href = abs?.["@href"] ?? pdf?.["@href"];
  return href ? entryId(href) : undefined;
}

/** The DOI: the `arxiv:doi` element, or (in layouts without it) the `doi.org` link. */
function findDoi(entry: Record<string, unknown>): string | undefined {
  const element = oneLine(text(entry.doi));
  if (element) return element;
  const link = ((entry.link ?? []) as Link[]).find((l) => /^https?:\/\/(?:dx\.)?doi\.org\/10\./.test(l["@href"] ?? ""));
  return link?.["@href"]?.replace(/^https?:\/\/(?:dx\.)?doi\.org\//, "");
}

/** Parses an arXiv API Atom answer; throws with a readable message when the text is not an Atom feed at all. */
export function parseArxivFeed(xml: string): ArxivFeed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Error(`the answer is not XML (${valid.err.msg}, line ${valid.err.line}): ${JSON.stringify(xml.slice(0, 80))}`);
  }
  const doc = parser.parse(xml) as { feed?: { entry?: Record<string, XmlNode | XmlNode[]>[]; totalResults?: unknown } };
  if (!doc.feed || typeof doc.feed !== "object") throw new Error(`the answer is not an Atom feed: ${JSON.stringify(xml.slice(0, 80))}`);
  const feed: ArxivFeed = { entries: [], errors: [] };
  const total = Number(text(doc.feed.totalResults));
  if (text(doc.feed.totalResults) && Number.isSafeInteger(total)) feed.totalResults = total;
  for (const entry of doc.feed.entry ?? []) {
    const idUrl = text(entry.id);
    // A malformed query comes back as HTTP 200 with one entry titled "Error" whose id points at the API's error page.
    if (idUrl.includes("/api/errors")) {
      feed.errors.push(oneLine(text(entry.summary)) || "unknown error");
      continue;
    }
    const id = findEntryId(entry);
    if (!id) continue;
    const authors = ((entry.author ?? []) as { name?: unknown }[]).map((a) => oneLine(text(a.name))).filter(Boolean);
    const published = /^\d{4}-\d{2}-\d{2}/.exec(text(entry.published))?.[0];
    const categories = (entry.category ?? []) as { "@term"?: string }[];
    const primary = (entry.primary_category as { "@term"?: string } | undefined)?.["@term"] ?? categories[0]?.["@term"];
    const doi = findDoi(entry);
    const record: ArxivEntry = { ...id, title: oneLine(text(entry.title)), summary: paragraphs(text(entry.summary)), authors };
    if (published) record.published = published;
    if (primary) record.primaryCategory = primary;
    if (doi) record.doi = doi;
    feed.entries.push(record);
  }
  return feed;
}
