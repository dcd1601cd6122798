import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";
import { escapeHtml } from "markdown-it/lib/common/utils.mjs";
import { renderTex, texLimits, undefinedStandIn } from "./katex.ts";
import { undefinedMacroMessage, type MacroTable } from "./macros.ts";
import { forMathmlCore } from "./mathml-core.ts";
import { readableFromMathml } from "./readable-math.ts";
import { tokensText } from "./source-text.ts";
import { texMath } from "./tex-math.ts";
import { texText } from "./tex-text.ts";

/** A TeX formula that could not be typeset, located by line within the rendered source (0-based). */
export interface MathProblem {
  line: number;
  tex: string;
  message: string;
  /** Set when the problem is a macro nobody defined: the message then says all (and names the fix). */
  undefinedMacro?: string;
  /** A warning: the text is shown readably (a macro nobody defined, shown as its name), but should be fixed. */
  warning?: boolean;
}

/**
 * Most macros nobody defined that one text (a title or an abstract) may show as their name, each reported as a
 * warning; the next one is refused like any TeX error. Real abstracts have one to three; each costs one more try.
 */
export const undefinedMacroLimit = 10;

/** Per-render state handed through markdown-it's `env`. */
export interface RenderEnv {
  problems: MathProblem[];
  formulas: number;
  /** Characters of TeX met so far, for the per-text budget. */
  texChars: number;
  /** Site and paper macros, on top of the built-ins KaTeX was given (see macros.ts). */
  macros: MacroTable;
  /** Problems already reported (undefined macros by name): each is reported once per text. */
  reported: Set<string>;
  /** Macros nobody defined met so far in this text, by name, with the stand-in that typesets each as its name. */
  standIns: Record<string, unknown>;
  /** Text commands nobody defined, shown as words (tex-text.ts), by name: bounded like `standIns`. */
  undefinedInText?: Set<string>;
}

/** Reports a macro nobody defined, shown as its name, once per text: a warning that names the fix. */
export function warnUndefined(env: RenderEnv, name: string, line: number, takesArgument = false): void {
  if (env.reported.has(name)) return;
  env.reported.add(name);
  env.problems.push({ line, tex: name, message: undefinedMacroMessage(name, takesArgument), undefinedMacro: name, warning: true });
}

/** Result of rendering a Markdown text with math. */
export interface Rendered {
  html: string;
  /** The same text as plain text with math as its TeX source (see source-text.ts), from the same parse. */
  text: string;
  /**
   * The same text as plain text with math made readable (`Õ(√K)`, read from KaTeX's MathML by readable-math.ts): what
   * `<title>`, feeds and search results show. A formula KaTeX refused stays as its TeX source.
   */
  readable: string;
  /** Number of formulas typeset. */
  formulas: number;
  problems: MathProblem[];
}

const allowedLink = /^(?:https?:|mailto:)/i;

/** Top-level domains a bare `name.tld` is linked for (see createMarkdown). */
export const linkTlds = ["com", "org", "net", "edu", "gov", "io", "ai", "dev", "app", "info"];

/** What linkify-it's quick test (its `pretest`) needs to find in a text before it can match (see `createMarkdown`). */
const linkHint = new RegExp(`(?:https?|ftp|mailto):|//|@|localhost|www\\.|\\.\\d{1,3}\\.|\\.(?:${[...linkTlds, "xn--"].join("|")})`, "i");

/** Records each inline token's line (block line plus preceding line breaks) so math errors can name it. */
function lineNumbers(md: MarkdownIt): void {
  md.core.ruler.push("line_numbers", (state) => {
    for (const block of state.tokens) {
      if (block.type !== "inline" || !block.children || !block.map) continue;
      let line = block.map[0];
      for (const child of block.children) {
        child.meta = { ...child.meta, line };
        if (child.type === "softbreak" || child.type === "hardbreak") line++;
      }
    }
  });
}

