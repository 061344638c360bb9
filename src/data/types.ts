/**
 * Shared vocabulary for the committed data in region-data/.
 *
 * Every number a user can see travels as a `Figure`: the value never leaves the module
 * without the source, year and basis that make it checkable.
 */

export type Cloud = "aws" | "gcp";

export const CLOUDS: readonly Cloud[] = ["aws", "gcp"];

/** A sourced, dated number. */
export interface Figure {
  readonly value: number;
  /** Unit of `value`, e.g. "gCO2e/kWh", "%", "ratio", "W". */
  readonly unit: string;
  /** Short human citation, e.g. "Electricity Maps 2025 yearly (via @tgwf/co2 0.19.0)". */
  readonly source: string;
  /** The year the figure describes (not the year it was fetched). */
  readonly year: number;
  /** What the number measures, e.g. "location-based, lifecycle, yearly average". */
  readonly basis: string;
  /** Present when the figure is a proxy or an assumption rather than a published value for this exact thing. */
  readonly estimate?: string;
}

/**
 * Continents for residency decisions. EU/EEA membership is carried separately
 * (`RegionFacts.euEea`) because for data residency the EU/EEA acts as one country.
 */
export type Continent =
  | "africa"
  | "asia"
  | "europe"
  | "middle-east"
  | "north-america"
  | "oceania"
  | "south-america";
