/**
 * TeX macros KaTeX does not know but real abstracts use. Three layers, later ones winning: the built-in set below,
 * the site's `macros` in content/site.json, and a paper's own `macros:` front-matter field. Every definition is a
 * plain KaTeX macro (a string with `#1`..`#9`), expanded by KaTeX under the same `maxExpand` and size limits as any
 * formula, so a definition can never do more than the formula could spell out by hand.
 */

/** A macro table as written in site.json or front matter: `"\\bW": "\\mathbf{W}"`. */
export type MacroTable = Readonly<Record<string, string>>;

/** siunitx unit macros (`\\SI{3}{\\kelvin}`), as the symbols they print (`\\bar` and `\\gray` keep KaTeX's meaning). */
const siunitxUnits: Record<string, string> = {
  meter: "m", metre: "m", second: "s", kilogram: "kg", gram: "g", ampere: "A", kelvin: "K", mole: "mol", candela: "cd",
  hertz: "Hz", newton: "N", pascal: "Pa", joule: "J", watt: "W", coulomb: "C", volt: "V", farad: "F", siemens: "S",
  weber: "Wb", tesla: "T", henry: "H", degreeCelsius: "{}^\\circ\\mathrm{C}", lumen: "lm", lux: "lx", becquerel: "Bq",
  electronvolt: "eV", angstrom: "Å", liter: "L", litre: "L", hour: "h", minute: "min",
  decibel: "dB", gauss: "G", dalton: "Da", bit: "bit", byte: "B", arcsecond: "{}''", arcminute: "{}'",
  femto: "f", pico: "p", nano: "n", milli: "m", centi: "c", kilo: "k", mega: "M", giga: "G", tera: "T", peta: "P",
  per: "/", squared: "^2", cubed: "^3",
};

/** acronym's and glossaries' commands (`\ac{BnB}`): in an abstract, the acronym as written (text and math). */
export const acronymCommands = ["ac", "acs", "acl", "acf", "acp", "acsp", "aclp", "acfp", "Ac", "Acs", "Acl", "Acf", "Acp", "Aclp", "Acfp", "acrshort", "acrlong", "acrfull", "gls", "Gls", "glspl", "Glspl"];

/** Names the patterns below would give but KaTeX (or TeX) already defines. */
const shadowed = ["\\bf", "\\fi", "\\bm"];

