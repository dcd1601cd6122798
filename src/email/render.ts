import { escapeHtml } from "markdown-it/lib/common/utils.mjs";
import { formatDay } from "../digest/dates.ts";
import { authorLine, formatNumber, plural } from "../digest/format.ts";
import type { Day } from "../digest/group.ts";
import { dayTitle } from "../feeds/digest.ts";
import { paperLinkList, paperUrl } from "../feeds/items.ts";
import { paperMacros } from "../markdown/paper.ts";
import { absoluteUrl, type SiteConfig } from "../site.ts";
import { abstractExcerpt, emailAbstractHtml, emailAbstractText, emailStyles, emailTitle, wrapText } from "./markdown.ts";

/** One day's digest as an email: subject, HTML part and plain-text part. */
export interface DigestEmail {
  subject: string;
  html: string;
  text: string;
}

/** Options for one rendering of the email. */
export interface DigestEmailOptions {
  /** Where this reader unsubscribes, linked under the heading and in the footer; absent for the copy written to disk. */
  unsubscribe?: string;
  /** Characters of an abstract's text shown before it is cut with a link to the paper page. Default 600. */
  excerptChars?: number;
  /**
   * Most bytes of HTML. Default 100,000: Gmail clips a message whose HTML passes about 102 KB, hiding what follows
   * (the unsubscribe link at the end among it). Papers that do not fit are listed by title, then counted with a
   * link to the day page.
   */
  maxHtmlBytes?: number;
}

/** Defaults of `DigestEmailOptions`. */
export const emailLimits = { excerptChars: 600, maxHtmlBytes: 100_000 } as const;

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

const colors = { page: "#f4f4f1", card: "#ffffff", rule: "#e3e3de", muted: "#5b5b57", text: "#1d1d1b" };

/** "Paper Digest — Monday, 16 February 2026 (45 papers)". */
export function digestSubject(day: Pick<Day, "date" | "papers">, site: Pick<SiteConfig, "title">): string {
  return `${site.title} — ${dayTitle(day)}`;
}

const link = (url: string, label: string, style: string = emailStyles.link) =>
  `<a href="${escapeHtml(url)}" style="${style}">${label}</a>`;

/**
 * Renders a day's digest as an email. HTML: table layout and inline styles only (no `<style>`, no external CSS, no
 * scripts, no images), math as readable text because most clients drop MathML. Text: the same content, wrapped.
 */
