import { describe, expect, it } from "vitest";
import { longForm } from "./long-form";
import { formatMinutes, parseDuration, workloadOf } from "../../src/engine/capacity-readers";
import { evaluateRule, evaluateStackRule } from "../../src/engine/evaluate";
import type { Outcome } from "../../src/engine/rule";
import { UNKNOWN_SENTINELS } from "../../src/engine/values";
import { type ResourceLinks, buildStackView, buildView } from "../../src/engine/view";
import { applyRemediationPatch } from "../../src/pack/crossguard";
import { mlAutoscaleToZero } from "../../src/rules/ml-autoscale-to-zero";
import { mlNotebookIdleShutdown } from "../../src/rules/ml-notebook-idle-shutdown";
import { mlTrainingGuardrails } from "../../src/rules/ml-training-guardrails";

const U_STRING = Object.keys(UNKNOWN_SENTINELS).find((k) => UNKNOWN_SENTINELS[k] === "string")!;
const U_NUMBER = Object.keys(UNKNOWN_SENTINELS).find((k) => UNKNOWN_SENTINELS[k] === "number")!;

const urn = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;

interface R {
  type: string;
  name: string;
  props: Record<string, unknown>;
  providerProps?: Record<string, unknown>;
  deps?: string[];
  propDeps?: Record<string, string[]>;
}

function view(r: R, stackTags: Record<string, string> = {}) {
  return buildView({ urn: urn(r.type, r.name), type: r.type, name: r.name, props: r.props, providerProps: r.providerProps }, { stackTags: new Map(Object.entries(stackTags)), stackConfig: {} });
}

/** Links name other resources by name, like rule examples. */
function stack(resources: R[], stackTags: Record<string, string> = {}) {
  const byName = new Map(resources.map((r) => [r.name, urn(r.type, r.name)]));
  const toUrn = (n: string) => byName.get(n) ?? n;
  return buildStackView(
    resources.map((r) => {
      const links: ResourceLinks = {
        dependencies: (r.deps ?? []).map(toUrn),
        propertyDependencies: Object.fromEntries(Object.entries(r.propDeps ?? {}).map(([k, v]) => [k, v.map(toUrn)])),
      };
      return { urn: urn(r.type, r.name), type: r.type, name: r.name, props: r.props, providerProps: r.providerProps, links };
    }),
    { stackTags: new Map(Object.entries(stackTags)), stackConfig: {} },
  );
}

const violations = (os: readonly Outcome[]) => os.filter((o): o is Extract<Outcome, { kind: "violation" }> => o.kind === "violation").map(longForm);
const unknowns = (os: readonly Outcome[]) => os.filter((o) => o.kind === "unknown");

const autoscale = (r: R, tags?: Record<string, string>, config: unknown = {}) => evaluateRule(mlAutoscaleToZero, view(r, tags), config);
const autoscaleStack = (rs: R[], tags?: Record<string, string>) => evaluateStackRule(mlAutoscaleToZero, stack(rs, tags), {});
const notebook = (r: R, config: unknown = {}) => evaluateRule(mlNotebookIdleShutdown, view(r), config);
const guard = (r: R, tags?: Record<string, string>, config: unknown = {}) => evaluateRule(mlTrainingGuardrails, view(r, tags), config);

