/**
 * `parsedConfig` (src/engine/evaluate.ts) parses a rule's config once per distinct config, for
 * the pack (a fresh copy of the same JSON per validation) and the report (one object): it must
 * give exactly what `rule.parseConfig` gives, errors included, whatever sequence of configs comes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsedConfig } from "../../src/engine/evaluate";
import type { AnyRule } from "../../src/engine/rule";
import { RULES } from "../../src/rules";

function outcome(f: () => unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Plausible and implausible configs: each rule's own property names with any JSON values. */
const keys = [...new Set(RULES.flatMap((r) => Object.keys((r.meta.configSchema as { properties?: object } | undefined)?.properties ?? {})))];
const config = fc.oneof(
  fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(undefined),
);

describe("parsedConfig", () => {
  it("equals rule.parseConfig for every config in any sequence, fresh copies or the same object (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RULES), fc.array(fc.tuple(config, fc.constantFrom("copy", "same")), { minLength: 1, maxLength: 8 }), (rule, sequence) => {
        let previous: unknown;
        for (const [raw, how] of sequence) {
          const given = how === "same" && previous !== undefined ? previous : raw === undefined ? undefined : JSON.parse(JSON.stringify(raw));
          expect(outcome(() => parsedConfig(rule, given))).toEqual(outcome(() => rule.parseConfig(given)));
          previous = given;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("parses an equal config once, however many copies come", () => {
    const base = RULES[0] as AnyRule;
    let calls = 0;
    const rule: AnyRule = { ...base, parseConfig: (raw: unknown) => (calls++, base.parseConfig(raw)) };
    for (let i = 0; i < 50; i++) parsedConfig(rule, {});
    expect(calls).toBe(1);
    parsedConfig(rule, { maxGridIntensity: 10 });
    parsedConfig(rule, { maxGridIntensity: 10 });
    expect(calls).toBe(2);
  });
});
