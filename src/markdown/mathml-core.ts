import { memoized } from "./memo.ts";

/**
 * KaTeX's MathML as MathML Core lays it out: what Chromium (and so most readers, and most feed readers' views) draws.
 *
 * Letters in a math style (`\mathbb{R}`, `\mathcal{L}`, `\mathbf{x}`...) as the characters Unicode has for them:
 * KaTeX writes `\mathbb{R}` as `<mi mathvariant="double-struck">R</mi>`. MathML Core, what Chromium (and so most
 * readers, and most feed readers' views) implements, supports `mathvariant` only as "normal": it shows that R as an
 * italic R. Unicode's Mathematical Alphanumeric Symbols (U+1D400 to U+1D7FF, with the older letters of the
 * Letterlike Symbols block where it has holes: ℝ, ℒ, ℎ...) are characters of their own, shown as such by every
 * browser with a math font, read by screen readers ("double-struck capital R") and kept by copy and paste.
 * No well-kept npm package maps them (TeX-to-MathML engines such as Temml do it inside); the table is Unicode's.
 */

/** A style's first capital letter, small letter, digit and Greek capital (a block of 58 Greek letters and signs). */
interface Alphabet {
  capital: number;
  small: number;
  digit?: number;
  greek?: number;
}

/** Letters a style's run of capitals or small letters skips, already encoded in the Letterlike Symbols block. */
const holes: Record<string, Record<string, string>> = {
  italic: { h: "ℎ" },
  script: { B: "ℬ", E: "ℰ", F: "ℱ", H: "ℋ", I: "ℐ", L: "ℒ", M: "ℳ", R: "ℛ", e: "ℯ", g: "ℊ", o: "ℴ" },
  fraktur: { C: "ℭ", H: "ℌ", I: "ℑ", R: "ℜ", Z: "ℨ" },
  "double-struck": { C: "ℂ", H: "ℍ", N: "ℕ", P: "ℙ", Q: "ℚ", R: "ℝ", Z: "ℤ" },
};

/** MathML's `mathvariant` values with a Unicode alphabet (all but "normal", "initial", "tailed", "looped", "stretched"). */
const alphabets: Record<string, Alphabet> = {
  bold: { capital: 0x1d400, small: 0x1d41a, digit: 0x1d7ce, greek: 0x1d6a8 },
  italic: { capital: 0x1d434, small: 0x1d44e, greek: 0x1d6e2 },
  "bold-italic": { capital: 0x1d468, small: 0x1d482, greek: 0x1d71c },
  script: { capital: 0x1d49c, small: 0x1d4b6 },
  "bold-script": { capital: 0x1d4d0, small: 0x1d4ea },
  fraktur: { capital: 0x1d504, small: 0x1d51e },
  "double-struck": { capital: 0x1d538, small: 0x1d552, digit: 0x1d7d8 },
  "bold-fraktur": { capital: 0x1d56c, small: 0x1d586 },
  "sans-serif": { capital: 0x1d5a0, small: 0x1d5ba, digit: 0x1d7e2 },
  "bold-sans-serif": { capital: 0x1d5d4, small: 0x1d5ee, digit: 0x1d7ec, greek: 0x1d756 },
  "sans-serif-italic": { capital: 0x1d608, small: 0x1d622 },
  "sans-serif-bold-italic": { capital: 0x1d63c, small: 0x1d656, greek: 0x1d790 },
  monospace: { capital: 0x1d670, small: 0x1d68a, digit: 0x1d7f6 },
};

/**
 * Where a Greek letter or sign sits in a style's block of 58: Α to Ω (ϴ in the place of the missing capital final
 * sigma), ∇, α to ω, then ∂ ϵ ϑ ϰ ϕ ϱ ϖ.
 */
function greekOffset(code: number): number | undefined {
  if (code >= 0x391 && code <= 0x3a9 && code !== 0x3a2) return code - 0x391;
  if (code === 0x3f4) return 17;
  if (code === 0x2207) return 25;
  if (code >= 0x3b1 && code <= 0x3c9) return code - 0x3b1 + 26;
  const signs = [0x2202, 0x3f5, 0x3d1, 0x3f0, 0x3d5, 0x3f1, 0x3d6].indexOf(code);
  return signs < 0 ? undefined : 51 + signs;
}

