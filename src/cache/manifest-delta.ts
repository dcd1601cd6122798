/**
 * The page manifest (src/cache/pages.ts) is 32 MB of JSON at 100,000 papers, and a build that adds a paper changes a
 * few hundred of its 340,000 entries: serialising and writing it whole took a second of the swap. So a build records
 * only what changed since the manifest file (`pages.<folder>-<hash>.json`, src/cache/manifest-files.ts) in a delta
 * file beside it (`<manifest file>.delta`), which names the manifest file it applies to (its identity: inode, size,
 * times), and the manifest is written whole again only when the delta grows past an eighth of it, or when a build
 * records no file list (a dev server's). A delta that does not name the manifest file there (that file was replaced
 * since, or the delta is damaged) is not applied: the manifest file alone is then the last manifest written whole, an
 * older record of the output, which reuses less, never wrongly (a page is reused only when its file has the recorded
 * size and modification time).
 */

/** The sections of a manifest holding one entry per output path (or folder). */
export const manifestSections = ["pages", "files", "folders"] as const;
type Section = (typeof manifestSections)[number];

/** What a manifest holds besides its sections: replaced whole by a delta. */
const scalars = ["output", "site", "inputs"] as const;

type Entries = Record<string, unknown>;
type Sections = Partial<Record<Section, Entries>>;

/** What changed in a manifest since its file: entries set (null: removed) per section, and the scalars as they are now. */
export interface ManifestDelta {
  /** The identity of the manifest file it applies to. */
  base: string;
  set: Partial<Record<Section, Record<string, unknown>>>;
  scalars: Record<string, unknown>;
}

/** The delta file beside a manifest file. */
export const deltaFileOf = (file: string) => `${file}.delta`;

const sameEntry = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * The delta that makes `next` of the manifest file with identity `base` plus `applied` (the delta read with it, if
 * any), which together made `previous`: `applied`'s entries with those that changed from `previous` to `next`.
 * Undefined when a section is in one of `previous` and `next` and not the other (written whole then).
 */
export function manifestDelta(base: string, previous: Sections, next: Sections & Record<string, unknown>, applied?: ManifestDelta): ManifestDelta | undefined {
  const set: ManifestDelta["set"] = {};
  for (const section of manifestSections) {
    const before = previous[section];
    const now = next[section];
    if (!before !== !now) return undefined;
    if (!before || !now) continue;
    // Without a prototype: an output path is a key like any other ("__proto__" included).
    const changed: Entries = Object.assign(Object.create(null) as Entries, applied?.set[section]);
    for (const name in now) if (!Object.hasOwn(before, name) || !sameEntry(before[name], now[name])) changed[name] = now[name];
    for (const name in before) if (!Object.hasOwn(now, name)) changed[name] = null;
    set[section] = changed;
  }
  const values: Record<string, unknown> = {};
  for (const name of scalars) if (next[name] !== undefined) values[name] = next[name];
  return { base, set, scalars: values };
}

/**
 * The delta that makes `next` of the manifest file with identity `base` plus `applied` (the delta read with it, if
 * any), when `changed` names every entry of each section that is not the same in `next` as in the manifest that file
 * and `applied` made (see src/cache/manifest-update.ts): `applied`'s entries with those, without comparing the rest.
 */
export function deltaOfChanges(
  base: string,
  next: Sections & Record<string, unknown>,
  changed: Record<Section, Iterable<string>>,
  applied?: ManifestDelta,
): ManifestDelta {
  const set: ManifestDelta["set"] = {};
  for (const section of manifestSections) {
    const now = next[section] ?? {};
    const entries: Entries = Object.assign(Object.create(null) as Entries, applied?.set[section]);
    for (const name of changed[section]) entries[name] = Object.hasOwn(now, name) ? now[name] : null;
    set[section] = entries;
  }
  const values: Record<string, unknown> = {};
  for (const name of scalars) if (next[name] !== undefined) values[name] = next[name];
  return { base, set, scalars: values };
}

/** Applies `delta` to `manifest` (the parsed manifest file), in place. */
export function applyManifestDelta(manifest: Sections & Record<string, unknown>, delta: ManifestDelta): void {
  for (const name of scalars) {
    if (delta.scalars[name] === undefined) delete manifest[name];
    else manifest[name] = delta.scalars[name];
  }
  for (const section of manifestSections) {
    const entries = manifest[section];
    const changes = delta.set[section];
    if (!entries || !changes) continue;
    for (const name in changes) {
      if (changes[name] === null) delete entries[name];
      else Object.defineProperty(entries, name, { value: changes[name], enumerable: true, writable: true, configurable: true });
    }
  }
}

/** A parsed delta file, or undefined when it is not one. */
export function parseManifestDelta(text: string): ManifestDelta | undefined {
  try {
    const delta = JSON.parse(text) as ManifestDelta;
    const valid = typeof delta.base === "string" && delta.set && typeof delta.set === "object" && delta.scalars && typeof delta.scalars === "object";
    return valid ? delta : undefined;
  } catch {
    return undefined;
  }
}
