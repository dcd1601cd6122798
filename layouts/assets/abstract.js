// Abstract folds on day pages (layouts/_includes/card.njk): the typeset abstract is written once, on the paper's own
// page, not again on every list that shows the paper (README, "Output size"). When a fold opens, this fetches the
// paper's page once and shows its abstract in the fold, math included. Without JavaScript the card's link leads to the
// abstract on the paper's page; if the fetch fails, the fold keeps that link, which is also where this fetches from
// (no attribute repeats the URL on every card).
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
// Each card holds a link to its abstract on the paper's page, drawn as a closed fold (site.css): without JavaScript it
// leads there in one click. Here each becomes the fold, holding that link until the abstract is in (or if it fails).
for (const link of document.querySelectorAll("a.abstract-fold")) {
  const fold = document.createElement("details");
  fold.className = "abstract-fold";
  fold.appendChild(document.createElement("summary")).textContent = link.textContent;
  const target = fold.appendChild(document.createElement("div"));
  target.className = "abstract";
  const to = target.appendChild(document.createElement("p")).appendChild(document.createElement("a"));
  to.href = link.href;
  to.textContent = "Read the abstract on the paper’s page";
  link.replaceWith(fold);
}
