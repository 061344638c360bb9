/** Finding ids are the first 20 hex digits of sha256(policy NUL urn NUL ordinal), stable across releases (baselines compare them). */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPath } from "../../src/engine/values";
import { findingId } from "../../src/report/evaluate-stack";

describe("findingId", () => {
  it("is sha256 of policy, URN and ordinal, whichever hashing API the runtime offers (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: "grapheme" }), fc.nat(), (policy, urn, n) => {
        const expected = createHash("sha256").update(`${policy}\u0000${urn}\u0000${n}`).digest("hex").slice(0, 20);
        expect(findingId(policy, urn, n)).toBe(expected);
      }),
    );
    expect(findingId("ml-clean-energy-region", "urn:pulumi:s::p::aws:s3/bucket:Bucket::b", 0)).toMatch(/^[0-9a-f]{20}$/);
  });
});

describe("formatPath", () => {
  it("writes identifiers dotted, indexes and other keys bracketed, one identifier as itself", () => {
    expect(formatPath(["instanceType"])).toBe("instanceType");
    expect(formatPath(["nodeConfig", "guestAccelerators", 0, "type"])).toBe("nodeConfig.guestAccelerators[0].type");
    expect(formatPath(["tags", "ml-workload"])).toBe('tags["ml-workload"]');
    expect(formatPath(["a b"])).toBe('["a b"]');
    expect(formatPath([3])).toBe("[3]");
    expect(formatPath([])).toBe("");
  });
});
