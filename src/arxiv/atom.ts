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
function paragraphs(value: string): string {
  return value
    .trim()
    .split(/\n\s*\n/)
    .map(oneLine)
    .filter(Boolean)
    .join("\n\n");
}

/** "http://arxiv.org/abs/2509.25149v2" -> { id: "2509.25149", version: 2 }. */
export function entryId(url: string): { id: string; version?: number } | undefined {
  const m = /\/abs\/(.+?)(?:v(\d+))?$/.exec(url.trim());
  if (!m) return undefined;
  return m[2] ? { id: m[1]!, version: Number(m[2]) } : { id: m[1]! };
}

/** Parses an arXiv API Atom answer; throws with a readable message when the text is not an Atom feed at all. */
export function parseArxivFeed(xml: string): ArxivFeed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Error(`the answer is not XML (${valid.err.msg}, line ${valid.err.line}): ${JSON.stringify(xml.slice(0, 80))}`);
  }
  const doc = parser.parse(xml) as { feed?: { entry?: Record<string, XmlNode | XmlNode[]>[] } };
  if (!doc.feed || typeof doc.feed !== "object") throw new Error(`the answer is not an Atom feed: ${JSON.stringify(xml.slice(0, 80))}`);
  const feed: ArxivFeed = { entries: [], errors: [] };
  for (const entry of doc.feed.entry ?? []) {
    const idUrl = text(entry.id);
    // A malformed query comes back as HTTP 200 with one entry titled "Error" whose id points at the API's error page.
    if (idUrl.includes("/api/errors")) {
      feed.errors.push(oneLine(text(entry.summary)) || "unknown error");
      continue;
    }
    const id = entryId(idUrl);
    if (!id) continue;
    const authors = ((entry.author ?? []) as { name?: unknown }[]).map((a) => oneLine(text(a.name))).filter(Boolean);
    const published = /^\d{4}-\d{2}-\d{2}/.exec(text(entry.published))?.[0];
    const primary = (entry.primary_category as { "@term"?: string } | undefined)?.["@term"];
    const doi = oneLine(text(entry.doi));
    const record: ArxivEntry = { ...id, title: oneLine(text(entry.title)), summary: paragraphs(text(entry.summary)), authors };
    if (published) record.published = published;
    if (primary) record.primaryCategory = primary;
    if (doi) record.doi = doi;
    feed.entries.push(record);
  }
  return feed;
}
