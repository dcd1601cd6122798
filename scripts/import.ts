// `npm run import`: bring many papers in at once, from the Hugging Face daily papers or the arXiv API; safe to re-run.
import { parseArgs } from "node:util";
import { ArxivClient, ArxivError, defaultArxivApiUrl, normalizeArxivId } from "../src/arxiv/api.ts";
import type { ArxivEntry } from "../src/arxiv/atom.ts";
import { printable } from "../src/content/problems.ts";
import { isCalendarDate } from "../src/content/schema.ts";
import { defaultHfApiUrl, fetchHfDay } from "../src/import/hf.ts";
import { importPapers, reportLines, type ImportCandidate } from "../src/import/run.ts";
import { loadSiteConfig } from "../src/site.ts";

const usage = `Usage:
  npm run import -- hf --date YYYY-MM-DD                       a day of Hugging Face daily papers
  npm run import -- arxiv ID [ID...] [--date YYYY-MM-DD]        papers from the arXiv API by id or URL
  npm run import -- arxiv --category cs.LG --date YYYY-MM-DD    a category's submissions of that day (UTC)

--date      the digest day the papers are listed under, or "today" (UTC) (hf and --category: required; arxiv ids:
            default today)
--tags      comma-separated lowercase tags for every new paper
A paper already present (any version or form of its id, any day) is not added again; its upvotes, organization and
links.code/links.project are updated unless someone edited them (see docs/import.md). Exit 1 when a paper failed.
HF_API_URL (default ${defaultHfApiUrl}) and ARXIV_API_URL (default ${defaultArxivApiUrl}) change the addresses.`;

class UsageError extends Error {}

const fromEntry = (entry: ArxivEntry, date: string, tags: string[]): ImportCandidate => ({
  label: entry.id,
  paper: {
    title: entry.title, date, arxiv: entry.id, authors: entry.authors, published: entry.published,
    category: entry.primaryCategory, doi: entry.doi, tags, abstract: entry.summary,
  },
});

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      date: { type: "string" }, category: { type: "string" }, tags: { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [source, ...rest] = positionals;
  const today = new Date().toISOString().slice(0, 10);
  // "today" (UTC) lets a scheduled workflow run one plain command.
  const date = values.date === "today" ? today : values.date ?? (source === "arxiv" && !values.category ? today : undefined);
  if (!date) throw new UsageError(`${source === "hf" ? "hf" : "--category"} needs --date YYYY-MM-DD`);
  if (!isCalendarDate(date)) throw new UsageError(`--date "${date}" is not a calendar date written YYYY-MM-DD`);
  const tags = values.tags?.split(",").map((t) => t.trim()).filter(Boolean) ?? [];
  const root = process.cwd();
  const site = loadSiteConfig(root);
  const log = (line: string) => console.error(printable(line));

  let candidates: ImportCandidate[] = [];
  const failures: { label: string; reason: string }[] = [];
  if (source === "hf") {
    if (rest.length || values.category) throw new UsageError("hf takes only --date (and --tags)");
    try {
      const day = await fetchHfDay(date, { apiUrl: process.env.HF_API_URL || undefined, log });
      candidates = day.candidates.map((c) => ({ ...c, paper: { ...c.paper, tags } }));
      failures.push(...day.failures.map((f) => ({ label: f.item, reason: f.reason })));
    } catch (error) {
      console.error(`npm run import: Hugging Face daily papers for ${date}: ${printable((error as Error).message)}`);
      return 1;
    }
    if (!candidates.length && !failures.length) console.log(`Hugging Face lists no papers for ${date}.`);
  } else if (source === "arxiv") {
    const client = new ArxivClient({ apiUrl: process.env.ARXIV_API_URL || undefined, log });
    if (values.category) {
      if (rest.length) throw new UsageError("give either arXiv ids or --category, not both");
      if (!/^[a-z-]+(?:\.[A-Za-z-]+)?$/.test(values.category)) throw new UsageError(`"${values.category}" is not an arXiv category like cs.LG`);
      try {
        candidates = (await client.categoryDay(values.category, date)).map((e) => fromEntry(e, date, tags));
      } catch (error) {
        console.error(`npm run import: ${values.category} on ${date}: ${printable((error as Error).message)}`);
        return 1;
      }
      if (!candidates.length) console.log(`arXiv lists no ${values.category} submissions on ${date}.`);
    } else {
      if (!rest.length) throw new UsageError("give arXiv ids, or --category and --date");
      const ids: string[] = [];
      for (const input of rest) {
        const id = normalizeArxivId(input);
        if (id) ids.push(id);
        else failures.push({ label: input, reason: "is not an arXiv id like 2509.25149 or hep-th/9901001" });
      }
      const found = await client.entries(ids);
      for (const id of ids) {
        const result = found.get(id);
        if (result instanceof ArxivError || !result) failures.push({ label: id, reason: result?.message ?? "no answer" });
        else candidates.push(fromEntry(result, date, tags));
      }
    }
  } else {
    throw new UsageError(source ? `unknown source "${source}" (hf or arxiv)` : "give a source: hf or arxiv");
  }
  const report = importPapers({ root, contentDir: site.contentDir, candidates, failures, siteMacros: site.macros });
  for (const line of reportLines(report)) console.log(printable(line));
  return report.counts.failed ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const code = (error as { code?: unknown }).code;
  if (error instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
    console.error(`npm run import: ${printable((error as Error).message)}\n\n${usage}`);
    process.exitCode = 2;
  } else {
    console.error(`npm run import: ${printable((error as Error).message)}`);
    process.exitCode = 1;
  }
}
