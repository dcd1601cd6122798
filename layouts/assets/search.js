// Search, loaded on first use by site.js: our chunked index (src/search/index.ts writes it; a query fetches only
// the chunks it needs), a dropdown under the header box, and the /search/ page with filters and sorting.
// Plain ES module, no build step.
import { paperAbstract } from "./paper-abstract.js";
import { createEngine, excerpt, formulaMark, formulaMarkBase, formulaMarkLimit } from "./search/engine.js";

const boxLimit = 8;
const pageSize = 20;

/** An index file, gunzipped in the browser: static hosts serve it as it is, whatever they compress. */
async function fetchIndexFile(url) {
  const response = await fetch(url, url.endsWith("/meta.ix") ? { cache: "no-cache" } : {});
  if (!response.ok) throw new Error(`search index: ${url}: HTTP ${response.status}`);
  const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

let engine;
/** The engine, created once; `form`'s action is the search page, under the site root (path prefix). */
function searchEngine(form) {
  if (!engine) {
    const root = form.getAttribute("action").replace(/search\/$/, "");
    addStylesheet(`${root}assets/search.css`);
    engine = createEngine((file) => fetchIndexFile(`${root}search/${file}`));
    engine.ready().catch(() => (engine = undefined));
  }
  return engine;
}

function addStylesheet(href) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  document.head.append(el("link", { rel: "stylesheet", href }));
}

const arxivQuery = /^(?:arxiv:\s*|https?:\/\/(?:www\.)?arxiv\.org\/(?:abs|pdf)\/)?(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?\/?$/i;

/** An arXiv id typed or pasted in any common form (`arXiv:2509.25149v2`, an abs or pdf URL) becomes the bare id. */
function normalizeQuery(query) {
  const trimmed = query.trim();
  // A trailing space stays: it tells the engine the last word is complete (not a prefix to complete).
  return arxivQuery.exec(trimmed)?.[1] ?? query.trimStart();
}

// The last word is completed as a prefix, and a one- or two-letter prefix ("le", "language m") reads the dictionary
// chunks of every word it starts: a query ending in such a short word waits for the reader to pause; others go after
// a debounce.
const debounceMs = 80;
/** How long the header box's results must stay before their excerpts fetch the papers' pages. */
const excerptPauseMs = 250;
const shortWordMs = 400;
/** How long to wait after a keystroke before searching `query`; Infinity for a lone letter (never searched as typed). */
function delayFor(query) {
  const normalized = normalizeQuery(query).trim();
  const last = normalized.split(/\s+/).at(-1);
  if (!normalized) return 0;
  if (normalized.length === 1) return Infinity;
  return last.length < 3 ? shortWordMs : debounceMs;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "16 Feb 2026" from `2026-02-16`, as the site writes short days. */
function shortDay(iso = "") {
  const [y, m, d] = iso.split("-").map(Number);
  return y ? `${d} ${months[m - 1]} ${y}` : "";
}

// A result's excerpt is cut from the abstract on the paper's own page, fetched when the result is shown: the search
// index does not hold every abstract a second time (README, "Output size"), and the excerpt shows the page's math
// typeset. In the abstract's text each formula is one formula mark (the engine's `formulaMark`: U+E000 plus its
// number), which the engine's `excerpt` counts as a word that never matches, and which is put back as the formula
// when the excerpt is drawn. The page's own private-use characters are dropped, so none can pose as a formula.
/** Elements whose text is not run into their neighbours' (paragraphs, list items, display math...). */
const blocks = new Set("p div li ul ol blockquote pre h1 h2 h3 h4 h5 h6 table tr td th dl dt dd br hr".split(" "));

/** An abstract as `text` (formulas as placeholders, one space between blocks) and its `formulas`, in this document. */
function abstractText(abstract) {
  let text = "";
  const formulas = [];
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += child.data.replace(formulaMark, "");
      else if (child.nodeType !== Node.ELEMENT_NODE) continue;
      else if (child.localName === "math") {
        if (formulas.length === formulaMarkLimit) continue;
        text += String.fromCharCode(formulaMarkBase + formulas.length);
        // Adopted now, so that the fetched page itself is not kept.
        formulas.push(document.importNode(child, true));
      } else {
        const block = blocks.has(child.localName);
        if (block) text += " ";
        walk(child);
        if (block) text += " ";
      }
    }
  };
  walk(abstract);
  return { text: text.replace(/\s+/g, " ").trim(), formulas };
}

