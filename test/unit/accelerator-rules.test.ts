import { describe, expect, it } from "vitest";
import { longForm } from "./long-form";

import { lookupInstanceType, lookupTpuType } from "../../src/data/accelerators";
import { compileGlob } from "../../src/util/glob";
import { findCandidates } from "../../src/engine/accelerator-alternatives";
import { platformOf } from "../../src/engine/platform";
import { resolveWorkload } from "../../src/engine/workload-resolution";
import { shortModelName } from "../../src/engine/accelerator-classification";
import { evaluateRule } from "../../src/engine/evaluate";
import type { AnyRule, Finding, Outcome } from "../../src/engine/rule";
import { Opaque } from "../../src/engine/values";
import { buildView } from "../../src/engine/view";
import { acceleratorCurrentGeneration } from "../../src/rules/accelerator-current-generation";
import { acceleratorFitsWorkload } from "../../src/rules/accelerator-fits-workload";
import { mlWorkloadDeclared } from "../../src/rules/ml-workload-declared";
import { RULES } from "../../src/rules";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET = "s3cr3t-Pl4nted-V4lue-do-not-print";

interface Opts {
  provider?: Record<string, unknown>;
  stackTags?: Record<string, string>;
  stackConfig?: Record<string, string>;
  config?: Record<string, unknown>;
}

function run(rule: AnyRule, type: string, props: Record<string, unknown>, opts: Opts = {}): readonly Outcome[] {
  const view = buildView(
    { urn: `urn:pulumi:dev::p::${type}::r`, type, name: "r", props, ...(opts.provider ? { providerProps: opts.provider } : {}) },
    { stackTags: new Map(Object.entries(opts.stackTags ?? {})), stackConfig: opts.stackConfig ?? {} },
  );
  return evaluateRule(rule, view, opts.config ?? {}).map(longForm);
}

function violations(outcomes: readonly Outcome[]): Finding[] {
  return outcomes.filter((o): o is Finding => o.kind === "violation");
}

function only(outcomes: readonly Outcome[]): Finding {
  const v = violations(outcomes);
  expect(v).toHaveLength(1);
  return v[0]!;
}

type Alt = { type: string; acceleratorModel: string; acceleratorCount: number; acceleratorTdpW: number | null; workloadClass: string; tdpChangePercent?: number };

const EC2 = "aws:ec2/instance:Instance";
const ENDPOINT = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const TRAINING_JOB = "aws:sagemaker/trainingJob:TrainingJob";
const NODE_POOL = "gcp:container/nodePool:NodePool";
const GCE = "gcp:compute/instance:Instance";
const endpoint = (instanceType: string, extra: Record<string, unknown> = {}) => ({ productionVariants: [{ variantName: "main", modelName: "m", instanceType }], ...extra });

describe("registry and metadata", () => {
  it("registers the three policies after ml-clean-energy-region, all advisory by default", () => {
    const names = RULES.map((r) => r.meta.name);
    const i = names.indexOf("ml-clean-energy-region");
    expect(names.slice(i + 1, i + 4)).toEqual(["ml-workload-declared", "accelerator-fits-workload", "accelerator-current-generation"]);
    for (const r of [mlWorkloadDeclared, acceleratorFitsWorkload, acceleratorCurrentGeneration]) {
      expect(r.meta.defaultLevel).toBe("advisory");
      expect(r.meta.kind).toBe("resource");
      expect(r.meta.rationale).toContain("### Evidence");
    }
  });

  it("parses config with defaults and ignores malformed parts", () => {
    expect(mlWorkloadDeclared.parseConfig({})).toEqual({ workloadTagKey: "ml-workload", requiredTags: [] });
    expect(mlWorkloadDeclared.parseConfig({ workloadTagKey: "  ", requiredTags: ["team", " team ", ""] })).toEqual({ workloadTagKey: "ml-workload", requiredTags: ["team"] });
    // A list with a non-string item fails the schema: the default applies (the CLI rejects it before the pack runs).
    expect(mlWorkloadDeclared.parseConfig({ requiredTags: ["team", 3] }).requiredTags).toEqual([]);
    expect(acceleratorCurrentGeneration.parseConfig({ minimumGeneration: "ancient" }).minimumGeneration).toBe("current");
    expect(acceleratorCurrentGeneration.parseConfig({ minimumGeneration: "previous" }).minimumGeneration).toBe("previous");
    const fits = acceleratorFitsWorkload.parseConfig({ allowedTypes: { Inference: ["g6.*", 7, ""], serving: ["p5.*"], training: "p5.*" } });
    expect(Object.keys(fits.allowedTypes)).toEqual(["inference"]);
    expect(fits.allowedTypes.inference?.patterns).toEqual(["g6.*"]);
    expect(acceleratorFitsWorkload.parseConfig({ allowedTypes: ["g6.*"] }).allowedTypes).toEqual({});
  });

  it("compiles each allowedTypes glob once, however often the pack parses the config", () => {
    const raw = { allowedTypes: { inference: ["g6.*", "inf2"], dev: ["g6.*"] } };
    const a = acceleratorFitsWorkload.parseConfig(raw).allowedTypes;
    const b = acceleratorFitsWorkload.parseConfig(structuredClone(raw)).allowedTypes;
    expect(b.inference?.compiled[0]).toBe(a.inference?.compiled[0]);
    expect(b.dev?.compiled[0]).toBe(a.inference?.compiled[0]);
    expect(b.inference?.compiled.map((re) => re.test("inf2"))).toEqual([false, true]);
  });

  it("ml-workload-declared and accelerator-fits-workload document workloadTagKey the same way", () => {
    expect(acceleratorFitsWorkload.meta.configSchema.properties["workloadTagKey"]).toEqual(mlWorkloadDeclared.meta.configSchema.properties["workloadTagKey"]);
  });
});

