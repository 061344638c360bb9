/**
 * Runs a rule on a view: the single entry both front ends go through, so a stack that passes the
 * pack passes the report too, and the other way round.
 */
import type { AnyResourceRule, Outcome } from "./rule";
import type { ResourceView } from "./view";

/**
 * Evaluates one rule. A rule that throws (a bug) yields an advisory finding naming the rule, so it
 * never takes down a user's `pulumi up` or a thousand-stack report; the error text is our own code's,
 * never a property value.
 */
export function evaluateRule(rule: AnyResourceRule, view: ResourceView, rawConfig: unknown): readonly Outcome[] {
  try {
    const config = rule.parseConfig(rawConfig);
    return rule.evaluate(view, { config, stack: view.stack });
  } catch (error) {
    const what = error instanceof Error ? error.name : "error";
    return [
      {
        kind: "violation",
        level: "advisory",
        severity: "low",
        message: `carbonguard could not evaluate ${rule.meta.name} on this resource (internal ${what}); please report it with the resource type ${view.type}.`,
        figures: [],
      },
    ];
  }
}
