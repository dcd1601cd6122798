// `npm run build`: validate, then build the whole site into a temporary folder and swap it in only when complete.
import { buildSite } from "../src/build.ts";

const result = await buildSite({ root: process.cwd() });
process.exitCode = result.ok ? 0 : 1;
