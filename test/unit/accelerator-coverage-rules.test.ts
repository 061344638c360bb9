// Issue 3, part 6: every accelerated type in the catalog and every GCP accelerator token is
// classified by the accelerator policies (workload class, generation) on a resource that carries
// it; a type the catalog does not know but that looks accelerated is reported as unknown, never
// treated as CPU.

import { describe, expect, it } from "vitest";

import {
  type Generation,
  type InstanceTypeInfo,
  acceleratorCatalogData,
  allGcpAccelerators,
  allInstanceTypes,
} from "../../src/data/accelerators";
import { classifyAccelerators } from "../../src/engine/accelerator-classification";
import { evaluateRule } from "../../src/engine/evaluate";
import type { AnyRule, Finding, Outcome } from "../../src/engine/rule";
import { buildView } from "../../src/engine/view";
import { WORKLOADS, type Workload } from "../../src/engine/workload";
import { acceleratorCurrentGeneration } from "../../src/rules/accelerator-current-generation";
import { acceleratorFitsWorkload } from "../../src/rules/accelerator-fits-workload";
import { mlWorkloadDeclared } from "../../src/rules/ml-workload-declared";

interface Res {
  readonly type: string;
  readonly props: Record<string, unknown>;
}

const RANK: Record<Generation, number> = { legacy: 0, previous: 1, current: 2 };

function view(r: Res, workload?: Workload) {
  const tagKey = r.type.startsWith("gcp:") ? "labels" : "tags";
  const props = workload === undefined ? r.props : r.type === "gcp:container/nodePool:NodePool" ? { ...r.props, nodeConfig: { ...(r.props["nodeConfig"] as object), resourceLabels: { "ml-workload": workload } } } : { ...r.props, [tagKey]: { "ml-workload": workload } };
  return buildView({ urn: `urn:pulumi:s::p::${r.type}::n`, type: r.type, name: "n", props }, { stackTags: new Map(), stackConfig: {} });
}

function run(rule: AnyRule, r: Res, workload?: Workload, config: Record<string, unknown> = {}): readonly Outcome[] {
  return evaluateRule(rule, view(r, workload), config);
}

const findings = (o: readonly Outcome[]) => o.filter((x): x is Finding => x.kind === "violation");
const isUnknownNotice = (f: Finding) => f.level === "advisory" && f.severity === "low";

/** A resource that carries the catalog type where the real services put it. */
function carrier(t: InstanceTypeInfo): Res {
  if (t.cloud === "aws") return { type: "aws:ec2/instance:Instance", props: { instanceType: t.name, region: t.regions[0] ?? "us-east-1" } };
  if (t.kind === "tpu") return { type: "gcp:tpu/v2Vm:V2Vm", props: { zone: `${t.regions[0] ?? "us-central1"}-a`, acceleratorType: t.name } };
  if (t.tpuSliceType !== undefined) return { type: "gcp:container/nodePool:NodePool", props: { location: t.regions[0] ?? "us-central1", nodeConfig: { machineType: t.name } } };
  return { type: "gcp:compute/instance:Instance", props: { zone: `${t.regions[0] ?? "us-central1"}-a`, machineType: t.name } };
}

function expectedFitViolation(cls: string, inferenceOnly: boolean, w: Workload, count: number): boolean {
  if (cls === "graphics") return true;
  return w === "training" ? inferenceOnly : cls === "training" && count > 1;
}