/** `char` in the style `variant`, or undefined when Unicode has no such character. */
export function styledChar(char: string, variant: string): string | undefined {
  const alphabet = alphabets[variant];
  if (!alphabet) return undefined;
  const hole = holes[variant]?.[char];
  if (hole) return hole;
  const code = char.codePointAt(0)!;
  if (code >= 0x41 && code <= 0x5a) return String.fromCodePoint(alphabet.capital + code - 0x41);
  if (code >= 0x61 && code <= 0x7a) return String.fromCodePoint(alphabet.small + code - 0x61);
  if (code >= 0x30 && code <= 0x39) return alphabet.digit === undefined ? undefined : String.fromCodePoint(alphabet.digit + code - 0x30);
  const greek = greekOffset(code);
  return greek === undefined || alphabet.greek === undefined ? undefined : String.fromCodePoint(alphabet.greek + greek);
}

/**
 * KaTeX's MathML with every `<mi>` and `<mn>` in a style written in that style's characters, its `mathvariant` dropped:
 * `<mi mathvariant="double-struck">R</mi>` becomes `<mi>ℝ</mi>`. An element with a character Unicode has no styled
 * form of (`\mathbf{+}`, `\mathcal{1}`) keeps its attribute, as does text (`<mtext>`, `\textbf{..}`), which pages style
 * with CSS instead (site.css): styled letters would read and copy as math symbols, not as words.
 */
export function unicodeVariants(mathml: string): string {
  if (!mathml.includes("mathvariant")) return mathml;
  return mathml.replace(/<(mi|mn) mathvariant="([a-z-]+)">([^<]*)<\/\1>/g, (element, name: string, variant: string, text: string) => {
    let styled = "";
    for (const char of text) {
      const mapped = styledChar(char, variant);
      if (mapped === undefined) return element;
      styled += mapped;
    }
    return `<${name}>${styled}</${name}>`;
  });
}

/**
 * A `\rule` in a box as tall as what it draws. KaTeX wraps the rule's `<mspace>` in an `<mpadded>` whose height is
 * the rule's shift (0 for most), so the browser gives the formula no height and the rule paints over the lines above
 * it. Without that height the box is the rule's own; `voffset` still shifts it, within the limits of tex-limits.ts
 * (as `\raisebox`, which KaTeX writes the same way).
 */
export function ruleBoxes(mathml: string): string {
  if (!mathml.includes("<mspace mathbackground")) return mathml;
  return mathml.replace(/<mpadded height="[^"]*"(?: depth="[^"]*")? (voffset="[^"]*"><mspace mathbackground=)/g, "<mpadded $1");
}

const mathmlNamespace = ' xmlns="http://www.w3.org/1998/Math/MathML"';

const katexWrapper = '<span class="katex">';

/**
 * KaTeX's MathML of one formula as pages show it: `unicodeVariants`, `ruleBoxes`, the `<math>` element alone (KaTeX
 * wraps it in a `<span class="katex">` that only KaTeX's stylesheet used) and without `xmlns`: the HTML parser puts
 * `<math>` and all inside it in the MathML namespace by itself. Together 72 bytes a formula, 2% of a paper page.
 * Feeds put the namespace back (`withMathmlNamespace`).
 */
export const forMathmlCore: (mathml: string) => string = memoized((mathml) => {
  const bare = mathml.startsWith(katexWrapper) && mathml.endsWith("</span>") ? mathml.slice(katexWrapper.length, -"</span>".length) : mathml;
  return ruleBoxes(unicodeVariants(bare)).replace(`<math${mathmlNamespace}`, "<math");
});

/**
 * MathML attributes whose values come from KaTeX's fixed vocabulary, never from a contributor's text: written bare
 * on pages (`<mo stretchy=false>`), where HTML reads them the same (README, "Output size").
 */
const bareMathValues: Record<string, readonly string[]> = {
  display: ["block"],
  stretchy: ["true", "false"],
  fence: ["true", "false"],
  accent: ["true", "false"],
  accentunder: ["true", "false"],
  separator: ["true"],
  displaystyle: ["true", "false"],
  scriptlevel: ["0", "1", "2"],
  mathvariant: ["normal", "bold", "italic", "bold-italic", "double-struck", "script", "bold-script", "fraktur", "bold-fraktur",
    "sans-serif", "bold-sans-serif", "sans-serif-italic", "sans-serif-bold-italic", "monospace"],
};

/** The display-math box markdown.ts writes around a display formula, as pages carry it (its values are fixed). */
const displayBox = { quoted: '<div class="math-display" tabindex="0">', bare: "<div class=math-display tabindex=0>" };

/**
 * Calls `edit` on each tag inside a `<math>` element of `html` and returns the HTML with the tags it gave back. Text
 * never holds `<` or `>` (markdown-it and KaTeX escape them), so every `<...>` from `<math` to `</math>` is a tag.
 */
