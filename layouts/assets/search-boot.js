// On every page: the search code and index load only once the reader starts to search (focus on the box, or "/").
const box = document.querySelector("form[data-search]");
const page = document.querySelector("form[data-search-page]");
let code;
const load = () => (code ??= import("./search.js"));
if (page) load().then((search) => search.searchPage(page));
if (box) {
  box.q.addEventListener("focus", () => load().then((search) => search.searchBox(box)), { once: true });
  addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName || "");
    if (event.key !== "/" || typing || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    (page ? page.q : box.q).focus();
  });
}
