import { readFileSync } from "node:fs";
import path from "node:path";
import { SaxesParser } from "saxes";
import type { Problem } from "../content/problems.ts";
import { listFiles } from "./files.ts";

/** The first problem of one XML text under a strict, namespace-aware parser (saxes): well-formedness, entities, namespaces. */
export function xmlProblems(xml: string, file: string): Problem[] {
  const problems: Problem[] = [];
  const parser = new SaxesParser({ xmlns: true, position: true });
  // Only the first error: the parser goes on, and what follows one error is mostly its echo.
  parser.on("error", (error) => {
    if (!problems.length) {
      problems.push({ file, line: parser.line, message: `not well-formed XML: ${error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, "")}` });
    }
  });
  parser.write(xml).close();
  return problems;
}

/** Strictly parses every .xml file under `dir` (feeds) as XML and every .json file as JSON. */
export function checkFormats(dir: string): Problem[] {
  const problems: Problem[] = [];
  for (const file of listFiles(dir)) {
    if (file.endsWith(".xml")) {
      problems.push(...xmlProblems(readFileSync(path.join(dir, file), "utf8"), file));
    } else if (file.endsWith(".json")) {
      try {
        JSON.parse(readFileSync(path.join(dir, file), "utf8"));
      } catch (error) {
        problems.push({ file, message: `not valid JSON: ${(error as Error).message}` });
      }
    }
  }
  return problems;
}
