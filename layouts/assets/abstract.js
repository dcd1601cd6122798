// Abstract folds on day pages (layouts/_includes/card.njk): the typeset abstract is written once, on the paper's own
// page, not again on every list that shows the paper (README, "Output size"). When a fold opens, this fetches the
// paper's page once and shows its abstract in the fold, math included. Without JavaScript, or if the fetch fails, the
// fold keeps its link to the abstract on the paper's page, which is also where this fetches from (no attribute
// repeats the URL on every card).
const parser = new DOMParser();

async function fill(fold) {
  const target = fold.querySelector(".abstract");
  const link = target.querySelector("a[href]");
  if (!link) return;
  fold.dataset.state = "loading";
  target.setAttribute("aria-busy", "true");
  try {
    // The link's #abstract is not sent: the paper's page is fetched.
    const response = await fetch(link.href, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const page = parser.parseFromString(await response.text(), "text/html");
    const abstract = page.querySelector(".paper-page .abstract");
    if (!abstract) throw new Error("no abstract on the page");
    // Same-origin pages the build wrote; parsed inert (DOMParser runs no script) and adopted node by node.
    target.replaceChildren(...[...abstract.childNodes].map((node) => document.importNode(node, true)));
    fold.dataset.state = "loaded";
  } catch {
    // The link to the paper's page stays: one more click, nothing lost.
    delete fold.dataset.state;
  } finally {
    target.removeAttribute("aria-busy");
  }
}

// `toggle` does not bubble: listen in the capture phase, for every fold on the page, opened by a click, a key or a script.
document.addEventListener(
  "toggle",
  (event) => {
    const fold = event.target;
    if (fold instanceof HTMLDetailsElement && fold.open && fold.classList.contains("abstract-fold") && !fold.dataset.state) fill(fold);
  },
  true,
);
// A fold already open when this runs (opened before the script loaded).
for (const fold of document.querySelectorAll("details.abstract-fold[open]")) fill(fold);
