/** Text for estimate ranges, shared by the budget rule and the CLI. */
import { formatKg } from "../engine/format";
import type { Range } from "./types";

/** formatKg, with a plain "0" for zero. */
export function formatAmount(n: number): string {
  return n === 0 ? "0" : formatKg(n);
}

/** "12" or "3.4–56" (en dash), rounded like formatKg. */
export function formatRange(r: Pick<Range, "floor" | "ceiling">, fmt: (n: number) => string = formatAmount): string {
  const a = fmt(r.floor);
  const b = fmt(r.ceiling);
  return a === b ? a : `${a}–${b}`;
}

/** "12 kgCO2e/month" or "3.4–56 kgCO2e/month (floor–ceiling)". */
export function formatKgRange(r: Pick<Range, "floor" | "ceiling">): string {
  const text = formatRange(r);
  return text.includes("–") ? `${text} kgCO2e/month (floor–ceiling)` : `${text} kgCO2e/month`;
}
