/**
 * Runs a rule on a view or a stack: the single entry both front ends go through, so a stack that
 * passes the pack passes the report too, and the other way round.
 */
import type { AnyRule, Outcome } from "./rule";
import type { ResourceView, StackView } from "./view";

/**
 * Evaluates a rule's resource part. A rule that throws (a bug) yields an advisory finding naming
 * the rule, so it never takes down a user's `pulumi up` or a thousand-stack report; the text is
 * our own, never a property value.
 */
export function evaluateRule(rule: AnyRule, view: ResourceView, rawConfig: unknown): readonly Outcome[] {
  if (!rule.evaluate) return [{ kind: "not-applicable", reason: "stack policy" }];
  try {
    const config = parsedConfig(rule, rawConfig);
    return rule.evaluate(view, { config, stack: view.stack });
  } catch (error) {
    return [internalError(rule, error, `resource type ${view.type}`)];
  }
}

/** Evaluates a rule's stack part, with the same containment of bugs. */
export function evaluateStackRule(rule: AnyRule, stack: StackView, rawConfig: unknown): readonly Outcome[] {
  if (!rule.evaluateStack) return [];
  try {
    const config = parsedConfig(rule, rawConfig);
    return rule.evaluateStack(stack, { config, stack: stack.stack });
  } catch (error) {
    return [internalError(rule, error, "its stack check")];
  }
}

/**
 * `rule.parseConfig(raw)`, parsed once per distinct config rather than once per resource: the
 * report passes the same object for every resource; the Pulumi SDK hands each validation a fresh
 * copy of the same JSON (`args.getConfig()`), recognised by its serialization. A config that fails
 * to parse throws the same error every time, as before. Parsed configs are treated as immutable.
 */
export function parsedConfig(rule: AnyRule, raw: unknown): unknown {
  const last = lastParsed.get(rule);
  if (last !== undefined && last.raw === raw && raw !== null && typeof raw === "object") return unwrap(last.result);
  const key = configKey(raw);
  if (last !== undefined && key !== undefined && last.key === key) {
    last.raw = raw;
    return unwrap(last.result);
  }
  let result: ParseResult;
  try {
    result = { ok: true, value: rule.parseConfig(raw) };
  } catch (error) {
    result = { ok: false, error };
  }
  if (key !== undefined) lastParsed.set(rule, { raw, key, result });
  return unwrap(result);
}

type ParseResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Per rule, the last config parsed (a run uses one config per rule). Rules are module-level: no retention concern. */
const lastParsed = new WeakMap<AnyRule, { raw: unknown; readonly key: string; readonly result: ParseResult }>();

function configKey(raw: unknown): string | undefined {
  try {
    return JSON.stringify(raw) ?? "undefined";
  } catch {
    return undefined; // cyclic or BigInt: not JSON, so never from the SDK; parsed each time
  }
}

function unwrap(result: ParseResult): unknown {
  if (!result.ok) throw result.error;
  return result.value;
}

function internalError(rule: AnyRule, error: unknown, where: string): Outcome {
  const what = error instanceof Error ? error.name : "error";
  return {
    kind: "violation",
    level: "advisory",
    severity: "low",
    message: `carbonguard could not evaluate ${rule.meta.name} (internal ${what} in ${where}); please report it.`,
    figures: [],
  };
}
