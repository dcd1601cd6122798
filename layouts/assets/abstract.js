// Abstract folds on day pages (layouts/_includes/card.njk): the typeset abstract is written once, on the paper's own
// page, not again on every list that shows the paper (README, "Output size"). When a fold opens, this fetches the
// paper's page once and shows its abstract in the fold, math included. Without JavaScript the card's link leads to the
// abstract on the paper's page; if the fetch fails, the fold keeps that link, which is also where this fetches from
// (no attribute repeats the URL on every card).
async function fill(fold) {
  const target = fold.querySelector(".abstract");
  const link = target.querySelector("a[href]");
  if (!link) return;
  fold.dataset.state = "loading";
  target.setAttribute("aria-busy", "true");
  try {
    // Loaded with the first fold opened: a day page pays nothing for it until then.
    const { paperAbstract } = await import("./paper-abstract.js");
    // The link's #abstract is not sent: the paper's page is fetched.
    const abstract = await paperAbstract(link.href);
    // Adopted node by node.
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
