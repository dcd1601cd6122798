import katex from "katex";
import { describe, expect, it } from "vitest";
import { renderTex } from "../src/markdown/katex.ts";
import { builtinMacros, checkMacroTable, suggestDefinition, undefinedMacroMessage } from "../src/markdown/macros.ts";

describe("built-in macros", () => {
  it("change no command KaTeX already has", () => {
    const shadowing = Object.keys(builtinMacros).filter((name) => {
      try {
        katex.renderToString(`${name}{x}{y}`, { throwOnError: true });
        return true;
      } catch (error) {
        return !/Undefined control sequence/.test((error as Error).message);
      }
    });
    expect(shadowing).toEqual([]);
  });

  it.each([
    ["\\R^n \\times \\C", true], ["\\cA \\bW \\bx \\bbR \\fg \\sA", true], ["\\GL_2(\\Z) \\Sha \\eps", true],
    ["\\mathbbm{1} \\mathds{1} \\mbox{a} \\upmu \\Upomega", true], ["\\unicode{x2013} \\unicode{8212}", true],
    ["\\nicefrac{1}{2} \\SI{3}{K} \\num{4} \\abs{x} \\norm{x}", true], ["x \\label{eq:1}", true],
  ])("typeset %s", (tex) => expect(renderTex(tex, false, "mathml").ok).toBe(true));

  it("never let \\unicode produce a control character or a surrogate", () => {
    for (const code of ["x0", "x1B", "x7F", "xD800", "x110000"]) {
      const result = renderTex(`\\unicode{${code}}`, false, "mathml");
      expect(result.ok && result.html).toContain("<mtext>?</mtext>");
    }
  });
});

describe("undefined macros", () => {
  it.each([
    ["\\bW", "\\mathbf{W}"], ["\\cF", "\\mathcal{F}"], ["\\bbK", "\\mathbb{K}"], ["\\bu", "\\boldsymbol{u}"],
    ["\\Per", "\\operatorname{Per}"], ["\\sysname", "\\text{sysname}"],
  ])("suggest a definition for %s", (name, definition) => expect(suggestDefinition(name)).toBe(definition));

  it("say what to write, in the issue's words", () => {
    expect(undefinedMacroMessage("\\bW")).toBe('\\bW is not defined: add it under macros: in this file, e.g. macros: { "\\\\bW": "\\\\mathbf{W}" }');
  });
});

describe("checkMacroTable", () => {
  it("keeps right entries and names each wrong one", () => {
    expect(checkMacroTable({ "\\a": "x", b: "y", "\\c": 1 })).toEqual({
      macros: { "\\a": "x" },
      errors: [
        ["b", '"b" is not a macro name: a backslash and letters, like "\\\\bW" (write "\\\\b" in double quotes, or \\b unquoted)'],
        ["\\c", "the definition of \\c must be text (TeX), got number"],
      ],
    });
    expect(checkMacroTable(undefined)).toEqual({ macros: {}, errors: [] });
  });
});
