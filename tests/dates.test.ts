import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addDays, dateOf, dayStart, formatDay, formatMonth, formatShortDay, formatWeek, formatWeekShort, isoWeek, monthOf, weekBounds,
} from "../src/digest/dates.ts";

// [date, ISO week]: year boundaries in both directions, 53-week years, leap days.
const weeks: [string, string][] = [
  ["2025-12-28", "2025-W52"], // Sunday before
  ["2025-12-29", "2026-W01"], // Monday: already week 1 of 2026
  ["2026-01-01", "2026-W01"],
  ["2026-01-04", "2026-W01"], // Sunday
  ["2026-01-05", "2026-W02"],
  ["2026-02-16", "2026-W08"],
  ["2026-12-31", "2026-W53"], // 2026 starts on a Thursday: 53 weeks
  ["2027-01-01", "2026-W53"],
  ["2027-01-03", "2026-W53"],
  ["2027-01-04", "2027-W01"],
  ["2020-12-31", "2020-W53"],
  ["2021-01-03", "2020-W53"],
  ["2021-01-04", "2021-W01"],
  ["2024-02-29", "2024-W09"],
  ["2024-12-30", "2025-W01"],
  ["2008-12-29", "2009-W01"],
  ["2010-01-03", "2009-W53"],
];

// The whole table again under far-apart time zones: calendar days must never shift.
const zones = ["UTC", "America/Los_Angeles", "Asia/Tokyo", "Pacific/Kiritimati", "Pacific/Pago_Pago"];

describe.each(zones)("calendar arithmetic with TZ=%s", (zone) => {
  const saved = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it("really runs in that time zone", () => {
    const expected = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" })
      .formatToParts(Date.UTC(2026, 0, 1))
      .find((p) => p.type === "timeZoneName")!.value;
    const local = new Intl.DateTimeFormat("en-US", { timeZoneName: "shortOffset" })
      .formatToParts(Date.UTC(2026, 0, 1))
      .find((p) => p.type === "timeZoneName")!.value;
    expect(local).toBe(expected);
  });

  it.each(weeks)("%s is in %s", (date, week) => {
    expect(isoWeek(date)).toBe(week);
  });

  it("adds days across month, year and leap-day boundaries", () => {
    const cases: [string, number, string][] = [
      ["2026-01-01", -1, "2025-12-31"],
      ["2025-12-31", 1, "2026-01-01"],
      ["2024-02-28", 1, "2024-02-29"],
      ["2023-02-28", 1, "2023-03-01"],
      ["2026-03-08", 1, "2026-03-09"], // US daylight-saving change
      ["2026-03-29", 1, "2026-03-30"], // EU daylight-saving change
      ["2026-02-16", 0, "2026-02-16"],
      ["2026-02-16", 366, "2027-02-17"],
    ];
    for (const [date, days, expected] of cases) expect(addDays(date, days), `${date} ${days}`).toBe(expected);
  });

  it("formats days, weeks and months", () => {
    expect(formatDay("2026-02-16")).toBe("Monday, 16 February 2026");
    expect(formatDay("2026-01-01")).toBe("Thursday, 1 January 2026");
    expect(formatShortDay("2026-01-01")).toBe("1 Jan 2026");
    expect(formatMonth("2025-12")).toBe("December 2025");
    expect(formatWeek("2026-W08")).toBe("Week 8, 2026 (16–22 February)");
    expect(formatWeek("2026-W01")).toBe("Week 1, 2026 (29 December 2025 – 4 January 2026)");
    expect(formatWeekShort("2020-W53")).toBe("Week 53, 2020");
  });
});

describe("ISO week bounds", () => {
  it.each([
    ["2026-W01", "2025-12-29", "2026-01-04"],
    ["2026-W08", "2026-02-16", "2026-02-22"],
    ["2026-W53", "2026-12-28", "2027-01-03"],
    ["2020-W53", "2020-12-28", "2021-01-03"],
    ["2025-W01", "2024-12-30", "2025-01-05"],
  ])("%s runs from %s to %s", (week, start, end) => {
    expect(weekBounds(week)).toEqual({ start, end });
  });

  it("refuses a malformed week key", () => {
    expect(() => weekBounds("2026-8")).toThrow(/not an ISO week/);
  });

  it("puts every day in a Monday-to-Sunday week whose Thursday is in the week's year", () => {
    const day = fc.integer({ min: dayStart("1950-01-01"), max: dayStart("2150-12-31") }).map((ms) => dateOf(ms - (ms % 86_400_000)));
    fc.assert(
      fc.property(day, (date) => {
        const week = isoWeek(date);
        const { start, end } = weekBounds(week);
        expect(start <= date && date <= end).toBe(true);
        expect(formatDay(start).startsWith("Monday")).toBe(true);
        expect(end).toBe(addDays(start, 6));
        expect(addDays(start, 3).slice(0, 4)).toBe(week.slice(0, 4));
        const n = Number(week.slice(6));
        expect(n >= 1 && n <= 53).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("day and month keys", () => {
  it("round-trips a date through its UTC midnight", () => {
    for (const date of ["1970-01-01", "2000-02-29", "2026-12-31"]) {
      expect(dayStart(date) % 86_400_000).toBe(0);
      expect(dateOf(dayStart(date))).toBe(date);
    }
  });

  it("takes the month of a date", () => {
    expect(monthOf("2026-01-04")).toBe("2026-01");
    expect(monthOf("2025-12-29")).toBe("2025-12");
  });
});
