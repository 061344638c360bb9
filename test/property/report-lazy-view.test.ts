/**
 * The report's lazy views answer exactly what `buildView` answers, field by field, for arbitrary
 * and hostile resources (src/report/lazy-view.ts), and `pickRecordProps` picks what `recordProps`
 * would have merged.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ResourceInput, type ResourceView, buildView } from "../../src/engine/view";
import { type ResourceRecord, recordProps } from "../../src/inputs";
import { PROVIDER_TAG_KEYS, RecordInput, TAG_KEYS, lazyView, pickRecordProps } from "../../src/report/lazy-view";
import { RESOURCE_TYPES, SECRET_SIG, SENTINELS, hostileProps, hostileValue } from "./arbitraries";
import { VIEW_FIELD_NAMES, canon } from "./view-compare";
import { STACK_TYPES, anyStack, stackProps } from "./stack-arbitraries";

const FIELDS = VIEW_FIELD_NAMES;


function same(lazy: ResourceView, full: ResourceView, f: keyof ResourceView, label = String(f)): void {
  expect(canon(lazy[f]), label).toEqual(canon(full[f]));
}

function expectSameView(lazy: ResourceView, full: ResourceView): void {
  for (const f of FIELDS) same(lazy, full, f);
}

/** Read the fields in a random order: the answers must not depend on which came first. */
const order = fc.shuffledSubarray([...FIELDS], { minLength: FIELDS.length, maxLength: FIELDS.length });

const TYPES = [...new Set([...RESOURCE_TYPES, ...STACK_TYPES, "aws:s3/bucket:Bucket", "gcp:storage/bucket:Bucket", "pulumi:providers:aws", "random:index/randomId:RandomId"])];

const tagBag = fc.oneof(
  fc.dictionary(fc.constantFrom("team", "ml-workload", "env", "__proto__"), fc.oneof(fc.constantFrom("vision", "training", ...SENTINELS), fc.constant({ ...SECRET_SIG, ciphertext: "c" }), fc.integer())),
  hostileValue,
);
const props = fc.oneof(
  hostileProps,
  stackProps,
  fc.record({ tags: tagBag, labels: tagBag, nodeConfig: fc.record({ resourceLabels: tagBag, machineType: fc.constantFrom("g2-standard-8", "n1-standard-8") }), instanceType: fc.constantFrom("g6.xlarge", "m5.large", "p4d.24xlarge"), region: fc.constantFrom("us-east-1", "europe-west4", SENTINELS[0]!) }, { requiredKeys: [] }),
);
const providerProps = fc.oneof(fc.constant(undefined), hostileProps, fc.record({ region: fc.constantFrom("us-east-1", "us-central1"), defaultTags: fc.record({ tags: tagBag }), defaultLabels: tagBag }, { requiredKeys: [] }));

describe("lazyView", () => {
  it("answers every field as buildView does, whatever is read first", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), props, providerProps, order, (type, p, pp, fields) => {
        const input: ResourceInput = { urn: `urn:pulumi:s::p::${type}::r`, type, name: "r", props: p, ...(pp !== undefined ? { providerProps: pp } : {}) };
        const lazy = lazyView(input);
        const full = buildView(input);
        for (const f of fields) same(lazy, full, f);
      }),
      { numRuns: 300 },
    );
  });

  it("matches buildView on whole generated stacks", () => {
    fc.assert(
      fc.property(anyStack, (stack) => {
        for (const input of stack) expectSameView(lazyView(input), buildView(input));
      }),
      { numRuns: 100 },
    );
  });
});

describe("RecordInput", () => {
  const record = fc.record({
    type: fc.constantFrom(...TYPES),
    inputs: fc.oneof(props, fc.constant(undefined), fc.constant([1])),
    outputs: fc.oneof(props, fc.constant(undefined), fc.dictionary(fc.constantFrom(...TAG_KEYS, "instanceType"), fc.constantFrom(...SENTINELS, "x"))),
  });

  it("gives buildView the merged outputs-over-inputs (or inputs-only) props, and the same tags from a pick", () => {
    fc.assert(
      fc.property(record, record, fc.boolean(), order, (r, p, withProvider, fields) => {
        const toRecord = (x: typeof r, name: string): ResourceRecord => ({ urn: `urn:pulumi:s::p::${x.type}::${name}`, type: x.type, name, custom: true, inputs: x.inputs, outputs: x.outputs, dependencies: [], propertyDependencies: {} });
        const rec = toRecord(r, "r");
        const prov = toRecord(p, "prov");
        for (const mode of ["outputs", "inputs"] as const) {
          const provider = withProvider ? new RecordInput(prov, mode, undefined, recordProps) : undefined;
          const lazy = lazyView(new RecordInput(rec, mode, provider, recordProps));
          const propsOf = (x: ResourceRecord) => (mode === "outputs" ? recordProps(x) : x.inputs !== null && typeof x.inputs === "object" && !Array.isArray(x.inputs) ? x.inputs : {});
          const full = buildView({ urn: rec.urn, type: rec.type, name: rec.name, props: propsOf(rec), ...(withProvider ? { providerProps: propsOf(prov) } : {}), links: { dependencies: [], propertyDependencies: {} } });
          for (const f of fields) same(lazy, full, f, `${mode} ${String(f)}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("pickRecordProps(record, keys) is recordProps(record) restricted to keys", () => {
    fc.assert(
      fc.property(record, (r) => {
        const rec = { inputs: r.inputs, outputs: r.outputs };
        const merged = recordProps(rec);
        for (const keys of [TAG_KEYS, PROVIDER_TAG_KEYS, ["instanceType", "region"]]) {
          const expected: Record<string, unknown> = {};
          for (const k of keys) if (Object.prototype.hasOwnProperty.call(merged, k)) expected[k] = merged[k];
          expect(canon(pickRecordProps(rec, keys))).toEqual(canon(expected));
        }
      }),
      { numRuns: 300 },
    );
  });
});
