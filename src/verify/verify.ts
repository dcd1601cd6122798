import { sortProblems, type Problem } from "../content/problems.ts";
import type { SiteConfig } from "../site.ts";
import { checkFormats } from "./formats.ts";
import { validateHtml } from "./html.ts";
import { checkLinks } from "./links.ts";
import { checkPageSecurity } from "./page-security.ts";

/** Every check over a built site folder: internal links and anchors, HTML validity, page security, XML and JSON. */
export function verifySite(dir: string, site: Pick<SiteConfig, "url" | "pathPrefix">): Problem[] {
  return sortProblems([...checkLinks(dir, site), ...validateHtml(dir), ...checkPageSecurity(dir), ...checkFormats(dir)]);
}