describe("ml-autoscale-to-zero, resource part", () => {
  it("ASG with GPU overrides: minSize > 0 fails; CPU ASGs and minSize 0 pass", () => {
    const asg = (minSize: number, type = "g5.2xlarge"): R => ({
      type: "aws:autoscaling/group:Group",
      name: "asg",
      props: { minSize, maxSize: 3, mixedInstancesPolicy: { launchTemplate: { overrides: [{ instanceType: type }] } } },
      providerProps: { region: "eu-north-1" },
    });
    const bad = violations(autoscale(asg(2)));
    expect(bad).toHaveLength(1);
    expect(bad[0]!.message).toContain("Auto Scaling group 'asg' keeps 2 × g5.2xlarge (1×A10G)");
    expect(bad[0]!.message).toContain("eu-north-1");
    expect(bad[0]!.suggestion).toMatchObject({ property: "minSize", value: 0, running: 2 });
    expect(violations(autoscale(asg(0)))).toEqual([]);
    expect(autoscale(asg(2, "m7i.large"))).toEqual([{ kind: "not-applicable", reason: "no accelerators" }]);
  });

  it("an ASG whose GPU could only be in its launch template defers to the stack part", () => {
    const [o] = autoscale({ type: "aws:autoscaling/group:Group", name: "a", props: { minSize: 1, launchTemplate: { id: "lt-1" } } });
    expect(o).toMatchObject({ kind: "not-applicable" });
    expect((o as { reason: string }).reason).toContain("stack policy");
  });

  it("capacity known only by its AMI or by attribute-based selection is described as such", () => {
    const ng = violations(autoscale({ type: "aws:eks/nodeGroup:NodeGroup", name: "g", props: { amiType: "AL2023_x86_64_NVIDIA", scalingConfig: { minSize: 2 } } }));
    expect(ng[0]!.message).toContain("keeps 2 nodes with the AL2023_x86_64_NVIDIA AMI running");
    const asg = violations(autoscale({ type: "aws:autoscaling/group:Group", name: "a", props: { minSize: 1, mixedInstancesPolicy: { launchTemplate: { overrides: [{ instanceRequirements: { acceleratorCount: { min: 1 } } }] } } } }));
    expect(asg[0]!.message).toContain("keeps 1 accelerated instance (chosen by instanceRequirements) running");
  });

  it("unknown minimum in preview gives can't-evaluate, never a violation", () => {
    const os = autoscale({ type: "aws:eks/nodeGroup:NodeGroup", name: "g", props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: U_NUMBER } } });
    expect(os).toEqual([{ kind: "unknown", path: "scalingConfig.minSize", valueType: "number" }]);
  });

  it("an unknown instance type can't be judged", () => {
    const os = autoscale({ type: "aws:eks/nodeGroup:NodeGroup", name: "g", props: { instanceTypes: [U_STRING], scalingConfig: { minSize: 1 } } });
    expect(unknowns(os)).toHaveLength(1);
    expect(violations(os)).toEqual([]);
  });

  it("unknown tags can't say whether capacity is for training: can't-evaluate instead of a violation", () => {
    const os = autoscale({ type: "aws:eks/nodeGroup:NodeGroup", name: "g", props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1 }, tags: U_STRING } });
    expect(os).toEqual([{ kind: "unknown", path: "tags", valueType: "object" }]);
  });

  it("training declared on the stack exempts capacity; other workloads do not", () => {
    const ng: R = { type: "aws:eks/nodeGroup:NodeGroup", name: "g", props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1 } } };
    expect(autoscale(ng, { "ml-workload": "training" })[0]).toMatchObject({ kind: "not-applicable" });
    expect(violations(autoscale(ng, { "ml-workload": "inference" }))).toHaveLength(1);
    expect(violations(autoscale(ng, { "ml-workload": "bogus" }))).toHaveLength(1);
    // The resource's own tag beats the stack tag.
    expect(violations(autoscale({ ...ng, props: { ...ng.props, tags: { "ml-workload": "inference" } } }, { "ml-workload": "training" }))).toHaveLength(1);
  });

  it("exemptWorkloads: more workloads can be exempted; undeclared capacity never is", () => {
    const ng: R = { type: "aws:eks/nodeGroup:NodeGroup", name: "g", props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1 } } };
    const cfg = { exemptWorkloads: ["training", "inference"] };
    expect(autoscale(ng, { "ml-workload": "inference" }, cfg)[0]).toEqual({ kind: "not-applicable", reason: "declared workload is in exemptWorkloads" });
    expect(violations(autoscale(ng, {}, cfg))).toHaveLength(1);
    // An empty list checks training capacity too.
    expect(violations(autoscale(ng, { "ml-workload": "training" }, { exemptWorkloads: [] }))).toHaveLength(1);
    // Invalid config falls back to the default (the CLI rejects it before the pack runs).
    expect(mlAutoscaleToZero.parseConfig({ exemptWorkloads: ["nope"] })).toEqual({ exemptWorkloads: ["training"] });
  });

  it("Batch: minVcpus > 0 on a GPU environment fails with an instance count; Fargate is out of scope", () => {
    const ce = (minVcpus: number, type = "EC2"): R => ({ type: "aws:batch/computeEnvironment:ComputeEnvironment", name: "ce", props: { computeResources: { type, minVcpus, maxVcpus: 64, instanceTypes: ["g5.xlarge"] } } });
    const bad = violations(autoscale(ce(8)));
    expect(bad[0]!.message).toContain("(minVcpus 8) keeps 2 × g5.xlarge (1×A10G) running with no jobs queued");
    expect(violations(autoscale(ce(0)))).toEqual([]);
  });

  it("GKE pools: fixed size, per-zone and total minimums, node locations", () => {
    const pool = (props: Record<string, unknown>): R => ({ type: "gcp:container/nodePool:NodePool", name: "p", props: { location: "us-central1", nodeConfig: { machineType: "g2-standard-8" }, ...props } });
    const fixed = violations(autoscale(pool({ nodeCount: 2 })))[0]!;
    expect(fixed.messageId).toBe("poolNoAutoscaling");
    expect(fixed.message).toContain("keeps 2 × g2-standard-8 (1×L4) per zone running with no traffic; add autoscaling with minNodeCount 0.");
    expect(fixed.message).toContain("It has no autoscaling.");
    expect(violations(autoscale(pool({ nodeCount: 0 })))).toEqual([]);
    expect(violations(autoscale(pool({ autoscaling: { minNodeCount: 1 }, nodeLocations: ["us-central1-a", "us-central1-b"] })))[0]!.message).toContain("keeps 2 × g2-standard-8");
    expect(violations(autoscale(pool({ autoscaling: { totalMinNodeCount: 3 } })))[0]!.message).toContain("set autoscaling.totalMinNodeCount to 0");
    expect(violations(autoscale(pool({ autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 4 } })))).toEqual([]);
  });

  it("GKE cluster: default pool with GPUs and Autopilot", () => {
    const cluster = (props: Record<string, unknown>): R => ({ type: "gcp:container/cluster:Cluster", name: "c", props: { location: "us-central1-a", nodeConfig: { machineType: "g2-standard-4" }, ...props } });
    expect(violations(autoscale(cluster({})))[0]!.message).toContain("the default node pool of GKE cluster 'c'");
    expect(violations(autoscale(cluster({ removeDefaultNodePool: true })))).toEqual([]);
    expect(autoscale(cluster({ enableAutopilot: true }))[0]).toMatchObject({ kind: "not-applicable" });
  });

  it("GKE inline pools: a pool's own training label exempts only that pool", () => {
    const pools = [
      { name: "serve", nodeCount: 1, nodeConfig: { machineType: "g2-standard-8" } },
      { name: "train", nodeCount: 1, nodeConfig: { machineType: "a3-highgpu-8g", resourceLabels: { "ml-workload": "training" } } },
    ];
    const v = violations(autoscale({ type: "gcp:container/cluster:Cluster", name: "c", props: { location: "us-central1", nodePools: pools } }));
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toContain("node pool nodePools[0] of GKE cluster 'c'");
  });

  it("Cloud Run: service-level and manual scaling count too", () => {
    const svc = (props: Record<string, unknown>): R => ({
      type: "gcp:cloudrunv2/service:Service",
      name: "s",
      props: { location: "us-central1", template: { nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ resources: { limits: { "nvidia.com/gpu": "1" } } }] }, ...props },
    });
    expect(violations(autoscale(svc({ scaling: { minInstanceCount: 2 } })))[0]!.message).toContain("keeps 2 instances with 1×L4 GPU each");
    expect(violations(autoscale(svc({ scaling: { scalingMode: "MANUAL", manualInstanceCount: 1 } })))[0]!.message).toContain("scalingMode to AUTOMATIC");
    expect(violations(autoscale(svc({ scaling: { minInstanceCount: 0 } })))).toEqual([]);
  });

  it("SageMaker: serverless passes, inference-component variants need managed scaling to zero, async defers", () => {
    const cfg = (variant: Record<string, unknown>, extra: Record<string, unknown> = {}): R => ({ type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: "c", props: { productionVariants: [{ variantName: "v", ...variant }], ...extra } });
    expect(violations(autoscale(cfg({ serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 } })))).toEqual([]);
    const ic = violations(autoscale(cfg({ instanceType: "ml.g6.12xlarge", managedInstanceScaling: { status: "ENABLED", minInstanceCount: 1, maxInstanceCount: 2 } })));
    expect(ic[0]!.message).toContain("managedInstanceScaling.minInstanceCount is 1");
    const icZero = autoscale(cfg({ instanceType: "ml.g6.12xlarge", managedInstanceScaling: { status: "ENABLED", minInstanceCount: 0, maxInstanceCount: 2 } }));
    expect(icZero[0]).toMatchObject({ kind: "not-applicable" });
    expect(autoscale(cfg({ instanceType: "ml.g6.xlarge", modelName: "m" }, { asyncInferenceConfig: { outputConfig: { s3OutputPath: "s3://b" } } }))[0]).toMatchObject({ kind: "not-applicable" });
    // A variant name is never quoted (it could be anything, even a secret): the index is.
    const classic = violations(autoscale(cfg({ instanceType: "ml.g6.xlarge", modelName: "m", variantName: "s3cr3t" })));
    expect(classic[0]!.message).toContain("productionVariants[0]");
    expect(classic[0]!.message).not.toContain("s3cr3t");
  });

  it("GCE VM: always on unless stopped, time-boxed or scheduled (the schedule is checked by the stack part)", () => {
    const vm = (props: Record<string, unknown>): R => ({ type: "gcp:compute/instance:Instance", name: "vm", props: { zone: "europe-west4-a", machineType: "a2-highgpu-1g", ...props } });
    expect(violations(autoscale(vm({})))[0]!.message).toContain("VM 'vm' keeps 1 × a2-highgpu-1g (1×A100) running around the clock");
    expect(violations(autoscale(vm({ desiredStatus: "TERMINATED" })))).toEqual([]);
    expect(violations(autoscale(vm({ scheduling: { terminationTime: "2030-01-01T00:00:00Z" } })))).toEqual([]);
    expect(autoscale(vm({ resourcePolicies: ["projects/p/regions/europe-west4/resourcePolicies/nightly"] }))[0]).toMatchObject({ kind: "not-applicable" });
  });

  it("Cloud TPU VM for inference is always on", () => {
    const v = violations(autoscale({ type: "gcp:tpu/v2Vm:V2Vm", name: "tpu", props: { zone: "us-central1-a", acceleratorType: "v5litepod-8" } }));
    expect(v[0]!.message).toContain("TPU VM 'tpu'");
    expect(v[0]!.message).toContain("cannot scale to zero");
  });

  it("stack-only types are not applicable per resource", () => {
    for (const type of ["aws-native:sagemaker:InferenceComponent", "aws:ecs/service:Service", "gcp:compute/autoscaler:Autoscaler", "gcp:compute/instanceGroupManager:InstanceGroupManager"]) {
      expect(autoscale({ type, name: "x", props: {} })[0]).toMatchObject({ kind: "not-applicable" });
    }
  });
});

