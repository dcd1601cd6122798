/**
 * Math for places that drop MathML and CSS (most email clients, plain text): a formula becomes readable text,
 * `\tilde{\mathcal O}(K^{2/3})` -> `Õ(K^(2/3))`, `\sum_{i=1}^n x_i^2` -> `∑_(i=1)ⁿ xᵢ²`, and simple HTML for the
 * email (`<i>x</i><sup>2</sup>`). It reads KaTeX's MathML rather than the TeX source, so KaTeX has already expanded
 * macros, fractions and accents and the result never disagrees with the typeset pages.
 */
import { escapeHtml } from "markdown-it/lib/common/utils.mjs";
import { renderTex } from "./katex.ts";
import type { MacroTable } from "./macros.ts";

/** A formula in the two readable forms. */
export interface ReadableMath {
  text: string;
  html: string;
}

interface Node {
  name: string;
  attrs: Record<string, string>;
  children: (Node | string)[];
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, e: string) =>
    e[0] === "#" ? String.fromCodePoint(Number(e[1] === "x" || e[1] === "X" ? `0${e.slice(1)}` : e.slice(1))) : (entities[e] ?? whole));

/** Parses KaTeX's MathML (well-formed, no comments or CDATA) into a tree; the `<math>` element is the root. */
function parseMathml(markup: string): Node | undefined {
  const start = markup.indexOf("<math");
  if (start < 0) return undefined;
  const root: Node = { name: "#root", attrs: {}, children: [] };
  const stack: Node[] = [root];
  const token = /<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  token.lastIndex = start;
  for (let m = token.exec(markup); m; m = token.exec(markup)) {
    const parent = stack.at(-1)!;
    if (m[5] !== undefined) {
      parent.children.push(decode(m[5]));
    } else if (m[1]) {
      if (stack.length > 1) stack.pop();
      if (m[2] === "math") break;
    } else {
      const attrs: Record<string, string> = {};
      for (const a of (m[3] ?? "").matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]!] = decode(a[2]!);
      const node: Node = { name: m[2]!, attrs, children: [] };
      parent.children.push(node);
      if (!m[4]) stack.push(node);
    }
  }
  const math = root.children[0];
  return typeof math === "object" ? math : undefined;
}

const superscripts: Record<string, string> = {
  "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
  "+": "⁺", "−": "⁻", "-": "⁻", "=": "⁼", "(": "⁽", ")": "⁾", n: "ⁿ", i: "ⁱ",
};
const subscripts: Record<string, string> = {
  "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉",
  "+": "₊", "−": "₋", "-": "₋", "=": "₌", "(": "₍", ")": "₎", a: "ₐ", e: "ₑ", h: "ₕ", i: "ᵢ", j: "ⱼ", k: "ₖ",
  l: "ₗ", m: "ₘ", n: "ₙ", o: "ₒ", p: "ₚ", r: "ᵣ", s: "ₛ", t: "ₜ", u: "ᵤ", v: "ᵥ", x: "ₓ",
};
/** Symbols that already sit high, so `x^\prime` reads `x′`, `L^*` reads `L*`. */
const raised: Record<string, string> = { "′": "′", "″": "″", "∗": "*", "*": "*", "⋆": "⋆", "†": "†", "∘": "∘" };
/** Accents KaTeX writes as `<mover accent="true">`, as combining characters. */
const accents: Record<string, string> = {
  "~": "\u0303", "˜": "\u0303", "^": "\u0302", "ˆ": "\u0302", "‾": "\u0305", "¯": "\u0305", "ˉ": "\u0305",
  "˙": "\u0307", "¨": "\u0308", "⃗": "\u20D7", "→": "\u20D7", "ˇ": "\u030C", "˘": "\u0306", "´": "\u0301", "`": "\u0300",
};
/** Operators written with a space on each side at the top level: `a = b + c`. */
const spaced = new Set([..."=≠<>≤≥≈∼≃≅≡∝∈∉⊂⊆⊃⊇→←↔⇒⇐⇔↦+−±∓×÷⋅∪∩∧∨≪≫≺≻⪯⪰"]);
const largeOperators = new Set([..."∑∏∐∫∬∭∮⋃⋂⋁⋀⨁⨂⨀"]);
const doubleStruck: Record<string, string> = { C: "ℂ", H: "ℍ", N: "ℕ", P: "ℙ", Q: "ℚ", R: "ℝ", Z: "ℤ" };

const letter = (c: string, variant: string | undefined) =>
  variant === "double-struck" && /^[A-Z]$/.test(c) ? (doubleStruck[c] ?? String.fromCodePoint(0x1d538 + c.charCodeAt(0) - 65)) : c;

/** True when `(`, `[` or `{` at the start closes only at the very end: `(a+b)` but not `(a)(b)`. */
function enclosed(text: string): boolean {
  if (!/^[([{]/.test(text) || !/[)\]}]$/.test(text)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c) && --depth === 0 && i < text.length - 1) return false;
  }
  return depth === 0;
}

