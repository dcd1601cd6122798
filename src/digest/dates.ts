/**
 * Calendar arithmetic on `YYYY-MM-DD` strings. Digest days are calendar days, not instants: everything here works in
 * UTC on purpose so the machine's time zone can never shift a paper to another day.
 */

const monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Splits `YYYY-MM-DD` into numbers. */
function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split("-").map(Number);
  return [y!, m!, d!];
}

/** Milliseconds since the epoch of the day's UTC midnight. */
export function dayStart(date: string): number {
  const [y, m, d] = parts(date);
  return Date.UTC(y, m - 1, d);
}

/** `YYYY-MM-DD` of a UTC timestamp. */
export function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The date `days` after `date` (negative for before). */
export function addDays(date: string, days: number): string {
  return dateOf(dayStart(date) + days * 86_400_000);
}

/** ISO 8601 week key `YYYY-Www`: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeek(date: string): string {
  const t = new Date(dayStart(date));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Monday and Sunday of an ISO week key. */
export function weekBounds(week: string): { start: string; end: string } {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) throw new Error(`not an ISO week: ${week}`);
  const jan4 = Date.UTC(Number(m[1]), 0, 4);
  const weekday = new Date(jan4).getUTCDay() || 7;
  const monday = jan4 - (weekday - 1) * 86_400_000 + (Number(m[2]) - 1) * 7 * 86_400_000;
  return { start: dateOf(monday), end: dateOf(monday + 6 * 86_400_000) };
}

/** Month key `YYYY-MM` of a date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** "Monday, 16 February 2026". */
export function formatDay(date: string): string {
  const [y, m, d] = parts(date);
  return `${dayNames[new Date(dayStart(date)).getUTCDay()]}, ${d} ${monthNames[m - 1]} ${y}`;
}

/** "16 Feb 2026", for compact lists. */
export function formatShortDay(date: string): string {
  const [y, m, d] = parts(date);
  return `${d} ${monthNames[m - 1]!.slice(0, 3)} ${y}`;
}

/** "February 2026". */
export function formatMonth(month: string): string {
  const [y, m] = month.split("-").map(Number);
  return `${monthNames[m! - 1]} ${y}`;
}

/** "Week 8, 2026 (16–22 February)". */
export function formatWeek(week: string): string {
  const { start, end } = weekBounds(week);
  const [sy, sm, sd] = parts(start);
  const [ey, em, ed] = parts(end);
  const range =
    sy !== ey
      ? `${sd} ${monthNames[sm - 1]} ${sy} – ${ed} ${monthNames[em - 1]} ${ey}`
      : sm === em
        ? `${sd}–${ed} ${monthNames[em - 1]}`
        : `${sd} ${monthNames[sm - 1]} – ${ed} ${monthNames[em - 1]}`;
  return `Week ${Number(week.slice(6))}, ${week.slice(0, 4)} (${range})`;
}

/** "Week 8, 2026". */
export function formatWeekShort(week: string): string {
  return `Week ${Number(week.slice(6))}, ${week.slice(0, 4)}`;
}
