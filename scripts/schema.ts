// `npm run schema`: writes schema/paper.schema.json, the JSON Schema of a paper file's front matter, from the validator.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { paperJsonSchemaText } from "../src/content/json-schema.ts";

const file = path.join(process.cwd(), "schema", "paper.schema.json");
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, paperJsonSchemaText());
console.log(`Wrote ${path.relative(process.cwd(), file)}`);
