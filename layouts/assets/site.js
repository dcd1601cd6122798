// The site's one module, on every page (one instead of three): the theme
// toggle, the search box's boot, the author links and the copy button. Each part does nothing on a page without its
// elements; what works only with JavaScript is made here, not written into every page (README, "Output size").
// theme.js adds it to <head> (no tag of its own in every page); added by a script, it runs when it arrives, so it
// waits for the document as a deferred module would.
if (document.readyState === "loading") await new Promise((done) => document.addEventListener("DOMContentLoaded", done, { once: true }));

/** An element with attributes and children (text or nodes). */
function el(name, attributes = {}, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

// The theme toggle. The saved theme is already on <html> before the first paint: a two-statement
// render-blocking script in <head> (assets/theme.js) puts it there (README, "Themes").
// Without a saved choice the system preference decides (site.css); choosing the system's own theme forgets the choice.
(() => {
  const root = document.documentElement;
  const system = matchMedia("(prefers-color-scheme: dark)");
  const store = (value) => {
    try {
      if (value) localStorage.setItem("theme", value);
      else localStorage.removeItem("theme");
    } catch {}
  };
  const current = () => root.dataset.theme || (system.matches ? "dark" : "light");
  {
    // Made here, the only place it can work (no markup for it on every page): after the header's links.
    const nav = document.querySelector(".site-header nav");
    if (!nav) return;
    const button = el("button", { type: "button", class: "theme-toggle", "aria-label": "Dark theme", title: "Dark theme" }, el("span", { "aria-hidden": "true" }, "◐"));
    const show = () => button.setAttribute("aria-pressed", String(current() === "dark"));
    button.addEventListener("click", () => {
      const next = current() === "dark" ? "light" : "dark";
      const chosen = next === (system.matches ? "dark" : "light") ? undefined : next;
      if (chosen) root.dataset.theme = chosen;
      else delete root.dataset.theme;
      store(chosen);
      show();
    });
    system.addEventListener("change", show);
    show();
    nav.append(button);
  }
})();

// On every page: the search code and index load only once the reader starts to search (focus on the box, or "/").
const box = document.querySelector("form.site-search");
const page = document.querySelector("form[data-search-page]");
let code;
const load = () => (code ??= import("./search.js"));
if (page) load().then((search) => search.searchPage(page));
if (box) {
  box.querySelector(".search-field")?.append(el("kbd", { class: "search-key", "aria-hidden": "true" }, "/"));
  box.q.addEventListener("focus", () => load().then((search) => search.searchBox(box)), { once: true });
  addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName || "");
    if (event.key !== "/" || typing || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    (page ? page.q : box.q).focus();
  });
}

// A paper page's authors, written as plain names ("Ada Lovelace, Alan Turing and 2 more"), become links to a search for
// each: the search page needs JavaScript, so a link made here is there exactly when it can work, and the page does not
// carry the markup of 20 links (README, "Output size"). The names come from the page's citation_author tags, in the same
// order; a list that does not read as those names joined by ", " is left as it is.
{
  const list = document.querySelector("p.authors-full");
  // The site root (path prefix): the header box's action is the search page under it.
  const root = box?.getAttribute("action").replace(/search\/$/, "");
  const names = [...document.querySelectorAll('meta[name="citation_author"]')].map((meta) => meta.content);
  const text = list?.textContent ?? "";
  const joined = names.join(", ");
  if (list && root !== undefined && names.length && text.startsWith(joined)) {
    const links = names.flatMap((name, i) => {
      const link = el("a", { href: `${root}search/?${new URLSearchParams({ q: name })}` }, name);
      return i ? [", ", link] : [link];
    });
    list.replaceChildren(...links, text.slice(joined.length));
  }
}

// The copy button of the BibTeX entry on paper pages, with its status line: made only where the clipboard can be
// written (no markup for it on pages where it cannot work); the text it copies is on the page anyway, selectable.
const source = document.getElementById("bibtex");
if (source && navigator.clipboard?.writeText) {
  const button = el("button", { type: "button", class: "copy-button" }, "Copy BibTeX");
  const status = el("span", { class: "copy-status", role: "status" });
  const row = el("p", { class: "copy-row" }, button, " ", status);
  source.after(row);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(source.textContent);
      status.textContent = "Copied.";
    } catch {
      status.textContent = "Could not copy: select the text and copy it instead.";
    }
  });
}
