/**
 * Property-based tests for the readers the accelerator policies depend on: instance/machine type
 * parsing (any spelling of a catalog type is that type; an unknown type of an accelerated family is
 * "unknown accelerated", never CPU; CPU types stay CPU) and JSON-string task definitions (ECS
 * `containerDefinitions`, Batch `containerProperties` / `nodeProperties` / `ecsProperties`).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { type InstanceTypeInfo, allInstanceTypes, lookupInstanceType, looksAccelerated } from "../../src/data/accelerators";
import { classifyAccelerators } from "../../src/engine/accelerator-classification";
import { scanAccelerators } from "../../src/engine/accelerator-scan";
import { evaluateRule } from "../../src/engine/evaluate";
import type { Finding, Outcome } from "../../src/engine/rule";
import { normalizeProps } from "../../src/engine/values";
import { buildView } from "../../src/engine/view";
import { acceleratorCurrentGeneration } from "../../src/rules/accelerator-current-generation";
import { acceleratorFitsWorkload } from "../../src/rules/accelerator-fits-workload";
import { mlWorkloadDeclared } from "../../src/rules/ml-workload-declared";
import { PLANTED_SECRET } from "./arbitraries";

const RULES3 = [mlWorkloadDeclared, acceleratorFitsWorkload, acceleratorCurrentGeneration];
const findings = (o: readonly Outcome[]) => o.filter((x): x is Finding => x.kind === "violation");

function viewOf(type: string, props: Record<string, unknown>, tags?: Record<string, string>) {
  const tagKey = type.startsWith("gcp:") ? "labels" : "tags";
  return buildView({ urn: "u", type, name: "n", props: tags ? { ...props, [tagKey]: tags } : props }, { stackTags: new Map(), stackConfig: {} });
}

function checkMessages(outcomes: readonly Outcome[]): void {
  for (const f of findings(outcomes)) {
    expect(f.ruleError, f.message).toBeUndefined();
    expect(f.message).not.toMatch(/NaN|undefined|Infinity|\[object Object\]/);
    expect(JSON.stringify(f)).not.toContain(PLANTED_SECRET);
  }
}

// ---------------------------------------------------------------------------------------------
// Instance type parsing

/** Random ASCII case per character. */
function caseMix(s: string, flips: readonly boolean[]): string {
  return [...s].map((ch, i) => (flips[i % Math.max(1, flips.length)] ? ch.toUpperCase() : ch.toLowerCase())).join("");
}

const whitespace = fc.constantFrom("", " ", "  ", "\t", "\n", " \t ");
const flips = fc.array(fc.boolean(), { minLength: 1, maxLength: 12 });

const catalogType = fc.constantFrom(...allInstanceTypes());

interface Spelled {
  readonly info: InstanceTypeInfo;
  readonly written: string;
  readonly type: string;
  readonly props: Record<string, unknown>;
}

/** A catalog type, spelled as a user might (case, whitespace, `ml.`, self-link) on a resource that takes it. */
const spelledCatalogType: fc.Arbitrary<Spelled> = fc
  .record({ info: catalogType, before: whitespace, after: whitespace, flips, sagemaker: fc.boolean(), selfLink: fc.boolean() })
  .map(({ info, before, after, flips: f, sagemaker, selfLink }) => {
    if (info.cloud === "aws") {
      const core = sagemaker ? `ml.${info.name}` : info.name;
      const written = `${before}${caseMix(core, f)}${after}`;
      return sagemaker
        ? { info, written, type: "aws:sagemaker/notebookInstance:NotebookInstance", props: { instanceType: written } }
        : { info, written, type: "aws:ec2/instance:Instance", props: { instanceType: written } };
    }
    if (info.kind === "tpu") {
      const written = `${before}${caseMix(info.name, f)}${after}`;
      return { info, written, type: "gcp:tpu/v2Vm:V2Vm", props: { acceleratorType: written } };
    }
    const core = selfLink ? `https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/machineTypes/${info.name}` : info.name;
    const written = `${before}${caseMix(core, f)}${after}`;
    return { info, written, type: "gcp:container/nodePool:NodePool", props: { nodeConfig: { machineType: written } } };
  });

