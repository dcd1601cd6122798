import { writeAllWith, type PageWriter } from "../output/page-writer.ts";

/** The part of Eleventy's file-system helper (src/Util/FileSystemManager.js) its templates write pages through. */
interface FileSystemManager {
  createDirectoryForFileSync(file: string): void;
  writeFileSync(file: string, content: string | Uint8Array): void;
}

// Eleventy 3 writes every page with `createDirectoryForFileSync` then `writeFileSync` of one FileSystemManager class
// (Template#_write), and offers no option to hand the writes to someone else: its prototype is wrapped, once, to pass
// them to the writer of the run going on. Without one (any other Eleventy run) Eleventy writes as it does. Should a
// later Eleventy write some other way, it writes its pages itself and `pageHashes` comes back without them: the page
// manifest then reads those pages back to hash them, as it did before (src/cache/pages.ts); the same when the module
// is not where Eleventy 3 keeps it, or does not have those two methods.
const managerModule = new URL("./Util/FileSystemManager.js", import.meta.resolve("@11ty/eleventy")).href;
const manager = await import(managerModule).then(
  (module: { FileSystemManager?: { prototype?: Partial<FileSystemManager> } }) => module.FileSystemManager?.prototype,
  () => undefined,
);
let current: PageWriter | undefined;
if (typeof manager?.createDirectoryForFileSync === "function" && typeof manager.writeFileSync === "function") {
  const { createDirectoryForFileSync, writeFileSync } = manager as FileSystemManager;
  Object.assign(manager, {
    createDirectoryForFileSync(this: FileSystemManager, file: string) {
      // The writer makes folders as it writes.
      if (!current) createDirectoryForFileSync.call(this, file);
    },
    writeFileSync(this: FileSystemManager, file: string, content: string | Uint8Array) {
      if (current) current.write(file, content);
      else writeFileSync.call(this, file, content);
    },
  } satisfies FileSystemManager);
}

/**
 * Runs `build` (one Eleventy build) with every page it writes handed to `writer` instead, and waits until the writer
 * has written them all, also when the build fails (so nothing writes into a folder its caller then deletes). Returns
 * what `build` returned and the hash of every page written (absolute path -> sha256 hex); rejects with the build's
 * error, or else the writer's first failed write.
 */
export async function writePagesWith<T>(writer: PageWriter, build: () => Promise<T>): Promise<{ result: T; pageHashes: Map<string, string> }> {
  if (current) throw new Error("writePagesWith: another Eleventy run is writing its pages on this thread");
  current = writer;
  return writeAllWith(writer, async () => {
    try {
      return await build();
    } finally {
      current = undefined;
    }
  });
}
