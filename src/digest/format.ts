/** Formatting helpers used by the layouts as filters; plain functions, tested on their own. */
import { escapeHtml } from "markdown-it/lib/common/utils.mjs";

/** "Ada Lovelace, Alan Turing and 40 more" when the list is longer than `shown`. */
export function authorLine(authors: readonly string[], authorCount: number, shown: number): string {
  const total = Math.max(authorCount, authors.length);
  if (total <= shown && authors.length === total) {
    return authors.length <= 2 ? authors.join(" and ") : `${authors.slice(0, -1).join(", ")} and ${authors.at(-1)}`;
  }
  const visible = authors.slice(0, Math.min(shown, authors.length));
  return `${visible.join(", ")} and ${total - visible.length} more`;
}

/** "1 paper", "45 papers". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? noun : pluralNoun}`;
}

/** "1,234". */
export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

/** Made once: `toLocaleString` makes a formatter at each call (9 µs, once a page for its upvotes). */
const numberFormat = new Intl.NumberFormat("en-US");

/** Host name of a URL, for link labels: "github.com". */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return url;
  }
}

/** A value HTML reads the same without quotes and that no escaping touches: letters, digits and `_ : . -`. */
const bareToken = /^[A-Za-z0-9_:.-]+$/;

/** An attribute value as written after `=`: bare when it is `fixed` (the code's, never content) and a bare token, else quoted and escaped. */
const attributeValue = (value: string, fixed: boolean) => (fixed && bareToken.test(value) ? value : `"${escapeHtml(value)}"`);

/**
 * Meta tags from `[key, content]` pairs, one after another without line breaks (text between head elements no reader
 * shows), as one string of HTML: `attribute` is `name` (Highwire
 * `citation_*`) or `property` (Open Graph). The keys are the code's fixed tokens and are written bare, like the
 * layouts' (`name=citation_author`); a content is quoted and escaped, but for the keys in `fixedContent`, whose content
 * the code fixes (`og:type`: `content=article`). Default none.
 */
export function metaTags(pairs: readonly (readonly [string, string])[], attribute: "name" | "property", fixedContent: readonly string[] = []): string {
  return pairs
    .map(([key, content]) => `<meta ${attribute}=${attributeValue(key, true)} content=${attributeValue(content, fixedContent.includes(key))}>`)
    .join("");
}
