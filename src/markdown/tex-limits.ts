import katex, { type KatexOptions } from "katex";
import { findControlChar } from "../content/frontmatter.ts";

/**
 * Bounds on what one formula may cost and draw, on top of KaTeX's own settings (`maxExpand` counts macro expansions,
 * not what they produce, and `maxSize` caps positive sizes only). Changing anything here changes the rendering cache
 * key (this file is under src/).
 *
 * Work: KaTeX's macro expander is counted token by token (every token it reads, every token an expansion pushes),
 * whatever macros it is given: the built-in ones, `\def`s in the formula, and macros passed in the options.
 * Real formulas read at most 13 tokens per character of TeX (18,000 formulas of 4,000 arXiv abstracts).
 *
 * Drawing: a formula may not paint outside its own box nor hide what it draws, so
 *   - zero-size boxes written in the TeX (`\mathrlap`, `\smash`, ...) are refused,
 *   - negative sizes (`\kern-5em`, `\hspace{-5em}`, `\\[-5em]`) are bounded one by one and in sum,
 *   - shifts (`\rule[shift]`, `\raisebox`) are bounded both ways,
 *   - transparent colours (`transparent`, `#rgba`, `#rrggbbaa`) are refused,
 *   - `\arraystretch` is bounded,
 *   - the output may not hold control or bidirectional-override characters (`\char"202E`).
 * Real abstracts use none of the refused commands and at most 0.9em of negative space in one formula.
 */
export const texWorkLimits = {
  /** Tokens KaTeX may read or produce, per formula: this many plus `tokensPerChar` per character of TeX. */
  tokensBase: 1000,
  tokensPerChar: 30,
  /** Tokens for all formulas of one paper (title and abstract), within `withPaperBudget`. */
  paperTokens: 100_000,
  /**
   * Typeset math (MathML) of one paper, in characters; the 4,000 real abstracts have at most 13,100 in all (title and
   * abstract). Matrices make the most MathML per character of TeX (43: `x&` is a cell of 86 characters).
   */
  paperOutputChars: 80_000,
  /** Longest output (MathML) of one formula, in characters; the 18,974 formulas of the real abstracts are under 3,500. */
  outputChars: 20_000,
  /** Most negative size, each (in em). */
  negativeEm: 1,
  /** Most negative space in one formula, all sizes together (in em). */
  negativeTotalEm: 2,
  /** Largest shift of `\rule[shift]` and `\raisebox`, up or down (in em). */
  shiftEm: 1,
  /** Largest `\arraystretch`. */
  arraystretch: 4,
};

/** A formula over one of the limits above: a content problem, reported like a TeX error (`rawMessage`, as KaTeX's). */
export class TexLimitError extends Error {
  constructor(readonly rawMessage: string) {
    super(rawMessage);
    this.name = "TexLimitError";
  }
}

/** Commands that draw a box of zero width or height, so what they hold overlaps whatever is next to it. */
const zeroSize = new Set(["\\mathrlap", "\\mathllap", "\\mathclap", "\\rlap", "\\llap", "\\clap", "\\smash"]);

/**
 * Commands after which the parse tree is checked for sizes, shifts and colours: every node that carries one comes
 * from one of these (`\hspace`, `\!`, `\,`... are macros over `\hskip` / `\mskip`). Formulas without them (most) are
 * parsed once.
 */
const sized = new Set([
  "\\kern", "\\mkern", "\\hskip", "\\mskip", "\\rule", "\\raisebox", "\\\\", "\\cr", "\\newline", "\\genfrac",
  "\\above", "\\\\abovefrac", "\\color", "\\textcolor", "\\colorbox", "\\fcolorbox", "\\arraystretch",
]);

/** The work counted for one paper's formulas. */
interface PaperBudget {
  tokens: number;
  output: number;
  exhausted: boolean;
}

/** The work counted for one formula. */
interface Budget {
  tokens: number;
  limit: number;
  /** True once a command from `sized` was read. */
  sized: boolean;
  paper?: PaperBudget;
}

/** The message of every formula refused because its paper ran out of budget (reported once per paper). */
export const paperBudgetMessage = `too much math in one paper: its formulas may expand to ${texWorkLimits.paperTokens} tokens of TeX and ${texWorkLimits.paperOutputChars} characters of typeset math in all`;

let paperBudget: PaperBudget | undefined;

/** Runs `render` (the typesetting of one paper's title and abstract) with one budget for all their formulas. */
export function withPaperBudget<T>(render: () => T): T {
  const outer = paperBudget;
  paperBudget = { tokens: 0, output: 0, exhausted: false };
  try {
    return render();
  } finally {
    paperBudget = outer;
  }
}

// Budgets by the macro table handed to KaTeX: KaTeX keeps that very object as its global macro namespace.
const budgets = new WeakMap<object, Budget>();