describe("workload resolution", () => {
  const v = (type: string, props: Record<string, unknown>, stackTags: Record<string, string> = {}) =>
    buildView({ urn: "u", type, name: "n", props }, { stackTags: new Map(Object.entries(stackTags)), stackConfig: {} });

  it("resource tag, then what the type implies, then the stack tag", () => {
    expect(resolveWorkload(v(EC2, { instanceType: "p5.48xlarge" }, { "ml-workload": "Training " }))).toEqual({ state: "declared", workload: "training", source: "stack" });
    expect(resolveWorkload(v(ENDPOINT, endpoint("ml.g6.xlarge"), { "ml-workload": "training" }))).toEqual({ state: "declared", workload: "inference", source: "resource-type" });
    expect(resolveWorkload(v(ENDPOINT, endpoint("ml.g6.xlarge", { tags: { "ml-workload": "batch-inference" } })))).toEqual({ state: "declared", workload: "batch-inference", source: "resource" });
    expect(resolveWorkload(v(EC2, { tags: { "ml-workload": "serving" } }, { "ml-workload": "training" }))).toEqual({ state: "invalid", source: "resource" });
    expect(resolveWorkload(v(EC2, { tags: { "ml-workload": new Opaque("unknown", "string") } }))).toMatchObject({ state: "unknown" });
    expect(resolveWorkload(v(EC2, { tags: new Opaque("unknown", "object") }))).toMatchObject({ state: "unknown", path: "tags" });
  });

  it("reads Auto Scaling group tag lists and GKE cluster resourceLabels", () => {
    const asg = v("aws:autoscaling/group:Group", { tags: [{ key: "team", value: "x", propagateAtLaunch: true }, { key: "ml-workload", value: "inference", propagateAtLaunch: true }] });
    expect(resolveWorkload(asg)).toEqual({ state: "declared", workload: "inference", source: "resource" });
    const cluster = v("gcp:container/cluster:Cluster", { resourceLabels: { "ml-workload": "dev" } });
    expect(resolveWorkload(cluster)).toEqual({ state: "declared", workload: "dev", source: "resource" });
  });

  it("maps resource types to services and implied workloads", () => {
    expect(platformOf(TRAINING_JOB)).toMatchObject({ platform: "sagemaker", sagemakerUse: "training", implied: "training" });
    expect(platformOf("aws:sagemaker/domain:Domain")).toMatchObject({ sagemakerUse: "studio", implied: "notebook" });
    expect(platformOf(NODE_POOL)).toMatchObject({ platform: "gke", tpuHosts: true });
    expect(platformOf(GCE).implied).toBeUndefined();
    expect(platformOf("gcp:tpu/v2Vm:V2Vm").platform).toBe("tpu-vm");
  });
});

