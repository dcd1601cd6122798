import type MarkdownIt from "markdown-it";
import type StateBlock from "markdown-it/lib/rules_block/state_block.mjs";
import type StateInline from "markdown-it/lib/rules_inline/state_inline.mjs";

type InlineRule = (state: StateInline, silent: boolean) => boolean;
type BlockRule = (state: StateBlock, startLine: number, endLine: number, silent: boolean) => boolean;

/** markdown-it keeps a chain's rules in a private array; we only read the function registered under a name. */
function ruleNamed<T>(ruler: MarkdownIt["inline"]["ruler"] | MarkdownIt["block"]["ruler"], name: string): T | undefined {
  const rules = (ruler as unknown as { __rules__: { name: string; fn: T }[] }).__rules__;
  return rules.find((rule) => rule.name === name)?.fn;
}

/** Positions of every `\)` not escaped by a backslash before it, in order, in one pass. */
function inlineClosers(src: string): number[] {
  const found: number[] = [];
  let backslashes = 0;
  for (let i = 0; i < src.length; i++) {
    const code = src.charCodeAt(i);
    if (code === 0x5c && src.charCodeAt(i + 1) === 0x29 && backslashes % 2 === 0) found.push(i);
    backslashes = code === 0x5c ? backslashes + 1 : 0;
  }
  return found;
}

/** True when the sorted `positions` hold one in [from, to]. */
function anyBetween(positions: number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (positions[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < positions.length && positions[lo]! <= to;
}

/** Caches one value per source string: markdown-it hands the same string to every call within a block. */
function perSource<T>(compute: (src: string) => T): (src: string) => T {
  let last: { src: string; value: T } | undefined;
  return (src) => (last && last.src === src ? last.value : (last = { src, value: compute(src) }).value);
}

/**
 * Makes @mdit/plugin-tex's `\(` and `\[` rules fail fast when no closing delimiter follows. The plugin scans to the end
 * of the text for every unclosed opener, so a paragraph of 95,000 `\(` took over a minute; with the closers indexed
 * (inline) or the scan remembered (display), each character is looked at a bounded number of times and the plugin's
 * rule only runs when it will find its closer. Register after the plugin.
 */
export function linearTexDelimiters(md: MarkdownIt): void {
  const inline = ruleNamed<InlineRule>(md.inline.ruler, "math_inline_bracket");
  if (inline) {
    const closers = perSource(inlineClosers);
    md.inline.ruler.at("math_inline_bracket", (state, silent) => {
      const { src, pos } = state;
      if (src.charCodeAt(pos) !== 0x5c || src.charCodeAt(pos + 1) !== 0x28) return false;
      return anyBetween(closers(src), pos + 2, src.length) && inline(state, silent);
    });
  }
  const block = ruleNamed<BlockRule>(md.block.ruler, "math_block_bracket");
  if (block) {
    // The plugin scans the lines after a `\[` for one ending in `\]`, stopping at a line indented less than the block
    // (inside a list item). The same scan is done here, once: a later `\[` inside a range already scanned without
    // success gets the same answer without scanning again.
    let scanned: { src: string; indent: number; endLine: number; from: number; stop: number; found: boolean } | undefined;
    const endsWithCloser = (state: StateBlock, line: number, start: number) => {
      const end = state.skipSpacesBack(state.eMarks[line]!, start);
      return end - start >= 2 && state.src.charCodeAt(end - 1) === 0x5d && state.src.charCodeAt(end - 2) === 0x5c;
    };
    md.block.ruler.at(
      "math_block_bracket",
      (state, startLine, endLine, silent) => {
        const begin = state.bMarks[startLine]! + state.tShift[startLine]!;
        // Silent calls only ask "could a block start here?" and never scan.
        if (silent || state.src.charCodeAt(begin) !== 0x5c || state.src.charCodeAt(begin + 1) !== 0x5b) {
          return block(state, startLine, endLine, silent);
        }
        if (endsWithCloser(state, startLine, begin + 2)) return block(state, startLine, endLine, silent);
        const reuse = scanned && scanned.src === state.src && scanned.indent === state.blkIndent &&
          scanned.endLine === endLine && startLine > scanned.from && startLine < scanned.stop;
        if (!reuse) {
          let line = startLine + 1;
          let found = false;
          for (; line < endLine; line++) {
            const start = state.bMarks[line]! + state.tShift[line]!;
            if (start < state.eMarks[line]! && state.tShift[line]! < state.blkIndent) break;
            if (endsWithCloser(state, line, start)) {
              found = true;
              break;
            }
          }
          scanned = { src: state.src, indent: state.blkIndent, endLine, from: startLine, stop: line, found };
        }
        return scanned!.found && block(state, startLine, endLine, silent);
      },
      { alt: ["paragraph", "reference", "blockquote", "list"] },
    );
  }
}
