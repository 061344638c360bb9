/**
 * A stack's digest: the few numbers a report needs of every stack besides the stack itself
 * (totals, groups, ordering, charts). A streamed report keeps one digest per stack in memory
 * (a few hundred bytes) and the stacks themselves on disk (src/report/spool.ts), so memory does
 * not follow the size of the findings.
 */
import type { EmissionsRange, FindingCounts, StackReport } from "./model";
import { compareStrings, countFindings, emptyCounts } from "./group";

/** Active findings by level, and waived ones (as the renderers count them). */
export interface StackCounts {
  readonly mandatory: number;
  readonly advisory: number;
  /** Active findings at another level (`remediate`, `disabled`: only from hand-made models). */
  readonly other: number;
  readonly waived: number;
}

export interface StackDigest {
  readonly id: string;
  /** The Pulumi project (to match measured runs by project name). */
  readonly project: string;
  readonly group: string;
  readonly resourceCount: number;
  readonly findings: number;
  readonly floorKgCo2ePerMonth: number;
  readonly expectedKgCo2ePerMonth: number;
  readonly ceilingKgCo2ePerMonth: number;
  /** Expected kWh/month (measured energy is compared with it). */
  readonly expectedKwhPerMonth: number;
  readonly regions: Readonly<Record<string, EmissionsRange>>;
  /** For the summary and group totals. */
  readonly counts: FindingCounts;
  /** For ordering stacks by attention. */
  readonly attention: StackCounts;
  /** The saving of each active finding that quantifies one, in finding order: [policy, kg]. */
  readonly savings: readonly (readonly [string, number])[];
  /** The policies the stack's findings are about (each once), so no renderer reads every stack to learn them. */
  readonly findingPolicies: readonly string[];
}

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
