// Deterministic synthetic paper corpus for the benchmark: the shape of a busy arXiv digest, the same bytes every run.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** A small fast seeded PRNG (mulberry32): the corpus must not depend on Math.random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (
  "we propose a novel method for learning representations from large scale data and show that it improves " +
  "over strong baselines on several benchmarks including image classification language modeling and reinforcement " +
  "learning tasks our approach builds on recent advances in transformer architectures diffusion models and " +
  "contrastive objectives while remaining simple to implement experiments demonstrate consistent gains in accuracy " +
  "sample efficiency robustness and calibration we further analyze the theoretical properties of the estimator " +
  "proving convergence under mild assumptions and derive tight bounds on the generalization error code and " +
  "models are released to facilitate future research the framework scales to billions of parameters with " +
  "modest compute budgets and supports distributed training across heterogeneous hardware finally we discuss " +
  "limitations ablations and broader impacts of the proposed technique"
).split(" ");

const formulas = [
  String.raw`\mathcal{O}(n \log n)`,
  String.raw`\tilde{\mathcal O}(\sqrt{K})`,
  String.raw`x \in \mathbb{R}^d`,
  String.raw`\alpha = 0.5`,
  String.raw`\epsilon > 0`,
  String.raw`\mathbb{E}[\|x - \hat x\|_2^2]`,
  String.raw`\sum_{i=1}^{n} w_i x_i`,
  String.raw`\frac{1}{\sqrt{d_k}}`,
  String.raw`p_\theta(x \mid z)`,
  String.raw`\lambda_{\max}(A)`,
  String.raw`\nabla_\theta \mathcal{L}(\theta)`,
  String.raw`O(K^{2/3})`,
  String.raw`\mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d}}\right)V`,
  String.raw`\Pr[X \geq t] \leq e^{-2t^2/n}`,
  String.raw`\int_0^1 f(x)\,dx`,
  String.raw`\begin{pmatrix} a & b \\ c & d \end{pmatrix}`,
];

const displayFormulas = [
  String.raw`\mathcal{L}(\theta) = \mathbb{E}_{x \sim p}\left[-\log p_\theta(x)\right] + \lambda \|\theta\|_2^2`,
  String.raw`\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right) V`,
  String.raw`R_T = \sum_{t=1}^{T} \ell_t(x_t) - \min_{x \in \mathcal{X}} \sum_{t=1}^{T} \ell_t(x) \le \mathcal{O}(\sqrt{T \log T})`,
  String.raw`\frac{\partial u}{\partial t} = \kappa \nabla^2 u + f(x, t)`,
  String.raw`q(x_t \mid x_{t-1}) = \mathcal{N}\left(x_t; \sqrt{1 - \beta_t}\, x_{t-1}, \beta_t I\right)`,
];

const firstNames = "Ada Alan Grace Yan Haipeng Wei Li Maria Sofia Ahmed Priya Kenji Lucas Emma Noah Olga Ivan Chen Fatima Diego".split(" ");
const lastNames = "Lovelace Turing Hopper Dai Luo Zhang Wang Garcia Rossi Khan Patel Tanaka Silva Müller Novak Petrov Liu Ali Lopez Kim".split(" ");
const tagPool = [
  "reinforcement-learning", "theory", "diffusion", "llm", "vision", "robotics", "optimization", "graphs", "speech",
  "multimodal", "benchmark", "efficiency", "safety", "agents", "retrieval", "3d", "video", "math", "code", "biology",
];
const categories = ["cs.LG", "cs.CL", "cs.CV", "cs.AI", "stat.ML", "math.OC", "cs.RO", "quant-ph", "astro-ph.SR"];