/** True when the text reads as one unit, so it needs no parentheses as a script or a fraction part. */
const atomic = (text: string): boolean =>
  [...text.normalize("NFC")].length <= 1 || /^[\p{L}\p{M}]+$/u.test(text) || /^[\p{N}.]+$/u.test(text) || enclosed(text) ||
  (text.startsWith("√") && rootBodyAtomic(text.slice(1)));
/** What a root sign covers without parentheses: one character, a number or a bracketed group (`√(KT)`, not `√KT`). */
const rootBodyAtomic = (text: string) => [...text.normalize("NFC")].length <= 1 || /^[\p{N}.]+$/u.test(text) || enclosed(text);
const wrap = (r: ReadableMath): ReadableMath => (atomic(r.text) ? r : { text: `(${r.text})`, html: `(${r.html})` });

const join = (parts: ReadableMath[]): ReadableMath => ({ text: parts.map((p) => p.text).join(""), html: parts.map((p) => p.html).join("") });

function script(base: ReadableMath, sub: ReadableMath | undefined, sup: ReadableMath | undefined): ReadableMath {
  // `lim` and `∑` take their limits as scripts and are followed by what they apply to: `∑ᵢ xᵢ`, `lim_(n→∞) aₙ`.
  const operator = base.text.endsWith("\u2061") || largeOperators.has(base.text);
  if (base.text.endsWith("\u2061")) base = { text: base.text.slice(0, -1), html: base.html.slice(0, -1) };
  const scripted = (r: ReadableMath, table: Record<string, string>, marker: string, tag: string): ReadableMath => {
    const chars = [...r.text];
    const text = marker === "^" && chars.every((c) => raised[c])
      ? chars.map((c) => raised[c]).join("")
      : chars.every((c) => table[c]) ? chars.map((c) => table[c]).join("") : `${marker}${atomic(r.text) ? r.text : `(${r.text})`}`;
    return { text, html: `<${tag}>${r.html}</${tag}>` };
  };
  const parts = [base];
  if (sub) parts.push(scripted(sub, subscripts, "_", "sub"));
  if (sup) parts.push(scripted(sup, superscripts, "^", "sup"));
  if (operator) parts.push({ text: " ", html: " " });
  return join(parts);
}

function convert(node: Node | string, top: boolean): ReadableMath {
  if (typeof node === "string") return { text: node, html: escapeHtml(node) };
  const kids = node.children.filter((c): c is Node => typeof c === "object");
  const text = () => node.children.filter((c): c is string => typeof c === "string").join("");
  switch (node.name) {
    case "annotation":
    case "annotation-xml":
    case "mphantom":
      return { text: "", html: "" };
    case "mi": {
      const variant = node.attrs.mathvariant;
      const value = [...text()].map((c) => letter(c, variant)).join("");
      const html = escapeHtml(value);
      if (variant === "bold" || variant === "bold-italic") return { text: value, html: `<b>${html}</b>` };
      return { text: value, html: !variant && [...value].length === 1 && /\p{L}/u.test(value) ? `<i>${html}</i>` : html };
    }
    case "mo": {
      const op = text();
      // Function application (between `log` and its argument) reads as a space; invisible times and separators vanish.
      if (op === "\u2061") return { text: "\u2061", html: "\u2061" };
      if (op === "\u2062" || op === "\u2063" || op === "\u2064") return { text: "", html: "" };
      if (top && spaced.has(op)) return { text: ` ${op} `, html: ` ${escapeHtml(op)} ` };
      if (top && op === ",") return { text: ", ", html: ", " };
      return { text: op, html: escapeHtml(op) };
    }
    case "mn":
    case "mtext":
    case "ms":
      return { text: text(), html: escapeHtml(text()) };
    case "mspace":
      return { text: " ", html: " " };
    case "msup":
      return script(wrapBase(kids[0]), undefined, kids[1] && convert(kids[1], false));
    case "msub":
    case "munder":
      if (node.name === "munder" && node.attrs.accentunder === "true") return accented(kids[0], kids[1], "\u0332");
      return script(wrapBase(kids[0]), kids[1] && convert(kids[1], false), undefined);
    case "msubsup":
    case "munderover":
      return script(wrapBase(kids[0]), kids[1] && convert(kids[1], false), kids[2] && convert(kids[2], false));
    case "mover":
      if (node.attrs.accent === "true") return accented(kids[0], kids[1]);
      return script(wrapBase(kids[0]), undefined, kids[1] && convert(kids[1], false));
    case "mfrac": {
      const [num, den] = [convert(kids[0]!, false), convert(kids[1]!, false)];
      if (node.attrs.linethickness === "0px") return { text: `${num.text} ${den.text}`, html: `${num.html} ${den.html}` };
      const [n, d] = [wrap(num), wrap(den)];
      return { text: `${n.text}/${d.text}`, html: `${n.html}/${d.html}` };
    }
    case "msqrt": {
      const inner = row(node.children, false);
      const body = rootBodyAtomic(inner.text) ? inner : { text: `(${inner.text})`, html: `(${inner.html})` };
      return { text: `√${body.text}`, html: `√${body.html}` };
    }
    case "mroot": {
      const inner = convert(kids[0]!, false);
      const body = rootBodyAtomic(inner.text) ? inner : { text: `(${inner.text})`, html: `(${inner.html})` };
      const index = convert(kids[1]!, false);
      const small = [...index.text].every((c) => superscripts[c]) ? [...index.text].map((c) => superscripts[c]).join("") : `${index.text}`;
      return { text: `${small}√${body.text}`, html: `<sup>${index.html}</sup>√${body.html}` };
    }
    case "mtable":
      return join(kids.map((row, i) => {
        const cells = row.children.filter((c): c is Node => typeof c === "object").map((cell) => convert(cell, false));
        const r = { text: cells.map((c) => c.text).join(", "), html: cells.map((c) => c.html).join(", ") };
        return i ? { text: `; ${r.text}`, html: `; ${r.html}` } : r;
      }));
    default:
      return row(node.children, node.name === "math" || node.name === "semantics" || (top && node.name === "mrow") || (top && node.name === "mstyle"));
  }
}