/** Abstracts by page, fetched once (a failed fetch is tried again next time); the oldest dropped past `keptAbstracts`. */
const abstracts = new Map();
const keptAbstracts = 200;
function abstractOf(url) {
  let pending = abstracts.get(url);
  if (!pending) {
    pending = paperAbstract(url).then(abstractText);
    pending.catch(() => abstracts.delete(url));
    abstracts.set(url, pending);
    if (abstracts.size > keptAbstracts) abstracts.delete(abstracts.keys().next().value);
  }
  return pending;
}

/** The excerpt's pieces as text nodes, matched words in <mark> (paper text never becomes markup), formulas typeset. */
function excerptNodes(pieces, formulas) {
  const out = [];
  for (const [text, marked] of pieces) {
    if (marked) {
      out.push(el("mark", {}, text));
      continue;
    }
    let at = 0;
    for (const match of text.matchAll(formulaMark)) {
      out.push(text.slice(at, match.index));
      at = match.index + 1;
      const formula = formulas[match[0].charCodeAt(0) - formulaMarkBase].cloneNode(true);
      // In the line of the excerpt, whatever it was on the page; a wide one is cut, not the list.
      formula.removeAttribute("display");
      out.push(el("span", { class: "search-math" }, formula));
    }
    out.push(text.slice(at));
  }
  return out;
}

/**
 * A result's excerpt: empty until the paper's page is in, then about 26 words around the first match. The page is
 * fetched once `ready` gives true (at once by default); on false, never: the result was replaced first.
 */
function excerptNode(url, found, ready = Promise.resolve(true)) {
  const node = el("span", { class: "search-excerpt", "data-state": "loading" });
  ready.then(async (go) => {
    if (!go) return void (node.dataset.state = "skipped");
    try {
      const { text, formulas } = await abstractOf(url);
      node.replaceChildren(...excerptNodes(excerpt(text, found.highlight, found.prefixes), formulas));
      node.dataset.state = "loaded";
    } catch {
      // No excerpt then: the result still shows its title, authors and day, and leads to the page.
      node.dataset.state = "failed";
    }
  });
  return node;
}

/**
 * One result. In the header's listbox it is an option (arrow keys move, focus stays in the box); on the search page it
 * is a plain list item whose link Tab reaches.
 */
function resultItem(data, found, id, option = true, ready) {
  const facts = [data.authors, shortDay(data.day), `▲ ${data.upvotes}`].filter(Boolean).join(" · ");
  return el(
    "li",
    option ? optionAttributes(id, data.url, "search-result") : { id, class: "search-result" },
    el(
      option ? "span" : "a",
      option ? { class: "search-link" } : { href: data.url },
      el("span", { class: "search-title" }, data.title || data.url),
      el("span", { class: "search-facts" }, facts),
      excerptNode(data.url, found, ready),
    ),
  );
}

/**
 * An option of the header's listbox: options hold no link (a link inside an option is an interactive element inside
 * another, which screen readers cannot reach), so the page it opens is on the option, followed on click and Enter.
 */
function optionAttributes(id, href, className) {
  return { id, role: "option", class: className, "aria-selected": "false", "data-href": href };
}

