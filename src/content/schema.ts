import { reservedSlugProblem } from "./file-names.ts";
import { didYouMean, type Problem } from "./problems.ts";
import { linkNames, type Paper, type PaperLinks } from "./paper.ts";
import type { ParsedFile } from "./frontmatter.ts";
import { checkMacroTable } from "../markdown/macros.ts";

/** Fields a paper file may have. Order is the order `npm run new` writes them. */
export const knownFields = [
  "title", "date", "arxiv", "id", "url", "authors", "authorCount", "published", "organization",
  "upvotes", "tags", "category", "doi", "venue", "links", "macros",
] as const;

/** Keys that steer Eleventy (or other site generators); a paper file must never change how the site is built. */
const buildKeys = new Set([
  "permalink", "layout", "eleventyComputed", "eleventyExcludeFromCollections", "eleventyNavigation",
  "eleventyImport", "eleventyDataSchema", "eleventyAllowMissingExtension", "templateEngineOverride", "pagination",
  "dynamicPermalink", "permalinkBypassOutputDir", "collections", "page", "content", "pkg", "eleventy",
]);

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const arxivNew = /^\d{4}\.\d{4,5}$/;
const arxivOld = /^[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7}$/;
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const categoryPattern = /^[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?$/;
const doiPattern = /^10\.\d{4,9}\/\S+$/;

/** The patterns the validator checks values against, for the JSON Schema of the front matter (json-schema.ts). */
export const fieldPatterns = { date: datePattern, arxivNew, arxivOld, slug: slugPattern, category: categoryPattern, doi: doiPattern };

/** True when `value` is `YYYY-MM-DD` naming a real calendar day (2026-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  const m = datePattern.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && y >= 1900;
}

/**
 * The dates a paper may give, inclusive. A digest day (`date`) is from arXiv's first year (1991) to the end of 2099;
 * a first publication (`published`, shown only) from 1900, for older papers given by `id`. Beyond that a date is a
 * typo, and dates far outside would break what is computed from them (weeks, the search index's date order).
 */
export const dateRange = {
  date: { from: "1991-01-01", to: "2099-12-31" },
  published: { from: "1900-01-01", to: "2099-12-31" },
} as const;

/** True for absolute http(s) URLs without credentials. */
export function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && !url.username && !url.password && !/\s/.test(value);
  } catch {
    return false;
  }
}

/** True for an arXiv id without version suffix: "2509.25149" or "hep-th/9901001". */
export function isArxivId(value: string): boolean {
  return arxivNew.test(value) || arxivOld.test(value);
}

/** The abstract line `npm run new` writes when it has no abstract; refused here until a contributor replaces it. */
export const abstractPlaceholder = "TODO: replace this line with the paper's abstract.";

/** Derived arXiv links, so every arXiv paper links its abstract page and PDF. */
export function arxivLinks(arxiv: string): { abs: string; pdf: string } {
  return { abs: `https://arxiv.org/abs/${arxiv}`, pdf: `https://arxiv.org/pdf/${arxiv}` };
}

/** Turns an arXiv id into a URL-safe page slug (old-style ids contain a slash). */
export function paperSlug(id: string): string {
  return id.replace("/", "_");
}

/** `links.code` -> ["links", "code"]; `authors[2]` -> ["authors", 2]. */
const fieldPath = (field: string): (string | number)[] =>
  field.split(/[.[\]]+/).filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));

const describe = (value: unknown): string =>
  value === null ? "nothing (null)" : Array.isArray(value) ? "a list" : typeof value === "object" ? "a set of fields"
    // String(), not JSON: YAML's .inf and .nan would print as "null".
    : typeof value === "number" ? `number ${String(value)}` : `${typeof value} ${JSON.stringify(value)}`;

/**
 * Validates parsed front matter and body into a Paper. Every problem is collected; the paper is returned only when
 * there are none.
 */