const awsUnknownFamily = fc
  .record({
    prefix: fc.constantFrom("p", "g", "gr", "inf", "trn", "dl"),
    gen: fc.integer({ min: 7, max: 99 }),
    suffix: fc.constantFrom("", "e", "n", "dn", "x"),
    size: fc.constantFrom("xlarge", "2xlarge", "12xlarge", "48xlarge", "metal"),
  })
  .map(({ prefix, gen, suffix, size }) => `${prefix}${gen}${suffix}.${size}`)
  .filter((n) => lookupInstanceType("aws", n) === undefined);

const gcpUnknownFamily = fc
  .oneof(
    fc.record({ gen: fc.integer({ min: 2, max: 99 }), kind: fc.constantFrom("highgpu", "megagpu", "ultragpu", "edgegpu"), n: fc.integer({ min: 1, max: 64 }) }).map(({ gen, kind, n }) => `a${gen}-${kind}-${n}g`),
    fc.record({ gen: fc.integer({ min: 5, max: 99 }), n: fc.integer({ min: 1, max: 96 }) }).map(({ gen, n }) => `g${gen}-standard-${n}`),
    fc.record({ gen: fc.integer({ min: 7, max: 99 }), n: fc.integer({ min: 1, max: 16 }) }).map(({ gen, n }) => `ct${gen}-hightpu-${n}t`),
  )
  .filter((n) => lookupInstanceType("gcp", n) === undefined);

const awsCpu = fc
  .record({
    prefix: fc.constantFrom("m", "c", "r", "t", "x", "z", "i", "h", "u-"),
    gen: fc.integer({ min: 1, max: 9 }),
    suffix: fc.constantFrom("", "g", "gd", "a", "i", "n", "d", "in", "gn"),
    size: fc.constantFrom("nano", "micro", "large", "xlarge", "4xlarge", "metal"),
  })
  .map(({ prefix, gen, suffix, size }) => `${prefix}${gen}${suffix}.${size}`);

const gcpCpu = fc
  .record({ family: fc.constantFrom("n1", "n2", "n2d", "n4", "e2", "c2", "c2d", "c3", "c4", "m1", "m3", "t2d", "t2a", "h3"), shape: fc.constantFrom("standard", "highmem", "highcpu"), n: fc.integer({ min: 1, max: 96 }) })
  .map(({ family, shape, n }) => `${family}-${shape}-${n}`);

