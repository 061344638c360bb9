/**
 * Turns a `StackSnapshot` into what the engine reads: `ResourceInput[]` for `buildStackView`, with
 * provider properties resolved from each resource's provider reference (`<providerURN>::<id>`) and
 * the stack context (stack tags, plain config) from the snapshot.
 */
import { isRecord, isUnknownSentinel, setData } from "../engine/values";
import { type ResourceInput, type StackContext, type StackView, buildStackView } from "../engine/view";
import type { ResourceRecord, StackSnapshot } from "./types";

/**
 * The properties the engine sees: outputs (what the provider reports, including computed values)
 * over inputs, except where an output is still unknown (preview) and the input is known.
 */
export function recordProps(record: Pick<ResourceRecord, "inputs" | "outputs">): Record<string, unknown> {
  const inputs = isRecord(record.inputs) ? record.inputs : {};
  const outputs = isRecord(record.outputs) ? record.outputs : {};
  const out: Record<string, unknown> = { ...inputs };
  for (const [k, v] of Object.entries(outputs)) {
    if (isUnknownSentinel(v) && k in inputs && !isUnknownSentinel(inputs[k])) continue;
    setData(out, k, v);
  }
  return out;
}

/** `<providerURN>::<id>` → the provider's URN and id (the URN itself contains "::"). */
export function splitProviderRef(ref: string): { urn: string; id: string } | undefined {
  const at = ref.lastIndexOf("::");
  if (at <= 0) return undefined;
  return { urn: ref.slice(0, at), id: ref.slice(at + 2) };
}

export function snapshotStackContext(snapshot: StackSnapshot): StackContext {
  return { stackTags: new Map(Object.entries(snapshot.stackTags ?? {})), stackConfig: snapshot.config ?? {} };
}

/** Resource inputs for `buildView`/`buildStackView`. */
export function snapshotToResourceInputs(snapshot: StackSnapshot): ResourceInput[] {
  const byUrn = new Map(snapshot.resources.map((r) => [r.urn, r] as const));
  return snapshot.resources.map((r) => {
    const providerRef = r.provider ? splitProviderRef(r.provider) : undefined;
    const provider = providerRef ? byUrn.get(providerRef.urn) : undefined;
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      props: recordProps(r),
      ...(provider ? { providerProps: recordProps(provider) } : {}),
      links: {
        ...(r.id !== undefined ? { id: r.id } : {}),
        ...(r.parent !== undefined ? { parent: r.parent } : {}),
        ...(providerRef ? { provider: providerRef.urn } : {}),
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
      },
    };
  });
}

/** The stack view of a snapshot, ready for stack rules and `estimateStack`. */
export function snapshotStackView(snapshot: StackSnapshot): StackView {
  return buildStackView(snapshotToResourceInputs(snapshot), snapshotStackContext(snapshot));
}