export function digestEmail(day: Day, site: SiteConfig, options: DigestEmailOptions = {}): DigestEmail {
  const subject = digestSubject(day, site);
  const dayUrl = absoluteUrl(site, `/date/${day.date}/`);
  const cell = `padding:18px 24px;${emailStyles.font};color:${colors.text}`;
  const muted = `margin:0 0 10px 0;font-size:14px;color:${colors.muted}`;

  const excerptChars = options.excerptChars ?? emailLimits.excerptChars;
  const maxHtmlBytes = options.maxHtmlBytes ?? emailLimits.maxHtmlBytes;
  const unsubscribeLink = options.unsubscribe ? link(options.unsubscribe, "Unsubscribe") : "";

  const footer = [
    `You receive this digest from ${link(absoluteUrl(site, "/"), escapeHtml(site.title))}.`,
    unsubscribeLink,
  ].filter(Boolean).join(" ");

  const page = (rows: string) => `<!doctype html>
<html lang="${escapeHtml(site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background:${colors.page}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:${colors.page}"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:680px;background:${colors.card};border:1px solid ${colors.rule}">
<tr><td style="${cell}">
<p style="margin:0 0 4px 0;font-size:14px">${link(absoluteUrl(site, "/"), escapeHtml(site.title), `color:${colors.muted};text-decoration:none`)}</p>
<h1 style="margin:0 0 6px 0;font-size:24px;line-height:1.25">${escapeHtml(formatDay(day.date))}</h1>
<p style="${muted}">${[plural(day.papers.length, "paper"), link(dayUrl, "Read on the web"), unsubscribeLink].filter(Boolean).join(" · ")}</p>
</td></tr>
${rows}<tr><td style="${cell};border-top:1px solid ${colors.rule};font-size:13px;color:${colors.muted}">${footer}</td></tr>
</table>
</td></tr></table>
</body>
</html>
`;

  // A paper in full (title, facts, excerpt, links) while the budget lasts, then by title alone, then counted.
  const card = (paper: Day["papers"][number]) => {
    const macros = paperMacros(paper, site.macros);
    const title = emailTitle(paper.title, macros);
    const excerpt = abstractExcerpt(paper.body, excerptChars, macros);
    const facts = [
      escapeHtml(authorLine(paper.authors, paper.authorCount, site.authorsShown)),
      `▲ ${formatNumber(paper.upvotes)}`,
      ...paper.tags.map((tag) => link(absoluteUrl(site, `/tags/${tag}/`), `#${escapeHtml(tag)}`, `color:${colors.muted}`)),
    ].join(" · ");
    const links = [
      ...(excerpt.truncated ? [{ label: "Full abstract", url: paperUrl(site, paper) }] : []),
      ...paperLinkList(paper),
    ].map((l) => link(l.url, escapeHtml(l.label))).join(" · ");
    return {
      excerpt,
      html: `<tr><td style="${cell};border-top:1px solid ${colors.rule}">
<h2 style="margin:0 0 6px 0;font-size:19px;line-height:1.3;font-weight:bold">${link(paperUrl(site, paper), title.html, `color:${colors.text};text-decoration:none`)}</h2>
<p style="${muted}">${facts}</p>
<div style="font-size:15px;line-height:1.55">${emailAbstractHtml(excerpt)}</div>
<p style="margin:0;font-size:14px">${links}</p>
</td></tr>
`,
    };
  };
  const line = (paper: Day["papers"][number]) =>
    `<li style="margin:0 0 6px 0">${link(paperUrl(site, paper), emailTitle(paper.title).html, `color:${colors.text}`)} <span style="color:${colors.muted}">▲ ${formatNumber(paper.upvotes)}</span></li>\n`;
  const listRows = (items: string, more: number) =>
    `<tr><td style="${cell};border-top:1px solid ${colors.rule};font-size:15px;line-height:1.4">\n` +
    (items ? `<ul style="margin:0 0 10px 0;padding-left:20px">\n${items}</ul>\n` : "") +
    (more ? `<p style="margin:0">${link(dayUrl, `${plural(more, "more paper")} on the site`)}</p>\n` : "") +
    "</td></tr>\n";

  // The list row and its "more" line are reserved for while cards are added, so the end always fits.
  const reserve = bytes(listRows("", day.papers.length)) + 200;
  let used = bytes(page(""));
  const cards: { paper: Day["papers"][number]; excerpt: ReturnType<typeof abstractExcerpt> }[] = [];
  let rows = "";
  let i = 0;
  for (; i < day.papers.length; i++) {
    const paper = day.papers[i]!;
    const rendered = card(paper);
    if (used + bytes(rendered.html) + (i + 1 < day.papers.length ? reserve : 0) > maxHtmlBytes) break;
    used += bytes(rendered.html);
    rows += rendered.html;
    cards.push({ paper, excerpt: rendered.excerpt });
  }
  const listed: Day["papers"] = [];
  let items = "";
  for (; i < day.papers.length; i++) {
    const item = line(day.papers[i]!);
    if (used + bytes(listRows(items + item, day.papers.length)) > maxHtmlBytes) break;
    items += item;
    listed.push(day.papers[i]!);
  }
  const more = day.papers.length - cards.length - listed.length;
  if (listed.length || more) rows += listRows(items, more);
  const html = page(rows);

  const papersText = cards.map(({ paper, excerpt }, i) => {
    const number = `${i + 1}. `;
    const indent = " ".repeat(number.length);
    const lines = [
      wrapText(number + emailTitle(paper.title, excerpt.macros).text, 76, "").replace(/\n/g, `\n${indent}`),
      wrapText(authorLine(paper.authors, paper.authorCount, site.authorsShown), 76, indent),
      `${indent}${paperUrl(site, paper)}`,
      "",
      emailAbstractText(excerpt, indent),
      "",
      ...(excerpt.truncated ? [`${indent}Full abstract: ${paperUrl(site, paper)}`] : []),
      ...paperLinkList(paper).map((l) => `${indent}${l.label}: ${l.url}`),
    ];
    return lines.join("\n");
  });
  const listedText = listed.map((paper, j) => {
    const number = `${cards.length + j + 1}. `;
    return `${wrapText(number + emailTitle(paper.title).text, 76, "").replace(/\n/g, `\n${" ".repeat(number.length)}`)}\n${" ".repeat(number.length)}${paperUrl(site, paper)}`;
  });
  const text = [
    subject,
    dayUrl,
    ...(options.unsubscribe ? [`Unsubscribe: ${options.unsubscribe}`] : []),
    "",
    ...papersText.map((p) => `${p}\n`),
    ...listedText.map((p) => `${p}\n`),
    ...(more ? [`${plural(more, "more paper")} on the site: ${dayUrl}`, ""] : []),
    "-- ",
    `You receive this digest from ${site.title}: ${absoluteUrl(site, "/")}`,
    ...(options.unsubscribe ? [`Unsubscribe: ${options.unsubscribe}`] : []),
    "",
  ].join("\n");

  return { subject, html, text };
}
