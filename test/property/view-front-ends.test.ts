/**
 * The pack's views and the report's views of the same resources agree on every field. Both come
 * from one builder (src/engine/view.ts `VIEW_FIELDS`); this checks the two ways of reading the
 * input (the pack: whole bags as Analyze hands them; the report: snapshot records read lazily, tags
 * from their keys alone) through each front end's own entry points, for generated snapshots:
 *
 * - resource policies: the pack's `sharedView` of the resource's inputs and its provider's inputs
 *   vs the report's `lazyView` of the record's inputs (`snapshotLazyInputs().inputs`);
 * - stack policies: the pack-side `buildStackView` of the snapshot vs the report's `lazyStackView`
 *   of its outputs over inputs.
 *
 * The fields compared are the builder's own list, so a field added to it is compared here too.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NO_LINKS, buildStackView } from "../../src/engine/view";
import { type ResourceRecord, type StackSnapshot, snapshotStackContext, snapshotToResourceInputs } from "../../src/inputs";
import { sharedView } from "../../src/pack/shared-view";
import { lazyStackView, lazyView } from "../../src/report/lazy-view";
import { snapshotLazyInputs } from "../../src/report/stack";
import { RESOURCE_TYPES, SECRET_SIG, SENTINELS, hostileProps, hostileValue } from "./arbitraries";
import { VIEW_FIELD_NAMES, canon } from "./view-compare";
import { STACK_TYPES, stackProps } from "./stack-arbitraries";

const FIELDS = VIEW_FIELD_NAMES;


const TYPES = [...new Set([...RESOURCE_TYPES, ...STACK_TYPES, "aws:s3/bucket:Bucket", "gcp:storage/bucket:Bucket", "gcp:container/cluster:Cluster", "random:index/randomId:RandomId"])];

const tagBag = fc.oneof(
  fc.dictionary(fc.constantFrom("team", "ml-workload", "env", "__proto__"), fc.oneof(fc.constantFrom("vision", "training", "inference", ...SENTINELS), fc.constant({ ...SECRET_SIG, ciphertext: "c" }), fc.integer())),
  fc.array(fc.record({ key: fc.constantFrom("team", "ml-workload", SENTINELS[0]!), value: fc.constantFrom("x", "training", SENTINELS[0]!), propagateAtLaunch: fc.boolean() }), { maxLength: 3 }),
  hostileValue,
);
/** Shaped like the resources rules read (every tag location, GKE labels included), or hostile. */
const props = fc.oneof(
  hostileProps,
  stackProps,
  fc.record(
    {
      tags: tagBag,
      labels: tagBag,
      resourceLabels: tagBag,
      gceSetup: fc.record({ labels: tagBag, machineType: fc.constantFrom("g2-standard-8", "n2-standard-4") }, { requiredKeys: [] }),
      nodeConfig: fc.record({ resourceLabels: tagBag, machineType: fc.constantFrom("g2-standard-8", "n1-standard-8", "a3-highgpu-8g") }, { requiredKeys: [] }),
      instanceType: fc.constantFrom("g6.xlarge", "m5.large", "p4d.24xlarge", "ml.g5.xlarge"),
      region: fc.constantFrom("us-east-1", "europe-west4", "eu-north-1", SENTINELS[0]!),
      location: fc.constantFrom("us-central1-a", "europe-north1", SENTINELS[0]!),
    },
    { requiredKeys: [] },
  ),
);
const providerInputs = fc.oneof(
  hostileProps,
  fc.record(
    {
      region: fc.constantFrom("us-east-1", "us-central1", SENTINELS[0]!),
      defaultTags: fc.oneof(fc.record({ tags: tagBag }), fc.constant(JSON.stringify({ tags: { team: "vision", "ml-workload": "training" } }))),
      defaultLabels: fc.oneof(tagBag, fc.constant(JSON.stringify({ team: "vision" }))),
    },
    { requiredKeys: [] },
  ),
);