const spend = (budget: Budget, tokens: number) => {
  budget.tokens += tokens;
  if (budget.tokens > budget.limit) {
    throw new TexLimitError(`the formula expands to too much TeX: more than ${budget.limit} tokens for a formula of its length (nested or repeated macros?)`);
  }
  const paper = budget.paper;
  if (paper && (paper.tokens += tokens) > texWorkLimits.paperTokens) {
    paper.exhausted = true;
    throw new TexLimitError(paperBudgetMessage);
  }
};

/**
 * Counts the work of KaTeX's macro expander. KaTeX has no hook for it, so the expander's two entry points for tokens
 * are wrapped, once: `popToken` (every token read, from the source or from an expansion) and `pushTokens` (every
 * expansion's result, before it is read: one expansion can push a huge argument many times over). The expander is
 * found through a macro function, which KaTeX calls with it. Only renders started by `renderBounded` are counted.
 */
function instrumentExpander(): void {
  let proto: Record<string, unknown> | undefined;
  katex.renderToString("\\probe", { macros: { "\\probe": (context: object) => ((proto = Object.getPrototypeOf(context)), "") } });
  const popToken = proto?.popToken;
  const pushTokens = proto?.pushTokens;
  if (typeof popToken !== "function" || typeof pushTokens !== "function") {
    throw new Error(`KaTeX ${katex.version}: its macro expander has no popToken/pushTokens; src/markdown/tex-limits.ts must be updated`);
  }
  const budgetOf = (expander: { settings: { macros: object } }) => budgets.get(expander.settings.macros);
  proto!.popToken = function (this: { settings: { macros: object } }) {
    const token = popToken.call(this) as { text: string };
    const budget = budgetOf(this);
    if (budget) {
      spend(budget, 1);
      if (sized.has(token.text)) budget.sized = true;
    }
    return token;
  };
  proto!.pushTokens = function (this: { settings: { macros: object } }, tokens: unknown[]) {
    const budget = budgetOf(this);
    if (budget) spend(budget, tokens.length);
    return pushTokens.call(this, tokens);
  };
}

let instrumented = false;

/** KaTeX's parser, exported for "advanced use" but not in its type declarations. */
const parseTree = (katex as unknown as { __parse(tex: string, options: KatexOptions): unknown }).__parse;

/** The first command in `tex` (as KaTeX's lexer reads it) that draws a zero-size box. */
function zeroSizeCommand(tex: string): string | undefined {
  for (const match of tex.matchAll(/\\(?:[a-zA-Z@]+|[^a-zA-Z@])/g)) if (zeroSize.has(match[0])) return match[0];
  return undefined;
}

/** TeX units in points (KaTeX's table; em, ex and mu at the normal size, which is close enough for a bound). */
const points: Record<string, number> = {
  pt: 1, mm: 7227 / 2540, cm: 7227 / 254, in: 72.27, bp: 803 / 800, pc: 12, dd: 1238 / 1157, cc: 14856 / 1157,
  nd: 685 / 642, nc: 1370 / 107, sp: 1 / 65536, px: 803 / 800, em: 10, ex: 4.305, mu: 10 / 18,
};

const em = (size: { number: number; unit: string }) => (size.number * (points[size.unit] ?? 10)) / 10;
const shown = (value: number) => `${Number(value.toFixed(3))}em`;

/** Why a formula's parse tree draws outside its box or invisibly, if it does. */
function drawingProblem(tree: unknown): string | undefined {
  let negative = 0;
  const stack: Array<[unknown, string]> = [[tree, ""]];
  while (stack.length) {
    const [value, key] = stack.pop()!;
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, key]);
      continue;
    }
    if (!value || typeof value !== "object") {
      if (key === "arraystretch" && typeof value === "number" && value > texWorkLimits.arraystretch) {
        return `\\arraystretch ${value} is not allowed: the limit is ${texWorkLimits.arraystretch}`;
      }
      if ((key === "color" || key === "backgroundColor" || key === "borderColor") && typeof value === "string" && isTransparent(value)) {
        return `the colour "${value}" is not allowed: math must stay visible (use an opaque colour: a name, #rgb or #rrggbb)`;
      }
      continue;
    }
    const size = value as { number?: unknown; unit?: unknown };
    if (typeof size.number === "number" && typeof size.unit === "string") {
      const value = em(size as { number: number; unit: string });
      if (key === "shift" || key === "dy") {
        if (Math.abs(value) > texWorkLimits.shiftEm) {
          return `a shift of ${shown(value)} is not allowed: \\rule and \\raisebox may move a box at most ${texWorkLimits.shiftEm}em up or down`;
        }
      } else if (value < -texWorkLimits.negativeEm) {
        return `a size of ${shown(value)} is not allowed: a negative size may be at most ${texWorkLimits.negativeEm}em, so math cannot reach outside its box`;
      } else if (value < 0 && (negative += value) < -texWorkLimits.negativeTotalEm) {
        return `negative sizes add up to more than ${texWorkLimits.negativeTotalEm}em in one formula, which is not allowed: math cannot reach outside its box`;
      }
      continue;
    }
    for (const [k, v] of Object.entries(value)) if (k !== "loc") stack.push([v, k]);
  }
  return undefined;
}

