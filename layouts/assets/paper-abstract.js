// The abstract on a paper's own page, fetched when a reader asks for it: by a card's fold on day pages (abstract.js)
// and by a search result's excerpt (search.js). The typeset abstract is written once, on the paper's page, not again
// on every list that shows the paper or in the search index (README, "Output size").
const parser = new DOMParser();

/** The abstract element of the paper page at `url` (same-origin pages the build wrote, parsed inert: DOMParser runs no script). */
export async function paperAbstract(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const abstract = parser.parseFromString(await response.text(), "text/html").querySelector(".paper-page .abstract");
  if (!abstract) throw new Error("no abstract on the page");
  return abstract;
}
