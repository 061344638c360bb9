/**
 * One stack of a report: snapshot in, the small `StackReport` out. Everything large (the parsed
 * state, views, per-resource estimates) is dropped when this returns, so a report over many stacks
 * holds only their findings and totals.
 *
 * Per stack, once: the input views (resource rules read inputs, as in the pack) and the output
 * stack view (stack rules, estimates, tags and the grade read outputs over inputs); every rule and
 * the estimator share them.
 */
import type { ResolvedPolicyConfig } from "../engine/policy-config";
import type { AnyRule } from "../engine/rule";
import { isAbsolute, relative, sep } from "node:path";
import type { ResourceView } from "../engine/view";
import { type EstimatedResource, estimateStack } from "../estimate";
import { type InputItem, type ResourceRecord, type StackSnapshot, recordProps, snapshotStackContext, splitProviderRef } from "../inputs";
import { type WaivedMark, type WaiverProblem, type WaiverSet, applyWaivers } from "../waivers";
import { evaluateStackResources } from "./evaluate-stack";
import { RecordInput, lazyStackView, lazyView, recordLinks } from "./lazy-view";
import { type AcceleratorResourceGrade, Grader } from "./grade";
import { type GroupBy, compareStrings, groupOf, round, roundedByKey } from "./group";
import type { EmissionsRange, PolicyOutcome, ReportFinding, StackEstimate, StackReport, StorageEstimate } from "./model";
import type { JobResult } from "./pool";

export interface StackContextOptions {
  readonly rules: readonly AnyRule[];
  readonly config: ReadonlyMap<string, ResolvedPolicyConfig>;
  readonly waivers: WaiverSet | undefined;
  readonly now: Date;
  readonly groupBy: GroupBy;
  readonly utilization: number;
  /** Share of an autoscaled range expected to run where no size is declared (0–1). */
  readonly expectedUtilization: number;
  /** The folder the report runs in: stack sources are shown relative to it. */
  readonly sourceRoot: string;
  readonly grader: Grader;
}

/** A run's context, set up once (in the main thread, and in each worker thread of a pool). */
export function stackContext(settings: Omit<StackContextOptions, "grader">): StackContextOptions {
  return { ...settings, grader: new Grader(settings.utilization) };
}

/**
 * One read input as the report takes it: the stack's `StackReport`, or why it is not in the
 * report. Never throws: a bug must not take down a thousand-stack report, so the stack is listed
 * as not evaluated instead. The same in this thread and in a worker (src/report/worker.ts).
 */
export function evaluateInput(item: InputItem, ctx: StackContextOptions, seq = -1): JobResult {
  if (item.kind === "error") return { seq, kind: "error", source: item.error.source, problem: item.error.problem };
  const s = item.snapshot;
  try {
    return { seq, kind: "stack", report: buildStackReport(s, `${s.project}/${s.stack}`, ctx), source: s.source, warnings: s.warnings };
  } catch (error) {
    return { seq, kind: "error", source: s.source, problem: `could not be evaluated (internal ${error instanceof Error ? error.name : "error"}); please report it` };
  }
}

const TOP_RESOURCES = 10;

/**
 * The stack's resources as lazy inputs: every resource with outputs over inputs (stack rules,
 * estimates), and the custom resources with their INPUTS (resource rules, as the pack's
 * `validateResource` sees them). Providers are resolved through `<providerURN>::<id>` the same
 * way for both, and each provider's properties are computed once.
 */
export function snapshotLazyInputs(snapshot: StackSnapshot): { outputs: RecordInput[]; inputs: RecordInput[] } {
  const byUrn = new Map<string, ResourceRecord>();
  for (const r of snapshot.resources) byUrn.set(r.urn, r);
  // By provider URN (each provider's inputs built once), and by the full reference string as
  // resources give it, so the reference is split once per provider, not once per resource.
  const providers = new Map<string, { outputs: RecordInput; inputs: RecordInput } | null>();
  const byRef = new Map<string, { outputs: RecordInput; inputs: RecordInput } | null>();
  const providerOf = (r: ResourceRecord) => {
    if (!r.provider) return undefined;
    let p = byRef.get(r.provider);
    if (p === undefined) {
      const ref = splitProviderRef(r.provider);
      p = ref ? providers.get(ref.urn) ?? null : null;
      if (ref && !providers.has(ref.urn)) {
        const record = byUrn.get(ref.urn);
        p = record ? { outputs: new RecordInput(record, "outputs", undefined, recordProps), inputs: new RecordInput(record, "inputs", undefined, recordProps) } : null;
        providers.set(ref.urn, p);
      }
      byRef.set(r.provider, p);
    }
    return p ?? undefined;
  };
  const outputs: RecordInput[] = [];
  const inputs: RecordInput[] = [];
  for (const r of snapshot.resources) {
    const p = providerOf(r);
    const links = recordLinks(r);
    outputs.push(new RecordInput(r, "outputs", p?.outputs, recordProps, links));
    if (r.custom) inputs.push(new RecordInput(r, "inputs", p?.inputs, recordProps, links));
  }
  return { outputs, inputs };
}

