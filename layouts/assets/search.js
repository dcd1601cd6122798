// Search, loaded on first use by search-boot.js: Pagefind's chunked index (a query fetches only the chunks it needs),
// a dropdown under the header box, and the /search/ page with filters and sorting. Plain ES module, no build step.

const boxLimit = 8;
const pageSize = 20;

let engine;
/** Pagefind, imported and configured once; `form` carries the site root (path prefix) and the ranking options. */
function pagefind(form) {
  engine ??= (async () => {
    const root = form.dataset.searchRoot || "/";
    addStylesheet(`${root}assets/search.css`);
    const pf = await import(`${root}pagefind/pagefind.js`);
    // Record URLs carry the path prefix already. No worker: 12 KB less in every first query, and a search takes
    // milliseconds (a few hundred only for the commonest words on a 100,000-paper site; see the README).
    await pf.options({ baseUrl: "/", noWorker: true, excerptLength: 26, ranking: JSON.parse(form.dataset.searchRanking || "{}") });
    await pf.init();
    return pf;
  })();
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
  return arxivQuery.exec(trimmed)?.[1] ?? trimmed;
}

// Pagefind matches words as prefixes, and a one- or two-letter prefix ("le", "language m") needs the index chunks of
// every word it starts: a query ending in such a short word waits for the reader to pause; others go after a debounce.
const debounceMs = 80;
const shortWordMs = 400;
/** How long to wait after a keystroke before searching `query`; Infinity for a lone letter (never searched as typed). */
function delayFor(query) {
  const normalized = normalizeQuery(query);
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

/** The excerpt as text with only Pagefind's <mark> kept: paper text never becomes markup. */
function excerptNode(excerpt) {
  const node = el("span", { class: "search-excerpt" });
  const parsed = new DOMParser().parseFromString(`<body>${excerpt}</body>`, "text/html").body;
  for (const child of parsed.childNodes) node.append(child.nodeName === "MARK" ? el("mark", {}, child.textContent) : child.textContent);
  return node;
}

function resultItem(data, id) {
  const meta = data.meta || {};
  const upvotes = data.filters?.upvotes?.[0];
  const facts = [meta.authors, shortDay(data.filters?.day?.[0]), upvotes && `▲ ${upvotes}`].filter(Boolean).join(" · ");
  return el(
    "li",
    { id, role: "option", class: "search-result", "aria-selected": "false" },
    el(
      "a",
      { href: data.url, tabindex: "-1" },
      el("span", { class: "search-title" }, meta.title || data.url),
      el("span", { class: "search-facts" }, facts),
      excerptNode(data.excerpt || ""),
    ),
  );
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
      location.assign(all[current].querySelector("a").href);
    } else if (event.key === "Escape") {
      activate(undefined);
      close?.(event);
    }
  });
  return { reset: () => activate(undefined) };
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
  const update = async () => {
    const isLatest = searches.start();
    const query = normalizeQuery(input.value);
    if (delayFor(query) === Infinity || !query) {
      show(false);
      status.textContent = "";
      return;
    }
    const pf = await pagefind(form);
    const response = await pf.search(query);
    const data = await Promise.all(response.results.slice(0, boxLimit).map((r) => r.data()));
    if (!isLatest()) return;
    keys.reset();
    const total = response.results.length;
    const all = `${form.action}?q=${encodeURIComponent(input.value.trim())}`;
    list.replaceChildren(
      ...data.map((d, i) => resultItem(d, `site-search-result-${i}`)),
      el("li", { id: "site-search-all", role: "option", class: "search-all", "aria-selected": "false" },
        el("a", { href: all, tabindex: "-1" }, total ? `All ${total} results, with filters and sorting` : "No papers match; open the search page")),
    );
    status.textContent = total ? `${total} result${total === 1 ? "" : "s"}` : "No results";
    // Which query the list shows, for tests and assistive tech: results arrive after the reader may have typed on.
    list.dataset.query = input.value.trim();
    show(true);
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const delay = delayFor(input.value);
    if (delay === Infinity) show(false);
    else timer = setTimeout(update, delay);
  });
  input.addEventListener("focus", () => {
    if (input.value.trim() && list.children.length) show(true);
  });
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) show(false);
  });
  pagefind(form);
  if (input.value.trim()) update();
}

/**
 * Results in order of a filter's values (`day` newest first, `upvotes` highest first), ties by relevance. Pagefind's
 * own sort keys would put a sort order per paper into the file every query loads; filters load only when sorting.
 * Each page takes at most three searches: whole values that fit the page in one, then a partly shown value.
 */
