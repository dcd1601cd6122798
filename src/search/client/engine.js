// The search engine that runs in the reader's browser, over the index src/search/index.ts writes (format described
// there). A query fetches the index's table (meta), the dictionary chunks of its words, the postings of their stems
// and, for the results shown, one small file per four papers. Nothing else is loaded; nothing runs on a server.
// Plain JavaScript because the browser loads this file as it is (copied to /assets/search/); tests run it in Node.

import { isSkipped, wordsOf } from "./words.js";

/** Prefix completions of the word being typed that are searched, commonest first (each costs a postings list). */
const maxCompletions = 12;
/** A completion counts for less than the word exactly as typed (`learn` finds `learning`, but `learn` comes first). */
const completionFactor = 0.7;
/** Doc ids take the low 20 bits of a sort key (up to 1,048,576 papers). */
const idBits = 2 ** 20;
/** Words around the first match in an excerpt. */
const excerptWords = 26;

const utf8 = new TextDecoder();
const json = (bytes) => JSON.parse(utf8.decode(bytes));

/** Reads unsigned LEB128 varints from `bytes`, starting at `at`. */
function reader(bytes, at = 0) {
  return {
    get done() {
      return at >= bytes.length;
    },
    varint() {
      let value = 0;
      let scale = 1;
      for (;;) {
        const byte = bytes[at++];
        value += (byte & 0x7f) * scale;
        if (byte < 0x80) return value;
        scale *= 128;
      }
    },
    bytes(n) {
      const out = bytes.subarray(at, at + n);
      at += n;
      return out;
    },
  };
}

/** Ascending ids from a list of gaps (the first gap is the first id). */
function readIds(r, n) {
  const ids = new Uint32Array(n);
  let id = 0;
  for (let i = 0; i < n; i++) ids[i] = id += r.varint();
  return ids;
}

/** `n` plain varints. */
function readValues(r, n) {
  const values = new Uint32Array(n);
  for (let i = 0; i < n; i++) values[i] = r.varint();
  return values;
}

/** A postings chunk: for each stem, its papers (ascending ids) and one weight byte per paper. */
function decodePostings(bytes) {
  const r = reader(bytes);
  const stems = new Map();
  while (!r.done) {
    const stem = utf8.decode(r.bytes(r.varint()));
    const n = r.varint();
    const ids = readIds(r, n);
    stems.set(stem, { ids, weights: r.bytes(n) });
  }
  return stems;
}

