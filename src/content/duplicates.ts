import type { PaperIdentity } from "./identity.ts";
import type { Problem } from "./problems.ts";

/**
 * Papers given twice: the same arXiv id in any form (an error), the same DOI (an error), a near-identical title (a
 * warning: two papers may share a title). Each duplicate is reported on the newer file only -- one of `changed` when
 * given (the files a pull request adds or edits), otherwise the later path of the two (newer day folders sort last) --
 * never on the old file it collides with, which the contributor did not touch.
 */
export function findDuplicates(identities: readonly PaperIdentity[], changed?: ReadonlySet<string>): Problem[] {
  const ordered = [...identities].sort((a, b) => {
    // Unchanged files first, so a changed file always meets its twin as the second one.
    const ca = changed?.has(a.file) ? 1 : 0;
    const cb = changed?.has(b.file) ? 1 : 0;
    return ca - cb || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  });
  const problems: Problem[] = [];
  const firstBy = { arxiv: new Map<string, string>(), doi: new Map<string, string>(), title: new Map<string, string>(), id: new Map<string, string>() };
  for (const identity of ordered) {
    const report = !changed || changed.has(identity.file);
    const { file } = identity;
    const before = problems.length;
    if (identity.arxiv) {
      const twin = firstBy.arxiv.get(identity.arxiv.key);
      if (twin && report) {
        problems.push({
          file, line: identity.arxiv.line, field: identity.arxiv.field,
          message: `is the arXiv paper ${identity.arxiv.key}, which ${twin} already has; each paper has one file (edit that one instead)`,
        });
      } else if (!twin) firstBy.arxiv.set(identity.arxiv.key, file);
    }
    if (identity.id) {
      const twin = firstBy.id.get(identity.id.key);
      if (twin && report) {
        problems.push({ file, line: identity.id.line, field: "id", message: `"${identity.id.key}" is already used by ${twin}; each paper has one file` });
      } else if (!twin) firstBy.id.set(identity.id.key, file);
    }
    if (identity.doi) {
      const twin = firstBy.doi.get(identity.doi.key);
      if (twin && report) {
        problems.push({ file, line: identity.doi.line, field: "doi", message: `${identity.doi.key} is also the DOI of ${twin}; each paper has one file` });
      } else if (!twin) firstBy.doi.set(identity.doi.key, file);
    }
    if (identity.title) {
      const twin = firstBy.title.get(identity.title.key);
      // The same paper twice also has the same title: one message is enough.
      if (twin && report && problems.length === before) {
        problems.push({
          file, line: identity.title.line, field: "title", severity: "warning",
          message: `nearly the same title as ${twin}; if it is the same paper, keep one file`,
        });
      } else if (!twin) firstBy.title.set(identity.title.key, file);
    }
  }
  return problems;
}
