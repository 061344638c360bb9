/**
 * The CrossGuard adapter: turns carbonguard rules into @pulumi/policy policies.
 *
 * Kept free of heavy imports: this module is loaded on every `pulumi preview`.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { toPolicyConfigSchema } from "../engine/config";
import { describeCause, evaluateRule, evaluateStackRule, parsedConfig, ruleError } from "../engine/evaluate";
import { stackConfigFromEnv } from "../engine/region";
import { UNKNOWN_SENTINELS } from "../engine/values";
import type { AnyRule, CannotEvaluate, Finding, Outcome, RemediationPatch } from "../engine/rule";
import { type ResourceInput, type StackContext, buildStackView, buildView } from "../engine/view";
import { type PackTarget, applyPackWaivers } from "../waivers/pack";
import { sharedView } from "./shared-view";

/** The sentinel the SDK's UnknownValueError expects for a value type (see @pulumi/policy/proxy.js): the engine's own. */
function sentinelFor(valueType: CannotEvaluate["valueType"]): string {
  // UNKNOWN_SENTINELS maps each sentinel to its value type and has one for every CannotEvaluate type.
  return Object.keys(UNKNOWN_SENTINELS).find((sentinel) => UNKNOWN_SENTINELS[sentinel] === valueType) as string;
}

type UnknownValueErrorCtor = new (sentinel: string, path: string[]) => Error;

function unknownValueErrorClass(): UnknownValueErrorCtor {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("@pulumi/policy/proxy") as { UnknownValueError: UnknownValueErrorCtor }).UnknownValueError;
}

/**
 * The SDK turns its own UnknownValueError into the advisory "can't run policy … during preview"
 * diagnostic users already know; raising it keeps our can't-evaluate identical to every other pack's.
 */
function unknownValueError(outcome: CannotEvaluate): Error {
  return new (unknownValueErrorClass())(sentinelFor(outcome.valueType), outcome.path.split("."));
}

/**
 * Runs the adapter's own work (building views, evaluating, applying waivers) so that no exception
 * reaches the SDK, which would fail the user's whole `pulumi preview`: an error becomes the rule's
 * error finding, at the policy's configured level (fail closed). The SDK's UnknownValueError (a
 * preview unknown read through its proxy) passes through: it is "can't evaluate", by design.
 */
function guarded(rule: AnyRule, where: string, work: () => readonly Outcome[]): readonly Outcome[] {
  try {
    return work();
  } catch (error) {
    if (error instanceof unknownValueErrorClass()) throw error;
    return [ruleError(rule, describeCause(error), where)];
  }
}

/** The object form of reportViolation (accepted by @pulumi/policy's server) lets a finding set its own level. */
interface ViolationInfo {
  message: string;
  enforcementLevel?: string;
  severity?: string;
  urn?: string;
}

let cachedStackConfig: Record<string, string> | undefined;
function stackContext(args: { stackTags: ReadonlyMap<string, string> }): StackContext {
  cachedStackConfig ??= stackConfigFromEnv();
  return { stackTags: args.stackTags ?? new Map(), stackConfig: cachedStackConfig };
}

function report(reportViolation: ReportViolation, finding: Finding): void {
  const info: ViolationInfo = { message: finding.message };
  if (finding.level) info.enforcementLevel = finding.level;
  if (finding.severity) info.severity = finding.severity;
  if (finding.urn) info.urn = finding.urn;
  (reportViolation as unknown as (info: ViolationInfo) => void)(info);
}

/** Waivers (docs/waivers.md): a waived finding turns advisory; one whose waiver failed says why. */
function waive(policy: string, outcomes: readonly Outcome[], target: (finding: Finding) => PackTarget): readonly Outcome[] {
  return outcomes.map((o) => (o.kind === "violation" ? applyPackWaivers(policy, o, target(o)) : o));
}

/**
 * Reports findings; raises the SDK's unknown error or notApplicable when that is all there is
 * (both are the SDK's own protocol, not failures). Outcomes were checked by `evaluateRule`.
 */
