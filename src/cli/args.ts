import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * Parses a command's arguments as node:util's parseArgs does, for the project's developer commands (benches,
 * measures): `--help` or `-h` prints `usage` and exits 0; an unknown option, a missing value or an unexpected argument
 * prints `npm run <name>: <what is wrong>` and the usage, and exits 2, instead of a stack trace.
 */
export function commandArgs<T extends ParseArgsConfig["options"]>(
  name: string,
  usage: string,
  options: T,
  config: { allowPositionals?: boolean; args?: string[] } = {},
) {
  const args = config.args ?? process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args, options, allowPositionals: config.allowPositionals ?? false, strict: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS")) throw error;
    console.error(`npm run ${name}: ${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}