export function validatePaper(parsed: ParsedFile, file: string): { paper?: Paper; problems: Problem[] } {
  const problems: Problem[] = [];
  const data = parsed.data;
  if (!data) return { problems };
  // A field that is missing (or has no line of its own) is reported at the front matter's first line, where it belongs.
  const at = (field: string, message: string, path: (string | number)[] = fieldPath(field)) =>
    problems.push({ file, line: parsed.lineOf(path) ?? 1, field, message });

  for (const key of Object.keys(data)) {
    if (buildKeys.has(key)) {
      at(key, `"${key}" changes how the site is built and is not allowed in a paper file`);
    } else if (!(knownFields as readonly string[]).includes(key)) {
      const guess = didYouMean(key, knownFields);
      at(key, `unknown field "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}; known fields: ${knownFields.join(", ")}`);
    }
  }

  const text = (field: string, value: unknown, opts: { required?: boolean; max?: number } = {}): string | undefined => {
    if (value === undefined || value === null) {
      if (opts.required) at(field, `is required`);
      return undefined;
    }
    if (typeof value !== "string") {
      at(field, `must be text, got ${describe(value)}`);
      return undefined;
    }
    const trimmed = value.trim().replace(/\s+/g, " ");
    if (!trimmed) {
      at(field, `must not be empty`);
      return undefined;
    }
    if (trimmed.length > (opts.max ?? 300)) {
      at(field, `is ${trimmed.length} characters; the limit is ${opts.max ?? 300}`);
      return undefined;
    }
    return trimmed;
  };
  const date = (field: string, value: unknown, required: boolean): string | undefined => {
    if (value instanceof Date) {
      at(field, `must be a date written YYYY-MM-DD`);
      return undefined;
    }
    if (typeof value === "number") {
      at(field, `must be a date written YYYY-MM-DD, got the number ${parsed.sourceOf([field]) ?? value}`);
      return undefined;
    }
    const s = text(field, value, { required });
    if (s === undefined) return undefined;
    if (!datePattern.test(s)) {
      at(field, `"${s}" is not a date written YYYY-MM-DD`);
      return undefined;
    }
    if (!isCalendarDate(s)) {
      at(field, `"${s}" is not a real calendar date`);
      return undefined;
    }
    const range = dateRange[field as keyof typeof dateRange];
    if (s < range.from || s > range.to) {
      at(field, `"${s}" is out of range: ${field} must be from ${range.from} to ${range.to}`);
      return undefined;
    }
    return s;
  };
  const url = (field: string, value: unknown, path?: (string | number)[]): string | undefined => {
    if (typeof value !== "string") {
      at(field, `must be an absolute http(s) URL, got ${describe(value)}`, path);
      return undefined;
    }
    if (!isWebUrl(value.trim())) {
      at(field, `"${value}" is not an absolute http(s) URL`, path);
      return undefined;
    }
    return value.trim();
  };

  const title = text("title", data.title, { required: true, max: 500 });
  const day = date("date", data.date, true);
  const published = date("published", data.published, false);

  // Identity: an arXiv id, or an id slug plus a url.
  let arxiv: string | undefined;
  let id: string | undefined;
  let abs: string | undefined;
  if (data.arxiv !== undefined && data.arxiv !== null) {
    if (typeof data.arxiv === "number") {
      const written = parsed.sourceOf(["arxiv"]) ?? String(data.arxiv);
      at("arxiv", `must be quoted: YAML reads ${written} as the number ${data.arxiv}; write arxiv: "${written}"`);
    } else if (typeof data.arxiv !== "string") {
      at("arxiv", `must be a quoted arXiv id like "2509.25149", got ${describe(data.arxiv)}`);
    } else {
      const value = data.arxiv.trim();
      const versioned = /^(.*)v\d+$/.exec(value);
      if (versioned && (arxivNew.test(versioned[1]!) || arxivOld.test(versioned[1]!))) {
        at("arxiv", `"${value}" has a version suffix; write the id without it: "${versioned[1]}"`);
      } else if (!arxivNew.test(value) && !arxivOld.test(value)) {
        at("arxiv", `"${value}" is not an arXiv id (expected e.g. "2509.25149" or "hep-th/9901001")`);
      } else {
        arxiv = value;
        id = value;
        abs = arxivLinks(value).abs;
      }
    }
    if (data.id !== undefined) at("id", `give either "arxiv" or "id", not both: the arXiv id is the paper's identity`);
    if (data.url !== undefined) at("url", `is only for papers without an arXiv id; arXiv papers link to arxiv.org`);
  } else {
    if (data.id === undefined || data.id === null) {
      at("arxiv", `is required (or, for a paper not on arXiv, give "id" and "url")`);
    } else if (typeof data.id !== "string" || !slugPattern.test(data.id) || data.id.length > 100) {
      at("id", `must be a slug of lowercase letters, digits and hyphens, got ${describe(data.id)}`);
    } else if (reservedSlugProblem(data.id)) {
      at("id", reservedSlugProblem(data.id)!);
    } else {
      id = data.id;
    }
    if (data.url === undefined || data.url === null) at("url", `is required for a paper given by "id" (its landing page)`);
    else abs = url("url", data.url);
  }

  // Authors: a non-empty list of names.
  let authors: string[] | undefined;
  if (data.authors === undefined || data.authors === null) at("authors", "is required: a list of author names");
  else if (!Array.isArray(data.authors)) at("authors", `must be a list of names (one "- Name" per line), got ${describe(data.authors)}`);
  else if (data.authors.length === 0) at("authors", "must list at least one author");
  else if (data.authors.length > 5000) at("authors", `lists ${data.authors.length} authors; the limit is 5000`);
  else {
    authors = [];
    data.authors.forEach((name, i) => {
      const value = text(`authors[${i}]`, name, { required: true, max: 200 });
      if (value !== undefined) authors!.push(value);
    });
    if (authors.length !== data.authors.length) authors = undefined;
  }
  let authorCount = authors?.length ?? 0;
  if (data.authorCount !== undefined) {
    if (!Number.isSafeInteger(data.authorCount) || (data.authorCount as number) < 1) {
      at("authorCount", `must be a whole number >= 1, got ${describe(data.authorCount)}`);
    } else if (authors && (data.authorCount as number) < authors.length) {
      at("authorCount", `is ${data.authorCount} but ${authors.length} authors are listed`);
    } else authorCount = data.authorCount as number;
  }

  let upvotes = 0;
  if (data.upvotes !== undefined && data.upvotes !== null) {
    // Safe integers only: 1e300 is an "integer" to JavaScript and would print as a 301-digit count.
    if (!Number.isSafeInteger(data.upvotes) || (data.upvotes as number) < 0) at("upvotes", `must be a whole number >= 0, got ${describe(data.upvotes)}`);
    else upvotes = data.upvotes as number;
  }

  const tags: string[] = [];
  if (data.tags !== undefined && data.tags !== null) {
    if (!Array.isArray(data.tags)) at("tags", `must be a list of tags, got ${describe(data.tags)}`);
    else if (data.tags.length > 20) at("tags", `has ${data.tags.length} tags; the limit is 20`);
    else {
      data.tags.forEach((tag, i) => {
        if (typeof tag !== "string" || !slugPattern.test(tag) || tag.length > 40) {
          at(`tags[${i}]`, `must be a lowercase slug like "reinforcement-learning", got ${describe(tag)}`, ["tags", i]);
        } else if (reservedSlugProblem(tag)) at(`tags[${i}]`, reservedSlugProblem(tag)!, ["tags", i]);
        else if (tags.includes(tag)) at(`tags[${i}]`, `"${tag}" is listed twice`, ["tags", i]);
        else tags.push(tag);
      });
    }
  }

  const organization = text("organization", data.organization, { max: 200 });
  const venue = text("venue", data.venue, { max: 200 });
  let category = text("category", data.category, { max: 40 });
  if (category !== undefined && !categoryPattern.test(category)) {
    at("category", `"${category}" is not an arXiv category like "cs.CL" or "astro-ph.SR"`);
    category = undefined;
  }
  let doi = text("doi", data.doi, { max: 200 });
  if (doi !== undefined && !doiPattern.test(doi)) {
    at("doi", `"${doi}" is not a DOI like "10.1145/3580305.3599256" (without https://doi.org/)`);
    doi = undefined;
  }

  const links: PaperLinks = {};
  if (arxiv) Object.assign(links, arxivLinks(arxiv));
  else if (abs) links.abs = abs;
  if (data.links !== undefined && data.links !== null) {
    if (typeof data.links !== "object" || Array.isArray(data.links)) {
      at("links", `must be a set of named links (code: https://...), got ${describe(data.links)}`);
    } else {
      for (const [name, value] of Object.entries(data.links as Record<string, unknown>)) {
        if (!(linkNames as readonly string[]).includes(name)) {
          const guess = didYouMean(name, linkNames);
          at(`links.${name}`, `unknown link "${name}"${guess ? ` (did you mean "${guess}"?)` : ""}; known links: ${linkNames.join(", ")}`, ["links", name]);
          continue;
        }
        const checked = url(`links.${name}`, value, ["links", name]);
        if (checked) links[name as keyof PaperLinks] = checked;
      }
    }
  }

  // TeX macros for this paper's title and abstract: `macros: { "\\bW": "\\mathbf{W}" }` (see docs/math.md).
  const macroCheck = checkMacroTable(data.macros);
  for (const [key, message] of macroCheck.errors) at(key ? `macros.${key}` : "macros", message, key ? ["macros", key] : ["macros"]);
  const macros = Object.keys(macroCheck.macros).length ? macroCheck.macros : undefined;

  if (parsed.body.trim() === "") {
    problems.push({ file, line: parsed.bodyLine, field: "body", message: "the abstract is missing: write it below the front matter" });
  } else if (parsed.body.includes(abstractPlaceholder)) {
    const line = parsed.bodyLine + parsed.body.slice(0, parsed.body.indexOf(abstractPlaceholder)).split("\n").length - 1;
    problems.push({ file, line, field: "body", message: "still holds the placeholder written by `npm run new`: replace that line with the paper's abstract" });
  }

  if (problems.length || !title || !day || !id || !authors) return { problems };
  const paper: Paper = {
    id, title, date: day, authors, authorCount, upvotes, tags, links, body: parsed.body,
    source: { file, titleLine: parsed.lineOf(["title"]) ?? 2, bodyLine: parsed.bodyLine },
  };
  if (arxiv) paper.arxiv = arxiv;
  if (published) paper.published = published;
  if (organization) paper.organization = organization;
  if (category) paper.category = category;
  if (doi) paper.doi = doi;
  if (venue) paper.venue = venue;
  if (macros) paper.macros = macros;
  return { paper, problems };
}

