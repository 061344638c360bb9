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
    const config = rule.parseConfig(rawConfig);
    return rule.evaluate(view, { config, stack: view.stack });
  } catch (error) {
    return [internalError(rule, error, `resource type ${view.type}`)];
  }
}

/** Evaluates a rule's stack part, with the same containment of bugs. */
export function evaluateStackRule(rule: AnyRule, stack: StackView, rawConfig: unknown): readonly Outcome[] {
  if (!rule.evaluateStack) return [];
  try {
    const config = rule.parseConfig(rawConfig);
    return rule.evaluateStack(stack, { config, stack: stack.stack });
  } catch (error) {
    return [internalError(rule, error, "its stack check")];
  }
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
