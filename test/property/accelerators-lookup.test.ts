/**
 * Property tests for the accelerator lookups: any input is safe (never throws, never returns a
 * wrong-cloud entry), and name matching is ASCII case-insensitive and whitespace-trimming.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  acceleratorModel,
  allGcpAccelerators,
  allInstanceTypes,
  cloudRunGpuRegions,
  lookupGcpAccelerator,
  lookupInstanceType,
  lookupSageMakerType,
  lookupTpuType,
  lookupUncatalogedOffering,
  looksAccelerated,
} from "../../src/data/accelerators";
import type { Cloud } from "../../src/data/types";

const KNOWN_TYPES = allInstanceTypes().map((t) => ({ cloud: t.cloud, name: t.name }));
const KNOWN_TOKENS = allGcpAccelerators().map((t) => t.token);
const SAMPLES = [
  "p4d.24xlarge",
  "ml.p4d.24xlarge",
  "ml.",
  "ml.ml.g6.xlarge",
  "g6.xlarge",
  "a3-highgpu-8g",
  "v5litepod-8",
  "NVIDIA_L4",
  "nvidia-l4",
  "TPU_V5_LITEPOD",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "/",
  "zones/us-central1-a/machineTypes/",
  ".",
  "\u0000",
  "K", // Kelvin sign: must not fold to "k"
  "ınf2.xlarge", // dotless i
  "p4d.24xlarge\u200b",
];

/** Flip the ASCII case of some letters. */
function mixCase(s: string, mask: readonly boolean[]): string {
  let i = 0;
  return s.replace(/[a-zA-Z]/g, (c) => {
    const flip = mask[i++ % Math.max(mask.length, 1)] ?? false;
    if (!flip) return c;
    return c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
  });
}

const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(...SAMPLES),
  fc.string().map((s) => `ml.${s}`),
  fc.string().map((s) => `projects/x/zones/y/machineTypes/${s}`),
  fc.constantFrom(...KNOWN_TYPES.map((t) => t.name)).map((s) => `${s}${"x".repeat(3)}`),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => "p".repeat(n)),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => `${" ".repeat(n)}p4d.24xlarge${" ".repeat(n)}`),
);

const anyCloud: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("aws", "gcp"),
  fc.constantFrom("AWS", "azure", "", "__proto__"),
  fc.anything(),
);

describe("accelerator lookups: any input is safe", () => {
  it("never throw for arbitrary strings (unicode, huge, ml.-prefixed, self-links)", () => {
    fc.assert(
      fc.property(hostileString, fc.constantFrom<Cloud>("aws", "gcp"), (s, cloud) => {
        const r = lookupInstanceType(cloud, s);
        if (r !== undefined) expect(r.cloud).toBe(cloud);
        lookupGcpAccelerator(s);
        lookupTpuType(s);
        lookupSageMakerType(s);
        lookupUncatalogedOffering(cloud, s);
        expect(typeof looksAccelerated(cloud, s)).toBe("boolean");
        acceleratorModel(s);
        expect(Array.isArray(cloudRunGpuRegions(s))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("never throw for non-string inputs or bogus clouds", () => {
    fc.assert(
      fc.property(anyCloud, fc.anything(), (cloud, name) => {
        const c = cloud as Cloud;
        const n = name as string;
        lookupInstanceType(c, n);
        looksAccelerated(c, n);
        lookupUncatalogedOffering(c, n);
        lookupGcpAccelerator(n);
        lookupTpuType(n);
        acceleratorModel(n);
        cloudRunGpuRegions(n);
        allInstanceTypes(c);
      }),
      { numRuns: 200 },
    );
  });

  it("prototype keys are not types", () => {
    for (const s of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      expect(lookupInstanceType("aws", s)).toBeUndefined();
      expect(lookupInstanceType("gcp", s)).toBeUndefined();
      expect(lookupGcpAccelerator(s)).toBeUndefined();
      expect(lookupTpuType(s)).toBeUndefined();
      expect(acceleratorModel(s)).toBeUndefined();
      expect(looksAccelerated("aws", s)).toBe(false);
      expect(looksAccelerated("gcp", s)).toBe(false);
    }
  });
});

describe("accelerator lookups: case-insensitive, trimming", () => {
  it("every known type resolves under any ASCII casing and surrounding whitespace", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KNOWN_TYPES),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        fc.constantFrom("", " ", "\t", "\n ", "\u00a0"),
        fc.constantFrom("", " ", "\r\n"),
        ({ cloud, name }, mask, pre, post) => {
          const r = lookupInstanceType(cloud, `${pre}${mixCase(name, mask)}${post}`);
          expect(r?.name).toBe(name);
          expect(r?.cloud).toBe(cloud);
          expect(looksAccelerated(cloud, mixCase(name, mask))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("ml.-prefixed AWS types resolve to their twin under any casing", () => {
    const aws = KNOWN_TYPES.filter((t) => t.cloud === "aws" && lookupInstanceType("aws", `ml.${t.name}`) !== undefined);
    expect(aws.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(fc.constantFrom(...aws), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), ({ name }, mask) => {
        const r = lookupInstanceType("aws", mixCase(`ml.${name}`, mask));
        expect(r?.name).toBe(name);
        expect(r?.sagemakerUpperBound).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("GCP tokens resolve under any casing and with '-'/'_' swapped", () => {
    fc.assert(
      fc.property(fc.constantFrom(...KNOWN_TOKENS), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.boolean(), (token, mask, underscores) => {
        const s = mixCase(underscores ? token.replace(/-/g, "_") : token, mask);
        expect(lookupGcpAccelerator(s)?.token).toBe(token);
      }),
      { numRuns: 200 },
    );
  });

  it("for arbitrary strings, the result ignores ASCII case (except requestedName)", () => {
    fc.assert(
      fc.property(hostileString, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.constantFrom<Cloud>("aws", "gcp"), (s, mask, cloud) => {
        const strip = (r: ReturnType<typeof lookupInstanceType>) => (r === undefined ? undefined : { ...r, requestedName: "" });
        const t = mixCase(s, mask);
        expect(strip(lookupInstanceType(cloud, t))).toEqual(strip(lookupInstanceType(cloud, s)));
        expect(looksAccelerated(cloud, t)).toBe(looksAccelerated(cloud, s));
        expect(lookupGcpAccelerator(t)).toBe(lookupGcpAccelerator(s));
        expect(lookupTpuType(t)).toBe(lookupTpuType(s));
      }),
      { numRuns: 300 },
    );
  });

  it("non-ASCII look-alikes do not match", () => {
    expect(lookupInstanceType("aws", "ınf2.xlarge")).toBeUndefined();
    expect(lookupInstanceType("aws", "p4d.24xlarge\u200b")).toBeUndefined();
    expect(lookupInstanceType("aws", "\u212a")).toBeUndefined();
  });
});