/**
 * Things that are valid but probably not what the contributor meant; `npm run check` prints them as warnings, which
 * never fail the check or the build. Today: an author list that looks like one "Last, First" name split at its comma
 * (`authors: [Smith, John]`), or names written "Last, First".
 */
export function paperWarnings(parsed: ParsedFile, file: string): Problem[] {
  const authors = parsed.data?.authors;
  if (!Array.isArray(authors) || !authors.every((a) => typeof a === "string")) return [];
  const names = authors as string[];
  const line = parsed.lineOf(["authors"]) ?? 1;
  const warning = (message: string): Problem => ({ file, line, field: "authors", message, severity: "warning" });
  const inverted = names.filter((n) => /^[^,]+,\s*[^,]+$/.test(n.trim()));
  if (inverted.length) {
    const [last, first] = inverted[0]!.split(",").map((p) => p.trim());
    return [warning(`"${inverted[0]}" looks like "Last, First"; write each name as it is printed: "${first} ${last}"`)];
  }
  if (names.length >= 2 && names.length % 2 === 0 && names.every((n) => /^\S+$/.test(n.trim()))) {
    const pairs = [];
    for (let i = 0; i < names.length; i += 2) pairs.push(`${names[i + 1]} ${names[i]}`);
    return [warning(`looks like "Last, First" names split at their commas (${names.map((n) => JSON.stringify(n)).join(", ")}); write one name per line: ${pairs.map((p) => `- ${p}`).join(" ")}`)];
  }
  return [];
}