function editMathTags(html: string, edit: (tag: string) => string): string {
  return html.replace(mathElement, (math) => editTags(math, edit));
}

/** Each `<math>` element of some HTML. */
const mathElement = /<math[\s>][^]*?<\/math>/g;

/** `edit` called on each start tag of one `<math>` element. */
const editTags = (math: string, edit: (tag: string) => string) => math.replace(/<[a-z][^<>]*>/g, edit);

/**
 * Typeset HTML as pages carry it: the values above written without quotes, and the display box's class and tabindex
 * (`<div class=math-display tabindex=0>`). An HTML parser builds the same document from it, 8 bytes an inline
 * formula with brackets; feeds put the quotes back (`withMathmlNamespace`). A self-closing tag (`<mspace width="1em"/>`)
 * keeps its quotes, where a bare last value would take in the `/`.
 */
export function withBareMathValues(html: string): string {
  if (!html.includes("<math")) return html;
  return html.replaceAll(displayBox.quoted, displayBox.bare).replace(mathElement, bareMath);
}

/** One `<math>` element with the values above bare (see `withBareMathValues`), remembered per formula. */
const bareMath = memoized((math) =>
  editTags(math, (tag) =>
    tag.endsWith("/>") ? tag : tag.replace(/ ([a-z]+)="([a-z0-9-]+)"/g, (attribute, name: string, value: string) =>
      bareMathValues[name]?.includes(value) ? ` ${name}=${value}` : attribute)));

/**
 * Page HTML with the MathML namespace on every `<math>`, for feeds: a reader may treat their HTML as XML, so the values
 * `withBareMathValues` wrote bare are quoted again (the feeds' bytes are as before it). Text never holds `<math`
 * (markdown-it escapes every `<` of text), so each match is an element.
 */
export function withMathmlNamespace(html: string): string {
  if (!html.includes("<math")) return html;
  const quoted = editMathTags(html.replaceAll(displayBox.bare, displayBox.quoted), (tag) =>
    tag.replace(/ ([a-z]+)=([a-z0-9-]+)(?=[ >])/g, (attribute, name: string, value: string) =>
      bareMathValues[name]?.includes(value) ? ` ${name}="${value}"` : attribute));
  return quoted.replaceAll("<math", `<math${mathmlNamespace}`);
}

/**
 * An element of KaTeX's MathML: its name, its attributes as written (` display="block"`, ending in `/` when the
 * element closes itself, as KaTeX writes some `<mspace/>`) and its children.
 */
interface MathElement {
  name: string;
  attributes: string;
  children: (MathElement | string)[];
}

/**
 * Single characters MathML Core sets in italic in an `<mi>` of their own (its `math-auto` transform): those with an
 * italic letter in Unicode (Latin and Greek letters, ∂, ∇...), and the dotless ı and ȷ, whose italic forms Unicode
 * has apart. Only there does KaTeX's `mathvariant="normal"` change what is drawn.
 */
const autoItalic = (char: string) => char === "ı" || char === "ȷ" || styledChar(char, "italic") !== undefined;

const normal = ' mathvariant="normal"';
const separator = ' separator="true"';

/** A single-character `<mi mathvariant="normal">`: a letter KaTeX sets upright (`\mathrm{d}`, `\Gamma`, `\ell`). */
const uprightLetter = (node: MathElement | string): node is MathElement & { children: [string] } =>
  typeof node !== "string" && node.name === "mi" && node.attributes === normal && node.children.length === 1 &&
  typeof node.children[0] === "string" && [...node.children[0]].length === 1;

/** One formula's MathML as a tree: KaTeX writes only elements with quoted, escaped attributes, and escaped text. */
function parseMath(mathml: string): MathElement | undefined {
  const root: MathElement = { name: "", attributes: "", children: [] };
  const open = [root];
  let read = 0;
  for (const match of mathml.matchAll(/<(\/?)([a-z-]+)([^<>]*)>|([^<]+)/g)) {
    // Anything between two matches is not KaTeX's markup: the formula is left as it is.
    if (match.index !== read) return undefined;
    read += match[0].length;
    const [, close, name, attributes, text] = match;
    const parent = open.at(-1)!;
    if (text !== undefined) parent.children.push(text);
    else if (close) {
      if (parent.name !== name || open.length === 1) return undefined;
      open.pop();
    } else {
      const element: MathElement = { name: name!, attributes: attributes!, children: [] };
      parent.children.push(element);
      if (!attributes!.endsWith("/")) open.push(element);
    }
  }
  const math = root.children[0];
  const whole = read === mathml.length && open.length === 1 && root.children.length === 1;
  return whole && math !== undefined && typeof math !== "string" && math.name === "math" ? math : undefined;
}