function deliver(outcomes: readonly Outcome[], reportViolation: ReportViolation, notApplicable: (reason: string) => never): void {
  let unknown: CannotEvaluate | undefined;
  let skipped: string | undefined;
  let findings = 0;
  for (const outcome of outcomes) {
    if (outcome.kind === "violation") {
      report(reportViolation, outcome);
      findings++;
    } else if (outcome.kind === "unknown") unknown ??= outcome;
    else skipped ??= outcome.reason;
  }
  // A can't-evaluate beside findings is still raised: the findings are reported first and the SDK
  // keeps them; the diagnostic says the rest could not be checked.
  if (unknown) throw unknownValueError(unknown);
  if (skipped !== undefined && findings === 0 && outcomes.length === 1) withoutStackTrace(() => notApplicable(skipped));
}

/**
 * The SDK's `notApplicable` throws an Error only to carry its reason; capturing that Error's stack
 * trace (through the SDK's async frames) cost more than the rule itself for most resources
 * (bench/analyze). Nothing reads the stack.
 */
function withoutStackTrace(fn: () => void): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function stackInput(resource: PolicyResource): ResourceInput {
  const urns = (list: readonly PolicyResource[] | undefined) => (list ?? []).map((r) => r.urn);
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, deps] of Object.entries(resource.propertyDependencies ?? {})) propertyDependencies[key] = urns(deps);
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    props: resource.props,
    providerProps: resource.provider?.props,
    links: {
      ...(resource.parent ? { parent: resource.parent.urn } : {}),
      ...(resource.provider?.urn ? { provider: resource.provider.urn } : {}),
      dependencies: urns(resource.dependencies),
      propertyDependencies,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Remediation: a rule proposes a patch (property path → value); it is applied to the resource's own
// inputs, copying only the objects along each path, so secrets and unknowns elsewhere stay as the
// engine sent them (the SDK re-serializes its Secret objects on the way back).

const IS_PROXY = "__isSpecialProxy";
const PROXY_TARGET = "__getSpecialProxyTarget";

/** The SDK wraps props in an unknown-checking proxy over a secrets-preserving proxy: peel both. */
function unwrapProxies(value: unknown): unknown {
  let v = value;
  for (let i = 0; i < 4; i++) {
    if (v === null || typeof v !== "object") return v;
    let target: unknown;
    try {
      const record = v as Record<string, unknown>;
      if (record[IS_PROXY] !== true) return v;
      target = record[PROXY_TARGET];
    } catch {
      return v;
    }
    if (target === undefined || target === null || target === v) return v;
    v = target;
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `a.b[0].c` → ["a", "b", 0, "c"]; undefined for anything else. */
function patchSteps(path: string): (string | number)[] | undefined {
  const steps: (string | number)[] = [];
  const re = /([A-Za-z_$][\w$-]*)|\[(\d{1,6})\]|(\.)/gy;
  let expectKey = true;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(path)) !== null && m[0] !== "") {
    consumed += m[0].length;
    if (m[1] !== undefined) {
      if (!expectKey) return undefined;
      steps.push(m[1]);
      expectKey = false;
    } else if (m[2] !== undefined) {
      if (expectKey) return undefined;
      steps.push(Number(m[2]));
    } else {
      if (expectKey) return undefined;
      expectKey = true;
    }
  }
  return consumed === path.length && !expectKey && steps.length > 0 ? steps : undefined;
}

/**
 * The resource's inputs with `patch` applied; `undefined` when a path runs through something that
 * is not a plain object or array (a secret, an unknown, a missing parent).
 */
export function applyRemediationPatch(rawProps: unknown, patch: RemediationPatch): Record<string, unknown> | undefined {
  const root = unwrapProxies(rawProps);
  if (!isPlainObject(root)) return undefined;
  const out: Record<string, unknown> = { ...root };
  for (const [path, value] of Object.entries(patch)) {
    const steps = patchSteps(path);
    if (!steps) return undefined;
    let parent: Record<string | number, unknown> = out;
    for (let i = 0; i < steps.length - 1; i++) {
      const step = steps[i]!;
      const child = unwrapProxies(parent[step]);
      let copy: Record<string | number, unknown>;
      if (typeof steps[i + 1] === "number") {
        if (!Array.isArray(child)) return undefined;
        copy = [...(child as unknown[])] as unknown as Record<number, unknown>;
      } else {
        if (!isPlainObject(child)) return undefined;
        copy = { ...child };
      }
      parent[step] = copy;
      parent = copy;
    }
    const last = steps[steps.length - 1]!;
    if (typeof last === "number" && !Array.isArray(parent)) return undefined;
    parent[last] = value;
  }
  return out;
}

/** One CrossGuard policy per rule: `validateResource`, `validateStack`, or both under one name. */
export function toPolicy(rule: AnyRule): ResourceValidationPolicy | StackValidationPolicy {
  const { meta } = rule;
  const base = {
    name: meta.name,
    displayName: meta.displayName,
    description: meta.description,
    enforcementLevel: meta.defaultLevel,
    severity: meta.severity,
    tags: [...meta.tags],
    // No `url`: the policy's page ships in the package (`carbonguard explain <name>`), not on the web.
    remediationSteps: `${meta.remediationSteps} Details: \`carbonguard explain ${meta.name}\`.`,
    configSchema: toPolicyConfigSchema(meta.configSchema) as ResourceValidationPolicy["configSchema"],
  };
  // The resource's view and its waived outcomes: what validation reports and remediation acts on.
  // Analyze (`shared`): one view per resource for all policies (src/pack/shared-view.ts).
  const resourceOutcomes = (args: ResourceValidationArgs, shared: boolean) => {
    const input = { urn: args.urn, type: args.type, name: args.name, props: args.props, providerProps: args.provider?.props };
    const view = shared ? sharedView(input, stackContext(args)) : buildView(input, stackContext(args));
    return { view, outcomes: waive(meta.name, evaluateRule(rule, view, args.getConfig()), (f) => (f.urn && f.urn !== view.urn ? { urn: f.urn } : view)) };
  };
  const validateResource = rule.evaluate
    ? (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        const outcomes = guarded(rule, "its resource check", () => resourceOutcomes(args, true).outcomes);
        deliver(outcomes, reportViolation, (r) => args.notApplicable(r));
      }
    : undefined;
  const validateStack = rule.evaluateStack
    ? (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const outcomes = guarded(rule, "its stack check", () => {
          const stack = buildStackView(args.resources.map(stackInput), stackContext(args));
          return waive(meta.name, evaluateStackRule(rule, stack, args.getConfig()), (f) => (f.urn ? stack.byUrn(f.urn) ?? { urn: f.urn } : {}));
        });
        deliver(outcomes, reportViolation, (r) => args.notApplicable(r));
      }
    : undefined;
  // Runs only at enforcement level `remediate` (the SDK's Remediate RPC, before Analyze). Any error
  // here means "no change", and dropping it is safe: Analyze runs next on the same unchanged inputs
  // and reports the violation, or the rule's error, at the policy's level (remediate validates as
  // mandatory), so a failed remediation never turns into a pass. Raising it instead would fail the
  // user's whole preview (the SDK rethrows remediation errors as gRPC errors). Only a resource the
  // policy actually fails at full level is changed: a waived finding (advisory) is left alone.
  const remediate = rule.remediate;
  const remediateResource =
    rule.evaluate && remediate
      ? (args: ResourceValidationArgs): Record<string, unknown> | undefined => {
          try {
            const { view, outcomes } = resourceOutcomes(args, false);
            if (!outcomes.some((o) => o.kind === "violation" && o.level === undefined)) return undefined;
            const patch = remediate(view, { config: parsedConfig(rule, args.getConfig()), stack: view.stack });
            if (!patch || Object.keys(patch).length === 0) return undefined;
            return applyRemediationPatch(args.props, patch);
          } catch {
            return undefined;
          }
        }
      : undefined;
  // The SDK runs validateResource on Analyze and validateStack on AnalyzeStack for the same policy.
  return {
    ...base,
    ...(validateResource ? { validateResource } : {}),
    ...(remediateResource ? { remediateResource } : {}),
    ...(validateStack ? { validateStack } : {}),
  } as
    | ResourceValidationPolicy
    | StackValidationPolicy;
}
