// A formula typeset again is taken from the thread's table of typeset formulas (src/markdown/tex-limits.ts): the
// result must be what typesetting it afresh gives, for every setting it depends on, and every limit must hold.
import { spawnSync } from "node:child_process";
import path from "node:path";
import katex from "katex";
import { describe, expect, it } from "vitest";
import { katexSafeOptions, renderTex } from "../src/markdown/katex.ts";
import { readableFromMathml } from "../src/markdown/readable-math.ts";
import { forMathmlCore, withBareMathValues, withoutTexSource } from "../src/markdown/mathml-core.ts";
import { memoized } from "../src/markdown/memo.ts";
import { paperBudgetMessage, withPaperBudget } from "../src/markdown/tex-limits.ts";
import { repoRoot } from "./helpers/site.ts";

const typeset = (tex: string, display = false, macros = {}) => {
  const result = renderTex(tex, display, macros);
  if (!result.ok) throw new Error(result.message);
  return result.html;
};

describe("repeated formulas", () => {
  it("give the same markup as KaTeX, inline and display, each time", () => {
    for (const [tex, display] of [
      ["\\sum_{i=1}^n x_i^2", false],
      ["\\sum_{i=1}^n x_i^2", true],
    ] as const) {
      const fresh = katex.renderToString(tex, { ...katexSafeOptions, displayMode: display });
      expect(typeset(tex, display)).toBe(fresh);
      expect(typeset(tex, display)).toBe(fresh);
    }
    expect(typeset("x^2", true)).not.toBe(typeset("x^2", false));
  });

  it("follow the macros they are given", () => {
    expect(typeset("\\Foo", false, { "\\Foo": "a" })).toContain(">a</mi>");
    expect(typeset("\\Foo", false, { "\\Foo": "b" })).toContain(">b</mi>");
    expect(typeset("\\Foo", false, { "\\Foo": "a" })).toContain(">a</mi>");
    expect(renderTex("\\Foo", false, {})).toMatchObject({ ok: false, undefinedMacro: "\\Foo" });
  });

  it("with a command refused by trust are refused every time", () => {
    for (let i = 0; i < 3; i++) {
      expect(renderTex("\\href{https://example.org}{x}", false)).toMatchObject({ ok: false, message: expect.stringContaining("\\href is not allowed") });
    }
  });

  it("are charged to the paper's budget as if typeset again", () => {
    // The same heavy formula until the paper's budget runs out: as many fit when every copy comes from the table.
    const heavy = "\\LaTeX\\LaTeX";
    const fits = () =>
      withPaperBudget(() => {
        for (let n = 0; n < 10_000; n++) {
          const result = renderTex(heavy, false);
          if (!result.ok) return { n, message: result.message };
        }
        return { n: Infinity, message: "" };
      });
    const first = fits();
    expect(first.message).toBe(paperBudgetMessage);
    expect(first.n).toBeGreaterThan(1);
    expect(fits()).toEqual(first);
  });

  it("read as the same text each time, and a change to that text does not reach the next reader", () => {
    const html = typeset("\\tilde{\\mathcal O}(\\sqrt{K})");
    const first = readableFromMathml(html)!;
    expect(first.text).toBe("Õ(√K)");
    first.text = "changed";
    expect(readableFromMathml(html)!.text).toBe("Õ(√K)");
  });
});

describe("formulas rewritten for pages, remembered per formula (src/markdown/memo.ts)", () => {
  it("call the rewrite once per distinct formula, and start again empty past the bound on what they hold", () => {
    const calls: string[] = [];
    const upper = memoized((input) => (calls.push(input), input.toUpperCase()), 20);
    expect([upper("ab"), upper("ab"), upper("cd"), upper("ab")]).toEqual(["AB", "AB", "CD", "AB"]);
    expect(calls).toEqual(["ab", "cd"]);
    // 4 + 4 characters held; "efghijklmn" and its result (20 more) cross the bound of 20: the table starts again.
    upper("efghijklmn");
    upper("ab");
    expect(calls).toEqual(["ab", "cd", "efghijklmn", "ab"]);
  });

  it("hold only the formulas, not the abstracts they were cut from", () => {
    // 2,000 formulas, each cut from 100 KB of HTML: kept as cut (views of the HTML), they held 329 MB.
    const script = `
      const { memoized } = await import(${JSON.stringify(path.join(repoRoot, "src/markdown/memo.ts"))});
      const lean = memoized((formula) => formula.replace("x", "y"));
      const heap = () => (globalThis.gc(), process.memoryUsage().heapUsed);
      const before = heap();
      for (let i = 0; i < 2000; i++) {
        const html = "<p>" + String(i % 10).repeat(100000) + "</p><math>x" + i + "</math>";
        lean(html.slice(html.indexOf("<math")));
      }
      console.log(JSON.stringify({ mb: (heap() - before) / 2 ** 20, sample: lean("<math>x1</math>") }));`;
    const run = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", script], { cwd: repoRoot, encoding: "utf8" });
    expect(run.stderr).toBe("");
    const { mb, sample } = JSON.parse(run.stdout) as { mb: number; sample: string };
    expect(sample).toBe("<math>y1</math>");
    expect(mb).toBeLessThan(20);
  });

  it("give the same page markup each time a formula comes back, wherever it stands", () => {
    const formula = forMathmlCore(typeset("\\mathbb{R}^{d \\times d}, \\operatorname{softmax}(x)_i"));
    const display = `<div class="math-display" tabindex="0">${forMathmlCore(typeset("\\sum_i x_i", true))}</div>`;
    const page = (html: string) => withBareMathValues(withoutTexSource(html));
    const alone = page(formula);
    expect(alone).not.toContain("<annotation");
    expect(alone).toContain("ℝ");
    const text = `<p>Let ${formula} and ${formula}.</p>${display}<p>Then ${formula}</p>`;
    const expected = `<p>Let ${alone} and ${alone}.</p>${page(display)}<p>Then ${alone}</p>`;
    expect(page(text)).toBe(expected);
    expect(page(text)).toBe(expected);
    expect(page(display)).toContain("<div class=math-display tabindex=0><math display=block>");
  });
});
