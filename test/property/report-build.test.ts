/**
 * buildReport never crashes on arbitrary stacks: hostile properties, secrets, unknowns, broken
 * links, odd stack tags and configs. Its output is always valid against docs/report-schema.json,
 * adds up, and never carries a secret's ciphertext.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InputItem, ResourceRecord, StackSnapshot } from "../../src/inputs";
import { InputError } from "../../src/inputs";
import { buildReport } from "../../src/report/build";
import { renderer } from "../../src/report/renderers";
import { schemaErrors } from "../report-pipeline/helpers";
import { RESOURCE_TYPES, SECRET_SIG, SENTINELS, hostileProps, hostileValue } from "./arbitraries";
import { STACK_TYPES, stackProps } from "./stack-arbitraries";

const CIPHERTEXT = "v1:report-property-CIPHERTEXT-never-shown";
const secretValue = fc.constant({ ...SECRET_SIG, ciphertext: CIPHERTEXT });
const TYPES = [...new Set([...RESOURCE_TYPES, ...STACK_TYPES, "aws:s3/bucket:Bucket", "gcp:storage/bucket:Bucket", "pulumi:pulumi:Stack"])];

const props = fc.oneof(
  hostileProps,
  stackProps,
  fc.record({ tags: fc.oneof(fc.dictionary(fc.constantFrom("team", "ml-workload"), fc.oneof(fc.constantFrom("vision", "training", "inference"), secretValue)), secretValue), instanceType: fc.constantFrom("g6.xlarge", "p4d.24xlarge", "ml.g5.2xlarge", "p3.2xlarge"), kmsKeyArn: secretValue, scalingConfig: fc.record({ minSize: fc.integer({ min: 0, max: 3 }), maxSize: fc.integer({ min: 0, max: 9 }) }) }, { requiredKeys: [] }),
);

const resource = fc.record({
  type: fc.constantFrom(...TYPES),
  inputs: fc.oneof(props, fc.constant(undefined)),
  outputs: fc.oneof(props, fc.constant(undefined), fc.constant(SENTINELS[0])),
  custom: fc.boolean(),
  provider: fc.integer({ min: -1, max: 2 }),
  name: fc.oneof(fc.constantFrom("a", "b", "<img src=x onerror=alert(1)>", "x::y"), fc.string({ maxLength: 8 })),
});

const providerRegion = fc.oneof(fc.constantFrom("us-east-1", "eu-north-1", "us-central1", "europe-west4", "mars-north-9", ...SENTINELS), secretValue, hostileValue);

const snapshot: fc.Arbitrary<StackSnapshot> = fc
  .record({
    project: fc.oneof(fc.constantFrom("ml", "web", ""), fc.string({ maxLength: 6 })),
    stack: fc.oneof(fc.constantFrom("prod", "dev"), fc.string({ maxLength: 6 })),
    resources: fc.array(resource, { maxLength: 8 }),
    providers: fc.array(fc.record({ cloud: fc.constantFrom("aws", "gcp"), region: providerRegion }), { minLength: 1, maxLength: 2 }),
    stackTags: fc.option(fc.dictionary(fc.constantFrom("team", "ml-workload", "cost-center", "__proto__"), fc.string({ maxLength: 6 })), { nil: undefined }),
    config: fc.option(fc.dictionary(fc.constantFrom("aws:region", "gcp:region", "gcp:zone"), fc.constantFrom("us-east-1", "us-central1-a", "nowhere")), { nil: undefined }),
    format: fc.constantFrom("stack-export" as const, "checkpoint" as const, "preview" as const),
  })
  .map(({ project, stack, resources, providers, stackTags, config, format }) => {
    const prefix = `urn:pulumi:${stack}::${project}::`;
    const providerRecords: ResourceRecord[] = providers.map((p, i) => ({
      urn: `${prefix}pulumi:providers:${p.cloud}::p${i}`,
      type: `pulumi:providers:${p.cloud}`,
      name: `p${i}`,
      custom: true,
      id: `id-${i}`,
      inputs: { region: p.region, project: "proj" },
      outputs: { region: p.region },
      dependencies: [],
      propertyDependencies: {},
    }));
    const records: ResourceRecord[] = resources.map((r, i) => ({
      urn: `${prefix}${r.type}::${r.name}${i}`,
      type: r.type,
      name: `${r.name}${i}`,
      custom: r.custom,
      inputs: r.inputs,
      outputs: r.outputs,
      dependencies: i > 0 ? [`${prefix}${resources[0]!.type}::${resources[0]!.name}0`] : [],
      propertyDependencies: {},
      ...(r.provider >= 0 && providerRecords[r.provider] ? { provider: `${providerRecords[r.provider]!.urn}::id-${r.provider}` } : r.provider === -1 ? { provider: "urn:pulumi:gone::x::pulumi:providers:aws::p::id" } : {}),
    }));
    return {
      source: `${project}-${stack}.json`,
      format,
      project,
      stack,
      ...(stackTags ? { stackTags } : {}),
      ...(config ? { config } : {}),
      resources: [...providerRecords, ...records],
      warnings: [],
    };
  });

const item: fc.Arbitrary<InputItem> = fc.oneof(
  { weight: 5, arbitrary: snapshot.map((s) => ({ kind: "stack" as const, snapshot: s })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map((s) => ({ kind: "error" as const, error: new InputError(`in-${s}.json`, "invalid JSON") })) },
);

describe("buildReport on arbitrary stacks", () => {
  it("never throws; the model is schema-valid, adds up, renders, and holds no ciphertext", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { maxLength: 5 }),
        fc.constantFrom("team", "project", "tag:cost-center"),
        fc.constantFrom("mandatory" as const, "advisory" as const, "never" as const),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (items, groupBy, failOn, utilization) => {
          const report = await buildReport({ inputs: items, groupBy, failOn, utilization, now: new Date("2026-06-01T00:00:00Z") });
          const json = JSON.stringify(report);
          expect(json).not.toContain(CIPHERTEXT);
          expect(schemaErrors(JSON.parse(json))).toEqual([]);
          expect(report.stacks.length + report.unreadable.length).toBe(items.length);
          expect(new Set(report.stacks.map((s) => s.id)).size).toBe(report.stacks.length);
          expect(report.groups.reduce((n, g) => n + g.stacks, 0)).toBe(report.stacks.length);
          const active = report.stacks.flatMap((s) => s.findings).filter((f) => !f.waived);
          expect(report.summary.findings.mandatory + report.summary.findings.advisory).toBe(active.length);
          expect(report.summary.failed).toBe(failOn === "never" ? false : failOn === "advisory" ? active.length > 0 : active.some((f) => f.level === "mandatory"));
          for (const s of report.stacks) {
            expect(["A", "B", "C", "D", "E", "F", "G", "n/a"]).toContain(s.grade.grade);
            expect(s.estimate.ceilingKgCo2ePerMonth + 1e-6).toBeGreaterThanOrEqual(s.estimate.floorKgCo2ePerMonth);
          }
          for (const format of ["json", "sarif", "junit", "markdown", "table"] as const) expect(renderer(format).render(report)).not.toContain(CIPHERTEXT);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
