/**
 * A pure function of a string, remembered for the strings it was given. Formulas repeat within a site: of the 18,758
 * formulas in the 4,000 real abstracts, 8,203 are distinct (`$n$`, `$\mathbb{R}^d$`, `$O(\log n)$`...), and rewriting
 * a formula's MathML for pages (mathml-core.ts) cost a typesetting worker more than KaTeX's own render, which
 * tex-limits.ts remembers already. Bounded by the characters it holds, keys and values: past `limitChars` it starts
 * again empty, so a file of many distinct formulas costs one map entry each and never more memory.
 */
export function memoized(fn: (input: string) => string, limitChars = 2 ** 23): (input: string) => string {
  const known = new Map<string, string>();
  let chars = 0;
  return (input: string) => {
    let output = known.get(input);
    if (output === undefined) {
      output = detached(fn(input));
      chars += input.length + output.length;
      if (chars > limitChars) {
        known.clear();
        chars = input.length + output.length;
      }
      known.set(detached(input), output);
    }
    return output;
  };
}

/**
 * A copy of `text` that holds no reference to a larger string. V8 keeps a substring (`slice`, a regex match) as a view
 * of the string it came from, and a string built from pieces as the pieces: a remembered formula cut from an
 * abstract's HTML would keep the whole HTML alive, and the bound above would not bound the memory.
 */
const detached = (text: string): string => JSON.parse(JSON.stringify(text)) as string;
