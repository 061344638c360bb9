/** Runs a rule's documented examples: the same code path for the tests and the generated docs. */
import { evaluateRule } from "./evaluate";
import type { AnyResourceRule, Outcome, RuleExample } from "./rule";
import { buildView } from "./view";

export function runExample(rule: AnyResourceRule, example: RuleExample): readonly Outcome[] {
  const view = buildView(
    {
      urn: `urn:pulumi:example::example::${example.resource.type}::${example.resource.name}`,
      type: example.resource.type,
      name: example.resource.name,
      props: example.resource.props,
      ...(example.resource.providerProps ? { providerProps: example.resource.providerProps } : {}),
    },
    {
      stackTags: new Map(Object.entries(example.stackTags ?? {})),
      stackConfig: example.stackConfig ?? {},
    },
  );
  return evaluateRule(rule, view, example.config ?? {});
}
