import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { allRegions, cloudOfRegion, regionFacts, resolveRegion } from "../../src/data/regions";
import { CLOUDS, type Cloud } from "../../src/data/types";

const known: Record<Cloud, Set<string>> = {
  aws: new Set(allRegions("aws").map((r) => r.region)),
  gcp: new Set(allRegions("gcp").map((r) => r.region)),
};

const cloudArb = fc.constantFrom(...CLOUDS);

/** Strings that look like region and zone ids, plus any string at all. */
const regionish = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.stringMatching(/^[a-z]{2,12}(-[a-z]{2,10}){1,3}\d{0,2}(-\d{1,2})?[a-z]?(-[a-z0-9]{1,4})?$/),
  fc.constantFrom(...allRegions().map((r) => r.region)).chain((r) =>
    fc.tuple(fc.constant(r), fc.string({ maxLength: 6 })).map(([a, b]) => a + b),
  ),
  fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "", " ", "\u0000", "use1-az1", "us-east-1-bos-1a"),
);

describe("region lookups never throw, and only ever answer with a known region", () => {
  it("resolveRegion: undefined or a known region of that cloud", () => {
    fc.assert(
      fc.property(cloudArb, regionish, (cloud, s) => {
        const r = resolveRegion(cloud, s);
        expect(r === undefined || known[cloud].has(r)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("resolveRegion is idempotent: a resolved region resolves to itself", () => {
    fc.assert(
      fc.property(cloudArb, regionish, (cloud, s) => {
        const r = resolveRegion(cloud, s);
        if (r !== undefined) expect(resolveRegion(cloud, r)).toBe(r);
      }),
      { numRuns: 1000 },
    );
  });

  it("regionFacts agrees with resolveRegion", () => {
    fc.assert(
      fc.property(cloudArb, regionish, (cloud, s) => {
        const f = regionFacts(cloud, s);
        expect(f?.region).toBe(resolveRegion(cloud, s));
        if (f) expect(f.cloud).toBe(cloud);
      }),
      { numRuns: 1000 },
    );
  });

  it("cloudOfRegion: undefined or a cloud, and the cloud of anything resolvable", () => {
    fc.assert(
      fc.property(regionish, (s) => {
        const c = cloudOfRegion(s);
        expect(c === undefined || (CLOUDS as readonly string[]).includes(c)).toBe(true);
        for (const cloud of CLOUDS) if (resolveRegion(cloud, s) !== undefined) expect(c).toBe(cloud);
      }),
      { numRuns: 2000 },
    );
  });

  it("non-string input from JavaScript callers gives undefined, not an exception", () => {
    fc.assert(
      fc.property(fc.anything(), cloudArb, (x, cloud) => {
        expect(resolveRegion(cloud, x as string)).toBeUndefined();
        expect(regionFacts(cloud, x as string)).toBeUndefined();
        expect(cloudOfRegion(x as string)).toBeUndefined();
      }),
      { numRuns: 300, examples: [[undefined, "aws"], [null, "gcp"], [42, "aws"], [{}, "gcp"]] },
    );
  });
});

describe("zones of known regions resolve to their region", () => {
  it("every GCP region with any zone suffix -a..-z", () => {
    fc.assert(
      fc.property(fc.constantFrom(...known.gcp), fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"), (region, z) => {
        expect(resolveRegion("gcp", `${region}-${z}`)).toBe(region);
        expect(cloudOfRegion(`${region}-${z}`)).toBe("gcp");
      }),
    );
  });

  it("every AWS region with an AZ letter", () => {
    fc.assert(
      fc.property(fc.constantFrom(...known.aws), fc.constantFrom(..."abcdef"), (region, z) => {
        expect(resolveRegion("aws", `${region}${z}`)).toBe(region);
        expect(cloudOfRegion(`${region}${z}`)).toBe("aws");
      }),
    );
  });
});
