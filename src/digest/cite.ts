/**
 * What reference managers and scholarly search read from a paper page: a BibTeX entry, Highwire `citation_*` meta
 * tags, Open Graph properties and a one-sentence description. Plain functions of a paper; the layouts print their
 * results, escaped by Nunjucks. No JSON-LD: its ScholarlyArticle said the title, date and arXiv link the `citation_*`
 * tags say, which are what Google Scholar and reference managers (Zotero, Mendeley) read; Google Search shows no
 * result feature for a ScholarlyArticle (about 290 bytes on every paper page, README "Output size").
 */
import type { RenderedPaper } from "../markdown/paper.ts";
import { oneSpace } from "../markdown/source-text.ts";
import { absoluteUrl, type SiteConfig } from "../site.ts";

/** The paper fields citations read. */
export type CitedPaper = Pick<
  RenderedPaper,
  "id" | "arxiv" | "slug" | "title" | "titleText" | "date" | "authors" | "authorCount" | "published" | "category" | "doi" | "venue" | "links" | "abstractText" | "organization"
>;

type CiteSite = Pick<SiteConfig, "url" | "pathPrefix" | "title">;

/**
 * Longest description, in characters: search engines show about 160, and link previews (which read the same tag when
 * a page has no `og:description`) two lines. It was 300, on every paper page twice (issue 15, output size).
 */
const descriptionMax = 160;
/** Only the start of an abstract is read for its first sentence (abstracts may be 20,000 characters). */
const descriptionInput = 2000;
/**
 * Of which the sentence segmenter sees this much, whitespace collapsed: a first sentence longer than the description
 * is cut anyway, and ICU's work grows with the text it is given (0.3 -> 0.23 s for 10,000 pages).
 */
const segmenterInput = 2 * descriptionMax;

/**
 * The abstract's first sentence as plain text, at most 160 characters (cut at a word, with "…"). Takes the paper's
 * `abstractText`: the abstract as the render read it, Markdown and text-mode TeX dropped and math made readable.
 */
export function firstSentence(abstractText: string): string {
  // A paper page asks for it several times in a row (description, Open Graph): the last answer is kept.
  if (abstractText === lastSentence.of) return lastSentence.is;
  const text = oneSpace(abstractText.slice(0, descriptionInput)).trim().slice(0, segmenterInput);
  const first = sentences.segment(text)[Symbol.iterator]().next().value?.segment.trim() ?? "";
  const cut = first.slice(0, descriptionMax - 1);
  const space = cut.lastIndexOf(" ");
  const is = first.length <= descriptionMax ? first : `${(space > descriptionMax / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "")}…`;
  lastSentence = { of: abstractText, is };
  return is;
}

/** Made once: creating a segmenter loads ICU's sentence rules, costlier than segmenting one abstract's start. */
const sentences = new Intl.Segmenter("en", { granularity: "sentence" });
let lastSentence = { of: "", is: "" };

/** `2023-01-30` -> `2023/01/30`, the date form Google Scholar documents for `citation_publication_date`. */
const highwireDate = (date: string) => date.replaceAll("-", "/");

/** The paper's own date: its first version when known, else the digest day. */
const paperDate = (paper: CitedPaper) => paper.published ?? paper.date;

/** Highwire Press meta tags, as `[name, content]` pairs in the order Google Scholar's guidelines list them. */
export function citationMeta(paper: CitedPaper): [string, string][] {
  const meta: [string, string][] = [["citation_title", paper.titleText]];
  for (const author of paper.authors) meta.push(["citation_author", author]);
  meta.push(["citation_publication_date", highwireDate(paperDate(paper))]);
  if (paper.published) meta.push(["citation_online_date", highwireDate(paper.published)]);
  if (paper.arxiv) meta.push(["citation_arxiv_id", paper.arxiv]);
  if (paper.links.pdf) meta.push(["citation_pdf_url", paper.links.pdf]);
  if (paper.doi) meta.push(["citation_doi", paper.doi]);
  if (paper.venue) meta.push(["citation_conference_title", paper.venue]);
  if (paper.links.abs) meta.push(["citation_abstract_html_url", paper.links.abs]);
  return meta;
}

