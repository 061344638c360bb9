/**
 * Words every renderer uses for the measured-energy section (`report.measured`), so the table,
 * Markdown, HTML, SARIF and JUnit say the same thing about a comparison.
 */
import type { MeasuredComparison, MeasuredSection } from "../model";
import { formatNumber, formatQuantity } from "./util";

/** `2.73×` or `n/a` (nothing estimated). */
export function ratioText(c: MeasuredComparison): string {
  return c.ratio === undefined ? "n/a" : `${formatNumber(c.ratio, 2)}×`;
}

/** Why a comparison is a finding, in one sentence; undefined when it is not one. */
export function measuredFindingText(c: MeasuredComparison, factor: number): string | undefined {
  if (!c.finding) return undefined;
  const what = `${c.runs} CodeCarbon run${c.runs === 1 ? "" : "s"} measured ${formatQuantity(c.measuredKwh)} kWh from ${c.from} to ${c.to}`;
  if (c.ratio === undefined) return `${what}, where the estimate is 0 kWh: the stack runs more than its plan says, or the runs are matched to the wrong stack.`;
  const direction = c.finding === "measured-above-estimate" ? "more" : "less";
  return `${what}, ${ratioText(c)} the estimate of ${formatQuantity(c.estimatedKwh)} kWh for the same period: ${direction} than the ${formatNumber(factor, 1)}× allowed either way, so one of them is wrong — check the stack's declared capacity, utilization and which runs map to it.`;
}

/** `measured 30 kWh · estimated 11.0 kWh · 2.73×`. */
export function comparisonLine(c: MeasuredComparison): string {
  return `measured ${formatQuantity(c.measuredKwh)} kWh · estimated ${formatQuantity(c.estimatedKwh)} kWh · ${ratioText(c)}`;
}

/** `12.5 kgCO2e (CodeCarbon) · 14.4 kgCO2e (carbonguard basis)`. */
export function kgLine(c: MeasuredComparison): string {
  const ours = c.ourBasisKgCo2e === undefined ? "no figure on carbonguard's basis (no known cloud region, and no country with a single grid zone)" : `${formatQuantity(c.ourBasisKgCo2e)} kgCO2e on carbonguard's basis${c.ourBasisKwh !== undefined && c.ourBasisKwh < c.measuredKwh ? ` (${formatQuantity(c.ourBasisKwh)} of the kWh)` : ""}`;
  return `${formatQuantity(c.codecarbonKgCo2e)} kgCO2e by CodeCarbon's own figures · ${ours}`;
}

export function measuredFindingCount(m: MeasuredSection): number {
  return m.stacks.filter((c) => c.finding).length + m.groups.filter((c) => c.finding).length;
}

/** The rule id SARIF and JUnit carry measured-vs-estimated findings under (not a policy of the pack). */
export const MEASURED_RULE_ID = "carbonguard-measured-energy";

/** `ml-stack-carbon-budget on measured values: 1,234 kgCO2e/month (carbonguard basis) over the budget of 500`. */
export function budgetText(c: MeasuredComparison): string | undefined {
  const b = c.budget;
  if (!b) return undefined;
  return `ml-stack-carbon-budget on measured values: ${formatQuantity(b.measuredKgCo2ePerMonth)} kgCO2e/month (${b.source === "carbonguard-basis" ? "carbonguard basis" : "CodeCarbon's own figure"}, operational, the runs scaled to a month) is ${b.overBudget ? "over" : "within"} the budget of ${formatQuantity(b.maxKgCo2ePerMonth)}`;
}
