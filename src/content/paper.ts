/** A validated paper, as read from one file under `content/papers/`. */
export interface Paper {
  /** Identity and URL segment: the arXiv id, or the `id` slug for papers not on arXiv. */
  id: string;
  arxiv?: string;
  title: string;
  /** The digest day, `YYYY-MM-DD`, a calendar day with no time zone. */
  date: string;
  authors: string[];
  /** Total number of authors; larger than `authors.length` when the list in the file is abbreviated. */
  authorCount: number;
  /** First public version, `YYYY-MM-DD`. */
  published?: string;
  organization?: string;
  upvotes: number;
  tags: string[];
  /** arXiv primary category, e.g. `cs.CL`. */
  category?: string;
  doi?: string;
  venue?: string;
  /** Named absolute links; `abs` and `pdf` are derived from the arXiv id when the file does not give them. */
  links: PaperLinks;
  /** TeX macros for the title and abstract, by name (`\\bW` -> `\\mathbf{W}`), on top of the site's and the built-ins. */
  macros?: Record<string, string>;
  /** Markdown body (the abstract), never run through a template language. */
  body: string;
  /** Where the paper came from, for error messages. */
  source: { file: string; titleLine: number; bodyLine: number };
}

export interface PaperLinks {
  /** Canonical landing page: the arXiv abstract page, or the `url` given for a non-arXiv paper. */
  abs?: string;
  pdf?: string;
  code?: string;
  project?: string;
  data?: string;
  demo?: string;
  video?: string;
  slides?: string;
  blog?: string;
  model?: string;
  poster?: string;
}

/** Link names a file may give under `links`, in display order. */
export const linkNames = ["pdf", "code", "project", "data", "model", "demo", "video", "slides", "poster", "blog"] as const;

/** The parts of a paper file that hold Markdown and math, with where they start in the file. */
export type PaperText = Pick<Paper, "title" | "body" | "source" | "macros">;
