/**
 * Property tests for the estimator: for any input it never throws and never returns NaN, negative
 * or infinite numbers; what it can't size is "unknown" with a reason, never a silent zero.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allInstanceTypes } from "../../src/data/accelerators";
import { evaluateStackRule } from "../../src/engine/evaluate";
import { buildStackView, buildView } from "../../src/engine/view";
import { ESTIMATED_TYPES, type Range, type ResourceEstimate, estimateResource, estimateStack } from "../../src/estimate";
import { mlStackCarbonBudget } from "../../src/rules/ml-stack-carbon-budget";
import { PLANTED_SECRET, RESOURCE_TYPES, hostileProps } from "./arbitraries";

function checkRange(r: Range | undefined, what: string): void {
  if (r === undefined) return;
  for (const n of [r.floor, r.ceiling]) {
    expect(Number.isFinite(n), `${what} ${n}`).toBe(true);
    expect(n, what).toBeGreaterThanOrEqual(0);
  }
  expect(r.floor, `${what} floor ≤ ceiling`).toBeLessThanOrEqual(r.ceiling + 1e-9);
}

function checkEstimate(e: ResourceEstimate): void {
  if (e.status !== "estimated") {
    expect(e.reason.length).toBeGreaterThan(0);
    expect(e.reason).not.toMatch(/NaN|undefined|Infinity|\[object Object\]/);
    expect(e.reason).not.toContain(PLANTED_SECRET);
    return;
  }
  checkRange(e.energyKwh, "energy");
  checkRange(e.operationalKgCo2e, "operational");
  checkRange(e.embodiedKgCo2e, "embodied");
  checkRange(e.totalKgCo2e, "total");
  for (const p of e.parts) {
    checkRange(p.units, "units");
    checkRange(p.hoursPerUnit, "hours");
    for (const w of [p.power.watts, p.power.idleWatts, p.power.maxWatts, ...Object.values(p.power.components)]) {
      expect(Number.isFinite(w) && w >= 0).toBe(true);
    }
    expect(p.power.watts).toBeGreaterThan(0);
    expect(p.power.idleWatts).toBeLessThanOrEqual(p.power.watts + 1e-9);
    expect(p.power.watts).toBeLessThanOrEqual(p.power.maxWatts + 1e-9);
    // A running unit is never a silent zero.
    if (p.units.floor > 0 && p.hoursPerUnit.floor > 0) expect(p.energyKwh.floor).toBeGreaterThan(0);
  }
  for (const f of e.assumptions) expect(Number.isFinite(f.value)).toBe(true);
  expect(JSON.stringify(e)).not.toContain(PLANTED_SECRET);
}

const TYPES = [...new Set([...ESTIMATED_TYPES, ...RESOURCE_TYPES])];
const weird = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -1, 0, 1, 2, 1e308), fc.constant(undefined));
const regions = fc.constantFrom("us-east-1", "eu-north-1", "us-central1-a", "europe-west4", "nowhere-9", PLANTED_SECRET);

describe("estimator on hostile input", () => {
  it("never throws and never yields NaN, negative or infinite numbers", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), hostileProps, fc.option(hostileProps, { nil: undefined }), regions, weird, weird, (type, props, providerProps, region, u, h) => {
        const view = buildView({ urn: "u", type, name: "n", props, providerProps }, { stackTags: new Map(), stackConfig: { "aws:region": region, "gcp:region": region } });
        checkEstimate(estimateResource(view, { utilization: u as number, hoursPerMonth: h as number }));
      }),
      { numRuns: 600 },
    );
  });

  it("sizes every catalog type or says why not, at any utilization", () => {
    fc.assert(
      fc.property(fc.constantFrom(...allInstanceTypes()), fc.double({ min: 0, max: 1, noNaN: true }), (info, u) => {
        const view =
          info.cloud === "aws"
            ? buildView({ urn: "u", type: "aws:ec2/instance:Instance", name: "n", props: { instanceType: info.name }, providerProps: { region: "us-east-1" } })
            : info.kind === "tpu"
              ? buildView({ urn: "u", type: "gcp:tpu/v2Vm:V2Vm", name: "n", props: { acceleratorType: info.name, zone: "us-central1-a" } })
              : buildView({ urn: "u", type: "gcp:compute/instance:Instance", name: "n", props: { machineType: info.name, zone: "us-central1-a" } });
        const e = estimateResource(view, { utilization: u });
        checkEstimate(e);
        // Every catalog accelerator has a power figure (published TDP or marked estimate).
        expect(e.status, e.status !== "estimated" ? e.reason : "").toBe("estimated");
      }),
      { numRuns: 300 },
    );
  });

  it("a higher utilization never lowers the estimate; the ceiling never drops below the floor", () => {
    fc.assert(
      fc.property(fc.constantFrom(...allInstanceTypes("aws")), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(5), fc.nat(5), (info, a, b, min, extra) => {
        const view = buildView({ urn: "u", type: "aws:autoscaling/group:Group", name: "n", props: { minSize: min, maxSize: min + extra, mixedInstancesPolicy: { launchTemplate: { overrides: [{ instanceType: info.name }] } } }, providerProps: { region: "eu-west-1" } });
        const lo = estimateResource(view, { utilization: Math.min(a, b) });
        const hi = estimateResource(view, { utilization: Math.max(a, b) });
        if (lo.status !== "estimated" || hi.status !== "estimated") return;
        expect(hi.energyKwh.ceiling).toBeGreaterThanOrEqual(lo.energyKwh.ceiling - 1e-9);
        expect(lo.energyKwh.floor).toBeLessThanOrEqual(lo.energyKwh.ceiling + 1e-9);
        if (min === 0) expect(lo.energyKwh.floor).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe("stack estimates and the budget rule on hostile stacks", () => {
  const resource = fc.record({ type: fc.constantFrom(...TYPES), props: hostileProps, providerProps: fc.option(hostileProps, { nil: undefined }) });
  const budgetConfig = fc.oneof(
    fc.constant({}),
    fc.record({ maxKgCo2ePerMonth: fc.oneof(fc.double(), fc.constant("lots"), fc.nat(10_000)), compareTo: fc.constantFrom("floor", "ceiling", 3), utilization: weird, includeEmbodied: fc.oneof(fc.boolean(), fc.constant("yes")) }, { requiredKeys: [] }),
  );

  it("totals are the sum of the estimated resources and never NaN; the rule never throws or leaks", () => {
    fc.assert(
      fc.property(fc.array(resource, { maxLength: 8 }), regions, budgetConfig, (resources, region, config) => {
        const stack = buildStackView(
          resources.map((r, i) => ({ urn: `urn:pulumi:s::p::${r.type}::r${i}`, type: r.type, name: `r${i}`, props: r.props, providerProps: r.providerProps })),
          { stackTags: new Map(), stackConfig: { "aws:region": region, "gcp:region": region } },
        );
        const e = estimateStack(stack);
        for (const r of e.resources) checkEstimate(r);
        checkRange(e.totalKgCo2e, "stack total");
        const sum = e.resources.reduce((s, r) => s + (r.status === "estimated" ? r.totalKgCo2e.ceiling : 0), 0);
        expect(e.totalKgCo2e.ceiling).toBeCloseTo(sum, 6);
        expect(e.estimatedCount + e.unknown.length + e.notApplicableCount).toBe(resources.length);
        for (const o of evaluateStackRule(mlStackCarbonBudget, stack, config)) {
          if (o.kind !== "violation") continue;
          expect(o.ruleError, o.message).toBeUndefined();
          expect(o.message).not.toContain(PLANTED_SECRET);
          expect(o.message).not.toMatch(/NaN|undefined|Infinity|\[object Object\]/);
          expect(JSON.stringify(o.suggestion ?? {})).not.toContain(PLANTED_SECRET);
        }
      }),
      { numRuns: 300 },
    );
  });
});