/** Built-in macros: personal shorthands seen in thousands of real arXiv abstracts. Documented in docs/math.md. */
export const builtinMacros: MacroTable = (() => {
  const table: Record<string, string> = {
    // Number sets and fields.
    "\\C": "\\mathbb{C}", "\\Q": "\\mathbb{Q}",
    "\\F": "\\mathbb{F}", "\\E": "\\mathbb{E}", "\\RR": "\\mathbb{R}", "\\CC": "\\mathbb{C}", "\\ZZ": "\\mathbb{Z}",
    "\\NN": "\\mathbb{N}", "\\QQ": "\\mathbb{Q}", "\\FF": "\\mathbb{F}", "\\EE": "\\mathbb{E}", "\\PP": "\\mathbb{P}",
    // Greek shorthands.
    "\\eps": "\\varepsilon", "\\veps": "\\varepsilon", "\\vep": "\\varepsilon", "\\lam": "\\lambda", "\\Lam": "\\Lambda",
    "\\la": "\\langle", "\\ra": "\\rangle", "\\vphi": "\\varphi", "\\al": "\\alpha", "\\ga": "\\gamma", "\\de": "\\delta",
    "\\om": "\\omega", "\\Om": "\\Omega",
    // Upright Greek (upgreek package) and text-mode symbols.
    "\\textdegree": "\\degree", "\\percent": "\\%", "\\boldmath": "", "\\unboldmath": "", "\\hyperlink": "#2",
    "\\ce": "\\mathrm{#1}", "\\textsubscript": "_{\\text{#1}}", "\\textsuperscript": "^{\\text{#1}}", "\\textmu": "\\mu", "\\micro": "\\mu", "\\ohm": "\\Omega", "\\celsius": "{^\\circ}\\mathrm{C}",
    // Groups and operators.
    "\\GL": "\\operatorname{GL}", "\\SL": "\\operatorname{SL}", "\\PGL": "\\operatorname{PGL}", "\\PSL": "\\operatorname{PSL}",
    "\\SO": "\\operatorname{SO}", "\\SU": "\\operatorname{SU}", "\\Sp": "\\operatorname{Sp}", "\\GSp": "\\operatorname{GSp}",
    "\\Gal": "\\operatorname{Gal}", "\\Hom": "\\operatorname{Hom}", "\\End": "\\operatorname{End}",
    "\\Aut": "\\operatorname{Aut}", "\\Spec": "\\operatorname{Spec}", "\\Tr": "\\operatorname{Tr}", "\\tr": "\\operatorname{tr}",
    "\\rank": "\\operatorname{rank}", "\\diag": "\\operatorname{diag}", "\\sgn": "\\operatorname{sgn}", "\\supp": "\\operatorname{supp}",
    "\\Var": "\\operatorname{Var}", "\\Cov": "\\operatorname{Cov}", "\\poly": "\\operatorname{poly}", "\\polylog": "\\operatorname{polylog}",
    "\\Res": "\\operatorname{Res}", "\\Ind": "\\operatorname{Ind}", "\\Frob": "\\operatorname{Frob}", "\\Pic": "\\operatorname{Pic}",
    "\\Ext": "\\operatorname{Ext}", "\\Tor": "\\operatorname{Tor}", "\\id": "\\operatorname{id}", "\\Id": "\\operatorname{Id}",
    "\\im": "\\operatorname{im}", "\\coker": "\\operatorname{coker}", "\\vol": "\\operatorname{vol}", "\\dist": "\\operatorname{dist}",
    "\\Prob": "\\operatorname{Pr}", "\\Vol": "\\operatorname{Vol}", "\\rad": "\\operatorname{rad}", "\\ord": "\\operatorname{ord}",
    "\\Rep": "\\operatorname{Rep}", "\\Mat": "\\operatorname{Mat}", "\\Sel": "\\operatorname{Sel}", "\\Cl": "\\operatorname{Cl}",
    "\\disc": "\\operatorname{disc}", "\\Nm": "\\operatorname{Nm}", "\\Stab": "\\operatorname{Stab}", "\\Sym": "\\operatorname{Sym}",
    "\\Ad": "\\operatorname{Ad}", "\\ad": "\\operatorname{ad}", "\\Span": "\\operatorname{span}", "\\codim": "\\operatorname{codim}",
    "\\conv": "\\operatorname{conv}", "\\Irr": "\\operatorname{Irr}", "\\Out": "\\operatorname{Out}", "\\Inn": "\\operatorname{Inn}",
    "\\Mor": "\\operatorname{Mor}", "\\Frac": "\\operatorname{Frac}", "\\Proj": "\\operatorname{Proj}", "\\Jac": "\\operatorname{Jac}",
    "\\Lip": "\\operatorname{Lip}", "\\dom": "\\operatorname{dom}", "\\prox": "\\operatorname{prox}", "\\KL": "\\operatorname{KL}",
    "\\TV": "\\operatorname{TV}", "\\sign": "\\operatorname{sign}", "\\softmax": "\\operatorname{softmax}", "\\gldim": "\\operatorname{gldim}",
    "\\tildeO": "\\tilde{O}", "\\Otilde": "\\tilde{O}", "\\softO": "\\tilde{O}",
    "\\mc": "\\mathcal{#1}", "\\mcal": "\\mathcal{#1}", "\\mbb": "\\mathbb{#1}", "\\mbf": "\\mathbf{#1}", "\\mrm": "\\mathrm{#1}",
    "\\leg": "\\left(\\frac{#1}{#2}\\right)", "\\pct": "\\%", "\\enquote": "\\text{“}#1\\text{”}",
    // siunitx units and ranges.
    "\\qtyrange": "#1\\text{–}#2\\,\\mathrm{#3}", "\\SIrange": "#1\\text{–}#2\\,\\mathrm{#3}", "\\numrange": "#1\\text{–}#2",
    "\\Sha": "\\text{Ш}", "\\sha": "\\text{Ш}",
    // Packages KaTeX lacks: bbm, dsfont, nicefrac, siunitx (numbers and units), physics.
    "\\mathbbm": "\\mathbb{#1}", "\\mathds": "\\mathbb{#1}", "\\nicefrac": "{}^{#1}\\!/\\!{}_{#2}", "\\sfrac": "{}^{#1}\\!/\\!{}_{#2}",
    "\\num": "#1", "\\SI": "#1\\,\\mathrm{#2}", "\\si": "\\mathrm{#1}", "\\qty": "#1\\,\\mathrm{#2}",
    "\\abs": "\\left|#1\\right|", "\\norm": "\\left\\|#1\\right\\|", "\\dd": "\\mathrm{d}",
    // Text inside math, as LaTeX writes it.
    "\\mbox": "\\text{#1}", "\\textsc": "\\text{#1}", "\\textsl": "\\textit{#1}",
    "\\ensuremath": "#1", "\\xspace": "", "\\bm": "\\boldsymbol{#1}", "\\mathbold": "\\boldsymbol{#1}",
    "\\wt": "\\widetilde{#1}", "\\wh": "\\widehat{#1}", "\\ol": "\\overline{#1}",
  };
  // upgreek: \upalpha .. \upomega, \Upgamma .. \Upomega (KaTeX's Greek is upright enough for an abstract).
  for (const name of ["alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho", "sigma", "varsigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega"]) {
    table[`\\up${name}`] = `\\${name}`;
  }
  for (const name of ["Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"]) {
    table[`\\Up${name.toLowerCase()}`] = `\\${name}`;
  }
  for (const [name, symbol] of Object.entries(siunitxUnits)) table[`\\${name}`] ??= symbol;
  for (const name of acronymCommands) table[`\\${name}`] ??= "\\text{#1}";
  // Complexity classes: \NP, \PSPACE, \PPAD...
  for (const name of ["NP", "coNP", "PSPACE", "EXP", "NEXP", "BPP", "BQP", "QMA", "RP", "ZPP", "PPAD", "PLS", "TFNP", "APX", "FPT", "XP", "NC", "AC", "PH", "PP", "SZK", "MIP", "IP", "AM", "MA", "EXPTIME", "NEXPTIME", "LOGSPACE", "NL", "PTAS", "FPTAS", "ETH", "SETH"]) {
    table[`\\${name}`] ??= `\\mathsf{${name}}`;
  }
  for (let c = 65; c <= 90; c++) {
    const L = String.fromCharCode(c);
    for (const [prefix, style] of [["c", "mathcal"], ["cal", "mathcal"], ["mc", "mathcal"], ["b", "mathbf"], ["bb", "mathbb"], ["f", "mathfrak"], ["frak", "mathfrak"], ["s", "mathscr"]]) {
      table[`\\${prefix}${L}`] ??= `\\${style}{${L}}`;
    }
  }
  for (let c = 97; c <= 122; c++) {
    const l = String.fromCharCode(c);
    // \bx is a bold vector, \fg a fraktur letter.
    table[`\\b${l}`] ??= `\\boldsymbol{${l}}`;
    table[`\\f${l}`] ??= `\\mathfrak{${l}}`;
  }
  // Names KaTeX already defines keep KaTeX's meaning (tests/macros.test.ts checks that none is left).
  for (const name of shadowed) delete table[name];
  return table;
})();

