/**
 * One resource view per Analyze call, shared by every carbonguard policy in the pack.
 *
 * The Pulumi policy SDK runs each policy with its own freshly deserialized copy of the resource's
 * properties, so each of the seven resource policies used to build its own view — normalizing the
 * properties, resolving the region, scanning for accelerators, reading tags — and to redo
 * everything rules and the estimator memoize on a view (estimates for savings, accelerator
 * classification). The report already shares one view among all rules; this gives the pack the
 * same (bench/analyze: building the view seven times was about a fifth of our code's time per resource).
 *
 * The copies are recognized by content, never by identity: the resource's URN, then its type and
 * name, the JSON of its properties and of its provider's properties (plain JSON in Analyze:
 * unknowns are sentinel strings, secrets arrive as plaintext), and the stack context. A few
 * entries are kept because the engine may have several Analyze calls in flight at once. Views are
 * immutable, so sharing one cannot leak one policy's work into another's result.
 */
import { type ResourceInput, type ResourceView, type StackContext, buildView } from "../engine/view";

/** Resources kept: more than the Analyze calls the engine has in flight at once. */
const ENTRIES = 32;

/** The SDK's proxies answer this key with their target (`@pulumi/policy/proxy.js`). */
const PROXY_TARGET_KEY = "__getSpecialProxyTarget";

/** By URN (a short key to hash), holding the content to compare; oldest first. */
const recent = new Map<string, { readonly content: string; readonly stack: StackContext; readonly view: ResourceView }>();

function target(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  try {
    const t = (value as Record<string, unknown>)[PROXY_TARGET_KEY];
    if (t !== undefined && t !== null && typeof t === "object") return t;
  } catch {
    // the target is what we want anyway
  }
  return value;
}

/** The content of a resource as Analyze hands it to a policy (but its URN), or undefined when it is not plain JSON. */
function contentOf(input: ResourceInput): string | undefined {
  try {
    return `${input.type}\u0000${input.name}\u0000${JSON.stringify(target(input.props)) ?? ""}\u0000${JSON.stringify(target(input.providerProps)) ?? ""}`;
  } catch {
    return undefined; // not JSON (a getter that throws, a cycle): built alone, never shared
  }
}

/** `buildView(input, stack)`, or the view built for the same content and stack context moments ago. */
export function sharedView(input: ResourceInput, stack: StackContext): ResourceView {
  const content = contentOf(input);
  if (content === undefined) return buildView(input, stack);
  const urn = String(input.urn);
  const hit = recent.get(urn);
  if (hit !== undefined && hit.content === content && hit.stack.stackTags === stack.stackTags && hit.stack.stackConfig === stack.stackConfig) return hit.view;
  const view = buildView(input, stack);
  recent.delete(urn);
  if (recent.size >= ENTRIES) recent.delete(recent.keys().next().value as string);
  recent.set(urn, { content, stack, view });
  return view;
}
