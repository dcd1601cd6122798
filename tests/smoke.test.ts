import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../src/markdown/markdown.ts";

describe("markdown with math", () => {
  it("typesets inline math and leaves dollar amounts as text", () => {
    const { html, formulas, problems } = renderMarkdown("Costs $5 and $10, bound $\\mathcal O(K^{2/3})$.");
    expect(problems).toEqual([]);
    expect(formulas).toBe(1);
    expect(html).toContain("$5 and $10");
    expect(html).toContain('<annotation encoding="application/x-tex">\\mathcal O(K^{2/3})</annotation>');
  });
});
