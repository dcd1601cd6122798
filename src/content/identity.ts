import { isArxivId } from "./schema.ts";

/**
 * What makes two paper files the same paper, whatever form each file gives it in: an arXiv id with or without a
 * version, old style with or without its subject class (`math.AG/0601001` is `math/0601001`), or an arXiv URL under
 * `url`; a DOI in any case or as a doi.org URL; a title that differs only in case, punctuation, spacing or TeX dollars.
 * Shared by `npm run check` (duplicates) and `npm run import` (is this paper already here?).
 */

/**
 * The arXiv id in what someone wrote: "2509.25149", "2509.25149v2", "arXiv:2509.25149", an abs/pdf URL on arxiv.org
 * (any host spelling, `.pdf` or not), "hep-th/9901001", "math.AG/0601001"; without the version. Undefined otherwise.
 */
export function parseArxivId(input: string): string | undefined {
  const id = input
    .trim()
    .replace(/^arxiv:/i, "")
    .replace(/^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\//i, "")
    .replace(/[?#].*$/, "")
    .replace(/\/$/, "")
    .replace(/\.pdf$/i, "")
    .replace(/v\d+$/, "");
  return isArxivId(id) ? id : undefined;
}

/** The one form two spellings of the same arXiv id share: no version, no old-style subject class. */
export function arxivKey(id: string): string | undefined {
  const parsed = parseArxivId(id);
  return parsed?.replace(/^([a-z-]+)\.[A-Z]{2}\//, "$1/");
}

/** A DOI compared case-insensitively (DOIs are), without a doi.org prefix. */
export function doiKey(doi: string): string | undefined {
  const bare = doi.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)/i, "").toLowerCase();
  return /^10\.\d{4,9}\/\S+$/.test(bare) ? bare : undefined;
}

/** A title reduced to its words: case, accents, punctuation, TeX dollars and spacing do not count. */
export function titleKey(title: string): string | undefined {
  const key = title
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  // Very short titles ("Introduction") collide by chance; only compare titles with some words in them.
  return key.split(" ").length >= 3 ? key : undefined;
}

/** The identity of one file as far as its front matter gives it, read leniently (a broken file still has one). */
export interface PaperIdentity {
  file: string;
  arxiv?: { key: string; line?: number; field: string };
  doi?: { key: string; line?: number };
  title?: { key: string; line?: number };
  /** The `id` slug of a paper not on arXiv. */
  id?: { key: string; line?: number };
}

/** Reads the identity of a file from its parsed front matter (`data` as parsed, `lineOf` for messages). */
export function identityOf(
  file: string,
  data: Record<string, unknown> | undefined,
  lineOf: (path: readonly (string | number)[]) => number | undefined,
  sourceOf: (path: readonly (string | number)[]) => string | undefined = () => undefined,
): PaperIdentity {
  const identity: PaperIdentity = { file };
  if (!data) return identity;
  const text = (key: string): string | undefined => {
    const value = data[key];
    // An unquoted arXiv id is a number to YAML; what the file says is its source text.
    if (typeof value === "number") return sourceOf([key]) ?? String(value);
    return typeof value === "string" ? value : undefined;
  };
  for (const field of ["arxiv", "id", "url"]) {
    const value = text(field);
    const key = value === undefined ? undefined : arxivKey(value);
    if (key) {
      identity.arxiv = { key, line: lineOf([field]), field };
      break;
    }
  }
  const id = text("id");
  if (id && !identity.arxiv) identity.id = { key: id.trim(), line: lineOf(["id"]) };
  const doi = text("doi");
  const doiK = doi === undefined ? undefined : doiKey(doi);
  if (doiK) identity.doi = { key: doiK, line: lineOf(["doi"]) };
  const title = text("title");
  const titleK = title === undefined ? undefined : titleKey(title);
  if (titleK) identity.title = { key: titleK, line: lineOf(["title"]) };
  return identity;
}