/** Open Graph properties of a paper page. */
export function openGraph(paper: CitedPaper, site: CiteSite): [string, string][] {
  const og: [string, string][] = [
    ["og:type", "article"],
    ["og:site_name", site.title],
    ["og:title", paper.titleText],
    ["article:published_time", paperDate(paper)],
  ];
  // No `og:description` and no `og:url`: link previews (Facebook, LinkedIn, Slack, Mastodon) take them from the page's
  // `description` and canonical link when they are missing, and both were on every paper page once more (issue 15).
  // No `article:author`: Open Graph means it for profile URLs, not names, and the authors are in the head once already
  // as `citation_author` (Google Scholar's tags): 20 more tags on every paper page for nobody (issue 15, output size).
  return og;
}

/** Characters LaTeX treats as special in text: escaped outside math. */
const latexSpecial = /(?<!\\)([&%#_])/g;

/** BibTeX field text: LaTeX specials escaped outside `$...$`, braces balanced (an unbalanced one is dropped). */
function bibText(text: string): string {
  // Most names and titles have no brace, dollar sign or character to escape: only their runs of spaces change (the
  // steps below give the same for them, at a tenth of a 10,000-paper build's page rendering time).
  if (!/[{}$&%#_]/.test(text)) return oneSpace(text);
  const escaped = oneSpace(text)
    .split(/(\$[^$]*\$)/)
    .map((part, i) => (i % 2 ? part : part.replace(latexSpecial, "\\$1")))
    .join("");
  let depth = 0;
  let out = "";
  for (const char of escaped) {
    if (char === "{") depth++;
    if (char === "}" && --depth < 0) {
      depth = 0;
      continue;
    }
    out += char;
  }
  // Unclosed braces: drop them all rather than guess where they close.
  return depth > 0 ? out.replace(/(?<!\\)[{}]/g, "") : out;
}

/** ASCII letters of a name part, for the citation key: "Schölkopf" -> "scholkopf". */
const keyPart = (text: string) =>
  text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]/g, "");

const stopWords = new Set(["a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "towards", "toward"]);

/** The citation key: first author's last name, year, first significant title word: `dai2023refined`. */
export function citationKey(paper: CitedPaper): string {
  const surname = keyPart(paper.authors[0]?.trim().split(/\s+/).at(-1) ?? "") || "anon";
  let word = "";
  // The title's words in order, each made ASCII only until the first significant one.
  for (const part of paper.titleText.split(/[^\p{L}\p{N}]+/u)) {
    word = keyPart(part);
    if (word && !stopWords.has(word)) break;
    word = "";
  }
  return `${surname}${paperDate(paper).slice(0, 4)}${word}`;
}

/**
 * A BibTeX entry: `@misc` with arXiv's eprint fields for an arXiv paper (as arXiv's own export does), with `doi`
 * and the venue when known. Authors beyond the listed ones become "and others".
 */
export function bibtex(paper: CitedPaper, site: CiteSite): string {
  const authors = paper.authors.map(bibText).join(" and ") + (paper.authorCount > paper.authors.length ? " and others" : "");
  const date = paperDate(paper);
  const fields: [string, string][] = [
    ["title", `{${bibText(paper.title)}}`],
    ["author", authors],
    ["year", date.slice(0, 4)],
    ["month", String(Number(date.slice(5, 7)))],
  ];
  if (paper.arxiv) fields.push(["eprint", paper.arxiv], ["archivePrefix", "arXiv"]);
  if (paper.arxiv && paper.category) fields.push(["primaryClass", paper.category]);
  if (paper.venue) fields.push(["howpublished", bibText(paper.venue)]);
  if (paper.doi) fields.push(["doi", bibText(paper.doi)]);
  const url = paper.links.abs ?? absoluteUrl(site, `/papers/${paper.slug}/`);
  fields.push(["url", url.replace(/[{}]/g, encodeURIComponent)]);
  // No columns (`title = {...}`, as arXiv's own export writes it): padding every name to "archivePrefix" cost about
  // 70 bytes a paper page for alignment alone (README, "Output size").
  const body = fields.map(([name, value]) => `  ${name} = {${value}}`).join(",\n");
  return `@misc{${citationKey(paper)},\n${body}\n}`;
}