/**
 * Links do not nest (HTML forbids `<a>` in `<a>`; browsers would split the outer one): a link found inside another, such
 * as the address linkified in the text of `$\href{https://x.org}{https://x.org}$` or a Markdown link in an `\href`'s
 * text, keeps only its text. Runs after every rule that makes links, so it holds whatever made them.
 */
function linksDoNotNest(md: MarkdownIt): void {
  md.core.ruler.push("links_do_not_nest", (state) => {
    for (const block of state.tokens) {
      if (block.type !== "inline" || !block.children) continue;
      const dropped: boolean[] = [];
      let depth = 0;
      block.children = block.children.filter((token) => {
        if (token.type === "link_open") {
          dropped.push(depth > 0);
          depth++;
          return depth === 1;
        }
        if (token.type === "link_close") {
          depth--;
          return !dropped.pop();
        }
        return true;
      });
    }
  });
}

/**
 * Renders math tokens with our KaTeX wrapper, collecting errors instead of printing them. `display` is how the token
 * is typeset; `block` whether it stands as a block of its own (else it is display math inside a paragraph).
 */
function mathRenderer(display: boolean, block = display) {
  return (tokens: Token[], idx: number, _options: unknown, env: RenderEnv): string => {
    const token = tokens[idx]!;
    const texSource = token.content.trim();
    env.formulas++;
    env.texChars += texSource.length;
    // Over the budget, formulas are not typeset at all; the budget is reported once, at the formula that crossed it.
    const overBudget = env.formulas > texLimits.formulas || env.texChars > texLimits.totalChars;
    const crossed = overBudget && env.formulas - 1 <= texLimits.formulas && env.texChars - texSource.length <= texLimits.totalChars;
    const result = overBudget
      ? { ok: false as const, message: `too much math in one text: the limits are ${texLimits.formulas} formulas and ${texLimits.totalChars} characters of TeX` }
      : renderTex(texSource, display, withStandIns(env), undefinedMacroLimit - Object.keys(env.standIns).length);
    const line = (token.map?.[0] ?? (token.meta as { line?: number } | null)?.line ?? 0);
    // Names stood in for count against the limit even in a formula refused for something else (it is reported).
    for (const name of result.undefinedMacros ?? []) {
      env.standIns[name] = undefinedStandIn(name);
      if (result.ok) warnUndefined(env, name, line);
    }
    if (result.ok) {
      // The readable text is read from KaTeX's own MathML, whose styles readable-math.ts knows (bold as <b>...).
      token.meta = { ...token.meta, readable: readableFromMathml(result.html)?.text };
      const html = forMathmlCore(result.html);
      // A wide formula scrolls in its box, which keyboard users reach with Tab to scroll it.
      return block ? `<div class="math-display" tabindex="0">${html}</div>\n` : html;
    }
    const undefinedMacro = "undefinedMacro" in result ? result.undefinedMacro : undefined;
    // Each problem is reported once per text (an undefined macro once, however often it is used): one fix, one message.
    const key = undefinedMacro ?? `${texSource}\0${result.message}`;
    if ((!overBudget || crossed) && !env.reported.has(key)) {
      env.reported.add(key);
      env.problems.push({ line, tex: texSource, message: result.message, ...(undefinedMacro ? { undefinedMacro } : {}) });
    }
    return `<code class="math-error">${escapeHtml(texSource)}</code>`;
  };
}

/**
 * The one markdown-it instance for paper text: no raw HTML, no images, only http(s) and mailto links, math in every
 * delimiter arXiv reads (tex-math.ts) typeset by KaTeX at build time, text-mode TeX made text (tex-text.ts).
 */