/** The index of the last entry of sorted `table` whose first element is <= `key` (0 when none is). */
function chunkFor(table, key) {
  let lo = 0;
  let hi = table.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (table[mid][0] <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Splits a query into words; the last is matched as a prefix unless the query ends in a space (the reader moved on). */
export function parseQuery(query, language = "en") {
  const words = wordsOf(query).map((w) => w.word);
  const typing = words.length > 0 && !/\s$/.test(query);
  const out = [];
  words.forEach((word, i) => {
    const prefix = typing && i === words.length - 1;
    // A word being typed is kept even if it is a stop word so far ("the" may become "theory").
    if (prefix ? word.length >= 2 || /\p{N}/u.test(word) : !isSkipped(word, language)) out.push({ word, prefix });
  });
  return out;
}

/**
 * A search engine over the index under one base. `load(path)` returns the decompressed bytes of an index file (the
 * browser's version fetches and gunzips; tests read the files).
 * @param {(path: string) => Promise<Uint8Array>} load
 */
export function createEngine(load) {
  const cache = new Map();
  /** Each file is fetched once; a failed fetch is forgotten so that the next search tries again. */
  const file = (path, decode) => {
    if (!cache.has(path)) {
      const pending = load(path).then(decode);
      pending.catch(() => cache.delete(path));
      cache.set(path, pending);
    }
    return cache.get(path);
  };

  let ready;
  /** The index table: paper count, days, dictionary and postings chunk tables, filters, file names. */
  const meta = () =>
    (ready ??= file("meta.ix", json).then((m) => {
      // Papers are numbered oldest first, day by day: `dayOf[id]` is the paper's day number, `years` id ranges.
      const dayOf = new Int32Array(m.docs);
      const years = new Map();
      let id = 0;
      let day = 0;
      for (const [gap, count] of m.days) {
        day += gap;
        const year = new Date(day * 86_400_000).getUTCFullYear();
        const range = years.get(String(year)) ?? [id, id];
        dayOf.fill(day, id, id + count);
        id += count;
        range[1] = id;
        years.set(String(year), range);
      }
      return { ...m, dayOf, years };
    }));

  /** The dictionary entries (`[word, stem, papers]`) that `word` matches, exactly or, for a prefix, as its start. */
  async function lookup(m, { word, prefix }) {
    const first = chunkFor(m.dict, word);
    let last = first;
    if (prefix) while (last + 1 < m.dict.length && m.dict[last + 1][0].startsWith(word)) last++;
    const chunks = await Promise.all(m.dict.slice(first, last + 1).map(([, name]) => file(`w/${name}.ix`, json)));
    const entries = [];
    for (const chunk of chunks) {
      for (const [entryWord, stem, papers] of chunk) {
        if (prefix ? entryWord.startsWith(word) : entryWord === word) {
          entries.push({ word: entryWord, stem: typeof stem === "number" ? entryWord.slice(0, stem) : stem, papers, chunk });
        }
      }
    }
    return entries;
  }

  /**
   * The stems a query word searches, each with its factor: the stem of the word as typed counts fully, completions
   * of a prefix (the commonest `maxCompletions`) a little less. Also returns the dictionary words to highlight.
   */
  async function expand(m, term) {
    const entries = await lookup(m, term);
    const exact = entries.find((e) => e.word === term.word);
    const stems = new Map();
    if (exact) stems.set(exact.stem, 1);
    const completions = entries.filter((e) => e !== exact).sort((a, b) => b.papers - a.papers);
    for (const e of completions) {
      if (stems.size >= maxCompletions + (exact ? 1 : 0)) break;
      if (!stems.has(e.stem)) stems.set(e.stem, completionFactor);
    }
    const highlight = new Set();
    // Every known form of a searched stem is highlighted (`models` finds and marks `model` and `modeling`).
    for (const chunk of new Set(entries.map((e) => e.chunk))) {
      for (const [entryWord, stem] of chunk) {
        if (stems.has(typeof stem === "number" ? entryWord.slice(0, stem) : stem)) highlight.add(entryWord);
      }
    }
    for (const e of entries) if (stems.has(e.stem)) highlight.add(e.word);
    return { stems, highlight };
  }

  /** Each stem's postings, fetching every chunk needed at once. */
  async function postings(m, stems) {
    const names = [...new Set([...stems].map((stem) => m.post[chunkFor(m.post, stem)][1]))];
    const chunks = new Map(await Promise.all(names.map(async (name) => [name, await file(`p/${name}.ix`, decodePostings)])));
    return (stem) => chunks.get(m.post[chunkFor(m.post, stem)][1]).get(stem);
  }

  /** Papers allowed by the filters (`tag`, `organization`, `year`, `published`), as a mask; undefined when nothing is filtered. */
  async function filterMask(m, filters) {
    const mask = new Uint8Array(m.docs);
    let active = 0;
    for (const [name, value] of Object.entries(filters)) {
      if (!value) continue;
      active++;
      if (name === "year") {
        const [from, to] = m.years.get(String(value)) ?? [0, 0];
        for (let id = from; id < to; id++) mask[id]++;
        continue;
      }
      const option = (m.filters[name] ?? []).find(([v]) => v === value);
      if (!option) continue;
      const ids = await file(`t/${option[2]}.ix`, (bytes) => {
        const r = reader(bytes);
        return readIds(r, r.varint());
      });
      for (const id of ids) mask[id]++;
    }
    if (!active) return undefined;
    for (let id = 0; id < m.docs; id++) mask[id] = mask[id] === active ? 1 : 0;
    return mask;
  }

  /**
   * Papers matching every word of `query` (and the filters), best first, or newest / most upvoted first with `sort`
   * "date" / "upvotes" (ties by relevance). Without words, every paper the filters allow (all of them when only a sort
   * is given), in that order, else newest first.
   * Returns the paper ids in order and the dictionary words to highlight.
   */
  /**
   * @param {string} query
   * @param {{ filters?: Record<string, string>, sort?: string }} [options]
   * @returns {Promise<{ total: number, ids: number[], highlight: Set<string>, prefixes: string[] }>}
   */
  async function search(query, { filters = {}, sort = "" } = {}) {
    const m = await meta();
    const terms = parseQuery(query ?? "", m.language);
    // Without words, only filters or an order: every paper they allow, in that order ("the most upvoted papers").
    // A query of stop words alone finds nothing.
    const filtersOnly = !(query ?? "").trim() && (Object.values(filters).some(Boolean) || sort === "date" || sort === "upvotes");
    if (!terms.length && !filtersOnly) return { total: 0, ids: [], highlight: new Set(), prefixes: [] };
    const [expanded, mask, upvotes] = await Promise.all([
      Promise.all(terms.map((term) => expand(m, term))),
      filterMask(m, filters),
      sort === "upvotes" ? file(`${m.upvotes}.ix`, (bytes) => readValues(reader(bytes), m.docs)) : undefined,
    ]);
    const get = await postings(m, expanded.flatMap((e) => [...e.stems.keys()]));
    const score = new Float32Array(m.docs);
    let candidates;
    if (terms.length) {
      const hits = new Uint8Array(m.docs);
      const best = new Float32Array(m.docs);
      for (const { stems } of expanded) {
        best.fill(0);
        for (const [stem, factor] of stems) {
          const list = get(stem);
          if (!list) continue;
          for (let i = 0; i < list.ids.length; i++) {
            const w = list.weights[i] / 16;
            const s = w * w * factor;
            if (s > best[list.ids[i]]) best[list.ids[i]] = s;
          }
        }
        for (let id = 0; id < m.docs; id++) {
          if (best[id] > 0) {
            score[id] += best[id];
            hits[id]++;
          }
        }
      }
      candidates = [];
      for (let id = 0; id < m.docs; id++) if (hits[id] === terms.length && (!mask || mask[id])) candidates.push(id);
    } else {
      candidates = [];
      for (let id = 0; id < m.docs; id++) if (!mask || mask[id]) candidates.push(id);
    }
    // One numeric key per paper, sorted natively: primary order, then relevance, then newest (higher id) first.
    const scoreSteps = 2 ** 16;
    let maxScore = 1e-9;
    for (const id of candidates) if (score[id] > maxScore) maxScore = score[id];
    const keys = new Float64Array(candidates.length);
    candidates.forEach((id, i) => {
      const relevance = Math.round((score[id] / maxScore) * (scoreSteps - 1));
      // Days count from the index's first day (papers are numbered oldest first), so the key never goes negative, and
      // stays exact (under 2^53) for 2^16 days (179 years; the site accepts 1991 to 2099) and 2^20 papers.
      const primary = sort === "date" ? m.dayOf[id] - m.dayOf[0] : sort === "upvotes" ? Math.min(upvotes[id], 2 ** 14 - 1) : 0;
      keys[i] = (primary * scoreSteps + relevance) * idBits + id;
    });
    keys.sort();
    const ids = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) ids[i] = keys[keys.length - 1 - i] % idBits;
    const highlight = new Set(expanded.flatMap((e) => [...e.highlight]));
    return { total: ids.length, ids, highlight, prefixes: terms.filter((t) => t.prefix).map((t) => t.word) };
  }

  /**
   * What a result shows: its page, title, authors, day and upvotes. Its excerpt is cut (`excerpt`, with what `search`
   * returned) from the abstract on the paper's page: the index does not hold the abstract a second time.
   * @param {number} id
   */
  async function result(id) {
    const m = await meta();
    const group = Math.floor(id / m.fragment);
    const doc = (await file(`f/${Math.floor(group / m.folder)}/${group}.ix?v=${m.version}`, json))[id % m.fragment];
    return { url: doc.url, title: doc.title, authors: doc.authors, day: doc.day, upvotes: doc.upvotes };
  }

  /** The filter menus: `[value, papers]` per tag, organization and year. */
  async function filterOptions() {
    const m = await meta();
    const options = {};
    for (const [name, values] of Object.entries(m.filters)) options[name] = values.map(([value, count]) => [value, count]);
    options.year = [...m.years].map(([year, [from, to]]) => [year, to - from]).reverse();
    return options;
  }

  return { search, result, filterOptions, ready: meta };
}

/**
 * Formula marks: how the browser's search.js writes the n-th formula of an abstract into its text, as the private-use
 * character `formulaMarkBase + n` (U+E000 to U+F8FF, so at most `formulaMarkLimit` formulas).
 */
export const formulaMark = /[\uE000-\uF8FF]/g;
export const formulaMarkBase = 0xe000;
export const formulaMarkLimit = 0xf8ff - formulaMarkBase + 1;

/** `words` of `text` with each formula mark among them as a word that never matches (a window of words counts them). */
function withFormulas(text, words) {
  const marks = [...text.matchAll(formulaMark)];
  if (!marks.length) return words;
  return [...words, ...marks.map((m) => ({ word: "", start: m.index, end: m.index + 1 }))].sort((a, b) => a.start - b.start);
}

/**
 * About `excerptWords` words of `text` around the first matched word (a formula mark counting as one), as
 * `[text, marked]` pieces: matched words marked, everything else plain text (paper text never becomes markup).
 */
/**
 * @param {string} text
 * @param {Set<string>} highlight
 * @param {string[]} [prefixes]
 * @returns {[string, boolean][]}
 */
export function excerpt(text, highlight, prefixes = []) {
  const words = withFormulas(text, wordsOf(text));
  const matches = (w) => w !== "" && (highlight.has(w) || prefixes.some((p) => w.startsWith(p)));
  const first = Math.max(0, words.findIndex((w) => matches(w.word)));
  const start = Math.max(0, Math.min(first - 8, words.length - excerptWords));
  const end = Math.min(words.length, start + excerptWords);
  if (!words.length) return [[text, false]];
  const pieces = [];
  let at = start > 0 ? words[start].start : 0;
  if (start > 0) pieces.push(["…", false]);
  for (let i = start; i < end; i++) {
    const w = words[i];
    if (matches(w.word)) {
      if (w.start > at) pieces.push([text.slice(at, w.start), false]);
      pieces.push([text.slice(w.start, w.end), true]);
      at = w.end;
    }
  }
  const stop = end < words.length ? words[end - 1].end : text.length;
  if (stop > at) pieces.push([text.slice(at, stop), false]);
  if (end < words.length) pieces.push(["…", false]);
  return pieces;
}
