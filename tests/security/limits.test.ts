// Limits: every worst-case file is handled (refused with a message naming the limit, or rendered) quickly and with
// bounded output. The time bound here is a generous safety net against a regression to quadratic or exponential
// behaviour (which took from 20 s to minutes per file); real timings come from `npx tsx scripts/bench-hostile.ts`.
import { describe, expect, it } from "vitest";
import { paperHtmlChars } from "../../src/markdown/paper-text.ts";
import { checkOne } from "./check.ts";
import { hostileFiles } from "./hostile-corpus.ts";

describe("one hostile file costs a bounded time and output", () => {
  for (const [name, text, expected] of hostileFiles) {
    it(name, () => {
      const started = performance.now();
      const { problems, papers } = checkOne(text);
      const seconds = (performance.now() - started) / 1000;
      if (expected) {
        // One problem, or a few when several formulas are each over a limit (never one line per formula of 300).
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.length).toBeLessThan(6);
        expect(problems[0]).toContain(expected);
      } else {
        expect(problems).toEqual([]);
        expect(papers).toHaveLength(1);
      }
      const output = papers.reduce((n, p) => n + p.abstractHtml.length + p.titleHtml.length, 0);
      expect(output).toBeLessThanOrEqual(paperHtmlChars);
      expect(seconds).toBeLessThan(5);
    });
  }
});
