// `npm run new`: write a new paper file, from the arXiv API (--arxiv) or from what is given (--id), checked before saving.
import { parseArgs } from "node:util";
import { ArxivError, defaultArxivApiUrl, fetchArxivEntry, normalizeArxivId } from "../src/arxiv/api.ts";
import { whyTaken, writeNewPaper, type NewPaper } from "../src/content/new-paper.ts";
import { formatProblem, printable, problemReport } from "../src/content/problems.ts";
import { isCalendarDate } from "../src/content/schema.ts";
import { loadSiteConfig } from "../src/site.ts";

const usage = `Usage:
  npm run new -- --arxiv 2509.25149 [--date YYYY-MM-DD] [--tags a,b]
  npm run new -- --id my-paper --url https://... --title "Title" --authors "Ada Lovelace, Alan Turing"
                 [--date YYYY-MM-DD] [--tags a,b] [--abstract "..."]

--arxiv     arXiv id or URL; title, authors, abstract, published date and category come from the arXiv API
--id        a slug (a-z, 0-9, -) for a paper not on arXiv; needs --url, --title and --authors
--date      the digest day the paper is listed under (default: today, UTC)
--tags      comma-separated lowercase tags
--abstract  the abstract (with --id; without it the file gets a TODO line that npm run check refuses until replaced)
ARXIV_API_URL overrides the API address (default ${defaultArxivApiUrl}).`;

/** A mistake in how the command was called: print it with the usage and exit 2. */
class UsageError extends Error {}

const list = (value: string | undefined, separator: RegExp) =>
  value?.split(separator).map((s) => s.trim()).filter(Boolean) ?? [];

/** Thrown when the paper's file or id is taken, before arXiv is asked. */
class TakenError extends Error {}

async function paperFromArgs(argv: string[], taken: (paper: Pick<NewPaper, "date" | "arxiv" | "id">) => string | undefined): Promise<NewPaper> {
  const names = ["arxiv", "id", "url", "title", "authors", "date", "tags", "abstract"] as const;
  // Every option is read as a list, so an option given twice is refused instead of the last one silently winning.
  const parsed = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...Object.fromEntries(names.map((n) => [n, { type: "string", multiple: true }])), help: { type: "boolean", short: "h" } },
  });
  const positionals = parsed.positionals;
  const lists = parsed.values as Record<string, string[] | boolean | undefined>;
  const values: Partial<Record<(typeof names)[number], string>> & { help?: boolean } = { help: lists.help === true };
  for (const name of names) {
    const given = lists[name];
    if (!Array.isArray(given)) continue;
    if (given.length > 1) {
      throw new UsageError(name === "arxiv"
        ? `--arxiv is given ${given.length} times; npm run new writes one paper. For several, run: npm run import -- arxiv ${given.join(" ")}`
        : `--${name} is given ${given.length} times; give it once`);
    }
    values[name] = given[0];
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const date = values.date ?? new Date().toISOString().slice(0, 10);
  if (!isCalendarDate(date)) throw new UsageError(`--date "${date}" is not a calendar date written YYYY-MM-DD`);
  const tags = list(values.tags, /,/);

  if (values.arxiv !== undefined) {
    const extra = (["id", "url", "title", "authors", "abstract"] as const).filter((k) => values[k] !== undefined);
    if (extra.length) throw new UsageError(`--arxiv takes everything from arXiv; leave out --${extra.join(", --")}`);
    const arxiv = normalizeArxivId(values.arxiv);
    if (!arxiv) throw new UsageError(`"${values.arxiv}" is not an arXiv id like 2509.25149 or hep-th/9901001`);
    const reason = taken({ date, arxiv });
    if (reason) throw new TakenError(reason);
    const entry = await fetchArxivEntry(arxiv, { apiUrl: process.env.ARXIV_API_URL || undefined, attempts: 2 });
    return {
      title: entry.title, date, arxiv, authors: entry.authors, published: entry.published,
      category: entry.primaryCategory, doi: entry.doi, tags, abstract: entry.summary,
    };
  }
  if (values.id !== undefined) {
    const missing = (["url", "title", "authors"] as const).filter((k) => !values[k]?.trim());
    if (missing.length) throw new UsageError(`--id needs --${missing.join(", --")} too`);
    return {
      title: values.title!, date, id: values.id, url: values.url!, authors: list(values.authors, /,/), tags,
      abstract: values.abstract,
    };
  }
  throw new UsageError("give --arxiv <id> or --id <slug>");
}

try {
  const root = process.cwd();
  const site = loadSiteConfig(root);
  const paper = await paperFromArgs(process.argv.slice(2), (p) => whyTaken({ root, contentDir: site.contentDir, paper: p }));
  const result = writeNewPaper({ root, contentDir: site.contentDir, paper, siteMacros: site.macros });
  if (!result.ok) {
    for (const problem of result.problems) console.error(formatProblem(problem));
    console.error(`${result.problems.length ? "\n" : ""}npm run new: ${printable(result.reason)}`);
    process.exitCode = 1;
  } else {
    console.log(`Wrote ${printable(result.file)}`);
    // What npm run check will show for it, the same way: the file passes, but these should be fixed.
    if (result.warnings.length) console.log(`\n${problemReport([], result.warnings).join("\n")}\n`);
    if (result.placeholder) console.log("Replace its TODO line with the paper's abstract.");
    console.log("Then run `npm run check` to validate it.");
  }
} catch (error) {
  // A timeout's DOMException has a numeric code: test the type before reading it as text.
  const code = (error as { code?: unknown }).code;
  if (error instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
    console.error(`npm run new: ${printable((error as Error).message)}\n\n${usage}`);
    process.exitCode = 2;
  } else if (error instanceof ArxivError || error instanceof TakenError) {
    // Messages quote what was typed and what the arXiv API answered (its text, HTTP reason phrases): one printable line.
    console.error(`npm run new: ${printable(error.message)}`);
    process.exitCode = 1;
  } else {
    // Anything unexpected still gets one line, not a stack trace.
    console.error(`npm run new: ${printable((error as Error).message)}`);
    process.exitCode = 1;
  }
}
