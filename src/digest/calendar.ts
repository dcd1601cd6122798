import { addDays, dayStart } from "./dates.ts";
import type { Period } from "./group.ts";

/** One day in a month's calendar: its date, day of the month and how many papers it has (0: none). */
export interface CalendarDay {
  date: string;
  day: number;
  count: number;
}

/** A month as calendar rows, Monday to Sunday; `null` pads the first and last rows outside the month. */
export interface MonthCalendar {
  key: string;
  weeks: (CalendarDay | null)[][];
}

/** Column headings of a calendar row, Monday first (ISO weeks, as the week pages): [short, full]. */
export const weekdayNames: [string, string][] = [
  ["Mon", "Monday"], ["Tue", "Tuesday"], ["Wed", "Wednesday"], ["Thu", "Thursday"], ["Fri", "Friday"], ["Sat", "Saturday"], ["Sun", "Sunday"],
];

/** The calendar of a month period: every day of the month in week rows, each with its paper count. */
export function monthCalendar(month: Pick<Period, "key" | "start" | "end" | "days">): MonthCalendar {
  const counts = new Map(month.days.map((day) => [day.date, day.papers.length]));
  const weeks: (CalendarDay | null)[][] = [];
  const lead = (new Date(dayStart(month.start)).getUTCDay() + 6) % 7;
  let row: (CalendarDay | null)[] = Array.from({ length: lead }, () => null);
  for (let date = month.start; date <= month.end; date = addDays(date, 1)) {
    row.push({ date, day: Number(date.slice(8)), count: counts.get(date) ?? 0 });
    if (row.length === 7) {
      weeks.push(row);
      row = [];
    }
  }
  if (row.length) weeks.push([...row, ...Array.from({ length: 7 - row.length }, () => null)]);
  return { key: month.key, weeks };
}