describe("ml-workload-declared", () => {
  it("flags an untagged accelerator resource and says how to declare", () => {
    const f = only(run(mlWorkloadDeclared, EC2, { instanceType: "p5.48xlarge" }));
    expect(f.level).toBeUndefined();
    expect(f.messageId).toBe("workloadMissing");
    expect(f.message).toContain("Instance 'r' carries accelerators (p5.48xlarge: 8×H100, 5.6 kW)");
    expect(f.message).toContain("`pulumi stack tag set ml-workload <workload>`");
    expect(f.suggestion).toMatchObject({ tagKey: "ml-workload", workload: "absent", setOn: "tags", missingTags: [], allowedValues: ["training", "inference", "batch-inference", "notebook", "dev"] });
    expect(f.figures[0]).toMatchObject({ value: 5600, unit: "W" });
  });

  it("accepts the resource tag, provider default tags or the stack tag", () => {
    expect(violations(run(mlWorkloadDeclared, EC2, { instanceType: "p5.48xlarge", tags: { "ml-workload": "training" } }))).toEqual([]);
    expect(violations(run(mlWorkloadDeclared, EC2, { instanceType: "p5.48xlarge" }, { provider: { defaultTags: { tags: { "ml-workload": "training" } } } }))).toEqual([]);
    expect(violations(run(mlWorkloadDeclared, EC2, { instanceType: "p5.48xlarge" }, { stackTags: { "ml-workload": "training" } }))).toEqual([]);
  });

  it("never echoes an invalid value", () => {
    const f = only(run(mlWorkloadDeclared, EC2, { instanceType: "p5.48xlarge", tags: { "ml-workload": SECRET } }));
    expect(f.messageId).toBe("workloadInvalid");
    expect(f.message).toContain("Workloads: training, inference, batch-inference, notebook or dev (the value is not shown)");
    expect(JSON.stringify(f)).not.toContain(SECRET);
    const s = only(run(mlWorkloadDeclared, EC2, { instanceType: "p5.48xlarge" }, { stackTags: { "ml-workload": SECRET } }));
    expect(s.message).toContain("the stack tag ml-workload");
    expect(s.suggestion).toMatchObject({ workload: "invalid", invalidSource: "stack" });
  });

  it("uses a configured key and reports missing requiredTags", () => {
    const config = { workloadTagKey: "purpose", requiredTags: ["team", "cost-center"] };
    const f = only(run(mlWorkloadDeclared, EC2, { instanceType: "g6.xlarge", tags: { purpose: "inference", team: "" } }, { config }));
    expect(f.message).toContain("lacks the required tags team and cost-center");
    expect(f.suggestion).toMatchObject({ workload: "declared", missingTags: ["team", "cost-center"] });
    expect(violations(run(mlWorkloadDeclared, EC2, { instanceType: "g6.xlarge", tags: { purpose: "inference", team: "a" } }, { config, stackTags: { "cost-center": "42" } }))).toEqual([]);
    // The default key no longer counts.
    expect(only(run(mlWorkloadDeclared, EC2, { instanceType: "g6.xlarge", tags: { "ml-workload": "inference" } }, { config })).message).toContain("declares no ML workload");
  });

  it("points GCP resources without labels to the stack tag", () => {
    const f = only(run(mlWorkloadDeclared, "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool", { region: "us-central1", dedicatedResources: { machineSpec: { machineType: "g2-standard-8", acceleratorType: "NVIDIA_L4", acceleratorCount: 1 } } }));
    expect(f.message).toContain("This resource type has no labels, so tag the stack");
    expect(f.suggestion).toMatchObject({ setOn: "stack tags" });
  });

  it("covers GPU task definitions and unknown-looking types; skips CPU; can't decide unknowns", () => {
    const ecs = only(run(mlWorkloadDeclared, "aws:ecs/taskDefinition:TaskDefinition", { containerDefinitions: JSON.stringify([{ name: "a", resourceRequirements: [{ type: "GPU", value: "1" }] }]) }));
    expect(ecs.message).toContain("requests accelerators");
    expect(only(run(mlWorkloadDeclared, EC2, { instanceType: "p9.96xlarge" })).message).toContain("p9.96xlarge: an accelerated type");
    expect(run(mlWorkloadDeclared, EC2, { instanceType: "m7g.large" })).toEqual([{ kind: "not-applicable", reason: "no accelerators" }]);
    expect(run(mlWorkloadDeclared, EC2, { instanceType: UNKNOWN })).toEqual([{ kind: "unknown", path: "instanceType", valueType: "string" }]);
    expect(run(mlWorkloadDeclared, EC2, { instanceType: "p5.48xlarge", tags: { "ml-workload": new Opaque("unknown", "string") } })).toEqual([
      { kind: "unknown", path: 'tags["ml-workload"]', valueType: "string" },
    ]);
    // Tagged: compliant whatever the type turns out to be.
    expect(run(mlWorkloadDeclared, EC2, { instanceType: UNKNOWN, tags: { "ml-workload": "dev" } })).toEqual([]);
  });
});

