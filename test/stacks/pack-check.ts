// Sends a mocked stack run through the real policy pack over gRPC, as `pulumi preview --policy-pack
// ./policies` would: Remediate+Analyze per resource (inputs), then AnalyzeStack once (outputs).

import { POLICIES_DIR, startSession, type AnalyzeDiagnostic, type Session, type UserPolicyConfig } from "../harness";
import { PROJECT, analyzeRequests, analyzeStackRequest, type StackRun } from "./mock-run";

export interface PackReport {
  /** Policies the pack registered (names, sorted). */
  policies: string[];
  /** Diagnostics of Analyze calls, with the resource they were about. */
  resourceDiagnostics: AnalyzeDiagnostic[];
  /** Diagnostics of the AnalyzeStack call. */
  stackDiagnostics: AnalyzeDiagnostic[];
  /** Every Analyze call was answered (one per registration). */
  analyzed: number;
  /** Per resource URN, the policies that declared themselves not applicable to it. */
  notApplicable: Map<string, string[]>;
  /** Policies whose stack part declared itself not applicable to the stack. */
  stackNotApplicable: string[];
}

export async function openPack(run: StackRun, policyConfig?: UserPolicyConfig | string): Promise<Session> {
  return startSession({
    packDir: POLICIES_DIR,
    project: PROJECT,
    stack: run.stack,
    dryRun: true,
    stackConfig: run.config,
    ...(policyConfig !== undefined ? { policyConfig } : {}),
  });
}

export async function checkWithPack(session: Session, run: StackRun): Promise<PackReport> {
  const resourceDiagnostics: AnalyzeDiagnostic[] = [];
  const notApplicable = new Map<string, string[]>();
  let analyzed = 0;
  for (const request of analyzeRequests(run)) {
    const { diagnostics, notApplicable: skipped } = await session.analyze(request);
    analyzed++;
    notApplicable.set(request.urn, skipped.map((n) => n.policyName));
    resourceDiagnostics.push(...diagnostics.map((d) => ({ ...d, urn: d.urn || request.urn })));
  }
  const { diagnostics: stackDiagnostics, notApplicable: stackSkipped } = await session.analyzeStack(analyzeStackRequest(run));
  return {
    policies: session.info.policies.map((p) => p.name).sort(),
    resourceDiagnostics,
    stackDiagnostics,
    analyzed,
    notApplicable,
    stackNotApplicable: stackSkipped.map((n) => n.policyName),
  };
}

/** A diagnostic in a form that reads well in a failed assertion. */
export function brief(d: AnalyzeDiagnostic): string {
  return `[${d.enforcementLevel}] ${d.policyName} on ${d.urn.split("::").pop()}: ${d.message}`;
}

/** The policies that evaluated `urn` (registered and not declared not-applicable). */
export function evaluatedBy(report: PackReport, urn: string): string[] {
  const skipped = report.notApplicable.get(urn) ?? [];
  return report.policies.filter((p) => !skipped.includes(p));
}

/**
 * The policies among `policies` that are registered but declared themselves not applicable to `urn`:
 * expected empty for the resources a blueprint's efficiency rests on, so a pass is not a skip.
 */
export function skippedBy(report: PackReport, urn: string, policies: readonly string[]): string[] {
  const evaluated = evaluatedBy(report, urn);
  return policies.filter((p) => report.policies.includes(p) && !evaluated.includes(p));
}

/**
 * A copy of `run` in which `mutate` changed the named resource's inputs and outputs: a negative
 * control showing that the pack does look at the property the blueprint's efficiency rests on.
 */
export function mutated(run: StackRun, name: string, mutate: (props: Record<string, unknown>) => void): StackRun {
  const registrations = structuredClone(run.registrations);
  const target = registrations.filter((r) => r.custom && r.name === name);
  if (target.length !== 1) throw new Error(`mutated: expected one resource named ${name}`);
  mutate(target[0]!.inputs);
  mutate(target[0]!.outputs);
  const resources = registrations.filter((r) => r.custom);
  return { ...run, registrations, resources, byName: (n) => resources.find((r) => r.name === n)!, ofType: (t) => resources.filter((r) => r.type === t) };
}

/** Every diagnostic of a report, resource and stack. */
export function allDiagnostics(report: PackReport): AnalyzeDiagnostic[] {
  return [...report.resourceDiagnostics, ...report.stackDiagnostics];
}
