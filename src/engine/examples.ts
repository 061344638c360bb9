/** Runs a rule's documented examples: the same code path for the tests and the generated docs. */
import { evaluateRule, evaluateStackRule } from "./evaluate";
import type { AnyRule, Outcome, RuleExample, StackRuleExample } from "./rule";
import { type StackContext, buildStackView, buildView } from "./view";

function exampleUrn(type: string, name: string): string {
  return `urn:pulumi:example::example::${type}::${name}`;
}

function stackOf(example: { stackTags?: Readonly<Record<string, string>>; stackConfig?: Readonly<Record<string, string>> }): StackContext {
  return { stackTags: new Map(Object.entries(example.stackTags ?? {})), stackConfig: example.stackConfig ?? {} };
}

export function runExample(rule: AnyRule, example: RuleExample): readonly Outcome[] {
  const view = buildView(
    {
      urn: exampleUrn(example.resource.type, example.resource.name),
      type: example.resource.type,
      name: example.resource.name,
      props: example.resource.props,
      ...(example.resource.providerProps ? { providerProps: example.resource.providerProps } : {}),
    },
    stackOf(example),
  );
  return evaluateRule(rule, view, example.config ?? {});
}

/**
 * Runs a stack example. Links name other resources by `name` in examples (readable) and are
 * turned into URNs here, as the engine would give them.
 */
export function runStackExample(rule: AnyRule, example: StackRuleExample): readonly Outcome[] {
  const urnOf = new Map(example.resources.map((r) => [r.name, exampleUrn(r.type, r.name)] as const));
  const toUrn = (name: string) => urnOf.get(name) ?? name;
  const stack = buildStackView(
    example.resources.map((r) => ({
      urn: exampleUrn(r.type, r.name),
      type: r.type,
      name: r.name,
      props: r.props,
      ...(r.providerProps ? { providerProps: r.providerProps } : {}),
      links: {
        ...(r.id !== undefined ? { id: r.id } : {}),
        ...(r.parent !== undefined ? { parent: toUrn(r.parent) } : {}),
        ...(r.provider !== undefined ? { provider: toUrn(r.provider) } : {}),
        dependencies: (r.dependencies ?? []).map(toUrn),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, v.map(toUrn)])),
      },
    })),
    stackOf(example),
  );
  return evaluateStackRule(rule, stack, example.config ?? {});
}