describe("ml-autoscale-to-zero, stack part (joins)", () => {
  const cfgIc: R = {
    type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    name: "ic-cfg",
    props: { name: "ic-cfg", productionVariants: [{ variantName: "main", instanceType: "ml.g6.12xlarge", initialInstanceCount: 1, managedInstanceScaling: { status: "ENABLED", minInstanceCount: 0, maxInstanceCount: 2 } }] },
    providerProps: { region: "us-east-1" },
  };
  const ep: R = { type: "aws:sagemaker/endpoint:Endpoint", name: "ic-ep", props: { name: "ic-ep", endpointConfigName: "ic-cfg" }, propDeps: { endpointConfigName: ["ic-cfg"] } };
  const ic: R = {
    type: "aws-native:sagemaker:InferenceComponent",
    name: "llama",
    props: { inferenceComponentName: "llama", endpointName: "ic-ep", variantName: "main", specification: { computeResourceRequirements: { numberOfAcceleratorDevicesRequired: 1, minMemoryRequiredInMb: 1024 } }, runtimeConfig: { copyCount: 1 } },
    propDeps: { endpointName: ["ic-ep"] },
  };
  const icTarget = (min: number): R => ({
    type: "aws:appautoscaling/target:Target",
    name: "ic-target",
    props: { serviceNamespace: "sagemaker", scalableDimension: "sagemaker:inference-component:DesiredCopyCount", resourceId: "inference-component/llama", minCapacity: min, maxCapacity: 4 },
  });

  it("inference components: a target with minCapacity 0 passes; none or 1 fails on the component / target", () => {
    expect(violations(autoscaleStack([cfgIc, ep, ic, icTarget(0)]))).toEqual([]);
    const none = violations(autoscaleStack([cfgIc, ep, ic]));
    expect(none).toHaveLength(1);
    expect(none[0]!.urn).toBe(urn(ic.type, "llama"));
    expect(none[0]!.message).toContain("SageMaker inference component 'llama' on SageMaker endpoint 'ic-ep'");
    const one = violations(autoscaleStack([cfgIc, ep, ic, icTarget(1)]));
    expect(one[0]!.urn).toBe(urn("aws:appautoscaling/target:Target", "ic-target"));
  });

  it("an inference component whose endpoint link is unknown gives can't-evaluate", () => {
    const floating: R = { ...ic, props: { ...ic.props, endpointName: U_STRING }, propDeps: {} };
    const os = autoscaleStack([cfgIc, ep, floating]);
    expect(violations(os)).toEqual([]);
    expect(unknowns(os)).toHaveLength(1);
  });

  it("an async config that no endpoint deploys is not judged; a target of another variant does not count", () => {
    const cfg: R = { type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: "a", props: { name: "a", asyncInferenceConfig: { outputConfig: {} }, productionVariants: [{ variantName: "main", modelName: "m", instanceType: "ml.g5.xlarge" }] } };
    expect(autoscaleStack([cfg])).toEqual([]);
    const e: R = { type: "aws:sagemaker/endpoint:Endpoint", name: "e", props: { name: "e", endpointConfigName: "a" } };
    const t: R = { type: "aws:appautoscaling/target:Target", name: "t", props: { serviceNamespace: "sagemaker", scalableDimension: "sagemaker:variant:DesiredInstanceCount", resourceId: "endpoint/e/variant/other", minCapacity: 0 } };
    const v = violations(autoscaleStack([cfg, e, t]));
    expect(v).toHaveLength(1);
    expect(v[0]!.messageId).toBe("asyncEndpointNoScalingTarget");
    expect(v[0]!.message).toContain("No scaling target");
  });

  it("a scaling target of a provisioned-concurrency dimension is not a scale-to-zero target", () => {
    const cfg: R = { type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: "a", props: { name: "a", asyncInferenceConfig: { outputConfig: {} }, productionVariants: [{ variantName: "main", modelName: "m", instanceType: "ml.g5.xlarge" }] } };
    const e: R = { type: "aws:sagemaker/endpoint:Endpoint", name: "e", props: { name: "e", endpointConfigName: "a" } };
    const t: R = { type: "aws:appautoscaling/target:Target", name: "t", props: { serviceNamespace: "sagemaker", scalableDimension: "sagemaker:variant:DesiredProvisionedConcurrency", resourceId: "endpoint/e/variant/main", minCapacity: 0 } };
    expect(violations(autoscaleStack([cfg, e, t]))).toHaveLength(1);
  });

  it("EKS node group ↔ launch template by name", () => {
    const lt: R = { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", props: { id: "lt-9", name: "gpu-template", instanceType: "g6.2xlarge" } };
    const ng: R = { type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: { scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 1 }, launchTemplate: { name: "gpu-template", version: "1" } } };
    const v = violations(autoscaleStack([lt, ng]));
    expect(v[0]!.message).toContain("EKS node group 'ng' keeps 1 × g6.2xlarge");
    // A training tag on the launch template makes the group training capacity.
    expect(violations(autoscaleStack([{ ...lt, props: { ...lt.props, tags: { "ml-workload": "training" } } }, ng]))).toEqual([]);
  });

  it("a launch template outside the stack, or a CPU one, is not judged; an unknown reference with no dependency can't be", () => {
    const ng = (ref: unknown): R => ({ type: "aws:autoscaling/group:Group", name: "g", props: { minSize: 1, launchTemplate: { id: ref } } });
    expect(autoscaleStack([ng("lt-elsewhere")])).toEqual([]);
    expect(autoscaleStack([{ type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", props: { id: "lt-1", instanceType: "m7i.large" } }, ng("lt-1")])).toEqual([]);
    expect(unknowns(autoscaleStack([ng(U_STRING)]))).toHaveLength(1);
  });

  it("ASG list tags declare the workload", () => {
    const lt: R = { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", props: { id: "lt-1", instanceType: "p5.48xlarge" } };
    const asg: R = { type: "aws:autoscaling/group:Group", name: "g", props: { minSize: 1, launchTemplate: { id: "lt-1" }, tags: [{ key: "ml-workload", value: "training", propagateAtLaunch: true }] } };
    expect(autoscaleStack([lt, asg])).toEqual([]);
    const v = workloadOf(view(asg));
    expect(v).toMatchObject({ state: "declared", workload: "training" });
  });

  it("GCE managed instance group with a GPU template and no autoscaler, and autoscaler modes", () => {
    const tmpl: R = { type: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate", name: "t", props: { name: "t", machineType: "g2-standard-8", region: "us-central1" } };
    const mig = (size: number): R => ({ type: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", name: "m", props: { name: "m", region: "us-central1", targetSize: size, versions: [{ instanceTemplate: "t" }] } });
    const noAutoscaler = violations(autoscaleStack([tmpl, mig(2)]))[0]!;
    expect(noAutoscaler.messageId).toBe("migNoAutoscaler");
    expect(noAutoscaler.message).toContain("managed instance group 'm' keeps 2 × g2-standard-8 (1×L4) running with no traffic;");
    expect(noAutoscaler.message).toContain("No autoscaler scales it.");
    expect(autoscaleStack([tmpl, mig(0)])).toEqual([]);
    const scaler = (policy: Record<string, unknown>): R => ({ type: "gcp:compute/regionAutoscaler:RegionAutoscaler", name: "a", props: { region: "us-central1", target: "m", autoscalingPolicy: { maxReplicas: 3, ...policy } } });
    expect(autoscaleStack([tmpl, mig(2), scaler({ minReplicas: 0 })])).toEqual([]);
    expect(violations(autoscaleStack([tmpl, mig(2), scaler({ minReplicas: 0, mode: "ONLY_SCALE_OUT" })]))[0]!.message).toContain("never scales in");
    const unset = violations(autoscaleStack([tmpl, mig(0), scaler({})]));
    expect(unset[0]).toMatchObject({ level: "advisory" });
    // mode OFF: the group's own size decides.
    expect(violations(autoscaleStack([tmpl, mig(2), scaler({ minReplicas: 0, mode: "OFF" })]))[0]!.urn).toBe(urn(mig(2).type, "m"));
  });

  it("GCE managed instance group whose template's machine type is unknown in preview: can't evaluate, unless not a serving workload", () => {
    const tmpl: R = { type: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate", name: "t", props: { name: "t", machineType: U_STRING, region: "us-central1" } };
    const mig: R = { type: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", name: "m", props: { name: "m", region: "us-central1", targetSize: 2, versions: [{ instanceTemplate: "t" }] } };
    expect(autoscaleStack([tmpl, mig])).toEqual([{ kind: "unknown", path: "machineType of instance template 't'", valueType: "string" }]);
    // Training capacity is not this policy's concern (ml-training-guardrails'): nothing to evaluate.
    expect(autoscaleStack([tmpl, mig], { "ml-workload": "training" })).toEqual([]);
  });

  it("GCE VM ↔ resource policy: a stop schedule passes, a start-only one does not", () => {
    const vm: R = { type: "gcp:compute/instance:Instance", name: "vm", props: { zone: "us-central1-a", machineType: "g2-standard-4", resourcePolicies: ["projects/p/regions/us-central1/resourcePolicies/sched"] } };
    const policy = (schedule: Record<string, unknown>): R => ({ type: "gcp:compute/resourcePolicy:ResourcePolicy", name: "sched", props: { name: "sched", selfLink: "https://www.googleapis.com/compute/v1/projects/p/regions/us-central1/resourcePolicies/sched", instanceSchedulePolicy: { timeZone: "UTC", ...schedule } } });
    expect(autoscaleStack([vm, policy({ vmStopSchedule: { schedule: "0 20 * * *" } })])).toEqual([]);
    expect(violations(autoscaleStack([vm, policy({ vmStartSchedule: { schedule: "0 8 * * *" } })]))[0]!.message).toContain("None of its resource policies stops it");
    expect(autoscaleStack([vm])).toEqual([]); // a policy from elsewhere: not judged
  });

  it("ECS: daemon services and services without GPUs are not judged; an unknown desiredCount can't be", () => {
    const td: R = { type: "aws:ecs/taskDefinition:TaskDefinition", name: "td", props: { family: "f", containerDefinitions: JSON.stringify([{ resourceRequirements: [{ type: "GPU", value: "2" }] }]) } };
    const svc = (props: Record<string, unknown>): R => ({ type: "aws:ecs/service:Service", name: "s", props: { name: "s", taskDefinition: "f", ...props } });
    expect(violations(autoscaleStack([td, svc({ desiredCount: 1 })]))[0]!.message).toContain("1 task with 2 GPUs");
    expect(autoscaleStack([td, svc({ desiredCount: 1, schedulingStrategy: "DAEMON" })])).toEqual([]);
    expect(autoscaleStack([{ ...td, props: { family: "f", containerDefinitions: "[]" } }, svc({ desiredCount: 3 })])).toEqual([]);
    expect(unknowns(autoscaleStack([td, svc({ desiredCount: U_NUMBER })]))).toHaveLength(1);
  });

  it("does not repeat what the resource part decided", () => {
    const ng: R = { type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1 } } };
    const cfg: R = { type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: "c", props: { productionVariants: [{ variantName: "v", modelName: "m", instanceType: "ml.g6.xlarge" }] } };
    expect(autoscaleStack([ng, cfg])).toEqual([]);
  });
});

describe("ml-autoscale-to-zero remediation", () => {
  const remediate = (r: R, tags?: Record<string, string>, config: unknown = {}) => mlAutoscaleToZero.remediate!(view(r, tags), { config: mlAutoscaleToZero.parseConfig(config), stack: view(r, tags).stack });

  it("patches only safe, obvious cases", () => {
    const asg = (props: Record<string, unknown>): R => ({ type: "aws:autoscaling/group:Group", name: "a", props: { minSize: 2, maxSize: 4, mixedInstancesPolicy: { launchTemplate: { overrides: [{ instanceType: "g6.xlarge" }] } }, ...props } });
    expect(remediate(asg({}))).toEqual({ minSize: 0 });
    expect(remediate(asg({ desiredCapacity: 0 }))).toEqual({ minSize: 0 });
    expect(remediate(asg({ desiredCapacity: 2 }))).toBeUndefined();
    expect(remediate(asg({ tags: [{ key: "ml-workload", value: "training" }] }))).toBeUndefined();
    expect(remediate({ type: "aws:eks/nodeGroup:NodeGroup", name: "n", props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1 } } })).toEqual({ "scalingConfig.minSize": 0 });
    expect(remediate({ type: "aws:eks/nodeGroup:NodeGroup", name: "n", props: { instanceTypes: [U_STRING], scalingConfig: { minSize: 1 } } })).toBeUndefined();
    expect(remediate({ type: "gcp:container/nodePool:NodePool", name: "p", props: { nodeConfig: { machineType: "g2-standard-8" }, autoscaling: { minNodeCount: 2, maxNodeCount: 3 } } })).toEqual({ "autoscaling.minNodeCount": 0 });
    expect(remediate({ type: "gcp:container/nodePool:NodePool", name: "p", props: { nodeConfig: { machineType: "g2-standard-8" }, nodeCount: 2 } })).toBeUndefined();
    expect(remediate({ type: "aws:eks/nodeGroup:NodeGroup", name: "n", props: { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: 1 } } }, { "ml-workload": "inference" }, { exemptWorkloads: ["training", "inference"] })).toBeUndefined();
    expect(remediate({ type: "gcp:cloudrunv2/service:Service", name: "s", props: { template: { scaling: { minInstanceCount: 1 }, nodeSelector: { accelerator: "nvidia-l4" } } } })).toBeUndefined();
  });

  it("applyRemediationPatch copies along the path only and refuses to write through secrets or unknowns", () => {
    const secretObj = new (class Secret {
      constructor(readonly value: unknown) {}
    })({ minSize: 3 });
    const raw = { scalingConfig: { minSize: 2, maxSize: 4 }, tags: { a: "b" }, weird: secretObj, later: U_STRING };
    const out = applyRemediationPatch(raw, { "scalingConfig.minSize": 0 })!;
    expect(out["scalingConfig"]).toEqual({ minSize: 0, maxSize: 4 });
    expect(raw.scalingConfig.minSize).toBe(2);
    expect(out["tags"]).toBe(raw.tags);
    expect(out["weird"]).toBe(secretObj);
    expect(applyRemediationPatch(raw, { "weird.minSize": 0 })).toBeUndefined();
    expect(applyRemediationPatch(raw, { "later.x": 0 })).toBeUndefined();
    expect(applyRemediationPatch(raw, { "a..b": 0 })).toBeUndefined();
    expect(applyRemediationPatch({ nodePools: [{ autoscaling: { minNodeCount: 1 } }] }, { "nodePools[0].autoscaling.minNodeCount": 0 })).toEqual({ nodePools: [{ autoscaling: { minNodeCount: 0 } }] });
    expect(applyRemediationPatch("not an object", { a: 1 })).toBeUndefined();
  });
});

describe("ml-notebook-idle-shutdown", () => {
  it("Studio: disabled lifecycle management, user profile overrides, spaces inherit", () => {
    const idle = (settings: Record<string, unknown>) => ({ jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: settings } } });
    expect(violations(notebook({ type: "aws:sagemaker/domain:Domain", name: "d", props: { defaultUserSettings: idle({ lifecycleManagement: "DISABLED" }) } }))[0]!.message).toContain("does not enable idle shutdown");
    expect(violations(notebook({ type: "aws:sagemaker/domain:Domain", name: "d", props: { defaultUserSettings: { executionRole: "r" } } }))[0]!.message).toContain("never stop when idle");
    expect(notebook({ type: "aws:sagemaker/userProfile:UserProfile", name: "u", props: { userSettings: { executionRole: "r" } } })).toEqual([]);
    expect(violations(notebook({ type: "aws:sagemaker/userProfile:UserProfile", name: "u", props: { userSettings: idle({ lifecycleManagement: "ENABLED", idleTimeoutInMinutes: 600 }) } }))).toHaveLength(1);
    expect(notebook({ type: "aws:sagemaker/space:Space", name: "s", props: { spaceSettings: {} } })).toEqual([]);
    expect(violations(notebook({ type: "aws:sagemaker/space:Space", name: "s", props: { spaceSettings: { codeEditorAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: "ENABLED", idleTimeoutInMinutes: 120 } } } } } }))).toHaveLength(1);
  });

  it("Workbench: explicit timeout, guest attributes off, stopped instance", () => {
    const wb = (props: Record<string, unknown>): R => ({ type: "gcp:workbench/instance:Instance", name: "w", props: { location: "us-central1-a", ...props } });
    expect(notebook(wb({ gceSetup: { metadata: { "idle-timeout-seconds": "1800" } } }))).toEqual([]);
    expect(violations(notebook(wb({ gceSetup: { metadata: { "idle-timeout-seconds": "1800", "enable-guest-attributes": "false" } } })))).toHaveLength(1);
    expect(notebook(wb({ desiredState: "STOPPED" }))[0]).toMatchObject({ kind: "not-applicable" });
    expect(notebook(wb({ gceSetup: { metadata: { "idle-timeout-seconds": U_STRING } } }))).toEqual([{ kind: "unknown", path: 'gceSetup.metadata["idle-timeout-seconds"]', valueType: "number" }]);
  });

  it("Colab: durations, 0s disables, absent is a finding; the limit is configurable", () => {
    const colab = (idleShutdownConfig?: Record<string, unknown>): R => ({ type: "gcp:colab/runtimeTemplate:RuntimeTemplate", name: "c", props: { location: "us-central1", ...(idleShutdownConfig ? { idleShutdownConfig } : {}) } });
    expect(notebook(colab({ idleTimeout: "60m" }))).toEqual([]);
    expect(violations(notebook(colab({ idleTimeout: "3h" })))[0]!.message).toContain("after 3 h idle");
    expect(violations(notebook(colab({ idleTimeout: "0s" })))[0]!.message).toContain("turns idle shutdown off");
    expect(violations(notebook(colab()))).toHaveLength(1);
    expect(notebook(colab({ idleTimeout: "3h" }), { maxIdleMinutes: 240 })).toEqual([]);
  });

  it("Dataproc: idle TTLs, and clusters without accelerators are out of scope", () => {
    const dp = (lifecycleConfig?: Record<string, unknown>, accel = true): R => ({
      type: "gcp:dataproc/cluster:Cluster",
      name: "d",
      props: { region: "us-central1", clusterConfig: { ...(lifecycleConfig ? { lifecycleConfig } : {}), workerConfig: { numInstances: 4, ...(accel ? { accelerators: [{ acceleratorType: "nvidia-l4", acceleratorCount: 1 }] } : {}) } } },
    });
    expect(notebook(dp({ idleStopTtl: "30m" }))).toEqual([]);
    expect(notebook(dp({ idleDeleteTtl: "1800s" }))).toEqual([]);
    expect(violations(notebook(dp({ idleDeleteTtl: "86400s" })))[0]!.message).toContain("4 instances with 1×L4 GPU each");
    expect(notebook(dp(undefined, false))[0]).toMatchObject({ kind: "not-applicable" });
  });

  it("CPU notebook instances are out of scope", () => {
    expect(notebook({ type: "aws:sagemaker/notebookInstance:NotebookInstance", name: "n", props: { instanceType: "ml.t3.medium" } })[0]).toMatchObject({ kind: "not-applicable" });
  });
});