/** Arrow keys move through the options of `list` while focus stays in `input`; Enter opens the active one. */
function listKeys(input, list, { open, close } = {}) {
  const options = () => [...list.querySelectorAll("[role=option]")];
  const activate = (option) => {
    for (const o of options()) o.setAttribute("aria-selected", String(o === option));
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  };
  input.addEventListener("keydown", (event) => {
    const all = options();
    const current = all.findIndex((o) => o.id === input.getAttribute("aria-activedescendant"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      open?.();
      const step = event.key === "ArrowDown" ? 1 : -1;
      activate(all[current < 0 ? (step > 0 ? 0 : all.length - 1) : (current + step + all.length) % all.length]);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      location.assign(all[current].dataset.href);
    } else if (event.key === "Escape") {
      activate(undefined);
      close?.(event);
    }
  });
  return { reset: () => activate(undefined) };
}

/** Runs a search; if the index cannot be loaded (offline, a deploy in progress), says so instead of failing silently. */
function reported(search, status) {
  return () =>
    search().catch((error) => {
      status.textContent = "Search is unavailable right now (its index could not be loaded). Try again in a moment.";
      console.warn(error);
    });
}

/** Numbers searches so that one finishing after a newer one started is dropped (`isLatest()` turns false). */
function generations() {
  let counter = 0;
  const check = (mine) => () => mine === counter;
  return { start: () => check(++counter), current: () => check(counter) };
}

function setAttributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
}

/** The last option of the header's list: "All 12 results, …", "1 result, …" or none. */
function allLabel(total) {
  if (!total) return "No papers match; open the search page";
  return total === 1 ? "1 result, on the search page" : `All ${total} results, with filters and sorting`;
}

/** The header box: results appear in a dropdown as the reader types. */
export function searchBox(form) {
  if (form.dataset.searchReady) return;
  form.dataset.searchReady = "true";
  const input = form.q;
  const list = el("ul", { id: "site-search-results", role: "listbox", class: "search-dropdown", "aria-label": "Search results", hidden: "" });
  const status = el("p", { class: "search-dropdown-status", role: "status", "aria-live": "polite" });
  form.append(list, status);
  setAttributes(input, { role: "combobox", "aria-controls": list.id, "aria-expanded": "false", "aria-autocomplete": "list" });
  const show = (open) => {
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
  };
  const keys = listKeys(input, list, {
    open: () => show(true),
    close: (event) => {
      // A second Escape leaves the box (the browser's own Escape clears a type=search input).
      if (list.hidden) input.blur();
      else event.preventDefault();
      show(false);
    },
  });
  const searches = generations();
  let timer;
  const update = reported(async () => {
    const isLatest = searches.start();
    const query = normalizeQuery(input.value);
    if (delayFor(query) === Infinity || !query) {
      show(false);
      status.textContent = "";
      return;
    }
    const search = searchEngine(form);
    const response = await search.search(query);
    const data = await Promise.all(response.ids.slice(0, boxLimit).map((id) => search.result(id)));
    if (!isLatest()) return;
    keys.reset();
    const total = response.total;
    const all = `${form.action}?q=${encodeURIComponent(input.value.trim())}`;
    // The excerpts fetch their papers' pages once typing pauses: results passed on the way (each keystroke searches)
    // fetch none.
    const settled = new Promise((resolve) => setTimeout(() => resolve(isLatest()), excerptPauseMs));
    list.replaceChildren(
      ...data.map((d, i) => resultItem(d, response, `site-search-result-${i}`, true, settled)),
      el("li", optionAttributes("site-search-all", all, "search-all"), el("span", { class: "search-link" }, allLabel(total))),
    );
    status.textContent = total ? `${total} result${total === 1 ? "" : "s"}` : "No results";
    // Which query the list shows, for tests and assistive tech: results arrive after the reader may have typed on.
    list.dataset.query = input.value.trim();
    show(true);
  }, status);
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const delay = delayFor(input.value);
    if (delay === Infinity) show(false);
    else timer = setTimeout(update, delay);
  });
  input.addEventListener("focus", () => {
    if (input.value.trim() && list.children.length) show(true);
  });
  // A click on an option opens its page (the mouse down keeps focus in the box, so the list stays open until then).
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) location.assign(option.dataset.href);
  });
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) show(false);
  });
  searchEngine(form);
  if (input.value.trim()) update();
}

