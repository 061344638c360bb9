/**
 * A stack's digest: the few numbers a report needs of every stack besides the stack itself
 * (totals, groups, ordering, charts). A streamed report keeps one digest per stack in memory
 * (a few hundred bytes) and the stacks themselves on disk (src/report/spool.ts), so memory does
 * not follow the size of the findings.
 */
import type { StackCounts, StackDigest, StackReport } from "./model";
import { compareStrings, countFindings, emptyCounts } from "./group";

// The digest's shape lives with the other data shapes in ./model (which must not import this module:
// model → digest → group → model was a cycle); re-exported here for the modules that compute digests.
export type { StackCounts, StackDigest } from "./model";

export function stackCounts(stack: StackReport): StackCounts {
  let mandatory = 0;
  let advisory = 0;
  let other = 0;
  let waived = 0;
  for (const f of stack.findings) {
    if (f.waived !== undefined) waived++;
    else if (f.level === "mandatory") mandatory++;
    else if (f.level === "advisory") advisory++;
    else other++;
  }
  return { mandatory, advisory, other, waived };
}

export function digestOf(stack: StackReport): StackDigest {
  const savings: [string, number][] = [];
  for (const f of stack.findings) {
    if (f.waived || f.savingKgCo2ePerMonth === undefined || !(f.savingKgCo2ePerMonth > 0)) continue;
    savings.push([f.policy, f.savingKgCo2ePerMonth]);
  }
  return {
    id: stack.id,
    project: stack.project,
    group: stack.group,
    resourceCount: stack.resourceCount,
    findings: stack.findings.length,
    floorKgCo2ePerMonth: stack.estimate.floorKgCo2ePerMonth,
    expectedKgCo2ePerMonth: stack.estimate.expectedKgCo2ePerMonth,
    ceilingKgCo2ePerMonth: stack.estimate.ceilingKgCo2ePerMonth,
    expectedKwhPerMonth: stack.estimate.expectedKwhPerMonth,
    regions: stack.estimate.regions,
    counts: countFindings(emptyCounts(), stack.findings),
    attention: stackCounts(stack),
    savings,
    findingPolicies: [...new Set(stack.findings.map((f) => f.policy))],
  };
}

/** Stacks needing attention first: mandatory, then advisory, then other findings, then emissions; ties by id. */
export function byAttention(a: StackDigest, b: StackDigest): number {
  const ca = a.attention;
  const cb = b.attention;
  return (
    cb.mandatory - ca.mandatory ||
    cb.advisory - ca.advisory ||
    cb.other - ca.other ||
    b.expectedKgCo2ePerMonth - a.expectedKgCo2ePerMonth ||
    compareStrings(a.id, b.id)
  );
}

/** Biggest (expected) emitters first; ties by id. */
export function byEmissions(a: StackDigest, b: StackDigest): number {
  return b.expectedKgCo2ePerMonth - a.expectedKgCo2ePerMonth || compareStrings(a.id, b.id);
}

/** Emissions by region over all stacks, floor, expected and ceiling (in digest order, so sums are reproducible). */
export function emissionsByRegion(digests: readonly StackDigest[]): Map<string, { floor: number; expected: number; ceiling: number }> {
  const out = new Map<string, { floor: number; expected: number; ceiling: number }>();
  const finite = (n: number): number => (Number.isFinite(n) ? n : 0);
  for (const d of digests) {
    for (const [region, r] of Object.entries(d.regions)) {
      const sum = out.get(region) ?? { floor: 0, expected: 0, ceiling: 0 };
      sum.floor += finite(r.floorKgCo2ePerMonth);
      sum.expected += finite(r.expectedKgCo2ePerMonth);
      sum.ceiling += finite(r.ceilingKgCo2ePerMonth);
      out.set(region, sum);
    }
  }
  return out;
}
