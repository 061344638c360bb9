/**
 * The CrossGuard adapter under hostile input, with the policy SDK's own unknown-checking proxy
 * around the props: the only exception allowed out of a policy is the SDK's UnknownValueError
 * (which it turns into an advisory "can't run policy … during preview"); anything else would fail
 * the user's whole `pulumi up`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toPolicy } from "../../src/pack/crossguard";
import { RULES } from "../../src/rules";
import { PLANTED_SECRET, PLANTED_TOKEN_SECRET, hostileProps, typeTokens } from "./arbitraries";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy: (o: unknown) => Record<string, unknown>;
  UnknownValueError: new (...a: unknown[]) => Error;
};

class NotApplicable extends Error {}

function argsFor(type: string, props: Record<string, unknown>, providerProps: Record<string, unknown> | undefined, config: unknown) {
  return {
    type,
    urn: `urn:pulumi:s::p::${type}::n`,
    name: "n",
    props: proxy.unknownCheckingProxy(props),
    opts: {},
    stackTags: new Map<string, string>(),
    ...(providerProps ? { provider: { type: "pulumi:providers:aws", name: "default", urn: "urn:p", props: proxy.unknownCheckingProxy(providerProps) } } : {}),
    isType: () => false,
    asType: () => undefined,
    getConfig: () => config,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
}

describe.each(RULES.filter((r) => r.evaluate).map((r) => [r.meta.name, r] as const))("pack adapter for %s", (_n, rule) => {
  const policy = toPolicy(rule);
  const validate = (policy as { validateResource: unknown }).validateResource as (args: unknown, report: (v: unknown) => void) => void;

  it("throws nothing but the SDK's UnknownValueError or notApplicable, fails internally on nothing, and never reports a secret", () => {
    fc.assert(
      fc.property(typeTokens, hostileProps, fc.option(hostileProps, { nil: undefined }), (type, props, providerProps) => {
        const reported: unknown[] = [];
        try {
          validate(argsFor(type, props, providerProps, {}), (v) => reported.push(v));
        } catch (error) {
          const allowed = error instanceof proxy.UnknownValueError || error instanceof NotApplicable;
          expect(allowed, String(error)).toBe(true);
          if (error instanceof proxy.UnknownValueError) expect(error.message).toMatch(/can't be known during preview/);
        }
        // The adapter turns its own errors into a rule-error violation: none may happen on any input.
        for (const v of reported) expect(String((v as { message: unknown }).message)).not.toContain("could not evaluate");
        expect(JSON.stringify(reported)).not.toContain(PLANTED_SECRET);
        expect(JSON.stringify(reported)).not.toContain(PLANTED_TOKEN_SECRET);
      }),
      { numRuns: 300 },
    );
  });
});

describe("pack adapter behaviour", () => {
  const rule = RULES.find((r) => r.meta.name === "ml-clean-energy-region")!;
  const validate = (toPolicy(rule) as { validateResource: unknown }).validateResource as (args: unknown, report: (v: unknown) => void) => void;

  it("reports a violation with its own level for a no-data region", () => {
    const reported: Record<string, unknown>[] = [];
    validate(argsFor("aws:ec2/instance:Instance", { instanceType: "p5.48xlarge", region: "mars-north-1" }, undefined, {}), (v) => reported.push(v as Record<string, unknown>));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ enforcementLevel: "advisory", severity: "low" });
    expect(String(reported[0]!["message"])).toContain("mars-north-1");
  });

  it("raises the SDK's UnknownValueError naming the path when the region is unknown in preview", () => {
    const args = argsFor("aws:ec2/instance:Instance", { instanceType: "p5.48xlarge", region: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, undefined, {});
    expect(() => validate(args, () => undefined)).toThrow(proxy.UnknownValueError);
    expect(() => validate(args, () => undefined)).toThrow(/string value at \.region can't be known during preview/);
  });

  it("marks a CPU-only resource not applicable", () => {
    expect(() => validate(argsFor("aws:ec2/instance:Instance", { instanceType: "m5.large", region: "us-east-1" }, undefined, {}), () => undefined)).toThrow(NotApplicable);
  });
});