/** What the generator produced: every paper's path (relative to the content folder), the days, and a spare paper. */
export interface Corpus {
  papers: number;
  days: string[];
  files: string[];
  /** A paper that is not in the corpus, for the "one new paper" measurement: its relative path and text. */
  extra: { file: string; text: string };
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
const between = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

function sentenceWords(rand: () => number, count: number): string[] {
  return Array.from({ length: count }, () => pick(rand, words));
}

/** An abstract of 150 to 300 words with 0 to 6 formulas, some inline and some display. */
function abstract(rand: () => number): string {
  const total = between(rand, 150, 300);
  const text = sentenceWords(rand, total);
  const formulaCount = between(rand, 0, 6);
  const parts: string[] = [];
  const cuts = Array.from({ length: formulaCount }, () => between(rand, 1, total - 1)).sort((a, b) => a - b);
  let from = 0;
  for (const cut of cuts) {
    parts.push(text.slice(from, cut).join(" "));
    parts.push(rand() < 0.2 ? `\n\n$$${pick(rand, displayFormulas)}$$\n\n` : ` $${pick(rand, formulas)}$ `);
    from = cut;
  }
  parts.push(text.slice(from).join(" "));
  const body = parts.join("").replace(/ +/g, " ").replace(/\n /g, "\n").trim();
  return body.charAt(0).toUpperCase() + body.slice(1) + ".";
}

/** One paper file's text, in the format the site expects (and any Eleventy project can read). */
function paperText(rand: () => number, date: string, arxiv: string): string {
  const titleWords = sentenceWords(rand, between(rand, 5, 12));
  titleWords[0] = titleWords[0]!.charAt(0).toUpperCase() + titleWords[0]!.slice(1);
  if (rand() < 0.1) titleWords.push(`$${pick(rand, formulas)}$`);
  const authorCount = between(rand, 1, 40);
  const authors = Array.from({ length: authorCount }, () => `${pick(rand, firstNames)} ${pick(rand, lastNames)}`);
  const tags = [...new Set(Array.from({ length: between(rand, 0, 3) }, () => pick(rand, tagPool)))];
  const lines = [
    "---",
    `title: ${JSON.stringify(titleWords.join(" "))}`,
    `date: ${date}`,
    `arxiv: "${arxiv}"`,
    "authors:",
    ...authors.map((a) => `  - ${a}`),
    `category: ${pick(rand, categories)}`,
    `upvotes: ${Math.floor(rand() ** 3 * 400)}`,
  ];
  if (tags.length) lines.push(`tags: [${tags.join(", ")}]`);
  if (rand() < 0.3) lines.push("links:", `  code: https://github.com/example/p${arxiv.replace(".", "")}`);
  lines.push("---", abstract(rand), "");
  return lines.join("\n");
}

/** Weekdays from 2020-01-01 on: arXiv announces on weekdays only. */
function* weekdays(): Generator<string> {
  const day = new Date(Date.UTC(2020, 0, 1));
  for (;;) {
    const dow = day.getUTCDay();
    if (dow !== 0 && dow !== 6) yield day.toISOString().slice(0, 10);
    day.setUTCDate(day.getUTCDate() + 1);
  }
}

/**
 * Writes `count` papers under `contentDir` (one folder per day, 20 to 60 papers a day, `YYYY-MM-DD/<arxiv>.md`).
 * Same `count` and `seed`, same files; the first N papers of a larger corpus are not the same as a smaller one.
 */
export function generateCorpus(contentDir: string, count: number, seed = 1): Corpus {
  const rand = seededRandom(seed);
  const perMonth = new Map<string, number>();
  const nextId = (date: string) => {
    const month = date.slice(2, 4) + date.slice(5, 7);
    const n = (perMonth.get(month) ?? 0) + 1;
    perMonth.set(month, n);
    return `${month}.${String(n).padStart(5, "0")}`;
  };
  const days: string[] = [];
  const files: string[] = [];
  const calendar = weekdays();
  let written = 0;
  let date = "";
  while (written < count) {
    date = calendar.next().value as string;
    days.push(date);
    const today = Math.min(between(rand, 20, 60), count - written);
    mkdirSync(path.join(contentDir, date), { recursive: true });
    for (let i = 0; i < today; i++) {
      const arxiv = nextId(date);
      const file = `${date}/${arxiv}.md`;
      writeFileSync(path.join(contentDir, file), paperText(rand, date, arxiv));
      files.push(file);
      written++;
    }
  }
  const arxiv = nextId(date);
  return { papers: written, days, files, extra: { file: `${date}/${arxiv}.md`, text: paperText(rand, date, arxiv) } };
}
