/**
 * Waiver loading and application under arbitrary input: the loader never throws, every problem
 * names its entry (and field), and nothing but a valid, matching, current waiver ever waives.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  MATCH_FIELDS,
  applyWaivers,
  completeTarget,
  evaluateWaivers,
  globMatches,
  parseWaiverText,
  validateWaiverDocument,
  validateWaiverEntries,
  waiverMatches,
  waiverSetFromEntries,
} from "../../src/waivers";

const SRC = "/w/waivers.yaml";
const NOW = new Date("2030-06-15T12:00:00Z");
const FIELDS = ["policy", "match", "reason", "expires", "approvedBy", "requestedBy", "ticket", "category"];

const isoDay = fc.integer({ min: -400, max: 400 }).map((d) => new Date(NOW.getTime() + d * DAY_MS).toISOString().slice(0, 10));
const glob = fc.oneof(fc.constantFrom("*", "llm-*", "urn:pulumi:prod::*", "aws:sagemaker/*", "prod", "?lm"), fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ""));
const matchArb = fc.dictionary(fc.constantFrom(...MATCH_FIELDS), glob, { minKeys: 1, maxKeys: 3 });
const validEntry = fc.record(
  {
    policy: fc.constantFrom("ml-clean-energy-region", "ml-*", "accelerator-fit"),
    match: matchArb,
    reason: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== ""),
    expires: isoDay,
    approvedBy: fc.constantFrom("jane@example.com", "platform"),
    ticket: fc.constantFrom("PLAT-1", "ML-22"),
    category: fc.constantFrom("waiver", "mitigated"),
  },
  { requiredKeys: ["policy", "match", "reason", "expires"] },
);

/** A valid entry with one field broken: removed, or replaced by an arbitrary JSON value. */
const brokenEntry = fc.tuple(validEntry, fc.constantFrom("policy", "match", "reason", "expires", "category", "extra"), fc.option(fc.jsonValue(), { nil: undefined })).map(([e, field, value]) => {
  const copy: Record<string, unknown> = { ...e };
  if (value === undefined) delete copy[field];
  else copy[field] = value;
  return { entry: copy, field };
});

const target = fc.record({
  policy: fc.constantFrom("ml-clean-energy-region", "accelerator-fit", "other"),
  urn: fc.constantFrom("urn:pulumi:prod::llm::aws:sagemaker/endpointConfiguration:EndpointConfiguration::llm-a", "urn:pulumi:dev::web::aws:ec2/instance:Instance::prod", "not-a-urn"),
  tags: fc.dictionary(fc.constantFrom("carbonguard-waiver", "carbonguard-waiver_ml-clean-energy-region", "team"), fc.string({ maxLength: 40 }), { maxKeys: 2 }),
});