/** Siblings side by side; a function name after a letter or digit gets a space, so `k\log d` reads `k log d`. */
function row(children: (Node | string)[], top: boolean): ReadableMath {
  const parts: ReadableMath[] = [];
  let previous = "";
  for (const child of children) {
    const r = convert(child, top);
    const name = typeof child === "object" && child.name === "mi" && [...r.text].length > 1;
    // A root without parentheses covers one character or number: what follows it is set apart (`√K T`, not `√KT`).
    const afterBareRoot = /√[^(]*$/u.test(previous) && /^[\p{L}\p{N}√]/u.test(r.text);
    if ((name && /[\p{L}\p{N})]$/u.test(previous)) || afterBareRoot) parts.push({ text: " ", html: " " });
    parts.push(r);
    if (r.text) previous = r.text;
  }
  return join(parts);
}

/** A script's base: a compound base gets parentheses so `(a+b)²` does not read `a+b²`. */
function wrapBase(node: Node | undefined): ReadableMath {
  if (!node) return { text: "", html: "" };
  const r = convert(node, false);
  if (!r.text.endsWith("\u2061")) return wrap(r);
  const bare = wrap({ text: r.text.slice(0, -1), html: r.html.slice(0, -1) });
  return { text: `${bare.text}\u2061`, html: `${bare.html}\u2061` };
}

/** An accent over (or, with `mark`, a line under) each character of its base: `\hat x` -> `x̂`. */
function accented(base: Node | undefined, accent: Node | undefined, mark?: string): ReadableMath {
  const b = base ? convert(base, false) : { text: "", html: "" };
  const accentText = accent ? convert(accent, false).text : "";
  const combining = mark ?? accents[accentText];
  if (!combining) return script(wrap(b), undefined, { text: accentText, html: escapeHtml(accentText) });
  const marked = [...b.text].map((c) => (/[\p{L}\p{N}]/u.test(c) ? c + combining : c)).join("");
  return { text: marked.normalize("NFC"), html: escapeHtml(marked.normalize("NFC")) };
}

const tidy = (s: string) =>
  s.replace(/\u00A0/g, " ").replace(/\u2061(?=\s*[([{|⟨])/g, "").replace(/\u2061/g, " ").replace(/ {2,}/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")").trim();

/** KaTeX output (MathML, alone or with HTML) of one formula as readable text and simple HTML. */
export function readableFromMathml(markup: string): ReadableMath | undefined {
  // Formulas repeat (see the typeset table in tex-limits.ts): each distinct markup is read once per thread.
  if (readable.has(markup)) {
    const known = readable.get(markup);
    return known && { ...known };
  }
  const tree = parseMathml(markup);
  const r = tree && convert(tree, true);
  const result = r && { text: tidy(r.text), html: tidy(r.html) };
  readableChars += markup.length;
  if (readableChars > readableLimitChars) {
    readable.clear();
    readableChars = markup.length;
  }
  readable.set(markup, result);
  return result && { ...result };
}

const readable = new Map<string, ReadableMath | undefined>();
let readableChars = 0;
/** Markup characters the table of readable forms holds before it starts over. */
const readableLimitChars = 2 ** 24;

/** A TeX formula as readable text and simple HTML (`<i>`, `<sup>`, `<sub>`); `undefined` when KaTeX cannot typeset it. */
export function readableMath(tex: string, display = false, macros?: MacroTable): ReadableMath | undefined {
  const result = renderTex(tex, display, macros);
  return result.ok ? readableFromMathml(result.html) : undefined;
}
