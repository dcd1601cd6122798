/**
 * Names that every contributor's system can check out. Windows (NTFS) reserves device names (`CON`, `AUX`, `NUL`,
 * `COM1`... with any extension: `aux.md`), refuses `< > : " / \ | ? *` and control characters, and drops a trailing dot
 * or space; such a file or folder breaks `git clone` there. A name starting with a dot is hidden, so it is not a paper.
 */

const reserved = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
const forbidden = /[<>:"/\\|?*\u0000-\u001F]/;

/** Why `slug` (a tag or an `id`, which name folders of the built site) cannot name a folder on Windows, if so. */
export function reservedSlugProblem(slug: string): string | undefined {
  return reserved.test(slug) ? `"${slug}" is a reserved name on Windows, where its page's folder could not be checked out; choose another` : undefined;
}

/** Why a file or folder under the content folder may not have the name `name`, if so. */
export function fileNameProblem(name: string): string | undefined {
  if (name.startsWith(".")) return "is hidden (its name starts with a dot): a paper file or folder must not be hidden; rename it";
  const device = name.split(".")[0]!.trimEnd();
  if (reserved.test(device)) return `"${device}" is a reserved name on Windows, where the file could not be checked out: rename it`;
  const char = forbidden.exec(name)?.[0];
  if (char) return `${/[\u0000-\u001F]/.test(char) ? "a control character" : `"${char}"`} cannot be in a file name on Windows, where the file could not be checked out: rename it`;
  if (/[. ]$/.test(name)) return "ends with a dot or a space, which Windows drops from file names: rename it";
  return undefined;
}
