/**
 * Grouping (`--group-by team|project|tag:<key>`), finding counts, group totals and the summary.
 *
 * A stack's team is its stack tag `team`; else the resource tag/label `team` its resources carry
 * most often (provider default tags included; ties broken by name); else "(none)". `tag:<key>`
 * works the same way with any key; `project` is the Pulumi project.
 */
import type { ResourceView } from "../engine/view";
import type { FindingCounts, GroupSummary, ReportFinding, Severity, StackDigest } from "./model";

export const NO_GROUP = "(none)";

export type GroupBy = { readonly kind: "project" } | { readonly kind: "tag"; readonly key: string; readonly label: string };

/** Parses `--group-by`; undefined when invalid. */
export function parseGroupBy(value: string): GroupBy | undefined {
  const v = value.trim();
  if (v === "project") return { kind: "project" };
  if (v === "team") return { kind: "tag", key: "team", label: "team" };
  const m = /^tag:(.+)$/.exec(v);
  if (m?.[1] && m[1].trim() !== "" && m[1].length <= 128) return { kind: "tag", key: m[1].trim(), label: `tag:${m[1].trim()}` };
  return undefined;
}

/** `--group-by` as given, else (absent or invalid) by team. */
export function groupByOrDefault(value: string | undefined): GroupBy {
  return parseGroupBy(value ?? "team") ?? { kind: "tag", key: "team", label: "team" };
}

export function groupByLabel(g: GroupBy): string {
  return g.kind === "project" ? "project" : g.label;
}

/** The most used value of resource tag `key` among `views` (ties: the smallest), if any. */
export function dominantResourceTag(views: readonly ResourceView[], key: string): string | undefined {
  const counts = new Map<string, number>();
  for (const v of views) {
    const t = v.tags.get(key);
    if (t?.state === "value" && t.value.trim() !== "") counts.set(t.value, (counts.get(t.value) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [value, n] of counts) {
    if (n > bestCount || (n === bestCount && best !== undefined && value < best)) {
      best = value;
      bestCount = n;
    }
  }
  return best;
}

export function groupOf(g: GroupBy, project: string, stackTags: Readonly<Record<string, string>>, views: readonly ResourceView[]): string {
  if (g.kind === "project") return project || NO_GROUP;
  const tag = stackTags[g.key];
  if (typeof tag === "string" && tag.trim() !== "") return tag;
  return dominantResourceTag(views, g.key) ?? NO_GROUP;
}

// ---------------------------------------------------------------------------------------------
// Counting

export interface MutableCounts {
  mandatory: number;
  advisory: number;
  waived: number;
  ruleErrors?: number;
  bySeverity: Record<Severity, number>;
}

export function emptyCounts(): MutableCounts {
  return { mandatory: 0, advisory: 0, waived: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0 } };
}

/** Adds findings: waived ones count only as waived; the rest by level and severity. */
export function countFindings(into: MutableCounts, findings: readonly ReportFinding[]): MutableCounts {
  for (const f of findings) {
    if (f.waived) {
      into.waived++;
      continue;
    }
    if (f.level === "mandatory") into.mandatory++;
    else into.advisory++;
    // A policy that failed counts as an error too (it already counts at its level: fail closed).
    if (f.kind === "rule-error") into.ruleErrors = (into.ruleErrors ?? 0) + 1;
    if (f.severity in into.bySeverity) into.bySeverity[f.severity]++;
  }
  return into;
}

export function addCounts(into: MutableCounts, c: FindingCounts): MutableCounts {
  into.mandatory += c.mandatory;
  into.advisory += c.advisory;
  into.waived += c.waived;
  if (c.ruleErrors) into.ruleErrors = (into.ruleErrors ?? 0) + c.ruleErrors;
  for (const s of Object.keys(into.bySeverity) as Severity[]) into.bySeverity[s] += c.bySeverity[s] ?? 0;
  return into;
}

export function round(n: number, digits = 3): number {
  if (!Number.isFinite(n)) return 0;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Code-unit order: deterministic everywhere, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sums by key as the model keeps them: keys sorted, values rounded. */
export function roundedByKey(values: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...values.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([k, v]) => [k, round(v)]));
}

/** Groups as the report lists them: biggest emitters first, then by name. */
export function byGroupEmissions(a: GroupSummary, b: GroupSummary): number {
  return b.expectedKgCo2ePerMonth - a.expectedKgCo2ePerMonth || compareStrings(a.group, b.group);
}

const TOP_OFFENDERS = 5;

/** Group summaries, biggest emitters first (then by name), from the stacks' digests in id order. */
export function summarizeGroups(stacks: readonly StackDigest[]): GroupSummary[] {
  const byGroup = new Map<string, StackDigest[]>();
  for (const s of stacks) {
    const list = byGroup.get(s.group);
    if (list) list.push(s);
    else byGroup.set(s.group, [s]);
  }
  const groups: GroupSummary[] = [];
  for (const [group, members] of byGroup) {
    const counts = emptyCounts();
    const savings = new Map<string, number>();
    for (const s of members) {
      addCounts(counts, s.counts);
      addSavings(s.savings, savings);
    }
    groups.push({
      group,
      stacks: members.length,
      floorKgCo2ePerMonth: round(members.reduce((t, s) => t + s.floorKgCo2ePerMonth, 0)),
      expectedKgCo2ePerMonth: round(members.reduce((t, s) => t + s.expectedKgCo2ePerMonth, 0)),
      ceilingKgCo2ePerMonth: round(members.reduce((t, s) => t + s.ceilingKgCo2ePerMonth, 0)),
      findings: counts,
      savingKgCo2ePerMonth: round([...savings.values()].reduce((t, v) => t + v, 0)),
      topOffenders: [...members]
        .filter((s) => s.expectedKgCo2ePerMonth > 0)
        .sort((a, b) => b.expectedKgCo2ePerMonth - a.expectedKgCo2ePerMonth || compareStrings(a.id, b.id))
        .slice(0, TOP_OFFENDERS)
        .map((s) => ({ stack: s.id, kgCo2ePerMonth: s.floorKgCo2ePerMonth, expectedKgCo2ePerMonth: s.expectedKgCo2ePerMonth })),
    });
  }
  return groups.sort(byGroupEmissions);
}

/** Adds a digest's per-finding savings ([policy, kg], in finding order) by policy. */
export function addSavings(savings: readonly (readonly [string, number])[], into: Map<string, number>): Map<string, number> {
  for (const [policy, kg] of savings) into.set(policy, (into.get(policy) ?? 0) + kg);
  return into;
}
