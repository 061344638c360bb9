/**
 * GCP machine types with built-in accelerators (G2, A2, A3, A4…) also list them in
 * guestAccelerators in GKE and GCE state: the same devices, counted once.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allInstanceTypes } from "../../src/data/accelerators";
import { buildStackView } from "../../src/engine/view";
import { estimateStack, resolveUnit } from "../../src/estimate";

const builtIn = allInstanceTypes("gcp").filter((t) => t.acceleratorCount > 0 && t.gcpAcceleratorToken !== undefined && t.kind !== "tpu");

function power(instanceType: string, attached?: { token: string; count: number }[]) {
  const r = resolveUnit({ kind: "instance", cloud: "gcp", instanceType, ...(attached ? { attached } : {}) }, 0.5);
  if (!("power" in r)) throw new Error(`no power for ${instanceType}`);
  return r.power;
}

describe("built-in accelerators listed again in guestAccelerators", () => {
  it("covers G2, A2, A3 and A4 machine types", () => {
    for (const family of ["g2-", "a2-", "a3-", "a4-"]) expect(builtIn.some((t) => t.name.startsWith(family)), family).toBe(true);
  });

  it("g2-standard-8 with its L4 in guestAccelerators is one L4, with the same energy", () => {
    const alone = power("g2-standard-8");
    const listed = power("g2-standard-8", [{ token: "nvidia-l4", count: 1 }]);
    expect(listed.label).toBe("g2-standard-8 (1×L4)");
    expect(listed.watts).toBeCloseTo(alone.watts, 6);
  });

  it("holds for every catalog machine type with built-in accelerators", () => {
    fc.assert(
      fc.property(fc.constantFrom(...builtIn), (t) => {
        const alone = power(t.name);
        const listed = power(t.name, [{ token: t.gcpAcceleratorToken!, count: t.acceleratorCount }]);
        expect(listed.label).toBe(alone.label);
        expect(listed.watts).toBeCloseTo(alone.watts, 6);
        expect(listed.maxWatts).toBeCloseTo(alone.maxWatts, 6);
      }),
      { numRuns: 200 },
    );
  });

  it("a GKE node pool as its state records it estimates the same as without the repeated list", () => {
    const pool = (guest: boolean) => ({
      urn: "urn:pulumi:s::p::gcp:container/nodePool:NodePool::gpu",
      type: "gcp:container/nodePool:NodePool",
      name: "gpu",
      props: { location: "us-central1-a", nodeCount: 1, nodeConfig: { machineType: "a3-highgpu-8g", ...(guest ? { guestAccelerators: [{ type: "nvidia-h100-80gb", count: 8 }] } : {}) } },
    });
    const kwh = (guest: boolean) => estimateStack(buildStackView([pool(guest)])).energyKwh.floor;
    expect(kwh(true)).toBeGreaterThan(0);
    expect(kwh(true)).toBeCloseTo(kwh(false), 6);
  });
});