export function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.disable(["image"]);
  // Text becomes a link only with a scheme (`https://`), `www.` or one of the common generic top-level domains:
  // linkify-it's default also takes every two-letter country code, which made "space.In" and "4.In" links.
  md.linkify.tlds(linkTlds, false);
  // linkify-it's quick test, run on every paragraph, is one regex that checks a long Unicode class at every position
  // (7 µs an abstract, 6% of typesetting the bench). Most text has none of what a link needs: a scheme, `//`, `@`,
  // `localhost`, `www.`, dotted digits or a dot before a top-level domain. Tested for those first, as literals; the
  // same answer, since linkify-it's test matches only text that has one of them (tests/markdown.test.ts).
  const pretest = md.linkify.pretest.bind(md.linkify);
  md.linkify.pretest = (text) => linkHint.test(text) && pretest(text);
  md.validateLink = (url) => allowedLink.test(url.trim());
  md.use(texMath);
  md.use(texText);
  md.renderer.rules.math_inline = mathRenderer(false);
  md.renderer.rules.math_inline_display = mathRenderer(true, false);
  md.renderer.rules.math_block = mathRenderer(true);
  // A text command nobody defined (tex-text.ts shows it as its name or arguments): reported, once per text.
  md.renderer.rules.tex_undefined = (tokens, idx, _options, env: RenderEnv) => {
    const token = tokens[idx]!;
    warnUndefined(env, token.content, (token.meta as { line?: number } | null)?.line ?? 0, token.info === "argument");
    return "";
  };
  // Text-mode TeX written wrong but shown readably (an unclosed \textbf{, a stray $): a warning naming the fix.
  md.renderer.rules.tex_warning = (tokens, idx, _options, env: RenderEnv) => {
    const token = tokens[idx]!;
    if (!env.reported.has(token.content)) {
      env.reported.add(token.content);
      env.problems.push({ line: (token.meta as { line?: number } | null)?.line ?? 0, tex: "", message: token.content, warning: true });
    }
    return "";
  };
  md.use(lineNumbers);
  md.use(linksDoNotNest);
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    tokens[idx]!.attrSet("rel", "nofollow ugc noopener");
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return md;
}

let shared: MarkdownIt | undefined;
const instance = () => (shared ??= createMarkdown());

const newEnv = (macros: MacroTable | undefined): RenderEnv =>
  ({ problems: [], formulas: 0, texChars: 0, macros: macros ?? {}, reported: new Set(), standIns: {} });

/** The macros a formula sees: the site's and the paper's, and the stand-ins for those nobody defined met so far. */
const withStandIns = (env: RenderEnv): MacroTable =>
  Object.keys(env.standIns).length ? ({ ...env.macros, ...env.standIns } as unknown as MacroTable) : env.macros;

/** Renders a Markdown block (an abstract); `macros`: the site's and the paper's, on top of the built-ins (default none). */
export function renderMarkdown(source: string, macros?: MacroTable): Rendered {
  const env = newEnv(macros);
  const md = instance();
  const tokens = md.parse(source, env);
  const html = md.renderer.render(tokens, md.options, env);
  return { html, text: tokensText(tokens), readable: tokensText(tokens, true), formulas: env.formulas, problems: env.problems };
}

/** Renders one line of Markdown (a title) without a wrapping paragraph and without links (their text stays). */
export function renderInlineMarkdown(source: string, macros?: MacroTable): Rendered {
  const env = newEnv(macros);
  const md = instance();
  const tokens = md.parseInline(source, env);
  // A title is itself a link on every list of papers, and links do not nest: a link in a title keeps only its text.
  for (const line of tokens) line.children &&= line.children.filter((t) => t.type !== "link_open" && t.type !== "link_close");
  const html = md.renderer.render(tokens, md.options, env);
  return { html, text: tokensText(tokens), readable: tokensText(tokens, true), formulas: env.formulas, problems: env.problems };
}

/**
 * One line of Markdown (a title) as plain text with its math made readable: "Regret $\\tilde{\\mathcal O}(\\sqrt K)$"
 * -> "Regret Õ(√K)". Emphasis and link markup are dropped, their text kept.
 */
export function readableText(markdown: string, macros?: MacroTable): string {
  return renderInlineMarkdown(markdown, macros).readable;
}

/** A Markdown text as plain text with math as its TeX source (`tokensText`), parsing only: nothing is typeset. */
export function sourceText(markdown: string): string {
  return tokensText(instance().parse(markdown, {}));
}