describe("ml-training-guardrails", () => {
  it("SageMaker: Spot without checkpoints or maxWaitTime, runtime above the limit", () => {
    const job = (props: Record<string, unknown>): R => ({ type: "aws:sagemaker/trainingJob:TrainingJob", name: "j", props: { resourceConfig: { instanceType: "ml.g5.xlarge", instanceCount: 1 }, ...props } });
    const m = violations(guard(job({ enableManagedSpotTraining: true, stoppingCondition: { maxRuntimeInSeconds: 400_000 } })))[0]!.message;
    expect(m).toContain("above the limit of 72 h");
    expect(m).toContain("checkpointConfig.s3Uri");
    expect(m).toContain("maxWaitTimeInSeconds");
    expect(guard(job({ stoppingCondition: { maxRuntimeInSeconds: U_NUMBER } }))).toEqual([{ kind: "unknown", path: "stoppingCondition.maxRuntimeInSeconds", valueType: "number" }]);
    expect(guard({ type: "aws:sagemaker/trainingJob:TrainingJob", name: "cpu", props: { resourceConfig: { instanceType: "ml.m5.xlarge" } } })[0]).toMatchObject({ kind: "not-applicable" });
  });

  it("Batch: on-demand GPU environment fails unless declared for online serving", () => {
    const ce: R = { type: "aws:batch/computeEnvironment:ComputeEnvironment", name: "ce", props: { computeResources: { type: "EC2", maxVcpus: 16, instanceTypes: ["g5.xlarge"] } } };
    expect(violations(guard(ce))[0]!.message).toContain("set computeResources.type to SPOT");
    expect(guard(ce, { "ml-workload": "inference" })[0]).toMatchObject({ kind: "not-applicable" });
  });

  it("Batch job definitions with timeout and retries pass", () => {
    const jd: R = {
      type: "aws:batch/jobDefinition:JobDefinition",
      name: "jd",
      props: { containerProperties: JSON.stringify({ resourceRequirements: [{ type: "GPU", value: "1" }] }), timeout: { attemptDurationSeconds: 3600 }, retryStrategy: { attempts: 3 } },
    };
    expect(guard(jd)).toEqual([]);
  });

  it("EKS, GCE, TPU: only declared training capacity is checked", () => {
    const ng: R = { type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: { instanceTypes: ["p5.48xlarge"], capacityType: "ON_DEMAND" } };
    expect(guard(ng)[0]).toMatchObject({ kind: "not-applicable" });
    expect(violations(guard(ng, { "ml-workload": "training" }))).toHaveLength(1);
    expect(guard({ ...ng, props: { ...ng.props, capacityType: "CAPACITY_BLOCK" } }, { "ml-workload": "training" })).toEqual([]);
    const vm = (scheduling: Record<string, unknown>): R => ({ type: "gcp:compute/instance:Instance", name: "vm", props: { machineType: "a3-highgpu-8g", scheduling, labels: { "ml-workload": "training" } } });
    expect(guard(vm({ provisioningModel: "SPOT", preemptible: true }))).toEqual([]);
    expect(guard(vm({ maxRunDuration: { seconds: 86_400 } }))).toEqual([]);
    expect(violations(guard(vm({ maxRunDuration: { seconds: 864_000 } })))[0]!.message).toContain("above the limit of 72 h");
    expect(violations(guard(vm({})))).toHaveLength(1);
    const tpu: R = { type: "gcp:tpu/v2Vm:V2Vm", name: "t", props: { acceleratorType: "v5litepod-8", labels: { "ml-workload": "training" } } };
    expect(violations(guard(tpu))).toHaveLength(1);
    expect(guard({ ...tpu, props: { ...tpu.props, schedulingConfig: { spot: true } } })).toEqual([]);
  });

  it("GKE: flex-start, queued provisioning and maxRunDuration pass a training pool", () => {
    const pool = (props: Record<string, unknown>, nodeConfig: Record<string, unknown> = {}): R => ({
      type: "gcp:container/nodePool:NodePool",
      name: "p",
      props: { nodeConfig: { machineType: "a3-highgpu-8g", resourceLabels: { "ml-workload": "training" }, ...nodeConfig }, ...props },
    });
    expect(guard(pool({}, { flexStart: true }))).toEqual([]);
    expect(guard(pool({ queuedProvisioning: { enabled: true } }))).toEqual([]);
    expect(guard(pool({}, { maxRunDuration: "86400s" }))).toEqual([]);
    expect(violations(guard(pool({}, { maxRunDuration: "864000s" })))[0]!.message).toContain("above the limit of 72 h");
  });

  it("stack part: EKS node group whose GPU type is in its launch template, tagged training on the stack", () => {
    const lt: R = { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", props: { id: "lt-1", instanceType: "p5.48xlarge" } };
    const ng: R = { type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: { launchTemplate: { id: "lt-1" }, scalingConfig: { minSize: 0 } }, propDeps: { launchTemplate: ["lt"] } };
    const os = evaluateStackRule(mlTrainingGuardrails, stack([lt, ng], { "ml-workload": "training" }), {});
    expect(violations(os)[0]!.urn).toBe(urn(ng.type, "ng"));
    expect(evaluateStackRule(mlTrainingGuardrails, stack([lt, ng], { "ml-workload": "inference" }), {})).toEqual([]);
  });

  it("stack part: a launch template whose instance type is unknown in preview can't be evaluated for training capacity", () => {
    const lt: R = { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", props: { id: "lt-1", instanceType: U_STRING } };
    const ng: R = { type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: { launchTemplate: { id: "lt-1" }, scalingConfig: { minSize: 0 } }, propDeps: { launchTemplate: ["lt"] } };
    const os = evaluateStackRule(mlTrainingGuardrails, stack([lt, ng], { "ml-workload": "training" }), {});
    expect(os).toEqual([{ kind: "unknown", path: "instanceType of launch template 'lt'", valueType: "string" }]);
    // Declared inference: whatever the type turns out to be, the guardrails do not apply.
    expect(evaluateStackRule(mlTrainingGuardrails, stack([lt, ng], { "ml-workload": "inference" }), {})).toEqual([]);
  });

  it("run-time limits: SageMaker maxRuntimeInSeconds and Batch attemptDurationSeconds, missing or above maxRuntimeHours", () => {
    const jd = (timeout: Record<string, unknown> | undefined): R => ({
      type: "aws:batch/jobDefinition:JobDefinition",
      name: "jd",
      props: { containerProperties: JSON.stringify({ resourceRequirements: [{ type: "GPU", value: "1" }] }), retryStrategy: { attempts: 3 }, ...(timeout ? { timeout } : {}) },
    });
    const over = violations(guard(jd({ attemptDurationSeconds: 345_600 })))[0]!;
    expect(over.message).toContain("allows 4 days per attempt (timeout.attemptDurationSeconds), above the limit of 72 h");
    expect(over.suggestion).toEqual({ "timeout.attemptDurationSeconds": 259_200 });
    const missing = violations(guard(jd(undefined)))[0]!;
    expect(missing.message).toContain("has no timeout.attemptDurationSeconds; set it to at most 259200 (72 h).");
    expect(missing.message).toContain("Without timeout.attemptDurationSeconds, a hung GPU job runs until someone cancels it.");
    expect(guard(jd({ attemptDurationSeconds: U_NUMBER }))).toEqual([{ kind: "unknown", path: "timeout.attemptDurationSeconds", valueType: "number" }]);
    expect(guard(jd({ attemptDurationSeconds: 259_200 }))).toEqual([]);

    const job: R = { type: "aws:sagemaker/trainingJob:TrainingJob", name: "j", props: { resourceConfig: { instanceType: "ml.g5.xlarge", instanceCount: 1 }, stoppingCondition: { maxRuntimeInSeconds: 7200 } } };
    const tight = violations(guard(job, {}, { maxRuntimeHours: 1 }))[0]!;
    expect(tight.message).toContain("may run 2 h (stoppingCondition.maxRuntimeInSeconds), above the limit of 1 h; lower it to 3600 or less");
    expect(tight.suggestion).toMatchObject({ "stoppingCondition.maxRuntimeInSeconds": 3600 });
  });

  it("stack part: a launch template's unknown Spot setting is named without quoting a name that is not identifier-shaped", () => {
    const lt: R = {
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      name: "lt password=hunter2",
      props: { id: "lt-1", instanceType: "p4d.24xlarge", instanceMarketOptions: { marketType: U_STRING }, tags: { "ml-workload": "training" } },
    };
    const asg: R = { type: "aws:autoscaling/group:Group", name: "train-asg", props: { minSize: 0, maxSize: 2, launchTemplate: { id: "lt-1" } }, propDeps: { launchTemplate: [lt.name] } };
    const os = evaluateStackRule(mlTrainingGuardrails, stack([lt, asg]), {});
    expect(unknowns(os)).toEqual([{ kind: "unknown", path: "instanceMarketOptions.marketType of launch template '(unnamed)' of Auto Scaling group 'train-asg'", valueType: "string" }]);
    expect(JSON.stringify(os)).not.toContain("hunter2");
  });
});

describe("stack checks scale with the stack", () => {
  it("evaluates 6,000 joined resources in well under the time a preview allows", () => {
    const rs: R[] = [];
    for (let i = 0; i < 1000; i++) {
      rs.push({ type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: `c${i}`, props: { name: `c${i}`, asyncInferenceConfig: { outputConfig: {} }, productionVariants: [{ variantName: "main", modelName: "m", instanceType: "ml.g5.xlarge" }] } });
      rs.push({ type: "aws:sagemaker/endpoint:Endpoint", name: `e${i}`, props: { name: `e${i}`, endpointConfigName: `c${i}` } });
      rs.push({ type: "aws:appautoscaling/target:Target", name: `t${i}`, props: { serviceNamespace: "sagemaker", scalableDimension: "sagemaker:variant:DesiredInstanceCount", resourceId: `endpoint/e${i}/variant/main`, minCapacity: i % 2 } });
      rs.push({ type: "gcp:compute/instanceTemplate:InstanceTemplate", name: `tm${i}`, props: { name: `tm${i}`, machineType: "g2-standard-8" } });
      rs.push({ type: "gcp:compute/instanceGroupManager:InstanceGroupManager", name: `m${i}`, props: { name: `m${i}`, targetSize: 1, versions: [{ instanceTemplate: `tm${i}` }] } });
      rs.push({ type: "gcp:compute/autoscaler:Autoscaler", name: `a${i}`, props: { target: `m${i}`, autoscalingPolicy: { minReplicas: 0 } } });
    }
    const s = stack(rs);
    const start = performance.now();
    const os = evaluateStackRule(mlAutoscaleToZero, s, {});
    expect(performance.now() - start).toBeLessThan(10_000);
    expect(violations(os)).toHaveLength(500);
  });
});

describe("capacity helpers", () => {
  it("parses durations", () => {
    expect(parseDuration("3600s")).toBe(3600);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("1.5h")).toBe(5400);
    expect(parseDuration("2d")).toBe(172_800);
    expect(parseDuration("90")).toBe(90);
    expect(parseDuration("soon")).toBeUndefined();
    expect(parseDuration("1h soon")).toBeUndefined();
    expect(formatMinutes(240)).toBe("4 h");
    expect(formatMinutes(90)).toBe("90 min");
    expect(formatMinutes(4320)).toBe("3 days");
  });
});
