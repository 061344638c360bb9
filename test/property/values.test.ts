/**
 * `normalizeProps` copies only what changes (copy-on-write) yet answers exactly as a full copy
 * would, and the fast unknown-sentinel check agrees with the sentinel table on every string.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UNKNOWN_SENTINELS, isOpaque, isUnknownSentinel, normalizeProps } from "../../src/engine/values";
import { SENTINELS, hostileProps } from "./arbitraries";

/** A straightforward full copy with the same replacements: the reference `normalizeProps` must match. */
function reference(value: unknown): unknown {
  if (typeof value === "string") return Object.prototype.hasOwnProperty.call(UNKNOWN_SENTINELS, value) ? { opaque: "unknown" } : value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value;
  if (value === null || typeof value !== "object") return null;
  if (Array.isArray(value)) return value.map(reference);
  const record = value as Record<string, unknown>;
  const sig = record["4dabf18193072939515e22adb298388d"];
  if (sig === "1b47061264138c4ac30d75fd1eb44270") return { opaque: "secret" };
  if (typeof sig === "string") return { opaque: "unknown" };
  return Object.fromEntries(Object.keys(record).map((k) => [k, reference(record[k])]));
}

function canon(value: unknown): unknown {
  if (isOpaque(value)) return { opaque: value.reason };
  if (Array.isArray(value)) return value.map(canon);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.keys(value).map((k) => [k, canon((value as Record<string, unknown>)[k])]));
  return value;
}

describe("normalizeProps", () => {
  it("equals a full copy with secrets and unknowns replaced, and shares only subtrees that needed no change", () => {
    fc.assert(
      fc.property(hostileProps, (raw) => {
        const json = JSON.parse(JSON.stringify(raw ?? {})) as unknown;
        const input = json !== null && typeof json === "object" && !Array.isArray(json) ? json : {};
        const before = JSON.stringify(input);
        const out = normalizeProps(input);
        expect(canon(out)).toEqual(reference(input));
        // The input is never changed, and nothing the output shares with it holds a secret or a sentinel.
        expect(JSON.stringify(input)).toBe(before);
        const shared = (o: unknown, i: unknown): void => {
          if (o === i && o !== null && typeof o === "object") {
            const text = JSON.stringify(o);
            expect(text).not.toContain("1b47061264138c4ac30d75fd1eb44270");
            for (const s of Object.keys(UNKNOWN_SENTINELS)) expect(text).not.toContain(`"${s}"`);
            return;
          }
          if (o !== null && typeof o === "object" && i !== null && typeof i === "object" && !isOpaque(o)) {
            for (const k of Object.keys(o)) shared((o as Record<string, unknown>)[k], (i as Record<string, unknown>)[k]);
          }
        };
        shared(out, input);
      }),
      { numRuns: 300 },
    );
  });
});

describe("isUnknownSentinel", () => {
  it("agrees with the sentinel table on any string", () => {
    const anyString = fc.oneof(fc.string(), fc.constantFrom(...SENTINELS, "constructor", "toString", "__proto__", "04da6b54-80e4-46f7-96ec-b56ff0331ba8"), fc.uuid());
    fc.assert(
      fc.property(anyString, (s) => {
        expect(isUnknownSentinel(s)).toBe(Object.prototype.hasOwnProperty.call(UNKNOWN_SENTINELS, s));
      }),
    );
  });
});