/** `transparent`, or a colour with an alpha channel (`#rgba`, `#rrggbbaa`). */
const isTransparent = (color: string) => /^(?:transparent|#[0-9a-f]{4}|#[0-9a-f]{8})$/i.test(color);

/**
 * `katex.renderToString` within the limits above: throws a TexLimitError (or KaTeX's ParseError) instead of returning
 * what a formula may not produce. `options.macros` may hold any macros (they are copied, never changed).
 */
export function renderBounded(tex: string, options: KatexOptions): string {
  if (!instrumented) {
    instrumentExpander();
    instrumented = true;
  }
  const zero = zeroSizeCommand(tex);
  if (zero) throw new TexLimitError(`${zero} is not allowed: it draws a box of zero size, so its content would overlap what is next to it`);
  const paper = paperBudget;
  if (paper?.exhausted) throw new TexLimitError(paperBudgetMessage);
  const key = typesetKey(tex, options);
  const known = key === undefined ? undefined : typeset.get(key);
  if (known) {
    // The paper is charged what typesetting the formula cost the first time, so its budget holds as if typeset again.
    if (paper && ((paper.tokens += known.tokens) > texWorkLimits.paperTokens || (paper.output += known.html.length) > texWorkLimits.paperOutputChars)) {
      paper.exhausted = true;
      throw new TexLimitError(paperBudgetMessage);
    }
    return known.html;
  }
  const limit = texWorkLimits.tokensBase + texWorkLimits.tokensPerChar * tex.length;
  const counted = (): KatexOptions => {
    const macros = { ...options.macros };
    budgets.set(macros, { tokens: 0, limit, sized: false, paper });
    return { ...options, macros };
  };
  // A formula whose render asked `trust` about a command is not kept: the caller learns of the command by that call.
  let asked = false;
  const trust = options.trust;
  const settings = counted();
  if (typeof trust === "function") settings.trust = (context) => ((asked = true), trust(context));
  const html = katex.renderToString(tex, settings);
  if (html.length > texWorkLimits.outputChars) {
    throw new TexLimitError(`the formula typesets to ${html.length} characters; the limit is ${texWorkLimits.outputChars}`);
  }
  if (paper && (paper.output += html.length) > texWorkLimits.paperOutputChars) {
    paper.exhausted = true;
    throw new TexLimitError(paperBudgetMessage);
  }
  // Characters refused in paper files (control characters, bidirectional overrides) can be typeset with \char.
  const control = findControlChar(html);
  if (control) throw new TexLimitError(`the formula typesets control character ${control.code} (written as \\char?), which is not allowed`);
  let tokens = budgets.get(settings.macros!)!.tokens;
  if (budgets.get(settings.macros!)!.sized) {
    // Sizes, shifts and colours are read from the parse tree, parsed again with a fresh macro table (a \gdef in the
    // first parse must not change the second). Commands refused by `trust` were reported by the render already.
    const again = counted();
    const problem = drawingProblem(parseTree(tex, { ...again, trust: false }));
    if (problem) throw new TexLimitError(problem);
    tokens += budgets.get(again.macros!)!.tokens;
  }
  if (key !== undefined && !asked) remember(key, { html, tokens });
  return html;
}

/**
 * Formulas this thread typeset within the limits, by their TeX and settings. Real abstracts repeat formulas (`$n$`,
 * `$k$`, `$\times$`: 57% of the 18,707 formulas of 4,000 real abstracts repeat an earlier one); KaTeX's output
 * depends on nothing else (a fresh macro table per formula, no global group), so a repeat costs a lookup. Bounded: the
 * table starts over past `typesetLimitChars` of markup.
 */
const typeset = new Map<string, { html: string; tokens: number }>();
let typesetChars = 0;
const typesetLimitChars = 2 ** 24;

function remember(key: string, entry: { html: string; tokens: number }): void {
  typesetChars += key.length + entry.html.length;
  if (typesetChars > typesetLimitChars) {
    typeset.clear();
    typesetChars = key.length + entry.html.length;
  }
  typeset.set(key, entry);
}

/** What a render's output depends on, as a string; undefined when a setting is code (a function) that could vary. */
function typesetKey(tex: string, options: KatexOptions): string | undefined {
  let key = "";
  for (const [name, value] of Object.entries(options)) {
    if (name === "macros" || name === "trust") continue;
    if (typeof value === "function" || (value !== null && typeof value === "object")) return undefined;
    key += `${name}=${String(value)}\u0000`;
  }
  if (typeof options.trust !== "function") key += `trust=${String(options.trust)}\u0000`;
  key += "\u0001";
  for (const [name, body] of Object.entries(options.macros ?? {})) {
    if (typeof body !== "string") return undefined;
    key += `${name}\u0000${body}\u0000`;
  }
  return `${key}\u0001${tex}`;
}
