/**
 * Runs a policy pack over a stack's resources the way the Pulumi engine does during an update:
 * Analyze per resource (inputs, with its provider) in registration order, then AnalyzeStack once
 * (outputs, with parents and dependencies). Used by `carbonguard analyze` to evaluate the pack on a
 * `pulumi stack export` without the Pulumi CLI.
 */
import type { Session } from "./session";
import { type AnalyzeDiagnostic, type AnalyzeResource, type ProviderResource, type StackResource, parseUrn } from "./types";
import { SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN_SENTINELS } from "./values";

export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly custom?: boolean;
  readonly id?: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly parent?: string;
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  /** `<providerURN>::<providerID>` as the engine records it. */
  readonly provider?: string;
}

export interface StackAnalysis {
  /** Every diagnostic, with the URN it is about (stack diagnostics carry theirs when the policy set one). */
  readonly diagnostics: readonly (AnalyzeDiagnostic & { readonly resourceType?: string; readonly resourceName?: string })[];
  readonly analyzed: number;
}

/** The name part of a URN: `urn:pulumi:stack::project::type::name` → `name` (which may hold `::`); the URN itself when malformed. */
export function nameFromUrn(urn: string): string {
  return parseUrn(urn).name ?? urn;
}

/**
 * State keeps secrets encrypted (`{sig, ciphertext}`). The engine would decrypt them before
 * Analyze; carbonguard never does, so each becomes what preview sends for a value it can't know:
 * the unknown sentinel (a policy that reads it gets the SDK's advisory can't-evaluate).
 */
export function stateToWire(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || depth > 200) return value;
  if (Array.isArray(value)) return value.map((v) => stateToWire(v, depth + 1));
  const obj = value as Record<string, unknown>;
  if (obj[SPECIAL_SIG_KEY] === SECRET_SIG) return "value" in obj ? { [SPECIAL_SIG_KEY]: SECRET_SIG, value: stateToWire(obj["value"], depth + 1) } : UNKNOWN_SENTINELS.string;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = stateToWire(v, depth + 1);
  return out;
}

function wireProps(props: Record<string, unknown> | undefined): Record<string, unknown> {
  return (stateToWire(props ?? {}) as Record<string, unknown>) ?? {};
}

function isProviderType(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}

export async function analyzeRecordedStack(session: Session, resources: readonly RecordedResource[]): Promise<StackAnalysis> {
  const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
  const providerOf = (ref: string | undefined): ProviderResource | undefined => {
    if (!ref) return undefined;
    // `<providerURN>::<id>` (the URN itself contains "::").
    const urn = ref.includes("::") ? ref.slice(0, ref.lastIndexOf("::")) : ref;
    const provider = byUrn.get(urn);
    if (!provider) return undefined;
    return { urn, type: provider.type, name: nameFromUrn(urn), properties: wireProps(provider.inputs ?? provider.outputs) };
  };
  const diagnostics: (AnalyzeDiagnostic & { resourceType?: string; resourceName?: string })[] = [];
  let analyzed = 0;
  for (const r of resources) {
    // The engine analyzes custom resources; components and providers carry no cloud properties.
    if (r.custom === false || isProviderType(r.type) || r.type === "pulumi:pulumi:Stack") continue;
    const provider = providerOf(r.provider);
    const request: AnalyzeResource = {
      urn: r.urn,
      type: r.type,
      name: nameFromUrn(r.urn),
      properties: wireProps(r.inputs),
      ...(provider ? { provider } : {}),
    };
    const result = await session.analyze(request);
    analyzed++;
    for (const d of result.diagnostics) diagnostics.push({ ...d, urn: d.urn || r.urn, resourceType: r.type, resourceName: nameFromUrn(r.urn) });
  }
  const stackResources: StackResource[] = resources
    .filter((r) => r.type !== "pulumi:pulumi:Stack")
    .map((r) => {
      const provider = providerOf(r.provider);
      return {
        urn: r.urn,
        type: r.type,
        name: nameFromUrn(r.urn),
        properties: wireProps(r.outputs ?? r.inputs),
        ...(r.parent ? { parent: r.parent } : {}),
        dependencies: [...(r.dependencies ?? [])],
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, [...v]])),
        ...(provider ? { provider } : {}),
      };
    });
  const stackResult = await session.analyzeStack(stackResources);
  // The engine attributes a stack policy's diagnostic that names no resource (a stack-wide finding,
  // or the SDK's "can't run policy … during preview") to the root Stack resource, as
  // `(pulumi:pulumi:Stack: <project>-<stack>)`; so does this emulation (test/cli/differential.test.ts).
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  for (const d of stackResult.diagnostics) {
    const urn = d.urn || root?.urn || "";
    const r = urn ? byUrn.get(urn) : undefined;
    diagnostics.push({ ...d, urn, ...(r ? { resourceType: r.type, resourceName: nameFromUrn(r.urn) } : {}) });
  }
  return { diagnostics, analyzed };
}
