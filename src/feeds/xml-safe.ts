/**
 * Text that is safe to hand to the `feed` package. It writes HTML and titles inside CDATA sections and does not guard
 * against everything XML forbids: control characters and lone surrogates make the whole feed unparsable, and it only
 * splits the first `]]>` of a CDATA section, so a second one would end the section early.
 */

// XML 1.0 `Char` minus the C0/C1 controls and DEL it merely discourages; with the `u` flag a lone surrogate is one
// code point outside every allowed range, so it is removed too.
const forbidden = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Removes every character XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF) or discourages (DEL, C1 controls). */
export function xmlText(text: string): string {
  return text.replace(forbidden, "");
}

/**
 * HTML that survives a CDATA section: `>` after `]]` is written `&gt;`, which means the same in HTML text and
 * attribute values, so the section cannot be closed early.
 */
export function cdataHtml(html: string): string {
  return xmlText(html).replace(/]]>/g, "]]&gt;");
}

/**
 * Plain text as XML character data with `&`, `<` and `>` as hexadecimal character references (`&#x26;`, `&#x3C;`,
 * `&#x3E;`): the form the RSS Best Practices Profile recommends for plain-text elements, understood alike by readers
 * that treat an RSS title as text and by those that treat it as HTML.
 */
export function xmlCharRefs(text: string): string {
  return text.replace(/[&<>]/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
}
