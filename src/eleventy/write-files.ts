import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** Writes files given by site path (`/feed.xml`) into the output folder of the build that just ran. */
export async function writeSiteFiles(outputDir: string, files: Iterable<{ path: string; body: string }>): Promise<void> {
  const output = path.resolve(outputDir);
  for (const file of files) {
    const target = path.join(output, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.body);
  }
}