/** Evaluates, estimates, waives, grades and groups one stack. Never throws for any snapshot. */
export function buildStackReport(snapshot: StackSnapshot, id: string, ctx: StackContextOptions): StackReport {
  const stack = snapshotStackContext(snapshot);
  const { outputs, inputs } = snapshotLazyInputs(snapshot);
  // Lazy views: a resource's properties are normalized only if a rule or the estimator reads them.
  const stackView = lazyStackView(outputs, stack);
  const inputViews = inputs.map((input) => lazyView(input, stack));

  const evaluation = evaluateStackResources(ctx.rules, ctx.config, { inputs, outputs, stack, inputViews, stackView });

  // Tags for waivers: the resource's own tags as the pack sees them (inputs), else its outputs'.
  const inputViewByUrn = new Map<string, ResourceView>(inputViews.map((v) => [v.urn, v]));
  const targets = evaluation.findings.map((f) => {
    const view = f.urn ? (inputViewByUrn.get(f.urn) ?? stackView.byUrn(f.urn)) : undefined;
    return { ...f, stack: snapshot.stack, project: snapshot.project, ...(view ? { tags: view.tags } : {}) };
  });
  const findings: ReportFinding[] = (ctx.waivers ? applyWaivers(targets, ctx.waivers, ctx.now) : targets).map((f) => {
    const { stack: _s, project: _p, tags: _t, waived, waiverProblem, ...finding } = f as typeof f & { waived?: WaivedMark; waiverProblem?: WaiverProblem };
    return {
      ...finding,
      ...(waived
        ? {
            waived: {
              reason: waived.reason,
              expires: waived.expiresText,
              ...(waived.approvedBy !== undefined ? { approvedBy: waived.approvedBy } : waived.selfGranted ? { approvedBy: "a resource tag (self-granted)" } : {}),
              ...(waived.ticket !== undefined ? { ticket: waived.ticket } : {}),
              category: waived.category,
            },
          }
        : {}),
      ...(waiverProblem ? { waiverProblem: waiverProblem.message } : {}),
    };
  });
  const policies = policyOutcomes(evaluation.policies, findings);

  const estimate = estimateStack(stackView, { utilization: ctx.utilization, expectedUtilization: ctx.expectedUtilization });
  const accelerated: AcceleratorResourceGrade[] = [];
  let unsized = 0;
  const byRegion = new Map<string, { floor: number; expected: number; ceiling: number }>();
  const estimated: EstimatedResource[] = [];
  for (const r of estimate.resources) {
    const view = stackView.byUrn(r.urn);
    if (r.status === "unknown") {
      if (view?.isAcceleratorResource) unsized++;
      continue;
    }
    if (r.status !== "estimated") continue;
    estimated.push(r);
    const sum = byRegion.get(r.region) ?? { floor: 0, expected: 0, ceiling: 0 };
    sum.floor += r.totalKgCo2e.floor;
    sum.expected += r.totalKgCo2e.expected;
    sum.ceiling += r.totalKgCo2e.ceiling;
    byRegion.set(r.region, sum);
    if (!view) continue;
    const g = ctx.grader.resourceGrade(view, r, stackView);
    if (g) accelerated.push(g);
  }
  const grade = ctx.grader.stackGrade(accelerated, unsized);

  const stackEstimate: StackEstimate = {
    floorKgCo2ePerMonth: round(estimate.totalKgCo2e.floor),
    expectedKgCo2ePerMonth: round(estimate.totalKgCo2e.expected),
    ceilingKgCo2ePerMonth: round(estimate.totalKgCo2e.ceiling),
    floorKwhPerMonth: round(estimate.energyKwh.floor),
    expectedKwhPerMonth: round(estimate.energyKwh.expected),
    ceilingKwhPerMonth: round(estimate.energyKwh.ceiling),
    embodiedKgCo2ePerMonth: round(estimate.embodiedKgCo2e.floor),
    acceleratorHoursPerMonth: round(grade.acceleratorHoursFloor, 1),
    unknown: estimate.unknown.map((u) => ({ urn: u.urn, reason: u.reason })),
    topResources: estimated
      // By expected emissions: by the floor, capacity that scales to zero would never be listed however big.
      .filter((r) => r.totalKgCo2e.expected > 0 || r.totalKgCo2e.ceiling > 0)
      .sort((a, b) => b.totalKgCo2e.expected - a.totalKgCo2e.expected || b.totalKgCo2e.ceiling - a.totalKgCo2e.ceiling || compareStrings(a.urn, b.urn))
      .slice(0, TOP_RESOURCES)
      .map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        region: r.region,
        kgCo2ePerMonth: round(r.totalKgCo2e.floor),
        expectedKgCo2ePerMonth: round(r.totalKgCo2e.expected),
        ceilingKgCo2ePerMonth: round(r.totalKgCo2e.ceiling),
      })),
    byRegion: roundedByKey(new Map([...byRegion].map(([region, sum]) => [region, sum.floor]))),
    regions: regionRanges(byRegion),
    ...storageOf(estimated),
  };

  const tags = Object.fromEntries(Object.entries(snapshot.stackTags ?? {}).sort(([a], [b]) => compareStrings(a, b)));
  return {
    id,
    project: snapshot.project,
    stack: snapshot.stack,
    source: relativeSource(snapshot.source, ctx.sourceRoot),
    // Resource tags for grouping from the input views: the rules have read them already.
    group: groupOf(ctx.groupBy, snapshot.project, tags, inputViews),
    tags,
    resourceCount: snapshot.resources.length,
    findings,
    policies,
    estimate: stackEstimate,
    grade: grade.result,
  };
}