function sortedPages(pf, query, filters, key, values) {
  let index = 0;
  let skip = 0;
  return async (size) => {
    const out = [];
    while (out.length < size && index < values.length) {
      const [value, count] = values[index];
      if (skip > 0 || count > size - out.length) {
        const response = await pf.search(query, { filters: { ...filters, [key]: value } });
        const part = response.results.slice(skip, skip + size - out.length);
        out.push(...(await Promise.all(part.map((r) => r.data()))));
        skip += part.length;
        if (skip >= response.results.length) [index, skip] = [index + 1, 0];
      } else {
        const group = [];
        for (let room = size - out.length; index < values.length && values[index][1] <= room; index++) {
          group.push(values[index][0]);
          room -= values[index][1];
        }
        const response = await pf.search(query, { filters: { ...filters, [key]: { any: group } } });
        const data = await Promise.all(response.results.map((r) => r.data()));
        const rank = new Map(group.map((v, i) => [v, i]));
        out.push(...data.sort((a, b) => rank.get(a.filters[key][0]) - rank.get(b.filters[key][0])));
      }
    }
    return { items: out, done: index >= values.length };
  };
}

/** Pages of results in relevance order. */
function relevancePages(results) {
  let shown = 0;
  return async (size) => {
    const items = await Promise.all(results.slice(shown, shown + size).map((r) => r.data()));
    shown += items.length;
    return { items, done: shown >= results.length };
  };
}

const filterNames = ["tag", "organization", "year"];
const sortOrders = {
  date: { key: "day", compare: (a, b) => (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0) },
  upvotes: { key: "upvotes", compare: (a, b) => Number(b[0]) - Number(a[0]) },
};

/** The /search/ page: `?q=`, filters and sort from the address, results with paging, the address kept in step. */
export function searchPage(form) {
  const input = form.q;
  const root = form.dataset.searchRoot || "/";
  const status = document.querySelector(".search-status");
  const list = document.getElementById("search-results");
  const more = document.querySelector(".search-more");
  setAttributes(list, { role: "listbox", "aria-label": "Search results" });
  setAttributes(input, { role: "combobox", "aria-controls": list.id, "aria-expanded": "true", "aria-autocomplete": "list" });
  const keys = listKeys(input, list);
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  form.elements.sort.value = params.get("sort") || "";
  form.querySelector(".search-controls").hidden = false;
  const searches = generations();
  let nextPage = async () => ({ items: [], done: true });
  let shown = 0;

  const fillFilters = async () => {
    const response = await fetch(`${root}pagefind/search-filters.json`);
    const options = response.ok ? await response.json() : {};
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
    list.append(...page.items.map((d, i) => resultItem(d, `search-result-${shown + i}`)));
    shown += page.items.length;
    more.hidden = page.done;
  };

  const update = async () => {
    const isLatest = searches.start();
    const query = normalizeQuery(input.value) || null;
    const filters = {};
    for (const name of filterNames) if (form.elements[name].value) filters[name] = form.elements[name].value;
    const sort = sortOrders[form.elements.sort.value];
    const address = new URLSearchParams();
    if (input.value.trim()) address.set("q", input.value.trim());
    for (const [name, value] of Object.entries(filters)) address.set(name, value);
    if (sort) address.set("sort", form.elements.sort.value);
    history.replaceState(null, "", `${location.pathname}${address.toString() ? `?${address}` : ""}`);
    shown = 0;
    if (!query && !Object.keys(filters).length) {
      nextPage = async () => ({ items: [], done: true });
      list.replaceChildren();
      more.hidden = true;
      status.textContent = "";
      list.dataset.query = "";
      return;
    }
    status.textContent = "Searching…";
    const pf = await pagefind(form);
    let total;
    if (sort) {
      // `any: []` restricts nothing but makes Pagefind count the matches per value of the sort filter.
      const response = await pf.search(query, { filters: { ...filters, [sort.key]: { any: [] } } });
      const values = Object.entries(response.filters[sort.key] || {}).filter(([, n]) => n > 0).sort(sort.compare);
      total = response.results.length;
      nextPage = sortedPages(pf, query, filters, sort.key, values);
    } else {
      const response = await pf.search(query, { filters });
      total = response.results.length;
      nextPage = relevancePages(response.results);
    }
    if (!isLatest()) return;
    keys.reset();
    list.replaceChildren();
    await showMore();
    if (!isLatest()) return;
    status.textContent = total ? `${total} paper${total === 1 ? "" : "s"}` : "No papers match.";
    list.dataset.query = address.toString();
  };

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