const snapshot: fc.Arbitrary<StackSnapshot> = fc
  .record({
    provider: fc.option(fc.record({ cloud: fc.constantFrom("aws", "gcp"), inputs: providerInputs, outputs: fc.option(providerInputs, { nil: undefined }) }), { nil: undefined }),
    resources: fc.array(fc.record({ type: fc.constantFrom(...TYPES), inputs: props, outputs: fc.option(props, { nil: undefined }), withProvider: fc.boolean() }), { minLength: 1, maxLength: 6 }),
    stackTags: fc.dictionary(fc.constantFrom("ml-workload", "team"), fc.constantFrom("training", "inference", "vision")),
    config: fc.dictionary(fc.constantFrom("aws:region", "gcp:region", "gcp:project"), fc.constantFrom("us-east-1", "us-central1", "eu-north-1")),
  })
  .map(({ provider, resources, stackTags, config }) => {
    const records: ResourceRecord[] = [];
    let providerRef: string | undefined;
    if (provider) {
      const urn = `urn:pulumi:s::p::pulumi:providers:${provider.cloud}::default`;
      providerRef = `${urn}::prov-id`;
      records.push({ urn, type: `pulumi:providers:${provider.cloud}`, name: "default", custom: true, id: "prov-id", inputs: provider.inputs, outputs: provider.outputs ?? provider.inputs, dependencies: [], propertyDependencies: {} });
    }
    resources.forEach((r, i) => {
      const urn = `urn:pulumi:s::p::${r.type}::r${i}`;
      records.push({
        urn,
        type: r.type,
        name: `r${i}`,
        custom: true,
        id: `id-${i}`,
        inputs: r.inputs,
        outputs: r.outputs,
        ...(r.withProvider && providerRef ? { provider: providerRef } : {}),
        dependencies: i > 0 ? [`urn:pulumi:s::p::${resources[i - 1]!.type}::r${i - 1}`] : [],
        propertyDependencies: {},
      });
    });
    return { source: "generated.json", format: "checkpoint", project: "p", stack: "s", stackTags, config, resources: records, warnings: [] } as unknown as StackSnapshot;
  });

/** Read the fields in a random order: a lazy view's answers must not depend on which came first. */
const order = fc.shuffledSubarray([...FIELDS], { minLength: FIELDS.length, maxLength: FIELDS.length });

describe("the pack's and the report's views", () => {
  it("compare every field the builder defines (and the pack's view has no other)", () => {
    const view = sharedView({ urn: "urn:pulumi:s::p::aws:ec2/instance:Instance::x", type: "aws:ec2/instance:Instance", name: "x", props: { instanceType: "g6.xlarge" } }, snapshotStackContext({ resources: [] } as unknown as StackSnapshot));
    expect(Object.keys(view).sort()).toEqual([...FIELDS].sort());
    expect(FIELDS.length).toBeGreaterThanOrEqual(14);
  });

  it("agree on every field for each resource as resource policies see it (inputs)", () => {
    fc.assert(
      fc.property(snapshot, order, (snap, fields) => {
        const stack = snapshotStackContext(snap);
        const byUrn = new Map(snap.resources.map((r) => [r.urn, r] as const));
        const report = snapshotLazyInputs(snap).inputs.map((input) => lazyView(input, stack));
        expect(report.length).toBe(snap.resources.length);
        for (const lazy of report) {
          const record = byUrn.get(lazy.urn)!;
          const provider = record.provider ? byUrn.get(record.provider.split("::").slice(0, -1).join("::")) : undefined;
          // What Analyze hands a resource policy: the resource's inputs and its provider's inputs.
          const pack = sharedView({ urn: record.urn, type: record.type, name: record.name, props: record.inputs, providerProps: provider?.inputs }, stack);
          for (const f of fields) {
            // Analyze gives a resource policy no links; the report's input views keep the record's.
            if (f === "links") expect(pack.links, record.urn).toEqual(NO_LINKS);
            else expect(canon(lazy[f]), `${record.type} ${String(f)}`).toEqual(canon(pack[f]));
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("agree on every field for each resource as stack policies and the estimator see it (outputs over inputs)", () => {
    fc.assert(
      fc.property(snapshot, order, (snap, fields) => {
        const stack = snapshotStackContext(snap);
        const pack = buildStackView(snapshotToResourceInputs(snap), stack);
        const report = lazyStackView(snapshotLazyInputs(snap).outputs, stack);
        expect(report.resources.map((r) => r.urn)).toEqual(pack.resources.map((r) => r.urn));
        pack.resources.forEach((full, i) => {
          const lazy = report.resources[i]!;
          for (const f of fields) expect(canon(lazy[f]), `${full.type} ${String(f)}`).toEqual(canon(full[f]));
        });
      }),
      { numRuns: 200 },
    );
  });
});
