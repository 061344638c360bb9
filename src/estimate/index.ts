/**
 * The energy and carbon estimator (docs/methodology.md). Entry points:
 *
 * - `estimateResource(view, options?, stack?)` → one resource's kWh and kgCO2e per month, floor and
 *   ceiling, operational and embodied, with every assumption;
 * - `estimateStack(stackView, options?)` → every resource plus totals and the largest contributors;
 * - `summarize(resourceEstimates)` → totals over estimates gathered some other way (report streams);
 * - `resolveUnit(spec, utilization)` → the power of one instance/node/replica (for what-ifs);
 * - `formatRange`, `formatKgRange` → text for messages and tables.
 */
export * from "./types";
export { DEFAULT_UTILIZATION, HOURS_PER_MONTH, estimateResource, estimateStack, resolveOptions, summarize, unitMonthlyKg } from "./estimate";
export { type AttachedAccelerator, type UnitResolution, type UnitSpec, devicePower, resolveUnit } from "./power";
export { ESTIMATED_TYPES, planCapacity } from "./capacity";
export { formatAmount, formatKgRange, formatRange } from "./format";
