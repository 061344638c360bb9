/**
 * Waiver expiry dates. Accepted: a calendar date `YYYY-MM-DD` (the waiver stops applying at 00:00
 * UTC on that date) or an RFC 3339 timestamp with `Z` or an offset. Anything else, including an
 * impossible date such as 2025-02-30, is rejected: a lax parser that read a typo as "never" or
 * "far future" would fail open.
 */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;

export const DAY_MS = 86_400_000;

export type ParsedDate = { readonly ok: true; readonly date: Date } | { readonly ok: false; readonly problem: string };

export function parseExpiry(text: string): ParsedDate {
  const date = DATE_RE.exec(text);
  const stamp = date ? undefined : TIMESTAMP_RE.exec(text);
  const parts = date ?? stamp;
  if (!parts) return { ok: false, problem: `'${clip(text)}' is not an ISO date (YYYY-MM-DD) or a timestamp with a zone (YYYY-MM-DDThh:mm:ssZ)` };
  const [y, m, d] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const calendar = new Date(Date.UTC(y, m - 1, d));
  if (calendar.getUTCFullYear() !== y || calendar.getUTCMonth() !== m - 1 || calendar.getUTCDate() !== d || y < 2000) {
    return { ok: false, problem: `'${clip(text)}' is not a real calendar date` };
  }
  if (date) return { ok: true, date: calendar };
  const [hh, mm, ss] = [Number(stamp![4]), Number(stamp![5]), Number(stamp![6] ?? "0")];
  if (hh > 23 || mm > 59 || ss > 59) return { ok: false, problem: `'${clip(text)}' has an impossible time of day` };
  const ms = Date.parse(text.replace(" ", "T"));
  if (!Number.isFinite(ms)) return { ok: false, problem: `'${clip(text)}' is not a valid timestamp` };
  return { ok: true, date: new Date(ms) };
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whole days from `now` until `date` (negative when past), rounded up. */
export function daysUntil(date: Date, now: Date): number {
  return Math.ceil((date.getTime() - now.getTime()) / DAY_MS);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
