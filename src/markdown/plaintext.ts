/** Readable Unicode for common TeX commands, for places that cannot typeset: <title>, feed titles, email subjects. */
const symbols: Record<string, string> = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ", eta: "η", theta: "θ",
  vartheta: "ϑ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", rho: "ρ", sigma: "σ",
  tau: "τ", upsilon: "υ", phi: "φ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ", Delta: "Δ",
  Theta: "Θ", Lambda: "Λ", Xi: "Ξ", Pi: "Π", Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω",
  times: "×", cdot: "·", pm: "±", mp: "∓", leq: "≤", le: "≤", geq: "≥", ge: "≥", neq: "≠", ne: "≠", approx: "≈",
  sim: "∼", simeq: "≃", equiv: "≡", propto: "∝", infty: "∞", to: "→", rightarrow: "→", leftarrow: "←",
  Rightarrow: "⇒", mapsto: "↦", in: "∈", notin: "∉", subset: "⊂", subseteq: "⊆", cup: "∪", cap: "∩",
  sum: "∑", prod: "∏", int: "∫", partial: "∂", nabla: "∇", forall: "∀", exists: "∃", ell: "ℓ", odot: "⊙",
  sqrt: "√", log: "log", exp: "exp", sin: "sin", cos: "cos", max: "max", min: "min", ldots: "…", dots: "…",
  cdots: "⋯", circ: "∘", star: "⋆", ast: "∗", langle: "⟨", rangle: "⟩", lvert: "|", rvert: "|", mid: "|",
  top: "⊤", perp: "⊥", dagger: "†", hbar: "ℏ", emptyset: "∅", varnothing: "∅", neg: "¬", land: "∧", lor: "∨",
};
const superscripts: Record<string, string> = { "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "+": "⁺", "-": "⁻", n: "ⁿ", i: "ⁱ" };
const subscripts: Record<string, string> = { "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉", "+": "₊", "-": "₋" };

const group = (s: string) => (/^[\w.]+$/.test(s) ? s : `(${s})`);
// Accents become combining marks on a single letter (`\tilde{\mathcal O}` reads "Õ", as in plain-text papers); on a
// longer argument the accent is dropped rather than spelled out as "tilde".
const accents: Record<string, string> = {
  tilde: "\u0303", widetilde: "\u0303", hat: "\u0302", widehat: "\u0302", bar: "\u0304", overline: "\u0305",
  vec: "\u20D7", dot: "\u0307", ddot: "\u0308",
};

/** Turns one TeX formula into readable text: `\mathcal{O}(K^{2/3})` becomes `O(K^(2/3))`, `\alpha^2` becomes `α²`. */
export function texToText(tex: string): string {
  let s = tex
    .replace(/\\(?:mathcal|mathbb|mathbf|mathrm|mathit|mathsf|mathtt|boldsymbol|bm|text|textbf|textit|operatorname|mathfrak|rm|bf|it)\b\s*/g, "")
    .replace(/\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, (_, a: string, b: string) => `${group(a)}/${group(b)}`)
    .replace(/\\(?:left|right|big|Big|bigg|Bigg)\b\s*/g, "")
    .replace(/\\(tilde|widetilde|hat|widehat|bar|overline|vec|dot|ddot)\b\s*(?:\{([^{}]*)\}|(\\[A-Za-z]+|[^\s\\]))/g,
      (_, name: string, braced?: string, single?: string) => {
        const arg = (braced ?? single ?? "").trim();
        return arg.length === 1 ? arg + accents[name]! : arg;
      })
    // A space after a command separates it from what follows ("\log n" must not read "logn"), except after a root sign.
    .replace(/\\([A-Za-z]+)(\s*)/g, (_, name: string, space: string) => {
      const symbol = symbols[name] ?? name;
      return space && symbol !== "√" ? `${symbol} ` : symbol;
    })
    .replace(/\\([{}%$&#_,;:! ])/g, (_, c: string) => (/[,;:! ]/.test(c) ? " " : c));
  const script = (table: Record<string, string>, marker: string) => (_: string, body: string) =>
    [...body].every((c) => table[c]) ? [...body].map((c) => table[c]).join("") : `${marker}(${body})`;
  s = s
    .replace(/\^\{([^{}]*)\}/g, script(superscripts, "^"))
    .replace(/_\{([^{}]*)\}/g, script(subscripts, "_"))
    .replace(/\^([^\s{(])/g, script(superscripts, "^"))
    .replace(/_([^\s{(])/g, script(subscripts, "_"))
    .replace(/[{}]/g, "")
    .replace(/~/g, " ")
    .replace(/([\^_])\(([^()]*)\)/g, (_, marker: string, b: string) => (b.length === 1 ? `${marker}${b}` : `${marker}(${b})`));
  return s.replace(/\s+/g, " ").trim().normalize("NFC");
}

const mathSpan = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$([^\s$](?:[^$]*?[^\s$\\])?)\$(?!\d)/g;

/** Replaces every math span in a line of Markdown by readable text; other Markdown punctuation is left as written. */
export function markdownMathToText(source: string): string {
  return source
    .replace(mathSpan, (_, a?: string, b?: string, c?: string, d?: string) => texToText(a ?? b ?? c ?? d ?? ""))
    .replace(/\\\$/g, "$")
    .replace(/\s+/g, " ")
    .trim();
}
