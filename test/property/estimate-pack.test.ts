/**
 * ml-stack-carbon-budget through the CrossGuard adapter (validateStack), with the policy SDK's own
 * unknown-checking proxy around the props: only the SDK's UnknownValueError or notApplicable may
 * escape, and nothing reported quotes a secret.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ESTIMATED_TYPES } from "../../src/estimate";
import { toPolicy } from "../../src/pack/crossguard";
import { mlStackCarbonBudget } from "../../src/rules/ml-stack-carbon-budget";
import { PLANTED_SECRET, RESOURCE_TYPES, hostileProps } from "./arbitraries";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy: (o: unknown) => Record<string, unknown>;
  UnknownValueError: new (...a: unknown[]) => Error;
};

class NotApplicable extends Error {}

const TYPES = [...new Set([...ESTIMATED_TYPES, ...RESOURCE_TYPES])];

describe("ml-stack-carbon-budget through the CrossGuard adapter", () => {
  const policy = toPolicy(mlStackCarbonBudget) as unknown as { validateStack: (args: unknown, report: (v: unknown) => void) => void };

  it("only the SDK's UnknownValueError or notApplicable escape; no secret is reported", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.constantFrom(...TYPES), props: hostileProps, providerProps: fc.option(hostileProps, { nil: undefined }) }), { maxLength: 6 }),
        fc.oneof(fc.constant({}), fc.record({ maxKgCo2ePerMonth: fc.oneof(fc.nat(2000), fc.double()), compareTo: fc.constantFrom("floor", "ceiling") }, { requiredKeys: [] })),
        (inputs, config) => {
          const resources = inputs.map((i, k) => ({
            type: i.type,
            urn: `urn:pulumi:s::p::${i.type}::r${k}`,
            name: `r${k}`,
            props: proxy.unknownCheckingProxy(i.props),
            opts: {},
            dependencies: [],
            propertyDependencies: {},
            ...(i.providerProps ? { provider: { type: "pulumi:providers:aws", name: "p", urn: "urn:p", props: proxy.unknownCheckingProxy(i.providerProps) } } : {}),
            isType: () => false,
            asType: () => undefined,
          }));
          const reported: unknown[] = [];
          try {
            policy.validateStack(
              { resources, getConfig: () => config, stackTags: new Map(), notApplicable: (reason?: string) => { throw new NotApplicable(reason); } },
              (v) => reported.push(v),
            );
          } catch (error) {
            const allowed = error instanceof proxy.UnknownValueError || error instanceof NotApplicable;
            expect(allowed, String(error)).toBe(true);
          }
          const text = JSON.stringify(reported);
          expect(text).not.toContain(PLANTED_SECRET);
          expect(text).not.toMatch(/NaN|could not evaluate/);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reports an over-budget stack as advisory with the totals", () => {
    const reported: Record<string, unknown>[] = [];
    const resources = [
      { type: "aws:ec2/instance:Instance", urn: "urn:pulumi:s::p::aws:ec2/instance:Instance::trainer", name: "trainer", props: proxy.unknownCheckingProxy({ instanceType: "p4d.24xlarge", region: "us-east-1" }), opts: {}, dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined },
    ];
    policy.validateStack({ resources, getConfig: () => ({ maxKgCo2ePerMonth: 100 }), stackTags: new Map(), notApplicable: () => undefined }, (v) => reported.push(v as Record<string, unknown>));
    expect(reported).toHaveLength(1);
    expect(String(reported[0]!["message"])).toMatch(/^The stack's estimated floor of 932 kgCO2e\/month is above the budget of 100; /);
  });
});
