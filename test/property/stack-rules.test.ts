/**
 * The stack parts of the scale-to-zero policies on hostile stacks, as rules and through the
 * CrossGuard adapter with the policy SDK's own unknown-checking proxy around every resource's props:
 * nothing but the SDK's UnknownValueError or notApplicable may escape (anything else fails the
 * user's whole `pulumi up`), no secret is ever printed, no NaN or "undefined" reaches a message,
 * and every stack finding names a resource of the stack. The remediation hook is held to the same.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateRule, evaluateStackRule } from "../../src/engine/evaluate";
import { buildStackView, buildView } from "../../src/engine/view";
import { toPolicy } from "../../src/pack/crossguard";
import { mlAutoscaleToZero } from "../../src/rules/ml-autoscale-to-zero";
import { mlNotebookIdleShutdown } from "../../src/rules/ml-notebook-idle-shutdown";
import { mlTrainingGuardrails } from "../../src/rules/ml-training-guardrails";
import { PLANTED_SECRET } from "./arbitraries";
import { PLANTED_LOWERCASE_SECRET, STACK_TYPES, anyStack as hostileStack, shapedStack, stackProps } from "./stack-arbitraries";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy: (o: unknown) => Record<string, unknown>;
  UnknownValueError: new (...a: unknown[]) => Error;
};

class NotApplicable extends Error {}

const STACK_RULES = [mlAutoscaleToZero, mlTrainingGuardrails];

const configArb = fc.oneof(
  fc.constant({}),
  fc.record({ maxRuntimeHours: fc.oneof(fc.double(), fc.constant("x"), fc.integer({ min: 1, max: 100 })), maxKeepAliveMinutes: fc.oneof(fc.double(), fc.constant(null)) }, { requiredKeys: [] }),
);

describe.each(STACK_RULES.map((r) => [r.meta.name, r] as const))("%s stack part on hostile stacks", (_n, rule) => {
  it("never throws, never prints a secret, NaN or undefined; findings name a resource of the stack", () => {
    fc.assert(
      fc.property(
        hostileStack,
        fc.dictionary(fc.constantFrom("ml-workload", "team"), fc.constantFrom("training", "inference", "bogus", PLANTED_SECRET)),
        configArb,
        (inputs, tags, config) => {
          const stack = buildStackView(inputs, { stackTags: new Map(Object.entries(tags)), stackConfig: {} });
          for (const o of evaluateStackRule(rule, stack, config)) {
            if (o.kind === "violation") {
              expect(o.ruleError, o.message).toBeUndefined();
              expect(o.message).not.toContain(PLANTED_SECRET);
              expect(o.message).not.toContain(PLANTED_LOWERCASE_SECRET);
              expect(o.message).not.toMatch(/NaN|undefined|Infinity|\[object Object\]/);
              expect(JSON.stringify(o.suggestion ?? {})).not.toContain(PLANTED_SECRET);
              expect(o.urn).toBeDefined();
              expect(stack.byUrn(o.urn!)).toBeDefined();
            } else if (o.kind === "unknown") {
              expect(o.path).not.toContain(PLANTED_SECRET);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("through the CrossGuard adapter, only the SDK's UnknownValueError or notApplicable escape", () => {
    const policy = toPolicy(rule) as unknown as { validateStack: (args: unknown, report: (v: unknown) => void) => void };
    fc.assert(
      fc.property(hostileStack, (inputs) => {
        // The SDK hands stack policies resources whose links are resolved to resource objects.
        const resources = inputs.map((i) => ({
          type: i.type,
          urn: i.urn,
          name: i.name,
          props: proxy.unknownCheckingProxy(i.props),
          opts: {},
          dependencies: [] as unknown[],
          propertyDependencies: {} as Record<string, unknown[]>,
          ...(i.providerProps ? { provider: { type: "pulumi:providers:aws", name: "p", urn: "urn:p", props: proxy.unknownCheckingProxy(i.providerProps) } } : {}),
          isType: () => false,
          asType: () => undefined,
        }));
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        inputs.forEach((i, k) => {
          resources[k]!.dependencies = (i.links?.dependencies ?? []).flatMap((u) => (byUrn.has(u) ? [byUrn.get(u)] : []));
          for (const [key, urns] of Object.entries(i.links?.propertyDependencies ?? {})) {
            resources[k]!.propertyDependencies[key] = urns.flatMap((u) => (byUrn.has(u) ? [byUrn.get(u)] : []));
          }
        });
        const reported: unknown[] = [];
        try {
          policy.validateStack(
            { resources, getConfig: () => ({}), stackTags: new Map(), notApplicable: (reason?: string) => { throw new NotApplicable(reason); } },
            (v) => reported.push(v),
          );
        } catch (error) {
          const allowed = error instanceof proxy.UnknownValueError || error instanceof NotApplicable;
          expect(allowed, String(error)).toBe(true);
        }
        expect(JSON.stringify(reported)).not.toContain(PLANTED_SECRET);
        expect(JSON.stringify(reported)).not.toContain(PLANTED_LOWERCASE_SECRET);
      }),
      { numRuns: 300 },
    );
  });
});

describe("ml-autoscale-to-zero remediation on hostile input", () => {
  const policy = toPolicy(mlAutoscaleToZero) as unknown as { remediateResource: (args: unknown) => Record<string, unknown> | undefined };

  const resourceArb = fc.oneof(
    fc.tuple(fc.constantFrom(...STACK_TYPES), stackProps),
    shapedStack.map((rs) => rs.map((r) => [r.type, r.props as Record<string, unknown>] as const)).chain((rs) => fc.constantFrom(...rs)),
  );

  it("never throws, and only ever changes the minimum it names", () => {
    fc.assert(
      fc.property(resourceArb, ([type, props]) => {
        const args = {
          type,
          urn: `urn:pulumi:s::p::${type}::n`,
          name: "n",
          props: proxy.unknownCheckingProxy(props),
          opts: {},
          stackTags: new Map<string, string>(),
          isType: () => false,
          asType: () => undefined,
          getConfig: () => ({}),
          notApplicable: () => {
            throw new NotApplicable();
          },
        };
        const out = policy.remediateResource(args);
        if (out === undefined) return;
        const changed = Object.keys(out).filter((k) => JSON.stringify(out[k]) !== JSON.stringify(props[k]));
        expect(changed).toHaveLength(1);
        const key = changed[0]!;
        expect(["minSize", "scalingConfig", "autoscaling"]).toContain(key);
        if (key === "minSize") expect(out[key]).toBe(0);
        else {
          const before = props[key] as Record<string, unknown>;
          const after = out[key] as Record<string, unknown>;
          for (const k of Object.keys(after)) {
            if (JSON.stringify(after[k]) !== JSON.stringify(before[k])) {
              expect(["minSize", "minNodeCount", "totalMinNodeCount"]).toContain(k);
              expect(after[k]).toBe(0);
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe.each([mlAutoscaleToZero, mlNotebookIdleShutdown, mlTrainingGuardrails].map((r) => [r.meta.name, r] as const))("%s resource part on shaped resources", (_n, rule) => {
  it("never fails internally and never quotes a secret, even one shaped like an identifier", () => {
    let findings = 0;
    fc.assert(
      fc.property(shapedStack, fc.constantFrom({}, { "ml-workload": "training" }), (inputs, tags) => {
        for (const input of inputs) {
          const view = buildView(input, { stackTags: new Map(Object.entries(tags)), stackConfig: {} });
          for (const o of evaluateRule(rule, view, {})) {
            if (o.kind !== "violation") continue;
            findings++;
            expect(o.ruleError, o.message).toBeUndefined();
            expect(o.message).not.toContain(PLANTED_SECRET);
            expect(o.message).not.toContain(PLANTED_LOWERCASE_SECRET);
            expect(o.message).not.toMatch(/NaN|undefined|Infinity|\[object Object\]/);
            expect(JSON.stringify(o.suggestion ?? {})).not.toContain(PLANTED_LOWERCASE_SECRET);
          }
        }
      }),
      { numRuns: 300 },
    );
    // The generator must reach real findings, or the property proves nothing.
    expect(findings).toBeGreaterThan(20);
  });
});
