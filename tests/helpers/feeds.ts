import Parser from "rss-parser";
import { SaxesParser } from "saxes";

/** Parses XML with a strict, namespace-aware parser; throws on the first well-formedness or namespace error. */
export function parseStrictXml(xml: string): { root: string; elements: number } {
  const parser = new SaxesParser({ xmlns: true });
  let root = "";
  let elements = 0;
  parser.on("error", (error) => {
    throw error;
  });
  parser.on("opentag", (tag) => {
    if (!elements) root = tag.name;
    elements++;
  });
  parser.write(xml).close();
  return { root, elements };
}

/** An item as rss-parser reads it, with the fields our feeds add (content:encoded, Atom id). */
export type ReadItem = Parser.Item & { id?: string; "content:encoded"?: string; author?: string };

/** Parses an RSS or Atom feed with rss-parser, the way a feed-reading application would. */
export async function readFeed(xml: string): Promise<Parser.Output<ReadItem> & { lastBuildDate?: string }> {
  return new Parser<{ lastBuildDate?: string }, ReadItem>().parseString(xml);
}
