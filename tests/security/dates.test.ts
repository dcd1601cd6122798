// Dates outside what the site can show are refused (a digest day from 1991, arXiv's first year, to 2099; a first
// publication from 1900), and the search client's date order is right for every accepted date: its sort keys once
// went negative or lost precision, so it fetched files that do not exist or showed the wrong paper.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { createEngine } from "../../src/search/client/engine.js";
import { writeSearchIndex } from "../../src/search/index.ts";
import type { SearchRecord } from "../../src/search/records.ts";
import { checkOne, paperText } from "./check.ts";

const F = "content/papers/2026-02-16/x.md";
const withDate = (date: string, published?: string) =>
  paperText(published ? `published: ${published}` : "").replace("date: 2026-02-16", `date: ${date}`);

describe("dates out of range are refused", () => {
  const cases: [string, string, string][] = [
    ["the Unix epoch", withDate("1970-01-01"), `${F}:3: date: "1970-01-01" is out of range: date must be from 1991-01-01 to 2099-12-31`],
    ["the day before arXiv's first year", withDate("1990-12-31"), `${F}:3: date: "1990-12-31" is out of range: date must be from 1991-01-01 to 2099-12-31`],
    ["2100", withDate("2100-01-01"), `${F}:3: date: "2100-01-01" is out of range: date must be from 1991-01-01 to 2099-12-31`],
    ["year 9999", withDate("9999-12-31"), `${F}:3: date: "9999-12-31" is out of range: date must be from 1991-01-01 to 2099-12-31`],
    ["published in 1899", withDate("2026-02-16", "1899-12-31"), `${F}:6: published: "1899-12-31" is not a real calendar date`],
    ["published in 2100", withDate("2026-02-16", "2100-01-01"), `${F}:6: published: "2100-01-01" is out of range: published must be from 1900-01-01 to 2099-12-31`],
  ];
  for (const [name, text, problem] of cases) {
    it(name, () => expect(checkOne(text).problems).toEqual([problem]));
  }

  it("accepts the first and last days", () => {
    for (const text of [withDate("1991-01-01", "1900-01-01"), withDate("2099-12-31", "2099-12-31")]) {
      expect(checkOne(text).problems).toEqual([]);
    }
  });
});

describe("the search client sorts every accepted date", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** An engine over papers on `days` (oldest first), each with the abstract "graphs everywhere". */
  async function engineFor(days: string[]) {
    const records: SearchRecord[] = days.map((day, i) => ({
      url: `/papers/p${i}/`, day, upvotes: i, title: `Paper ${day}`, authors: "A", tags: [],
      fields: { title: `Paper ${day}`, authors: "A", organization: "", tags: "", category: "", id: `p${i}`, body: "graphs everywhere" },
    }));
    const dir = mkdtempSync(path.join(tmpdir(), "search-dates-"));
    dirs.push(dir);
    await writeSearchIndex(records, dir, "en");
    return createEngine(async (file: string) => new Uint8Array(gunzipSync(readFileSync(path.join(dir, "search", file.replace(/\?.*$/, ""))))));
  }

  it("orders papers from 1991 to 2099 newest first, each result readable", async () => {
    const days = ["1991-01-01", "1991-01-02", "2026-02-16", "2099-12-30", "2099-12-31"];
    const engine = await engineFor(days);
    for (const sort of ["date", "", "upvotes"]) {
      const found = await engine.search("graphs", { sort });
      const shown = await Promise.all(found.ids.map(async (id: number) => (await engine.result(id)).day));
      expect(shown, sort).toEqual([...days].reverse());
    }
    const years = (await engine.filterOptions()).year.map((option: unknown[]) => option[0]);
    expect(years).toEqual(["2099", "2026", "1991"]);
    const in1991 = await engine.search("graphs", { filters: { year: "1991" }, sort: "date" });
    expect(await Promise.all(in1991.ids.map(async (id: number) => (await engine.result(id)).day))).toEqual(["1991-01-02", "1991-01-01"]);
  });

  it("keeps the order for days before 1970 too, should an index ever hold them", async () => {
    const days = ["1960-01-01", "1969-12-31", "1970-01-01", "2200-12-31"];
    const engine = await engineFor(days);
    const found = await engine.search("graphs", { sort: "date" });
    expect(await Promise.all(found.ids.map(async (id: number) => (await engine.result(id)).day))).toEqual([...days].reverse());
  });
});