describe("accelerator-fits-workload", () => {
  it("inference on ml.p4d.24xlarge: inference-class alternatives offered in the region, lowest TDP first", () => {
    const f = only(run(acceleratorFitsWorkload, ENDPOINT, endpoint("ml.p4d.24xlarge", { tags: { "ml-workload": "inference" } }), { provider: { region: "us-east-1" } }));
    expect(f.level).toBeUndefined();
    expect(f.message).toContain("ml.p4d.24xlarge: 8×A100, 3.2 kW → ml.g6.xlarge: 1×L4, 72 W (−98%)");
    expect(f.evidence?.map((e) => e.id)).toContain("E07");
    expect(f.message).not.toMatch(/\bE\d\d\b/);
    expect(f.message).not.toContain("http");
    const s = f.suggestion as { misfit: string; workload: string; workloadSource: string; region: string; regionChecked: boolean; alternatives: Alt[]; current: Record<string, unknown>; evidence: string[]; verify?: string };
    expect(s).toMatchObject({ misfit: "training-node", workload: "inference", workloadSource: "resource", region: "us-east-1", regionChecked: true });
    expect(s.current).toMatchObject({ type: "ml.p4d.24xlarge", acceleratorCount: 8, acceleratorTdpW: 3200, workloadClass: "training" });
    expect(s.evidence).toEqual(expect.arrayContaining(["E07", "E01"]));
    expect(s.verify).toContain("SageMaker");
    const ranked = s.alternatives.filter((a) => a.acceleratorTdpW !== null);
    const unranked = s.alternatives.filter((a) => a.acceleratorTdpW === null);
    expect(ranked.map((a) => a.type)).toEqual(["ml.g6.xlarge", "ml.g5.xlarge", "ml.g6e.xlarge"]);
    expect(ranked.map((a) => a.tdpChangePercent)).toEqual([-98, -91, -89]);
    expect(unranked.map((a) => a.type)).toContain("ml.inf2.xlarge");
    // Unpublished-TDP types come after the ranked ones, never in between.
    expect(s.alternatives.findIndex((a) => a.acceleratorTdpW === null)).toBe(ranked.length);
    for (const a of s.alternatives) {
      const info = lookupInstanceType("aws", a.type)!;
      expect(info.regions).toContain("us-east-1");
      expect(info.generation).toBe("current");
      expect(["inference", "both"]).toContain(info.workloadClass);
      expect(info.sagemaker?.hosting).toBe(true);
    }
    const labels = f.figures.map((x) => x.label);
    expect(labels.filter((l) => l.endsWith("accelerator TDP"))).toEqual(["ml.p4d.24xlarge accelerator TDP", "ml.g6.xlarge accelerator TDP", "ml.g5.xlarge accelerator TDP", "ml.g6e.xlarge accelerator TDP"]);
    // The saving of the first alternative comes from the estimator, with its sources.
    expect(labels).toEqual(expect.arrayContaining(["us-east-1 grid intensity", "us-east-1 PUE"]));
    expect(f.message).toMatch(/Switching to ml\.g6\.xlarge saves ≈ [\d,]+ kgCO2e\/month per running instance in us-east-1/);
    expect((s as unknown as { estimatedKgCo2ePerMonthSaved: number }).estimatedKgCo2ePerMonthSaved).toBeGreaterThan(500);
  });

  it("the type implies the workload: an endpoint is inference even in a training stack", () => {
    const f = only(run(acceleratorFitsWorkload, ENDPOINT, endpoint("ml.p5.48xlarge"), { stackTags: { "ml-workload": "training" }, stackConfig: { "aws:region": "us-east-2" } }));
    expect(f.message).toContain("runs inference (a SageMaker endpoint serves inference)");
    expect(f.suggestion).toMatchObject({ workloadSource: "resource-type" });
  });

  it("training on Inferentia: suggests training-capable types closest in count, Trainium listed unranked", () => {
    const f = only(run(acceleratorFitsWorkload, TRAINING_JOB, { resourceConfig: { instanceType: "ml.inf2.48xlarge" } }, { provider: { region: "us-east-1" } }));
    const s = f.suggestion as { misfit: string; alternatives: Alt[] };
    expect(s.misfit).toBe("inference-chip");
    expect(f.message).toContain("Inferentia2 is an inference-only chip");
    for (const a of s.alternatives) {
      const info = lookupInstanceType("aws", a.type)!;
      expect(info.sagemaker?.training, a.type).toBe(true);
      expect(["training", "both"]).toContain(info.workloadClass);
    }
    expect(s.alternatives.map((a) => a.type)).toContain("ml.trn1.32xlarge");
  });

  it("training on a GPU or on Trainium fits; inference on inference-class types fits", () => {
    expect(violations(run(acceleratorFitsWorkload, EC2, { instanceType: "p5.48xlarge", tags: { "ml-workload": "training" } }))).toEqual([]);
    expect(violations(run(acceleratorFitsWorkload, EC2, { instanceType: "trn1.32xlarge", tags: { "ml-workload": "training" } }))).toEqual([]);
    expect(violations(run(acceleratorFitsWorkload, EC2, { instanceType: "g6.12xlarge", tags: { "ml-workload": "training" } }))).toEqual([]);
    // A single training-class chip is not a multi-accelerator training node.
    expect(violations(run(acceleratorFitsWorkload, EC2, { instanceType: "trn1.2xlarge", tags: { "ml-workload": "dev" } }))).toEqual([]);
    expect(violations(run(acceleratorFitsWorkload, GCE, { zone: "us-west1-b", machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-tesla-v100", count: 1 }], labels: { "ml-workload": "inference" } }))).toEqual([]);
    for (const t of ["inf2.xlarge", "g6.xlarge", "g5.48xlarge", "p5.4xlarge", "dl2q.24xlarge"]) {
      expect(violations(run(acceleratorFitsWorkload, EC2, { instanceType: t, tags: { "ml-workload": "inference" } })), t).toEqual([]);
    }
  });

  it("GCP attached GPUs: eight A100s are a training node; one is not; a machine type and its own GPUs count once", () => {
    const eight = only(run(acceleratorFitsWorkload, GCE, { zone: "us-central1-a", machineType: "a2-highgpu-8g", guestAccelerators: [{ type: "nvidia-tesla-a100", count: 8 }], labels: { "ml-workload": "inference" } }));
    expect(eight.message).toContain("a2-highgpu-8g: 8×A100, 3.2 kW → g2-standard-4: 1×L4, 72 W");
    const viaToken = only(run(acceleratorFitsWorkload, NODE_POOL, { location: "us-central1", nodeConfig: { machineType: "n1-standard-96", guestAccelerators: [{ type: "nvidia-tesla-v100", count: 8 }], resourceLabels: { "ml-workload": "inference" } } }));
    expect(viaToken.message).toContain("nvidia-tesla-v100: 8×V100, 2.4 kW");
    expect(violations(run(acceleratorFitsWorkload, GCE, { zone: "us-central1-a", machineType: "a2-highgpu-1g", labels: { "ml-workload": "inference" } }))).toEqual([]);
    // TPU host machine types are only suggested where they are valid (GKE, Vertex), not for GCE VMs.
    const gce = only(run(acceleratorFitsWorkload, GCE, { zone: "us-central1-a", machineType: "a3-megagpu-8g", labels: { "ml-workload": "inference" } }));
    expect(JSON.stringify(gce.suggestion)).not.toMatch(/ct5lp|ct6e/);
    const gke = only(run(acceleratorFitsWorkload, NODE_POOL, { location: "us-central1", nodeConfig: { machineType: "a3-megagpu-8g", resourceLabels: { "ml-workload": "inference" } } }));
    expect(JSON.stringify(gke.suggestion)).toMatch(/ct6e-standard-1t/);
  });

  it("Cloud TPU: a v5p slice for inference gets v5e/v6e slices, listed without TDP", () => {
    const f = only(run(acceleratorFitsWorkload, "gcp:tpu/v2Vm:V2Vm", { zone: "us-east5-a", acceleratorType: "v5p-8", labels: { "ml-workload": "inference" } }));
    const s = f.suggestion as { alternatives: Alt[] };
    expect(s.alternatives.length).toBeGreaterThan(0);
    for (const a of s.alternatives) {
      expect(a.acceleratorTdpW).toBeNull();
      expect(lookupTpuType(a.type)?.kind).toBe("tpu");
    }
    expect(f.message).toContain("no published TDP, not ranked");
  });

  it("retired types: no regional suggestion, the current family is named", () => {
    const f = only(run(acceleratorFitsWorkload, EC2, { instanceType: "p3.16xlarge", tags: { "ml-workload": "inference" } }, { provider: { region: "us-east-1" } }));
    expect(f.message).toContain("p3.16xlarge is retired");
    expect(f.message).toContain("g6 (NVIDIA L4) or inf2 (AWS Inferentia2)");
    expect(f.message).not.toContain("→");
    expect(f.suggestion).toMatchObject({ retired: true });
    expect((f.suggestion as Record<string, unknown>)["alternatives"]).toBeUndefined();
  });

  it("graphics-class types are not for ML", () => {
    const f = only(run(acceleratorFitsWorkload, EC2, { instanceType: "g5g.xlarge", tags: { "ml-workload": "dev" } }, { provider: { region: "us-east-1" } }));
    expect(f.suggestion).toMatchObject({ misfit: "graphics" });
  });

  it("without a known region, still reports, and says availability was not checked", () => {
    const f = only(run(acceleratorFitsWorkload, EC2, { instanceType: "p4d.24xlarge", tags: { "ml-workload": "inference" } }));
    expect(f.message).toContain("region is not known: availability not checked");
    expect(f.suggestion).toMatchObject({ region: null, regionChecked: false });
    const u = only(run(acceleratorFitsWorkload, EC2, { instanceType: "p4d.24xlarge", tags: { "ml-workload": "inference" }, region: UNKNOWN }));
    expect(u.suggestion).toMatchObject({ regionChecked: false });
  });

  it("allowedTypes replaces the class check for that workload only", () => {
    const config = { allowedTypes: { inference: ["ml.g6.*", "inf2", "nvidia-l4"], dev: ["p4d.*"] } };
    expect(violations(run(acceleratorFitsWorkload, ENDPOINT, endpoint("ml.g6.2xlarge"), { config }))).toEqual([]);
    expect(violations(run(acceleratorFitsWorkload, ENDPOINT, endpoint("ml.inf2.8xlarge"), { config }))).toEqual([]);
    const g5 = only(run(acceleratorFitsWorkload, ENDPOINT, endpoint("ml.g5.xlarge"), { config, provider: { region: "eu-west-1" } }));
    expect(g5.suggestion).toMatchObject({ misfit: "not-allowed" });
    for (const a of (g5.suggestion as { alternatives: Alt[] }).alternatives) expect(a.type).toMatch(/^ml\.(g6|inf2)\./);
    // dev may use p4d, training keeps the built-in check.
    expect(violations(run(acceleratorFitsWorkload, EC2, { instanceType: "p4d.24xlarge", tags: { "ml-workload": "dev" } }, { config }))).toEqual([]);
    expect(only(run(acceleratorFitsWorkload, EC2, { instanceType: "inf2.xlarge", tags: { "ml-workload": "training" } }, { config })).suggestion).toMatchObject({ misfit: "inference-chip" });
    // Attached GPU tokens match too.
    expect(violations(run(acceleratorFitsWorkload, "gcp:cloudrunv2/service:Service", { location: "us-central1", template: { nodeSelector: { accelerator: "nvidia-l4" } } }, { config }))).toEqual([]);
    // An unknown type the user allows is accepted.
    expect(violations(run(acceleratorFitsWorkload, EC2, { instanceType: "g9.xlarge", tags: { "ml-workload": "dev" } }, { config: { allowedTypes: { dev: ["g9.*"] } } }))).toEqual([]);
  });

  it("unknown-looking types are low-severity advisories; unquotable ones are not quoted", () => {
    const f = only(run(acceleratorFitsWorkload, EC2, { instanceType: "p9.96xlarge", tags: { "ml-workload": "inference" } }));
    expect(f).toMatchObject({ level: "advisory", severity: "low" });
    expect(f.message).toContain("p9.96xlarge, which looks like an accelerated type");
    const offered = only(run(acceleratorFitsWorkload, EC2, { instanceType: "g7e.2xlarge", tags: { "ml-workload": "inference" } }));
    expect(offered.message).toContain("not yet classified");
    const odd = only(run(acceleratorFitsWorkload, GCE, { zone: "us-central1-a", machineType: "n1-standard-4", guestAccelerators: [{ type: SECRET, count: 1 }], labels: { "ml-workload": "dev" } }));
    expect(odd.message).toContain("an accelerated-looking type");
    expect(JSON.stringify(odd)).not.toContain(SECRET);
  });

  it("can't-evaluate outcomes for unknowns; not applicable without a workload or accelerators", () => {
    expect(run(acceleratorFitsWorkload, ENDPOINT, endpoint(UNKNOWN))).toEqual([{ kind: "unknown", path: "productionVariants[0].instanceType", valueType: "string" }]);
    expect(run(acceleratorFitsWorkload, EC2, { instanceType: "p4d.24xlarge", tags: { "ml-workload": new Opaque("unknown", "string") } })[0]).toMatchObject({ kind: "unknown" });
    expect(run(acceleratorFitsWorkload, EC2, { instanceType: "p4d.24xlarge" })[0]).toMatchObject({ kind: "not-applicable" });
    expect(run(acceleratorFitsWorkload, EC2, { instanceType: "m5.large", tags: { "ml-workload": "inference" } })[0]).toMatchObject({ kind: "not-applicable", reason: "no accelerators" });
    expect(run(acceleratorFitsWorkload, "aws:ecs/taskDefinition:TaskDefinition", { containerDefinitions: '[{"resourceRequirements":[{"type":"GPU","value":"1"}]}]', tags: { "ml-workload": "inference" } })[0]).toMatchObject({
      kind: "not-applicable",
      reason: "the accelerator type is not set on this resource",
    });
  });
});

describe("accelerator-current-generation", () => {
  it("g4dn (T4) with the default minimumGeneration: suggests g6 first, like for like", () => {
    const f = only(run(acceleratorCurrentGeneration, EC2, { instanceType: "g4dn.12xlarge", tags: { "ml-workload": "inference" } }, { provider: { region: "us-east-1" } }));
    expect(f.message).toContain("a previous-generation accelerator (NVIDIA T4, 2018), below minimumGeneration \"current\"");
    const s = f.suggestion as { alternatives: Alt[]; role: string; minimumGeneration: string; evidence: string[] };
    expect(s).toMatchObject({ role: "inference", minimumGeneration: "current", evidence: ["E13"] });
    expect(s.alternatives[0]).toMatchObject({ type: "g6.12xlarge", acceleratorCount: 4, acceleratorTdpW: 288 });
    expect(violations(run(acceleratorCurrentGeneration, EC2, { instanceType: "g4dn.12xlarge" }, { config: { minimumGeneration: "previous" } }))).toEqual([]);
  });

  it("legacy accelerators are reported at any minimumGeneration", () => {
    const f = only(run(acceleratorCurrentGeneration, GCE, { zone: "us-west1-b", machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-tesla-p100", count: 1 }] }, { config: { minimumGeneration: "previous" } }));
    expect(f.message).toContain("a legacy accelerator (NVIDIA P100 PCIe 16GB, 2016)");
    expect((f.suggestion as { alternatives: Alt[] }).alternatives.length).toBeGreaterThan(0);
  });

  it("retired types name the current family and list nothing regional", () => {
    const f = only(run(acceleratorCurrentGeneration, EC2, { instanceType: "p2.xlarge" }, { provider: { region: "us-east-1" } }));
    expect(f.message).toContain("p2.xlarge is retired: AWS no longer offers it in any region");
    expect(f.message).toContain("g6 (NVIDIA L4) or inf2 (AWS Inferentia2) for inference; p5 (NVIDIA H100) or trn1/trn2 (AWS Trainium) for training");
    expect(f.suggestion).toMatchObject({ retired: true });
    const dl1 = only(run(acceleratorCurrentGeneration, EC2, { instanceType: "dl1.24xlarge", tags: { "ml-workload": "training" } }));
    expect(dl1.message).toContain("Current family: p5 (NVIDIA H100) or trn1/trn2 (AWS Trainium) for training.");
    expect(dl1.evidence?.map((e) => e.id)).toEqual(["E02", "E08"]);
  });

  it("inf1 → inf2 with E06; TPU v4 with E09/E11; SageMaker names stay ml.*", () => {
    const inf1 = only(run(acceleratorCurrentGeneration, ENDPOINT, endpoint("ml.inf1.xlarge"), { provider: { region: "us-east-1" } }));
    expect(inf1.evidence?.map((e) => e.id)).toContain("E06");
    const alts = (inf1.suggestion as { alternatives: Alt[] }).alternatives.map((a) => a.type);
    expect(alts).toContain("ml.inf2.xlarge");
    for (const a of alts) expect(a.startsWith("ml.")).toBe(true);
    const tpu = only(run(acceleratorCurrentGeneration, "gcp:tpu/v2Vm:V2Vm", { zone: "us-central2-b", acceleratorType: "v4-8" }));
    expect(tpu.evidence?.map((e) => e.id)).toEqual(["E09", "E11"]);
  });

  it("checks EC2 acceleratorNames in attribute-based selection", () => {
    const f = only(
      run(acceleratorCurrentGeneration, "aws:autoscaling/group:Group", {
        mixedInstancesPolicy: { launchTemplate: { overrides: [{ instanceRequirements: { acceleratorNames: ["K80", "a10g"], acceleratorCount: { min: 1 } } }] } },
      }),
    );
    expect(f.message).toContain("k80 (NVIDIA K80, legacy)");
    expect(violations(run(acceleratorCurrentGeneration, "aws:ec2/launchTemplate:LaunchTemplate", { instanceRequirements: { acceleratorNames: ["l4"] } }))).toEqual([]);
  });

  it("current types pass; unknown-looking types are low-severity advisories; unknowns can't be evaluated", () => {
    for (const t of ["g6.xlarge", "p5.48xlarge", "inf2.xlarge", "trn2.48xlarge"]) expect(violations(run(acceleratorCurrentGeneration, EC2, { instanceType: t })), t).toEqual([]);
    expect(only(run(acceleratorCurrentGeneration, NODE_POOL, { location: "us-central1", nodeConfig: { machineType: "a9-highgpu-8g" } }))).toMatchObject({ level: "advisory", severity: "low" });
    expect(run(acceleratorCurrentGeneration, NODE_POOL, { nodeConfig: { machineType: UNKNOWN } })).toEqual([{ kind: "unknown", path: "nodeConfig.machineType", valueType: "string" }]);
  });
});

describe("candidate method", () => {
  it("is deterministic and one size per model", () => {
    const q = { cloud: "aws" as const, platform: platformOf(EC2), role: "inference" as const, sizing: "smallest" as const, count: 8, region: "eu-north-1" };
    const a = findCandidates(q);
    expect(findCandidates(q)).toEqual(a);
    const models = [...a.ranked, ...a.unpublished].map((c) => c.shortModel);
    expect(new Set(models).size).toBe(models.length);
    expect(a.ranked.map((c) => c.tdpWTotal)).toEqual([...a.ranked.map((c) => c.tdpWTotal)].sort((x, y) => (x ?? 0) - (y ?? 0)));
  });

  it("a candidate goes by the same names as a subject of its type: a GKE TPU host matches its slice type", () => {
    const slices = compileGlob("v5litepod-*")!;
    const subject = lookupInstanceType("gcp", "ct5lp-hightpu-4t")!;
    expect([subject.name, subject.family, subject.tpuSliceType].some((n) => n !== undefined && slices.test(n))).toBe(true);
    const r = findCandidates({ cloud: "gcp", platform: platformOf("gcp:container/nodePool:NodePool"), role: "inference", sizing: "smallest", count: 1, region: undefined, anyRole: true, accept: (names) => names.some((n) => slices.test(n)) });
    expect([...r.ranked, ...r.unpublished].map((c) => c.label)).toEqual(["ct5lp-hightpu-1t"]);
  });

  it("short model names and globs", () => {
    expect(shortModelName("NVIDIA K80 (1 GK210 die)")).toBe("K80");
    expect(shortModelName("Google TPU v6e (Trillium)")).toBe("TPU v6e");
    expect(shortModelName("Qualcomm Cloud AI 100 Standard")).toBe("Cloud AI 100");
    expect(shortModelName("Habana Gaudi HL-205")).toBe("Gaudi");
    expect(compileGlob("ml.g6.*")!.test("ml.g6.xlarge")).toBe(true);
    expect(compileGlob("g6.*")!.test("g6e.xlarge")).toBe(false);
    expect(compileGlob("a3-highgpu-?g")!.test("a3-highgpu-8g")).toBe(true);
    expect(compileGlob("(")!.test("(")).toBe(true);
    expect(compileGlob("  ")).toBeUndefined();
  });
});
