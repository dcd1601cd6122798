import katex from "katex";
import { describe, expect, it } from "vitest";
import { builtinMacros, checkMacroTable, suggestDefinition, undefinedMacroMessage } from "../src/markdown/macros.ts";

// This file must not import src/markdown/katex.ts, which adds the built-ins to KaTeX's own.
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
