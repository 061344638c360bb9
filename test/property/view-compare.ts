/** Comparing resource views field by field (test/property/report-lazy-view.test.ts, view-front-ends.test.ts). */
import { isOpaque } from "../../src/engine/values";
import { type ResourceView, VIEW_FIELDS } from "../../src/engine/view";

/** Every field the one builder defines (src/engine/view.ts), so a new field is compared too. */
export const VIEW_FIELD_NAMES = Object.keys(VIEW_FIELDS) as (keyof ResourceView)[];

/**
 * A comparable form: own enumerable properties only (a `__proto__` key is kept as an own data
 * property, which toEqual would not compare), Maps as entries, Opaque markers by reason and type.
 */
export function canon(v: unknown): unknown {
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [k, canon(x)]);
  if (Array.isArray(v)) return v.map(canon);
  if (isOpaque(v)) return { opaque: v.reason, valueType: v.valueType };
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canon(x)]));
  return v;
}