/**
 * A stack's source as the report shows it: an absolute file path relative to the folder the
 * report was run in (an absolute path says more about the machine than about the stack); relative
 * paths and URLs as they are.
 */
export function relativeSource(source: string, root: string): string {
  if (!isAbsolute(source)) return source;
  const rel = relative(root, source);
  return rel === "" ? "." : rel.split(sep).join("/");
}

/** Sums by region as the model keeps them: regions sorted, values rounded. */
function regionRanges(sums: ReadonlyMap<string, { floor: number; expected: number; ceiling: number }>): Record<string, EmissionsRange> {
  return Object.fromEntries(
    [...sums.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([region, s]) => [region, { floorKgCo2ePerMonth: round(s.floor), expectedKgCo2ePerMonth: round(s.expected), ceilingKgCo2ePerMonth: round(s.ceiling) }]),
  );
}

/** Policy outcomes after waivers: `waived` when every finding of the policy is waived. */
function policyOutcomes(outcomes: readonly PolicyOutcome[], findings: readonly ReportFinding[]): PolicyOutcome[] {
  const active = new Map<string, number>();
  for (const f of findings) if (!f.waived) active.set(f.policy, (active.get(f.policy) ?? 0) + 1);
  return outcomes.map((p) => (p.status === "failed" && p.findings > 0 && !active.has(p.policy) ? { ...p, status: "waived" } : p));
}

/** The storage parts of the estimated resources (parts whose whole draw is storage), summed; nothing when none. */
function storageOf(estimated: readonly EstimatedResource[]): { storage?: StorageEstimate } {
  const kwh = { floor: 0, expected: 0, ceiling: 0 };
  const kg = { floor: 0, expected: 0, ceiling: 0 };
  const items: { urn: string; name: string; label: string; expectedKgCo2ePerMonth: number }[] = [];
  for (const r of estimated) {
    for (const p of r.parts) {
      if (!(p.power.components.storage > 0) || p.power.components.storage < p.power.watts) continue;
      for (const k of ["floor", "expected", "ceiling"] as const) {
        kwh[k] += p.energyKwh[k];
        kg[k] += p.operationalKgCo2e[k];
      }
      items.push({ urn: r.urn, name: r.name, label: p.label, expectedKgCo2ePerMonth: p.operationalKgCo2e.expected });
    }
  }
  if (items.length === 0) return {};
  return {
    storage: {
      floorKgCo2ePerMonth: round(kg.floor),
      expectedKgCo2ePerMonth: round(kg.expected),
      ceilingKgCo2ePerMonth: round(kg.ceiling),
      floorKwhPerMonth: round(kwh.floor),
      expectedKwhPerMonth: round(kwh.expected),
      ceilingKwhPerMonth: round(kwh.ceiling),
      items: items
        .sort((a, b) => b.expectedKgCo2ePerMonth - a.expectedKgCo2ePerMonth || compareStrings(a.urn, b.urn) || compareStrings(a.label, b.label))
        .slice(0, 10)
        .map((i) => ({ ...i, expectedKgCo2ePerMonth: round(i.expectedKgCo2ePerMonth) })),
    },
  };
}