/** KaTeX macros that are not text: `\\label{..}` typesets nothing, `\\unicode{x2013}` is the character it names. */
export const builtinFunctionMacros = {
  "\\label": { tokens: [], numArgs: 1 },
  "\\unicode": (context: { consumeArgs(n: number): { text: string }[][] }) => {
    // consumeArgs gives each argument's tokens in reverse order.
    const arg = (context.consumeArgs(1)[0] ?? []).map((t) => t.text).reverse().join("").trim();
    const m = /^(?:x|0x|")([0-9a-fA-F]{1,6})$|^(\d{1,7})$/.exec(arg);
    const code = m ? (m[1] ? parseInt(m[1], 16) : Number(m[2])) : NaN;
    // Control characters and surrogates are never produced; anything else KaTeX typesets as a symbol.
    if (!(code >= 0x20 && code <= 0x10ffff) || (code >= 0x7f && code < 0xa0) || (code >= 0xd800 && code < 0xe000)) return "\\text{?}";
    const ch = String.fromCodePoint(code);
    return /[\\{}$&#^_%~]/.test(ch) ? `\\${ch === "\\" ? "backslash" : ch}` : ch;
  },
} as const;

/** Limits on a macro table from a paper or site.json: the definitions are contributor input like any formula. */
export const macroLimits = {
  /** Most macros in one table. */
  count: 100,
  /** Longest definition, in characters. */
  definitionChars: 300,
};

export const macroNamePattern = /^\\[A-Za-z]+$/;

/**
 * Checks a macro table given as parsed YAML/JSON. Returns the clean table and one message per wrong entry, keyed
 * by the entry's name (or "" for the table itself).
 */
export function checkMacroTable(value: unknown): { macros: Record<string, string>; errors: [key: string, message: string][] } {
  const macros: Record<string, string> = {};
  const errors: [string, string][] = [];
  if (value === undefined || value === null) return { macros, errors };
  if (typeof value !== "object" || Array.isArray(value)) {
    errors.push(["", `must be a set of definitions like { "\\\\bW": "\\\\mathbf{W}" }, got ${Array.isArray(value) ? "a list" : typeof value}`]);
    return { macros, errors };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > macroLimits.count) {
    errors.push(["", `defines ${entries.length} macros; the limit is ${macroLimits.count}`]);
    return { macros, errors };
  }
  for (const [name, definition] of entries) {
    if (!macroNamePattern.test(name)) {
      const hint = /^[A-Za-z]+$/.test(name) ? ` (write "\\\\${name}" in double quotes, or \\${name} unquoted)` : "";
      errors.push([name, `"${name}" is not a macro name: a backslash and letters, like "\\\\bW"${hint}`]);
    } else if (typeof definition !== "string") {
      errors.push([name, `the definition of ${name} must be text (TeX), got ${definition === null ? "nothing" : typeof definition}`]);
    } else if (definition.length > macroLimits.definitionChars) {
      errors.push([name, `the definition of ${name} is ${definition.length} characters; the limit is ${macroLimits.definitionChars}`]);
    } else macros[name] = definition;
  }
  return { macros, errors };
}

/** A guess at what an undefined macro stands for, for the message that asks the contributor to define it. */
export function suggestDefinition(name: string, takesArgument = false): string {
  // A text command written with an argument (`\cyr{..}`) most often just sets its argument.
  if (takesArgument) return "\\text{#1}";
  const m = /^\\(b|c|cal|bb|f|frak|s|mc)([A-Z])$/.exec(name);
  const style: Record<string, string> = { b: "mathbf", c: "mathcal", cal: "mathcal", mc: "mathcal", bb: "mathbb", f: "mathfrak", frak: "mathfrak", s: "mathscr" };
  if (m) return `\\${style[m[1]!]}{${m[2]}}`;
  if (/^\\b[a-z]$/.test(name)) return `\\boldsymbol{${name[2]}}`;
  // A longer name is usually an operator or a method's name.
  return /^\\[A-Za-z]{2,}$/.test(name) && name.length > 4 ? `\\text{${name.slice(1)}}` : `\\operatorname{${name.slice(1)}}`;
}

/** The message for a macro nobody defined, naming the fix: `\bW is not defined: add it under macros: in this file, ...`. */
export function undefinedMacroMessage(name: string, takesArgument = false): string {
  const json = (s: string) => JSON.stringify(s);
  return `${name} is not defined: add it under macros: in this file, e.g. macros: { ${json(name)}: ${json(suggestDefinition(name, takesArgument))} }`;
}