/** The tree back as MathML, attributes and text as they were written. */
function writeMath(node: MathElement | string): string {
  if (typeof node === "string") return node;
  if (node.attributes.endsWith("/")) return `<${node.name}${node.attributes}>`;
  return `<${node.name}${node.attributes}>${node.children.map(writeMath).join("")}</${node.name}>`;
}

/** `node` with what draws nothing dropped (see `withoutTexSource`), children first. */
function leanElement(node: MathElement): MathElement | string {
  // <semantics> draws its first child; the rest is the TeX source (<annotation>).
  const shown = node.children[0];
  if (node.name === "semantics" && shown !== undefined && typeof shown !== "string") return leanElement(shown);
  // KaTeX's classes on MathML (`<mtd class ="mtr-glue">` around numbered equations) serve only its own stylesheet,
  // which pages do not load; it writes them with a space before `=`, which HTML validators flag.
  if (node.attributes.includes(" class =")) node = { ...node, attributes: node.attributes.replace(/ class ="[^"]*"/, "") };
  // KaTeX marks "," and ";" `separator="true"`, which the operator dictionary says of them already: no effect on
  // their layout or on what a screen reader says (17 bytes each, about 2,100 on the 4,000 real abstracts).
  if (node.name === "mo" && node.attributes === separator && node.children.length === 1 && (node.children[0] === "," || node.children[0] === ";")) {
    node = { ...node, attributes: "" };
  }
  const children: (MathElement | string)[] = [];
  const lean = node.children.map((child) => (typeof child === "string" ? child : leanElement(child)));
  for (let i = 0; i < lean.length; i++) {
    const child = lean[i]!;
    if (!uprightLetter(child)) {
      // A word in one <mi> (`<mi mathvariant="normal">sin</mi>`) is upright in MathML Core without saying so.
      if (typeof child !== "string" && child.name === "mi" && child.attributes === normal && child.children.length === 1 && typeof child.children[0] === "string") child.attributes = "";
      children.push(child);
      continue;
    }
    // A run of upright letters (`\mathrm{softmax}`): one <mi>, upright in MathML Core as it holds more than one
    // character, and read as the word it is. One letter keeps the attribute only where MathML Core would italicise it.
    let word = child.children[0];
    while (i + 1 < lean.length && uprightLetter(lean[i + 1]!)) word += (lean[++i] as MathElement).children[0];
    children.push(word !== child.children[0] || !autoItalic(word) ? { name: "mi", attributes: "", children: [word] } : child);
  }
  const only = children[0];
  // An <mrow> around one element groups nothing: MathML Core lays the element out the same without it (an operator
  // alone in one keeps its spacing, as an embellished operator). <math> is a row itself.
  if (node.name === "mrow" && node.attributes === "" && children.length === 1 && only !== undefined && typeof only !== "string") return only;
  if (node.name === "math" && children.length === 1 && only !== undefined && typeof only !== "string" && only.name === "mrow" && only.attributes === "") {
    return { ...node, children: only.children };
  }
  return { ...node, children };
}

/**
 * Typeset HTML (a title or an abstract) with each formula's MathML as lean as what it draws: no `<semantics>` and TeX
 * `<annotation>` (no browser shows it; the TeX source is in the paper file and the search index), no KaTeX classes, no
 * `separator="true"` on "," and ";" (the operator dictionary's own), no `<mrow>` around a
 * single element, no `mathvariant="normal"` where MathML Core sets the character upright anyway, and a run of upright
 * letters as one word. About a third of a formula's bytes (README, "Output size"). Linear in the length of the HTML;
 * a formula it cannot read as KaTeX's MathML is left as it is.
 */
export function withoutTexSource(html: string): string {
  if (!html.includes("<math")) return html;
  let out = "";
  let from = 0;
  for (let start = html.indexOf("<math", from); start >= 0; start = html.indexOf("<math", from)) {
    const end = html.indexOf("</math>", start);
    if (end < 0) break;
    out += html.slice(from, start) + leanFormula(html.slice(start, end + "</math>".length));
    from = end + "</math>".length;
  }
  return out + html.slice(from);
}

/** One formula as `withoutTexSource` leaves it, remembered per formula; one it cannot read stays as it is. */
const leanFormula = memoized((formula) => {
  const tree = parseMath(formula);
  return tree ? writeMath(leanElement(tree)) : formula;
});