describe("instance type parsing", () => {
  it("any spelling of a catalog type is that type, with its class and generation", () => {
    fc.assert(
      fc.property(spelledCatalogType, ({ info, type, props }) => {
        const scan = scanAccelerators(type, info.cloud, normalizeProps(props));
        expect(scan.uses).toHaveLength(1);
        expect(scan.uses[0]!.recognized).toBe(true);
        expect(scan.uses[0]!.instanceType?.name).toBe(info.name);
        const c = classifyAccelerators(viewOf(type, props));
        expect(c.unrecognized).toEqual([]);
        expect(c.subjects).toHaveLength(1);
        expect(c.subjects[0]).toMatchObject({ workloadClass: info.workloadClass, generation: info.generation, count: info.acceleratorCount });
      }),
      { numRuns: 500 },
    );
  });

  it("an unknown type of an accelerated family is unknown-accelerated (reported), never CPU", () => {
    const arb = fc.oneof(
      awsUnknownFamily.map((name) => ({ name, type: "aws:ec2/instance:Instance", props: { instanceType: name } as Record<string, unknown> })),
      awsUnknownFamily.map((name) => ({ name: `ml.${name}`, type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", props: { productionVariants: [{ variantName: "v", instanceType: `ml.${name}` }] } as Record<string, unknown> })),
      gcpUnknownFamily.map((name) => ({ name, type: "gcp:compute/instance:Instance", props: { zone: "us-central1-a", machineType: name } as Record<string, unknown> })),
    );
    fc.assert(
      fc.property(arb, fc.constantFrom("training", "inference", "dev"), ({ name, type, props }, workload) => {
        const cloud = type.startsWith("gcp:") ? "gcp" : "aws";
        expect(looksAccelerated(cloud, name)).toBe(true);
        const c = classifyAccelerators(viewOf(type, props));
        expect(c.subjects).toEqual([]);
        expect(c.unrecognized.map((u) => u.display)).toEqual([name]);
        const tagged = viewOf(type, props, { "ml-workload": workload });
        for (const rule of [acceleratorFitsWorkload, acceleratorCurrentGeneration]) {
          const out = evaluateRule(rule, tagged, {});
          checkMessages(out);
          const f = findings(out);
          expect(f).toHaveLength(1);
          expect(f[0]).toMatchObject({ level: "advisory", severity: "low" });
          expect(f[0]!.message).toContain(name);
        }
        expect(findings(evaluateRule(mlWorkloadDeclared, viewOf(type, props), {}))).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });

  it("CPU types are not accelerator resources for any of the policies", () => {
    const arb = fc.oneof(
      awsCpu.map((name) => ({ type: "aws:ec2/instance:Instance", props: { instanceType: name } as Record<string, unknown> })),
      awsCpu.map((name) => ({ type: "aws:sagemaker/trainingJob:TrainingJob", props: { resourceConfig: { instanceType: `ml.${name}` } } as Record<string, unknown> })),
      gcpCpu.map((name) => ({ type: "gcp:container/nodePool:NodePool", props: { nodeConfig: { machineType: name } } as Record<string, unknown> })),
    );
    fc.assert(
      fc.property(arb, ({ type, props }) => {
        const v = viewOf(type, props);
        expect(v.accelerators.uses).toEqual([]);
        for (const rule of RULES3) expect(evaluateRule(rule, v, {})).toEqual([{ kind: "not-applicable", reason: "no accelerators" }]);
      }),
      { numRuns: 300 },
    );
  });

  it("any string as a type never throws and never leaks into a message unless it is type-shaped", () => {
    const anyType = fc.oneof(fc.string(), fc.constant(PLANTED_SECRET), fc.constant(`p4.${PLANTED_SECRET}`), fc.constant(`nvidia-${PLANTED_SECRET}`), fc.stringMatching(/^[a-z]{1,4}\d{0,2}[.-][a-z0-9-]{1,12}$/));
    fc.assert(
      fc.property(anyType, fc.constantFrom("aws:ec2/instance:Instance", "gcp:compute/instance:Instance", "gcp:cloudrunv2/service:Service"), (t, type) => {
        const props =
          type === "gcp:cloudrunv2/service:Service"
            ? { template: { nodeSelector: { accelerator: t } } }
            : type.startsWith("gcp:")
              ? { machineType: "n1-standard-8", guestAccelerators: [{ type: t, count: 1 }] }
              : { instanceType: t };
        const v = viewOf(type, props, { "ml-workload": "inference" });
        for (const rule of RULES3) checkMessages(evaluateRule(rule, v, {}));
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// JSON-string task definitions

const requirementType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("GPU", "gpu", "Gpu") },
  { weight: 2, arbitrary: fc.constantFrom("MEMORY", "InferenceAccelerator", "VCPU") },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, 7, true) },
);

const requirementValue = fc.oneof(
  fc.integer({ min: -2, max: 16 }).map(String),
  fc.integer({ min: -2, max: 16 }),
  fc.constantFrom("0", "-1", "1.5", " 2 ", "abc", "", "4x"),
  fc.constantFrom(0.5, 2.25, null, true),
  fc.constant(undefined),
);

const requirement = fc.record({ type: requirementType, value: requirementValue }, { requiredKeys: [] });

const container = fc.record(
  {
    name: fc.constantFrom("app", "sidecar", "llm"),
    image: fc.constantFrom("vllm/vllm-openai:latest", "nginx"),
    resourceRequirements: fc.array(requirement, { maxLength: 4 }),
    memory: fc.integer({ min: 128, max: 65536 }),
    environment: fc.array(fc.record({ name: fc.constantFrom("TOKEN", "MODEL"), value: fc.constantFrom(PLANTED_SECRET, "llama") }), { maxLength: 2 }),
  },
  { requiredKeys: ["name"] },
);

/** What the scanner must find in one container, computed on the JSON round trip. */
function expectedGpus(c: unknown, prefix: string): { path: string; count: number | undefined }[] {
  const reqs = (c as { resourceRequirements?: unknown }).resourceRequirements;
  if (!Array.isArray(reqs)) return [];
  const out: { path: string; count: number | undefined }[] = [];
  reqs.forEach((r: { type?: unknown; value?: unknown }, i) => {
    if (typeof r.type !== "string" || r.type.toUpperCase() !== "GPU") return;
    const v = r.value;
    const n = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : undefined;
    if (n !== undefined && n <= 0) return;
    out.push({ path: `${prefix}.resourceRequirements[${i}]`, count: n });
  });
  return out;
}

const indent = fc.constantFrom(0, 1, 2, 4, "\t");

describe("JSON-string task and job definitions", () => {
  it("ECS containerDefinitions: every GPU requirement with a positive or unreadable value, at its path", () => {
    fc.assert(
      fc.property(fc.array(container, { maxLength: 4 }), indent, fc.boolean(), (defs, ind, asString) => {
        const roundTrip = JSON.parse(JSON.stringify(defs)) as unknown[];
        const expected = roundTrip.flatMap((c, i) => expectedGpus(c, `containerDefinitions[${i}]`));
        const props = { family: "f", containerDefinitions: asString ? JSON.stringify(defs, null, ind) : roundTrip };
        const scan = scanAccelerators("aws:ecs/taskDefinition:TaskDefinition", "aws", normalizeProps(props));
        expect(scan.uses.map((u) => ({ path: u.path, count: u.count }))).toEqual(expected);
        for (const u of scan.uses) expect(u.via).toBe("gpu-resource");
        const v = viewOf("aws:ecs/taskDefinition:TaskDefinition", props);
        const declared = evaluateRule(mlWorkloadDeclared, v, {});
        checkMessages(declared);
        expect(findings(declared).length).toBe(expected.length > 0 ? 1 : 0);
        // No type on a task definition: the fit and generation policies don't apply.
        expect(findings(evaluateRule(acceleratorFitsWorkload, viewOf("aws:ecs/taskDefinition:TaskDefinition", props, { "ml-workload": "inference" }), {}))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it("Batch containerProperties, nodeProperties and ecsProperties are read the same way", () => {
    fc.assert(
      fc.property(container, fc.array(container, { maxLength: 3 }), fc.array(fc.array(container, { maxLength: 2 }), { maxLength: 2 }), indent, (single, nodes, tasks, ind) => {
        const rt = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
        const expected = [
          ...expectedGpus(rt(single), "containerProperties"),
          ...rt(nodes).flatMap((c, i) => expectedGpus(c, `nodeProperties.nodeRangeProperties[${i}].container`)),
          ...rt(tasks).flatMap((cs, t) => cs.flatMap((c, i) => expectedGpus(c, `ecsProperties.taskProperties[${t}].containers[${i}]`))),
        ];
        const props = {
          containerProperties: JSON.stringify(single, null, ind),
          nodeProperties: JSON.stringify({ mainNode: 0, numNodes: nodes.length, nodeRangeProperties: nodes.map((c, i) => ({ targetNodes: `${i}:`, container: c })) }, null, ind),
          ecsProperties: JSON.stringify({ taskProperties: tasks.map((cs) => ({ containers: cs })) }, null, ind),
        };
        const scan = scanAccelerators("aws:batch/jobDefinition:JobDefinition", "aws", normalizeProps(props));
        expect(scan.uses.map((u) => ({ path: u.path, count: u.count }))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("truncated or garbled JSON never throws and finds GPUs only when it still parses", () => {
    fc.assert(
      fc.property(fc.array(container, { minLength: 1, maxLength: 3 }), fc.nat(), fc.string({ maxLength: 3 }), (defs, cut, junk) => {
        const text = JSON.stringify(defs);
        const garbled = text.slice(0, cut % (text.length + 1)) + junk;
        let parsed: unknown;
        try {
          parsed = JSON.parse(garbled);
        } catch {
          parsed = undefined;
        }
        const expected = Array.isArray(parsed) ? parsed.flatMap((c, i) => (c !== null && typeof c === "object" ? expectedGpus(c, `containerDefinitions[${i}]`) : [])) : [];
        const props = { containerDefinitions: garbled };
        const scan = scanAccelerators("aws:ecs/taskDefinition:TaskDefinition", "aws", normalizeProps(props));
        expect(scan.uses.map((u) => ({ path: u.path, count: u.count }))).toEqual(expected);
        for (const rule of RULES3) checkMessages(evaluateRule(rule, viewOf("aws:ecs/taskDefinition:TaskDefinition", props), {}));
      }),
      { numRuns: 300 },
    );
  });
});