describe("the waiver loader never throws", () => {
  it("on arbitrary text, as YAML or JSON", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom("yaml" as const, "json" as const), (text, format) => {
        const r = parseWaiverText(text, SRC, format);
        for (const p of r.problems) expect(p.source).toBe(SRC);
      }),
      { numRuns: 500 },
    );
  });

  it("on YAML-ish documents built from waiver-like keys", () => {
    const line = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom("- ", ""), fc.constantFrom(...FIELDS, "waivers", "urn", "name", "version"), fc.constantFrom(": ", ":", " "), fc.oneof(fc.string({ maxLength: 12 }), isoDay, fc.constant("[a, b]"), fc.constant("{x: 1}")));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const text = lines.map(([indent, dash, key, sep, value]) => `${"  ".repeat(indent)}${dash}${key}${sep}${value}`).join("\n");
        expect(() => parseWaiverText(text, SRC)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it("on arbitrary JSON documents; an entry's problems name that entry", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        const r = validateWaiverDocument(doc, SRC);
        const list = Array.isArray(doc) ? doc : doc !== null && typeof doc === "object" && Array.isArray((doc as Record<string, unknown>)["waivers"]) ? ((doc as Record<string, unknown>)["waivers"] as unknown[]) : [];
        for (const p of r.problems) {
          expect(p.source).toBe(SRC);
          if (p.index !== undefined) expect(p.index).toBeLessThan(list.length);
        }
        expect(r.waivers.length + new Set(r.problems.filter((p) => p.index !== undefined).map((p) => p.index)).size).toBeLessThanOrEqual(list.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe("validation", () => {
  it("valid entries load", () => {
    fc.assert(
      fc.property(fc.array(validEntry, { maxLength: 5 }), (entries) => {
        const r = validateWaiverEntries(entries, SRC);
        expect(r.problems).toEqual([]);
        expect(r.waivers.map((w) => w.origin.index)).toEqual(entries.map((_, i) => i));
      }),
    );
  });

  it("a broken field either still validates or is reported at its index, naming the field", () => {
    fc.assert(
      fc.property(fc.array(validEntry, { maxLength: 3 }), brokenEntry, fc.array(validEntry, { maxLength: 3 }), (before, { entry, field }, after) => {
        const r = validateWaiverEntries([...before, entry, ...after], SRC);
        const at = before.length;
        for (const p of r.problems) {
          expect(p.index).toBe(at);
          expect(p.field?.split(".")[0]).toBe(field);
        }
        const loaded = r.waivers.some((w) => w.origin.index === at);
        expect(loaded).toBe(r.problems.length === 0);
      }),
      { numRuns: 500 },
    );
  });
});

describe("application", () => {
  it("fails closed: a set with any problem waives nothing", () => {
    fc.assert(
      fc.property(fc.array(validEntry, { maxLength: 3 }), brokenEntry, fc.array(target, { maxLength: 5 }), (good, { entry }, targets) => {
        const set = waiverSetFromEntries([...good, entry], SRC, { allowTagWaivers: true });
        fc.pre(set.problems.length > 0);
        for (const f of applyWaivers(targets, set, NOW)) {
          expect(f.waived).toBeUndefined();
          expect(f.waiverProblem?.kind).toBe("invalid-waivers");
        }
      }),
    );
  });

  it("waived only by a matching waiver that has not expired and is within the horizon", () => {
    fc.assert(
      fc.property(fc.array(validEntry, { maxLength: 5 }), target, fc.integer({ min: 1, max: 400 }), (entries, t, horizon) => {
        const set = waiverSetFromEntries(entries, SRC, { maxHorizonDays: horizon });
        const out = evaluateWaivers({ policy: t.policy, urn: t.urn }, set, NOW);
        if (out.state !== "waived") return;
        const w = set.waivers[out.waived.origin.index!]!;
        expect(waiverMatches(w, completeTarget({ policy: t.policy, urn: t.urn }))).toBe(true);
        expect(w.expires.getTime()).toBeGreaterThan(NOW.getTime());
        expect(w.expires.getTime() - NOW.getTime()).toBeLessThanOrEqual(horizon * DAY_MS);
      }),
      { numRuns: 300 },
    );
  });

  it("tag waivers are never honoured while they are off; evaluation never throws on arbitrary tags", () => {
    fc.assert(
      fc.property(target, (t) => {
        const off = evaluateWaivers(t, waiverSetFromEntries([], SRC), NOW);
        expect(off.state).not.toBe("waived");
        expect(() => evaluateWaivers(t, waiverSetFromEntries([], SRC, { allowTagWaivers: true }), NOW)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe("globs", () => {
  const literal = fc.string({ maxLength: 30 }).filter((s) => !s.includes("*") && !s.includes("?"));
  it("a glob without wildcards matches exactly itself; `*` matches anything; prefix* matches its extensions", () => {
    fc.assert(
      fc.property(literal, literal, (a, b) => {
        expect(globMatches(a, a)).toBe(true);
        expect(globMatches(a, b)).toBe(a === b);
        expect(globMatches("*", a)).toBe(true);
        expect(globMatches(`${a}*`, a + b)).toBe(true);
        expect(globMatches(`*${b}`, a + b)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
