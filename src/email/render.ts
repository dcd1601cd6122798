import { escapeHtml } from "markdown-it/lib/common/utils.mjs";
import { formatDay } from "../digest/dates.ts";
import { authorLine, formatNumber, plural } from "../digest/format.ts";
import type { Day } from "../digest/group.ts";
import { dayTitle } from "../feeds/digest.ts";
import { paperLinkList, paperUrl } from "../feeds/items.ts";
import { absoluteUrl, type SiteConfig } from "../site.ts";
import { emailAbstractHtml, emailAbstractText, emailStyles, emailTitle, wrapText } from "./markdown.ts";

/** One day's digest as an email: subject, HTML part and plain-text part. */
export interface DigestEmail {
  subject: string;
  html: string;
  text: string;
}

/** Options for one rendering of the email. */
export interface DigestEmailOptions {
  /** Where this reader unsubscribes (a URL or mailto:), shown in the footer; absent for the copy written to disk. */
  unsubscribe?: string;
}

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

  const papersHtml = day.papers.map((paper) => {
    const title = emailTitle(paper.title);
    const facts = [
      escapeHtml(authorLine(paper.authors, paper.authorCount, site.authorsShown)),
      `▲ ${formatNumber(paper.upvotes)}`,
      ...paper.tags.map((tag) => link(absoluteUrl(site, `/tags/${tag}/`), `#${escapeHtml(tag)}`, `color:${colors.muted}`)),
    ].join(" · ");
    const links = paperLinkList(paper).map((l) => link(l.url, escapeHtml(l.label))).join(" · ");
    return `<tr><td style="${cell};border-top:1px solid ${colors.rule}">
<h2 style="margin:0 0 6px 0;font-size:19px;line-height:1.3;font-weight:bold">${link(paperUrl(site, paper), title.html, `color:${colors.text};text-decoration:none`)}</h2>
<p style="${muted}">${facts}</p>
<div style="font-size:15px;line-height:1.55">${emailAbstractHtml(paper.body)}</div>
<p style="margin:0;font-size:14px">${links}</p>
</td></tr>`;
  });

  const footer = [
    `You receive this digest from ${link(absoluteUrl(site, "/"), escapeHtml(site.title))}.`,
    options.unsubscribe ? link(options.unsubscribe, "Unsubscribe") : "",
  ].filter(Boolean).join(" ");

  const html = `<!doctype html>
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
<p style="${muted}">${plural(day.papers.length, "paper")} · ${link(dayUrl, "Read on the web")}</p>
</td></tr>
${papersHtml.join("\n")}
<tr><td style="${cell};border-top:1px solid ${colors.rule};font-size:13px;color:${colors.muted}">${footer}</td></tr>
</table>
</td></tr></table>
</body>
</html>
`;

  const papersText = day.papers.map((paper, i) => {
    const number = `${i + 1}. `;
    const indent = " ".repeat(number.length);
    const lines = [
      wrapText(number + emailTitle(paper.title).text, 76, "").replace(/\n/g, `\n${indent}`),
      wrapText(authorLine(paper.authors, paper.authorCount, site.authorsShown), 76, indent),
      `${indent}${paperUrl(site, paper)}`,
      "",
      emailAbstractText(paper.body, indent),
      "",
      ...paperLinkList(paper).map((l) => `${indent}${l.label}: ${l.url}`),
    ];
    return lines.join("\n");
  });
  const text = [
    subject,
    dayUrl,
    "",
    ...papersText.map((p) => `${p}\n`),
    "-- ",
    `You receive this digest from ${site.title}: ${absoluteUrl(site, "/")}`,
    ...(options.unsubscribe ? [`Unsubscribe: ${options.unsubscribe}`] : []),
    "",
  ].join("\n");

  return { subject, html, text };
}
