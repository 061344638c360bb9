import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateRule } from "../../src/engine/evaluate";
import type { Outcome } from "../../src/engine/rule";
import { buildView } from "../../src/engine/view";
import { RULES } from "../../src/rules";
import { PLANTED_SECRET, PLANTED_TOKEN_SECRET, PROTOTYPE_NAMES, RESOURCE_TYPES, typeTokens, deeplyNested, exponentialDag, hostileProps, hostileValue } from "./arbitraries";

const configArb = fc.oneof(
  fc.constant({}),
  fc.record({ scope: fc.constantFrom("ml", "all", 7), residency: fc.constantFrom("country", "continent", "any", null) }, { requiredKeys: [] }),
  fc.record({ maxGridIntensity: fc.oneof(fc.double(), fc.constant("high")), minCfePercent: fc.oneof(fc.double(), fc.constant(null)) }, { requiredKeys: [] }),
  fc.record({ allowedRegions: fc.oneof(fc.array(fc.string()), fc.constant("us-east-1")), deniedRegions: fc.array(fc.constantFrom("us-east-1", "eu-north-1")) }, { requiredKeys: [] }),
);

/** A rule that threw (or returned no list) shows as a `ruleError` finding, since evaluateRule never throws. */
function expectNoRuleError(outcomes: readonly Outcome[]): void {
  expect(Array.isArray(outcomes)).toBe(true);
  for (const o of outcomes) if (o.kind === "violation") expect(o.ruleError, o.message).toBeUndefined();
}

describe.each(RULES.map((r) => [r.meta.name, r] as const))("%s on hostile input", (_n, rule) => {
  it("never throws, never yields NaN text, never prints a secret", () => {
    fc.assert(
      fc.property(
        typeTokens,
        hostileProps,
        fc.option(hostileProps, { nil: undefined }),
        fc.dictionary(fc.constantFrom("aws:region", "gcp:region", "gcp:zone", "aws:config:region"), fc.oneof(fc.constantFrom("us-east-1", "europe-north1-a", "nowhere"), fc.constant(PLANTED_SECRET))),
        fc.dictionary(fc.constantFrom("ml-workload", "team"), fc.oneof(fc.constantFrom("training", "inference", "bogus"), fc.constant(PLANTED_SECRET))),
        configArb,
        (type, props, providerProps, stackConfig, stackTags, config) => {
          const view = buildView(
            { urn: "urn:pulumi:s::p::t::n", type, name: "n", props, providerProps },
            { stackConfig, stackTags: new Map(Object.entries(stackTags)) },
          );
          const outcomes = evaluateRule(rule, view, config);
          for (const o of outcomes) {
            // evaluateRule turns exceptions into a rule-error finding: none may happen.
            if (o.kind === "violation") {
              expect(o.ruleError, o.message).toBeUndefined();
              expect(o.message).not.toContain(PLANTED_SECRET);
              expect(o.message).not.toContain(PLANTED_TOKEN_SECRET);
              expect(o.message).not.toMatch(/NaN|undefined|Infinity|\[object Object\]/);
              expect(JSON.stringify(o.suggestion ?? {})).not.toContain(PLANTED_SECRET);
              expect(JSON.stringify(o.suggestion ?? {})).not.toContain(PLANTED_TOKEN_SECRET);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("survives very deep nesting, shared sub-objects and cycles", () => {
    const deep = deeplyNested(5_000, { instanceType: "p4d.24xlarge" }) as Record<string, unknown>;
    const dag = exponentialDag(200, { instanceType: "p4d.24xlarge" }) as Record<string, unknown>;
    const cyclic: Record<string, unknown> = { instanceType: "p4d.24xlarge", region: "us-east-1" };
    cyclic["self"] = cyclic;
    cyclic["productionVariants"] = [cyclic];
    for (const props of [deep, dag, cyclic]) {
      for (const type of [...RESOURCE_TYPES, ...PROTOTYPE_NAMES]) {
        const view = buildView({ urn: "u", type, name: "n", props });
        // evaluateRule never throws (it catches): what can fail is a rule error in its outcomes.
        expectNoRuleError(evaluateRule(rule, view, {}));
      }
    }
  });

  it("treats values at any depth generically without throwing", () => {
    fc.assert(
      fc.property(typeTokens, hostileValue, (type, value) => {
        const view = buildView({ urn: "u", type, name: "n", props: value });
        expectNoRuleError(evaluateRule(rule, view, {}));
      }),
      { numRuns: 200 },
    );
  });
});