describe("every catalog type is classified by the accelerator policies", () => {
  const types = allInstanceTypes();

  it("covers AWS and GCP machine types and TPU slices", () => {
    expect(types.filter((t) => t.cloud === "aws").length).toBeGreaterThan(50);
    expect(types.filter((t) => t.cloud === "gcp" && t.kind === "machine").length).toBeGreaterThan(20);
    expect(types.filter((t) => t.kind === "tpu").length).toBeGreaterThan(20);
  });

  it.each(types.map((t) => [`${t.cloud}:${t.name}`, t] as const))("%s", (_n, t) => {
    const r = carrier(t);
    const classified = classifyAccelerators(view(r));
    expect(classified.unrecognized).toEqual([]);
    expect(classified.subjects).toHaveLength(1);
    const s = classified.subjects[0]!;
    expect(s.workloadClass).toBe(t.workloadClass);
    expect(s.generation).toBe(t.generation);
    expect(s.count).toBe(t.acceleratorCount);

    for (const w of WORKLOADS) {
      const outcomes = run(acceleratorFitsWorkload, r, w);
      expect(outcomes.filter((o) => o.kind === "unknown"), w).toEqual([]);
      const f = findings(outcomes);
      expect(f.filter(isUnknownNotice), w).toEqual([]);
      expect(f.length > 0, `${t.name} for ${w}`).toBe(expectedFitViolation(t.workloadClass, s.inferenceOnly, w, t.acceleratorCount));
      for (const x of f) expect(x.message).not.toMatch(/NaN|undefined|Infinity/);
    }
    for (const min of ["current", "previous"] as const) {
      const f = findings(run(acceleratorCurrentGeneration, r, undefined, { minimumGeneration: min }));
      expect(f.filter(isUnknownNotice)).toEqual([]);
      expect(f.length > 0, `${t.name} at minimumGeneration ${min}`).toBe(RANK[t.generation] < RANK[min]);
      // Retired types never get a regional list.
      for (const x of f) if (t.retired) expect(x.message).not.toContain("→");
    }
    expect(findings(run(mlWorkloadDeclared, r))).toHaveLength(1);
    expect(findings(run(mlWorkloadDeclared, r, "training"))).toEqual([]);
  });

  it("every SageMaker ml.* type whose EC2 twin is catalogued is classified on the SageMaker resources", () => {
    const data = acceleratorCatalogData();
    let checked = 0;
    for (const [ml, info] of Object.entries(data.sagemaker)) {
      if (!info.ec2TwinInCatalog) continue;
      const resources: Res[] = [];
      if (info.hosting) resources.push({ type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", props: { productionVariants: [{ variantName: "v", instanceType: ml }] } });
      if (info.training) resources.push({ type: "aws:sagemaker/trainingJob:TrainingJob", props: { resourceConfig: { instanceType: ml } } });
      if (info.notebook) resources.push({ type: "aws:sagemaker/notebookInstance:NotebookInstance", props: { instanceType: ml } });
      if (info.studio) resources.push({ type: "aws:sagemaker/domain:Domain", props: { defaultUserSettings: { jupyterLabAppSettings: { defaultResourceSpec: { instanceType: ml } } } } });
      for (const r of resources) {
        const c = classifyAccelerators(view(r));
        expect(c.unrecognized, `${ml} on ${r.type}`).toEqual([]);
        expect(c.subjects.map((s) => s.label), `${ml} on ${r.type}`).toEqual([ml]);
        // The type implies the workload, so the fit is always decided.
        const outcomes = run(acceleratorFitsWorkload, r);
        expect(outcomes.some((o) => o.kind === "unknown" || o.kind === "not-applicable"), `${ml} on ${r.type}`).toBe(false);
        expect(findings(outcomes).filter(isUnknownNotice)).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe("every GCP accelerator token is classified", () => {
  const tokens = allGcpAccelerators();

  it.each(tokens.map((t) => [t.token, t] as const))("%s", (_n, t) => {
    const counts = t.allowedCounts && t.allowedCounts.length > 0 ? t.allowedCounts : [1];
    for (const count of counts) {
      const r: Res = { type: "gcp:compute/instance:Instance", props: { zone: "us-central1-a", machineType: "n1-standard-8", guestAccelerators: [{ type: t.token, count }] } };
      const c = classifyAccelerators(view(r));
      expect(c.unrecognized).toEqual([]);
      expect(c.subjects).toHaveLength(1);
      const s = c.subjects[0]!;
      const cls = t.trainingClassMinCount !== undefined && count >= t.trainingClassMinCount ? "training" : t.workloadClass;
      expect(s.workloadClass, `${t.token}×${count}`).toBe(cls);
      expect(s.generation).toBe(t.generation);
      for (const w of WORKLOADS) {
        const f = findings(run(acceleratorFitsWorkload, r, w));
        expect(f.filter(isUnknownNotice)).toEqual([]);
        expect(f.length > 0, `${t.token}×${count} for ${w}`).toBe(expectedFitViolation(cls, s.inferenceOnly, w, count));
      }
      const g = findings(run(acceleratorCurrentGeneration, r));
      expect(g.filter(isUnknownNotice)).toEqual([]);
      expect(g.length > 0).toBe(RANK[t.generation] < RANK.current);
    }
  });

  it("every uppercase alias (Vertex, Workbench, GKE spellings) resolves to a classified token", () => {
    for (const [alias, token] of Object.entries(acceleratorCatalogData().gcpAcceleratorAliases)) {
      const r: Res = { type: "gcp:workbench/instance:Instance", props: { location: "us-central1-a", gceSetup: { machineType: "n1-standard-8", acceleratorConfigs: [{ type: alias, coreCount: 1 }] } } };
      const c = classifyAccelerators(view(r));
      expect(c.unrecognized, alias).toEqual([]);
      expect(c.subjects.map((s) => s.label), alias).toEqual([token]);
    }
  });
});

describe("types the catalog does not know", () => {
  const data = acceleratorCatalogData();
  const aws = ["p9.96xlarge", "g9.xlarge", "gr9.4xlarge", "inf9.xlarge", "trn9.48xlarge", "dl9.24xlarge", ...Object.keys(data.uncatalogedOfferings.aws)];
  const gcpMachines = ["a9-highgpu-8g", "a4x-highgpu-4g", "g9-standard-8", "ct9-hightpu-4t"];
  const cases: [string, Res][] = [
    ...aws.map((n): [string, Res] => [n, { type: "aws:ec2/instance:Instance", props: { instanceType: n } }]),
    ["ml.p9.48xlarge", { type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", props: { productionVariants: [{ variantName: "v", instanceType: "ml.p9.48xlarge" }] } }],
    ...gcpMachines.map((n): [string, Res] => [n, { type: "gcp:compute/instance:Instance", props: { zone: "us-central1-a", machineType: n } }]),
    ["nvidia-h900", { type: "gcp:compute/instance:Instance", props: { zone: "us-central1-a", machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-h900", count: 1 }] } }],
    ["v9-8", { type: "gcp:tpu/v2Vm:V2Vm", props: { zone: "us-central1-a", acceleratorType: "v9-8" } }],
    ...Object.keys(data.uncatalogedOfferings.gcp).map((n): [string, Res] => [n, { type: "gcp:tpu/v2Vm:V2Vm", props: { zone: "us-central1-a", acceleratorType: n } }]),
  ];

  it.each(cases)("%s is reported as unknown (advisory, low), never as CPU", (name, r) => {
    for (const w of WORKLOADS) {
      const f = findings(run(acceleratorFitsWorkload, r, w));
      expect(f, w).toHaveLength(1);
      expect(isUnknownNotice(f[0]!)).toBe(true);
      expect(f[0]!.message).toContain(`${name}, which looks like an accelerated type`);
    }
    const g = findings(run(acceleratorCurrentGeneration, r));
    expect(g).toHaveLength(1);
    expect(isUnknownNotice(g[0]!)).toBe(true);
    // An accelerator resource all the same: it must declare its workload.
    expect(findings(run(mlWorkloadDeclared, r))).toHaveLength(1);
  });

  it.each([
    ["m5.large", { type: "aws:ec2/instance:Instance", props: { instanceType: "m5.large" } }],
    ["ml.m5.xlarge", { type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", props: { productionVariants: [{ variantName: "v", instanceType: "ml.m5.xlarge" }] } }],
    ["n1-standard-8", { type: "gcp:compute/instance:Instance", props: { zone: "us-central1-a", machineType: "n1-standard-8" } }],
    ["c3-standard-4", { type: "gcp:container/nodePool:NodePool", props: { location: "us-central1", nodeConfig: { machineType: "c3-standard-4" } } }],
  ] as [string, Res][])("CPU type %s is not an accelerator resource", (_n, r) => {
    const na = [{ kind: "not-applicable", reason: "no accelerators" }];
    expect(run(mlWorkloadDeclared, r)).toEqual(na);
    expect(run(acceleratorFitsWorkload, r, "inference")).toEqual(na);
    expect(run(acceleratorCurrentGeneration, r)).toEqual(na);
  });
});
