import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writtenMath } from "./helpers/math.ts";
import { fixtureSite, paper, type FixtureSite } from "./helpers/site.ts";

describe("a fixture site build", () => {
  let site: FixtureSite;
  beforeAll(() => {
    site = fixtureSite({
      "2026-02-16/a.md": paper({ title: "Alpha $x^2$", arxiv: "2601.00001", upvotes: 3 }, "Bound $\\mathcal O(n)$."),
      "2026-02-16/b.md": paper({ title: "Beta", arxiv: "2601.00002", upvotes: 9 }),
    });
  });
  afterAll(() => site.cleanup());

  it("builds the day page with papers ordered by upvotes", () => {
    const result = site.build();
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const html = site.read("date/2026-02-16/index.html");
    expect(html.indexOf("Beta")).toBeLessThan(html.indexOf("Alpha"));
    // Math typeset at build time: the title's on the day page, the abstract's on the paper's page (its one copy).
    // As MathML alone: no TeX source beside it (README, "Output size").
    expect(html).toContain(writtenMath("x^2"));
    const paperPage = site.read("papers/2601.00001/index.html");
    expect(paperPage).toContain(writtenMath("\\mathcal O(n)"));
    for (const page of [html, paperPage]) expect(page).not.toMatch(/<annotation|<semantics/);
  });
});
