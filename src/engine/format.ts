/** Small text helpers shared by rule messages, so every rule cites numbers the same way. */
import type { Continent, Figure } from "../data/types";

/**
 * The short citation shown after a number in a message: the source's title with its year, e.g.
 * "Electricity Maps 2025 yearly average". The full source (zone, package, licence) stays in the
 * finding's `figures` and in region-data/SOURCES.md.
 */
export function cite(figure: Figure): string {
  const title = figure.source.split(/ \(|, /)[0] ?? figure.source;
  return title.includes(String(figure.year)) ? title : `${title} ${figure.year}`;
}

/** The citation in its shortest form, source and year: "Electricity Maps 2025" (for a finding's short form). */
export function shortCite(figure: Figure): string {
  const full = cite(figure);
  const m = /^(.*?\b(?:19|20)\d{2})\b/.exec(full);
  return m ? m[1]! : full;
}

/** "location-based, lifecycle, yearly average (Electricity Maps)" → "location-based, lifecycle, yearly average". */
export function shortBasis(figure: Figure): string {
  const title = cite(figure);
  return figure.basis
    .replace(/\s*\([^)]*\)\s*$/, "")
    .split(/,\s*/)
    .filter((part) => !title.includes(part))
    .join(", ");
}

export function formatGrams(g: number): string {
  return `${Math.round(g)} gCO2e/kWh`;
}

export function formatKg(kg: number): string {
  if (kg >= 100) return `${Math.round(kg).toLocaleString("en-US")}`;
  if (kg >= 10) return kg.toFixed(0);
  if (kg >= 1) return kg.toFixed(1);
  return kg.toFixed(2);
}

/** A device or unit count: "8", "0.125" (g6f shares of one L4), at most three decimals. */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3)));
}

export function formatWatts(w: number): string {
  return w >= 1000 ? `${(w / 1000).toFixed(w >= 10_000 ? 0 : 1)} kW` : `${Math.round(w)} W`;
}

export function percent(part: number, whole: number): number {
  if (!(whole > 0)) return 0;
  return Math.round((part / whole) * 100);
}

const CONTINENT_NAMES: Readonly<Record<Continent, string>> = {
  africa: "Africa",
  asia: "Asia",
  europe: "Europe",
  "middle-east": "the Middle East",
  "north-america": "North America",
  oceania: "Oceania",
  "south-america": "South America",
};

export function continentName(continent: Continent): string {
  return CONTINENT_NAMES[continent] ?? continent;
}

/** "a, b and c"; with `"or"`, "a, b or c". */
export function listJoin(items: readonly string[], conjunction: "and" | "or" = "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items[items.length - 1]}`;
}

/** A human label for a resource type token: `aws:sagemaker/endpointConfiguration:EndpointConfiguration` → "EndpointConfiguration". */
export function typeLabel(type: string): string {
  const parts = type.split(":");
  return parts[parts.length - 1] || type;
}

/** "PUE 1.15 (AWS global data-center PUE 2024)": a PUE always travels with its source and year. */
export function formatPue(pue: Figure): string {
  return `PUE ${pue.value} (${cite(pue)})`;
}
