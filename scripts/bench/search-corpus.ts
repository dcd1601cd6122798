// The bench:search corpus: in-memory rendered papers shaped like a busy arXiv digest, the same every run, and the
// queries the benchmark times on it. Also used by the incremental index benchmark.
import path from "node:path";
import { loadPapers } from "../../src/content/load.ts";
import type { RenderedPaper } from "../../src/markdown/paper.ts";

const root = path.resolve(import.meta.dirname, "../..");

/** mulberry32: a small seeded PRNG, so every run indexes the same corpus. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SearchCorpus {
  papers: RenderedPaper[];
  queries: { kind: string; query: string }[];
}

/**
 * A corpus shaped like a busy arXiv digest. Abstract and title words are drawn from the word frequencies of the example
 * papers in content/papers (so common words, TeX and punctuation are as frequent as in real abstracts), mixed with a
 * long tail of made-up rare words (new method names, symbols) so the vocabulary keeps growing with the site, as it
 * does. Authors recur with a Zipf law; 150-300-word abstracts; 45 papers a day.
 */
export function searchCorpus(count: number): SearchCorpus {
  const random = seeded(42);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]) => list[int(list.length)]!;
  // Zipf rank (s = 1): small ranks are frequent, the long tail is rare.
  const zipf = (n: number) => Math.min(n - 1, Math.floor(Math.exp(random() * Math.log(n + 1)) - 1));
  const examples = loadPapers(root, "content/papers").papers;
  if (!examples.length) throw new Error("bench:search needs the example papers in content/papers to model word frequencies");
  const abstractWords = examples.flatMap((p) => p.body.split(/\s+/).filter(Boolean));
  const titleWords = examples.flatMap((p) => p.title.split(/\s+/).filter(Boolean));
  const syllables = "ka ri to ne mo sa lu vi de pa ro mi zu te la no shi be gu ra fi ho ze ta ke na po ly qua tri bel dor fen gar hul jin kor mar nel pir quin sol tav ur vex wyn xor yal zed".split(" ");
  const word = (parts: number) => Array.from({ length: parts }, () => pick(syllables)).join("");
  const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  const tail = Array.from({ length: 200_000 }, (_, i) => word(2 + (i % 3)));
  const tailCount = new Map<string, number>();
  const tailWord = () => {
    const w = tail[zipf(tail.length)]!;
    tailCount.set(w, (tailCount.get(w) ?? 0) + 1);
    return w;
  };
  const exampleNames = examples.flatMap((p) => p.authors).map((a) => a.split(" "));
  const firstNames = [...new Set(exampleNames.map((n) => n[0]!))];
  const lastNames = [...new Set(exampleNames.map((n) => n.at(-1)!))].concat(Array.from({ length: 3000 }, () => capital(word(2 + int(2)))));
  const authors = [...new Set(Array.from({ length: 60_000 }, () => `${pick(firstNames)} ${pick(lastNames)}`))];
  const organizations = Array.from({ length: 300 }, () => `${capital(word(2))} ${pick(["University", "Lab", "Institute", "AI", "Research"])}`);
  const tags = Array.from({ length: 80 }, () => `${word(2)}-${word(2)}`);
  const papers: RenderedPaper[] = [];
  const start = Date.UTC(2021, 0, 4);
  for (let i = 0; i < count; i++) {
    const date = new Date(start + Math.floor(i / 45) * 86_400_000).toISOString().slice(0, 10);
    const arxiv = `${date.slice(2, 4)}${date.slice(5, 7)}.${String(10000 + i).padStart(5, "0")}`;
    const body = Array.from({ length: 150 + int(151) }, () => (random() < 0.06 ? tailWord() : pick(abstractWords))).join(" ");
    const title = capital(Array.from({ length: 6 + int(8) }, () => (random() < 0.12 ? tailWord() : pick(titleWords))).join(" "));
    const authorList = [...new Set(Array.from({ length: random() < 0.05 ? 20 + int(60) : 2 + int(9) }, () => authors[zipf(authors.length)]!))];
    papers.push({
      id: arxiv,
      arxiv,
      slug: arxiv,
      title,
      titleText: title,
      titleHtml: title,
      abstractText: body,
      date,
      authors: authorList,
      authorCount: authorList.length,
      organization: random() < 0.4 ? organizations[zipf(organizations.length)] : undefined,
      upvotes: zipf(500),
      tags: [...new Set(Array.from({ length: int(4) }, () => tags[zipf(tags.length)]!))],
      links: {},
      body,
      text: { title, body },
      abstractHtml: "",
      source: { file: `synthetic/${arxiv}.md`, titleLine: 2, bodyLine: 10 },
    });
  }
  // A rare word: in the tail, found in only a few abstracts.
  const rare = tail.slice(50_000).find((w) => (tailCount.get(w) ?? 0) >= 2 && (tailCount.get(w) ?? 0) <= 5) ?? tail[50_000]!;
  const middle = papers[Math.floor(count / 2)]!;
  return {
    papers,
    queries: [
      { kind: "common word", query: "learning" },
      { kind: "two words", query: "language models" },
      { kind: "rare word", query: rare },
      { kind: "author", query: authors[3]! },
      { kind: "arXiv id", query: middle.arxiv! },
      { kind: "TeX command", query: "\\mathcal" },
    ],
  };
}

