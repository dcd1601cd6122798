import { readFileSync } from "node:fs";
import path from "node:path";
import { HtmlValidate, StaticConfigLoader, type ConfigData } from "html-validate";
import type { Problem } from "../content/problems.ts";
import { listFiles } from "./files.ts";

/**
 * html-validate's recommended rules, with only these relaxed:
 * - doctype-style: `<!doctype html>` is exactly as valid as the uppercase form; the rule is a style preference.
 * - valid-id (relaxed): ids are built from arXiv ids (`paper-2504.20571`); HTML allows any id without spaces, the strict
 *   form only letters, digits, `-` and `_`.
 * - no-inline-style: KaTeX positions every glyph with a style attribute; checkPageSecurity checks that style attributes
 *   appear only inside KaTeX's output.
 * - no-trailing-whitespace: left by template indentation; invisible to browsers and readers.
 * - long-title: paper titles are routinely longer than 70 characters, and the page title is the paper's title.
 * - attr-quotes, no-implicit-close: the layouts write a fixed attribute value that is one token without quotes
 *   (`class=paper-title`) and leave out the end tags HTML says are optional (`</li>`, `</dt>`, `</dd>`, `</p>` before a
 *   block), both valid HTML, read the same by every HTML parser, to save bytes on every page (README, "Output size").
 *   Every value from a contributor or the configuration stays quoted.
 * - no-implicit-button-type: the header's search button on every page is a plain `<button>`, whose type is submit in
 *   a form by HTML's default; the buttons site.js makes say `type=button` (README, "Output size").
 */
export const htmlValidateConfig: ConfigData = {
  extends: ["html-validate:recommended"],
  rules: {
    "doctype-style": "off",
    "valid-id": ["error", { relaxed: true }],
    "no-inline-style": "off",
    "no-trailing-whitespace": "off",
    "long-title": "off",
    "attr-quotes": "off",
    "no-implicit-close": "off",
    "no-implicit-button-type": "off",
  },
};

/** Validates every HTML page under `dir` with html-validate; each message becomes a problem with file, line and rule. */
export function validateHtml(dir: string, config: ConfigData = htmlValidateConfig): Problem[] {
  const validator = new HtmlValidate(new StaticConfigLoader(config));
  const problems: Problem[] = [];
  for (const file of listFiles(dir).filter((f) => f.endsWith(".html"))) {
    const report = validator.validateStringSync(readFileSync(path.join(dir, file), "utf8"), file);
    for (const result of report.results) {
      for (const m of result.messages) problems.push({ file, line: m.line, field: m.ruleId, message: m.message });
    }
  }
  return problems;
}
