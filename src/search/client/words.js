// How text becomes search words. Shared by the build (src/search/index.ts indexes with it) and the browser (the
// engine cuts queries and highlights excerpts with it), so both sides always agree on what a word is.
// Plain JavaScript because the browser loads this file as it is (copied to /assets/search/).

/**
 * One word: a TeX command (`\mathcal`), a number with dots (an arXiv id `2509.25149`, `3.5`), or a run of letters and
 * digits (diacritics and all). Hyphens, apostrophes and other punctuation separate words.
 */
const wordPattern = /\\[A-Za-z]+|\p{N}+(?:\.\p{N}+)+|[\p{L}\p{N}\p{M}]+/gu;

/** Words too common in English abstracts to be worth an index entry (each would list nearly every paper). */
const englishStopWords = new Set(
  "a an and are as at be by for from has have in into is it its of on or our that the their these this to was we were which with".split(" "),
);

/** The form a word is indexed and looked up under: lower case, accents dropped (`Schölkopf` -> `scholkopf`). */
export function normalizeWord(word) {
  // Plain ASCII (nearly every word of an English abstract) has nothing to decompose.
  if (/^[\x00-\x7f]*$/.test(word)) return word.toLowerCase();
  return word.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The longest stop word: a longer word is never looked up among them (most words of an abstract). */
const stopWordMax = Math.max(...[...englishStopWords].map((word) => word.length));

/** True for words never indexed: single letters and, in English, the commonest function words. */
export function isSkipped(word, language = "en") {
  return word.length < 2 ? !/\p{N}/u.test(word) : language === "en" && word.length <= stopWordMax && englishStopWords.has(word);
}

/**
 * The words of `text` in order, each with its normalized form and where it stands in `text` (for highlighting).
 * @param {string} text
 * @returns {{ word: string, start: number, end: number }[]}
 */
export function wordsOf(text) {
  const out = [];
  for (const match of text.matchAll(wordPattern)) {
    out.push({ word: normalizeWord(match[0]), start: match.index, end: match.index + match[0].length });
  }
  return out;
}

/** A regular expression of its own that cuts words as the index and the engine do (for a loop that needs its own `lastIndex`). */
export function newWordPattern() {
  return new RegExp(wordPattern.source, wordPattern.flags);
}