/** Pages of results, in the order the engine returned them. */
function resultPages(search, response) {
  let shown = 0;
  return async (size) => {
    const items = await Promise.all(response.ids.slice(shown, shown + size).map((id) => search.result(id)));
    shown += items.length;
    return { items, found: response, done: shown >= response.total };
  };
}

const filterNames = ["tag", "organization", "year", "published"];
const sortNames = { date: "newest first", upvotes: "most upvoted first" };
const sortOrders = new Set(["date", "upvotes"]);

/** The /search/ page: `?q=`, filters and sort from the address, results with paging, the address kept in step. */
export function searchPage(form) {
  const input = form.q;
  const status = document.querySelector(".search-status");
  const list = document.getElementById("search-results");
  const more = document.querySelector(".search-more");
  // Results are a plain list of links: Tab goes from the box through the filters to each result.
  list.setAttribute("aria-label", "Search results");
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  form.elements.sort.value = params.get("sort") || "";
  form.querySelector(".search-controls").hidden = false;
  const searches = generations();
  let nextPage = async () => ({ items: [], done: true });
  let shown = 0;

  const fillFilters = async () => {
    const options = await searchEngine(form).filterOptions().catch(() => ({}));
    for (const name of filterNames) {
      const select = form.elements[name];
      const values = options[name] || [];
      select.append(...values.map(([value, count]) => el("option", { value }, `${value} (${count})`)));
      select.value = params.get(name) || "";
      select.closest("label").hidden = values.length === 0;
    }
  };

  const showMore = async () => {
    const isLatest = searches.current();
    const page = await nextPage(pageSize);
    if (!isLatest()) return;
    list.append(...page.items.map((d, i) => resultItem(d, page.found, `search-result-${shown + i}`, false)));
    shown += page.items.length;
    more.hidden = page.done;
  };

  const update = reported(async () => {
    const isLatest = searches.start();
    const query = normalizeQuery(input.value) || null;
    const filters = {};
    for (const name of filterNames) if (form.elements[name].value) filters[name] = form.elements[name].value;
    const sort = sortOrders.has(form.elements.sort.value) ? form.elements.sort.value : "";
    const address = new URLSearchParams();
    if (input.value.trim()) address.set("q", input.value.trim());
    for (const [name, value] of Object.entries(filters)) address.set(name, value);
    if (sort) address.set("sort", form.elements.sort.value);
    history.replaceState(null, "", `${location.pathname}${address.toString() ? `?${address}` : ""}`);
    shown = 0;
    if (!query && !Object.keys(filters).length && !sort) {
      nextPage = async () => ({ items: [], done: true });
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      list.dataset.query = "";
      return;
    }
    status.textContent = "Searching…";
    const search = searchEngine(form);
    const response = await search.search(query ?? "", { filters, sort });
    const total = response.total;
    nextPage = resultPages(search, response);
    if (!isLatest()) return;
    list.replaceChildren();
    await showMore();
    if (!isLatest()) return;
    const order = !query && !Object.keys(filters).length ? `, ${sortNames[sort]}` : "";
    status.textContent = total ? `${total} paper${total === 1 ? "" : "s"}${order}` : "No papers match.";
    list.dataset.query = address.toString();
  }, status);

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    // A single letter is searched only on Enter.
    const delay = delayFor(input.value);
    if (delay !== Infinity) timer = setTimeout(update, delay);
  });
  form.addEventListener("change", (event) => event.target !== input && update());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update();
  });
  more.addEventListener("click", showMore);
  fillFilters().then(update);
}
