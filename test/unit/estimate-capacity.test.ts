/** Capacity readers: floor (minimum running capacity) and ceiling (maximum) per resource type. */
import { describe, expect, it } from "vitest";
import { type ResourceInput, buildStackView, buildView } from "../../src/engine/view";
import { type EstimatedResource, type ResourceEstimate, estimateResource, estimateStack } from "../../src/estimate";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function one(type: string, props: Record<string, unknown>, providerProps: Record<string, unknown> = { region: "us-east-1" }): ResourceEstimate {
  return estimateResource(buildView({ urn: `urn:pulumi:s::p::${type}::r`, type, name: "r", props, providerProps }));
}

function units(e: ResourceEstimate): [number, number] {
  if (e.status !== "estimated") throw new Error(`${e.status}: ${e.reason}`);
  return [e.parts.reduce((s, p) => s + p.units.floor, 0), e.parts.reduce((s, p) => s + p.units.ceiling, 0)];
}

function estimated(e: ResourceEstimate): EstimatedResource {
  if (e.status !== "estimated") throw new Error(`${e.status}: ${e.reason}`);
  return e;
}

describe("capacity readers", () => {
  it("EC2 instance = 1; GCE VM = 1 unless stopped", () => {
    expect(units(one("aws:ec2/instance:Instance", { instanceType: "g6.xlarge" }))).toEqual([1, 1]);
    expect(units(one("gcp:compute/instance:Instance", { machineType: "g2-standard-8", zone: "us-central1-a" }, {}))).toEqual([1, 1]);
    expect(units(one("gcp:compute/instance:Instance", { machineType: "g2-standard-8", zone: "us-central1-a", desiredStatus: "TERMINATED" }, {}))).toEqual([0, 0]);
  });

  it("SageMaker: initialInstanceCount, managed instance scaling to zero, serverless skipped", () => {
    expect(units(one("aws:sagemaker/endpointConfiguration:EndpointConfiguration", { productionVariants: [{ variantName: "a", instanceType: "ml.g5.xlarge", initialInstanceCount: 3 }] }))).toEqual([3, 3]);
    expect(
      units(one("aws:sagemaker/endpointConfiguration:EndpointConfiguration", { productionVariants: [{ variantName: "a", instanceType: "ml.g5.xlarge", managedInstanceScaling: { status: "ENABLED", minInstanceCount: 0, maxInstanceCount: 4 } }] })),
    ).toEqual([0, 4]);
    expect(one("aws:sagemaker/endpointConfiguration:EndpointConfiguration", { productionVariants: [{ variantName: "a", serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 } }] }).status).toBe("not-applicable");
  });

  it("SageMaker: an Application Auto Scaling target in the stack sets floor and ceiling", () => {
    const inputs: ResourceInput[] = [
      { urn: "urn:pulumi:s::p::aws:sagemaker/endpointConfiguration:EndpointConfiguration::cfg", type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: "cfg", props: { name: "cfg-1", productionVariants: [{ variantName: "main", instanceType: "ml.g5.xlarge", initialInstanceCount: 1 }] }, providerProps: { region: "us-east-1" } },
      { urn: "urn:pulumi:s::p::aws:sagemaker/endpoint:Endpoint::ep", type: "aws:sagemaker/endpoint:Endpoint", name: "ep", props: { name: "ep-1", endpointConfigName: "cfg-1" } },
      { urn: "urn:pulumi:s::p::aws:appautoscaling/target:Target::t", type: "aws:appautoscaling/target:Target", name: "t", props: { serviceNamespace: "sagemaker", resourceId: "endpoint/ep-1/variant/main", minCapacity: 0, maxCapacity: 5 } },
    ];
    const stack = estimateStack(buildStackView(inputs));
    expect(units(stack.resources[0]!)).toEqual([0, 5]);
  });

  it("ASG: min/max size, instance type from overrides or from the launch template in the stack", () => {
    expect(units(one("aws:autoscaling/group:Group", { minSize: 1, maxSize: 3, mixedInstancesPolicy: { launchTemplate: { overrides: [{ instanceType: "g5.xlarge" }] } } }))).toEqual([1, 3]);
    const lone = one("aws:autoscaling/group:Group", { minSize: 0, maxSize: 2, launchTemplate: { id: "lt-1" } });
    expect(lone).toMatchObject({ status: "unknown", reason: expect.stringMatching(/launch template/) });
    const stack = estimateStack(
      buildStackView([
        { urn: "urn:pulumi:s::p::aws:ec2/launchTemplate:LaunchTemplate::lt", type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", props: { instanceType: "p5.48xlarge" }, links: { id: "lt-1", dependencies: [], propertyDependencies: {} } },
        { urn: "urn:pulumi:s::p::aws:autoscaling/group:Group::asg", type: "aws:autoscaling/group:Group", name: "asg", props: { minSize: 0, maxSize: 2, launchTemplate: { id: "lt-1" } }, providerProps: { region: "us-east-1" } },
      ]),
    );
    expect(stack.resources[0]!.status).toBe("not-applicable");
    expect(units(stack.resources[1]!)).toEqual([0, 2]);
    expect(stack.totalKgCo2e.floor).toBe(0);
    expect(stack.totalKgCo2e.ceiling).toBeGreaterThan(1000);
  });

  it("EKS node group: scalingConfig min/max; Batch: vCPUs ÷ vCPUs per instance", () => {
    expect(units(one("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g6.2xlarge"], scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 5 } }))).toEqual([0, 5]);
    expect(units(one("aws:batch/computeEnvironment:ComputeEnvironment", { computeResources: { type: "EC2", minVcpus: 0, maxVcpus: 64, instanceTypes: ["g5.2xlarge"] } }))).toEqual([0, 8]);
    expect(one("aws:batch/computeEnvironment:ComputeEnvironment", { computeResources: { type: "EC2", maxVcpus: 64, instanceTypes: ["optimal"] } }).status).toBe("unknown");
  });

  it("GKE: per-zone min/max × zones, total counts, fixed nodeCount; scale-to-zero floor is 0", () => {
    const pool = (props: Record<string, unknown>) => one("gcp:container/nodePool:NodePool", { nodeConfig: { machineType: "g2-standard-8" }, ...props }, {});
    expect(units(pool({ location: "us-central1-a", autoscaling: { minNodeCount: 0, maxNodeCount: 4 } }))).toEqual([0, 4]);
    expect(units(pool({ location: "us-central1", nodeLocations: ["us-central1-a", "us-central1-b"], autoscaling: { minNodeCount: 1, maxNodeCount: 3 } }))).toEqual([2, 6]);
    expect(units(pool({ location: "us-central1", autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 5 } }))).toEqual([1, 5]);
    expect(units(pool({ location: "us-central1", nodeCount: 2 }))).toEqual([6, 6]);
  });

  it("Cloud Run: min/max instances with GPU, CPU and memory limits; default max 100 is said", () => {
    const e = estimated(one("gcp:cloudrunv2/service:Service", { location: "europe-west4", template: { nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ resources: { limits: { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "1" } } }] } }, {}));
    expect(units(e)).toEqual([0, 100]);
    expect(e.caveats.join(" ")).toMatch(/default of 100/);
    expect(e.parts[0]!.power.components.accelerators).toBeGreaterThan(30);
    expect(e.embodiedKgCo2e).toBeUndefined();
  });

  it("Vertex pool, TPU VM, Workbench, Dataproc", () => {
    expect(units(one("gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool", { region: "us-central1", dedicatedResources: { machineSpec: { machineType: "g2-standard-12", acceleratorType: "NVIDIA_L4", acceleratorCount: 1 }, minReplicaCount: 1, maxReplicaCount: 3 } }, {}))).toEqual([1, 3]);
    const tpu = estimated(one("gcp:tpu/v2Vm:V2Vm", { zone: "us-central1-a", acceleratorType: "v6e-8" }, {}));
    expect(tpu.assumptions.find((a) => a.label.startsWith("Google TPU v6e"))?.estimate).toMatch(/estimate/);
    expect(units(one("gcp:workbench/instance:Instance", { location: "us-central1-a", gceSetup: { machineType: "g2-standard-8" } }, {}))).toEqual([0, 1]);
    expect(units(one("gcp:dataproc/cluster:Cluster", { region: "us-central1", clusterConfig: { workerConfig: { numInstances: 4, machineType: "n1-standard-8", accelerators: [{ acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1 }] } } }, {}))).toEqual([5, 5]);
  });

  it("SageMaker training job: counted for its maximum runtime at the ceiling, 0 at the floor", () => {
    const e = estimated(one("aws:sagemaker/trainingJob:TrainingJob", { resourceConfig: { instanceType: "ml.p4d.24xlarge", instanceCount: 2 }, stoppingCondition: { maxRuntimeInSeconds: 36_000 } }));
    expect(e.parts[0]!.hoursPerUnit).toEqual({ floor: 0, expected: 5, ceiling: 10 });
    expect(e.energyKwh.floor).toBe(0);
    expect(e.energyKwh.ceiling).toBeCloseTo((2 * 10 * e.parts[0]!.power.watts * 1.15) / 1000, 6);
  });

  it("storage: EBS and persistent disks with replication", () => {
    const ebs = estimated(one("aws:ebs/volume:Volume", { size: 1000, type: "gp3" }));
    expect(ebs.parts[0]!.power.watts).toBeCloseTo(1.073741824 * 1.2 * 2, 6);
    const hdd = estimated(one("gcp:compute/disk:Disk", { zone: "us-central1-a", size: 2000, type: "pd-standard" }, {}));
    expect(hdd.parts[0]!.power.watts).toBeCloseTo(2 * 0.65, 6);
  });

  it("unknown (with the reason), never zero: preview unknowns, missing region, unknown types", () => {
    expect(one("aws:ec2/instance:Instance", { instanceType: UNKNOWN })).toMatchObject({ status: "unknown", reason: expect.stringMatching(/instanceType is unknown until the update runs/) });
    expect(one("aws:ec2/instance:Instance", { instanceType: "g6.xlarge" }, {})).toMatchObject({ status: "unknown", reason: expect.stringMatching(/no region/) });
    expect(one("aws:ec2/instance:Instance", { instanceType: "zz9.huge" })).toMatchObject({ status: "unknown", reason: expect.stringMatching(/not in CCF's instance data/) });
    expect(one("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g6.xlarge"], scalingConfig: { minSize: UNKNOWN, maxSize: 2 } })).toMatchObject({ status: "unknown" });
    expect(one("aws:iam/role:Role", {}).status).toBe("not-applicable");
  });

  it("what-if region: same kWh, emissions scale with intensity × PUE", () => {
    const view = buildView({ urn: "u", type: "aws:ec2/instance:Instance", name: "n", props: { instanceType: "p5.48xlarge" }, providerProps: { region: "us-east-1" } });
    const here = estimated(estimateResource(view));
    const there = estimated(estimateResource(view, { region: "eu-north-1" }));
    expect(there.region).toBe("eu-north-1");
    expect(there.energyKwh.floor).toBeCloseTo(here.energyKwh.floor, 6);
    expect(here.operationalKgCo2e.floor / there.operationalKgCo2e.floor).toBeCloseTo(418 / 20, 1);
  });
});

describe("an instance type no data source knows", () => {
  it("is quoted only when shaped like one: any other value could be a secret put there by mistake", async () => {
    const { resolveUnit } = await import("../../src/estimate/power");
    const secret = resolveUnit({ kind: "instance", cloud: "aws", instanceType: "s3cr3t-Pl4nted-V4lue-do-not-print" }, 0.5);
    expect("unknown" in secret && secret.unknown).toBe("(an unrecognised type) is not in CCF's instance data");
    const shaped = resolveUnit({ kind: "instance", cloud: "aws", instanceType: "zz9.48xlarge" }, 0.5);
    expect("unknown" in shaped && shaped.unknown).toMatch(/^zz9\.48xlarge /);
    const accelerator = resolveUnit({ kind: "instance", cloud: "gcp", instanceType: "n1-standard-8", attached: [{ token: "Pl4nted-s3cr3t", count: 1 }] }, 0.5);
    expect(JSON.stringify(accelerator)).not.toContain("Pl4nted-s3cr3t");
  });
});

describe("free-text values in capacity plans", () => {
  const SECRET = "Pl4nted.s3cr3t-V4lue";

  it("are never quoted in labels, bases, caveats or reasons", () => {
    const estimates = [
      one("aws:batch/computeEnvironment:ComputeEnvironment", { computeResources: { type: "EC2", maxVcpus: 64, instanceTypes: [SECRET, "g5.2xlarge"] } }),
      one("aws:sagemaker/endpointConfiguration:EndpointConfiguration", { productionVariants: [{ variantName: SECRET, instanceType: "ml.g5.xlarge", initialInstanceCount: 1 }] }),
      one("aws:ebs/volume:Volume", { size: 100, type: SECRET }),
      one("gcp:compute/disk:Disk", { zone: "us-central1-a", size: 100, type: SECRET }, {}),
      one("gcp:compute/instance:Instance", { machineType: "g2-standard-8", zone: "us-central1-a", desiredStatus: SECRET }, {}),
    ];
    expect(estimates[0]).toMatchObject({ status: "unknown", reason: expect.stringMatching(/^vCPUs of \(an unrecognised type\) unknown/) });
    expect(estimated(estimates[1]!).parts[0]!.label).toBe("productionVariants[0]: ml.g5.xlarge");
    expect(estimated(estimates[2]!).parts[0]!.label).toBe("EBS volume 100 GiB");
    expect(estimated(estimates[3]!).parts[0]!.label).toBe("disk 100 GB");
    expect(estimated(estimates[4]!).parts[0]!.unitsBasis).toBe("desiredStatus not RUNNING");
    const text = JSON.stringify(estimates);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.toUpperCase());
  });
});

describe("stack joins: the estimator follows the rules' joins (engine/stack-joins)", () => {
  const urn = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;
  const LT = "aws:ec2/launchTemplate:LaunchTemplate";
  const ASG = "aws:autoscaling/group:Group";

  it("ASG in preview: a launch template id unknown until the update runs is followed through the engine's property dependency", () => {
    const stack = estimateStack(
      buildStackView([
        { urn: urn(LT, "lt"), type: LT, name: "lt", props: { instanceType: "g6.xlarge", id: UNKNOWN } },
        {
          urn: urn(ASG, "asg"),
          type: ASG,
          name: "asg",
          props: { minSize: 1, maxSize: 4, launchTemplate: { id: UNKNOWN } },
          providerProps: { region: "us-east-1" },
          links: { dependencies: [urn(LT, "lt")], propertyDependencies: { launchTemplate: [urn(LT, "lt")] } },
        },
      ]),
    );
    expect(units(stack.resources[1]!)).toEqual([1, 4]);
    // Without the dependency the reference can't be followed now: unknown with the path, never a guess.
    const lone = estimateStack(buildStackView([{ urn: urn(ASG, "asg"), type: ASG, name: "asg", props: { minSize: 1, maxSize: 4, launchTemplate: { id: UNKNOWN } }, providerProps: { region: "us-east-1" } }]));
    expect(lone.resources[0]).toMatchObject({ status: "unknown", reason: expect.stringMatching(/^launchTemplate\.id is unknown until the update runs/) });
  });

  it("GCE managed instance group: template by self link, bounds from the autoscaler that targets it", () => {
    const base = "https://www.googleapis.com/compute/v1/projects/p";
    const stack = estimateStack(
      buildStackView([
        { urn: urn("gcp:compute/instanceTemplate:InstanceTemplate", "tpl"), type: "gcp:compute/instanceTemplate:InstanceTemplate", name: "tpl", props: { machineType: "g2-standard-8", selfLink: `${base}/global/instanceTemplates/tpl-1` } },
        {
          urn: urn("gcp:compute/instanceGroupManager:InstanceGroupManager", "mig"),
          type: "gcp:compute/instanceGroupManager:InstanceGroupManager",
          name: "mig",
          props: { zone: "us-central1-a", targetSize: 2, versions: [{ instanceTemplate: "projects/p/global/instanceTemplates/tpl-1" }], selfLink: `${base}/zones/us-central1-a/instanceGroupManagers/mig-1` },
        },
        { urn: urn("gcp:compute/autoscaler:Autoscaler", "as"), type: "gcp:compute/autoscaler:Autoscaler", name: "as", props: { zone: "us-central1-a", target: `${base}/zones/us-central1-a/instanceGroupManagers/mig-1`, autoscalingPolicy: { minReplicas: 0, maxReplicas: 6 } } },
      ]),
    );
    expect(units(stack.resources[1]!)).toEqual([0, 6]);
  });

  it("GKE node pool without a location of its own: its cluster's location sets the zone count", () => {
    const cluster = { urn: urn("gcp:container/cluster:Cluster", "c"), type: "gcp:container/cluster:Cluster", name: "c", props: { name: "gpu-cluster", location: "us-central1", removeDefaultNodePool: true } };
    const pool = { urn: urn("gcp:container/nodePool:NodePool", "np"), type: "gcp:container/nodePool:NodePool", name: "np", props: { cluster: "gpu-cluster", nodeCount: 1, nodeConfig: { machineType: "g2-standard-8" } }, providerProps: { region: "us-central1" } };
    const stack = estimateStack(buildStackView([cluster, pool]));
    expect(units(stack.resources[1]!)).toEqual([3, 3]); // regional: 3 zones
  });
});

describe("the expected figure", () => {
  const OVERRIDES = { mixedInstancesPolicy: { launchTemplate: { overrides: [{ instanceType: "g5.xlarge" }] } } };
  const expectedUnits = (e: ResourceEstimate): number => estimated(e).parts.reduce((s, p) => s + p.units.expected, 0);

  it("is the size the resource declares: ASG desiredCapacity, EKS desiredSize, kept within the bounds", () => {
    expect(expectedUnits(one("aws:autoscaling/group:Group", { minSize: 0, maxSize: 8, desiredCapacity: 2, ...OVERRIDES }))).toBe(2);
    expect(expectedUnits(one("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g6.2xlarge"], scalingConfig: { minSize: 0, desiredSize: 1, maxSize: 5 } }))).toBe(1);
    expect(expectedUnits(one("aws:autoscaling/group:Group", { minSize: 1, maxSize: 3, desiredCapacity: 9, ...OVERRIDES }))).toBe(3);
  });

  it("is expectedUtilization of the way from floor to ceiling where nothing is declared (default halfway)", () => {
    const view = buildView({ urn: "urn:pulumi:s::p::aws:autoscaling/group:Group::r", type: "aws:autoscaling/group:Group", name: "r", props: { minSize: 0, maxSize: 8, ...OVERRIDES }, providerProps: { region: "us-east-1" } });
    expect(expectedUnits(estimateResource(view))).toBe(4);
    const quarter = estimated(estimateResource(view, { expectedUtilization: 0.25 }));
    expect(quarter.parts[0]!.units).toEqual({ floor: 0, expected: 2, ceiling: 8 });
    // Emissions follow the units: a quarter of the way is a quarter of the ceiling here (floor 0).
    expect(quarter.totalKgCo2e.expected).toBeCloseTo(quarter.totalKgCo2e.ceiling / 4, 6);
    expect(quarter.assumptions.find((f) => f.label === "expected utilization")?.value).toBe(0.25);
  });

  it("equals floor and ceiling for fixed capacity, and quotes no expected-utilization assumption there", () => {
    const fixed = estimated(one("aws:ec2/instance:Instance", { instanceType: "g6.xlarge" }));
    expect(fixed.totalKgCo2e.expected).toBe(fixed.totalKgCo2e.floor);
    expect(fixed.totalKgCo2e.expected).toBe(fixed.totalKgCo2e.ceiling);
    expect(fixed.assumptions.some((f) => f.label === "expected utilization")).toBe(false);
  });

  it("stays between floor and ceiling for any share", () => {
    for (const share of [0, 0.1, 0.5, 0.9, 1, -3, 7, Number.NaN]) {
      const e = estimated(one("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["g6.2xlarge"], scalingConfig: { minSize: 1, maxSize: 5 } }));
      const withShare = estimated(estimateResource(buildView({ urn: "urn:pulumi:s::p::aws:eks/nodeGroup:NodeGroup::r", type: "aws:eks/nodeGroup:NodeGroup", name: "r", props: { instanceTypes: ["g6.2xlarge"], scalingConfig: { minSize: 1, maxSize: 5 } }, providerProps: { region: "us-east-1" } }), { expectedUtilization: share }));
      expect(withShare.totalKgCo2e.expected).toBeGreaterThanOrEqual(e.totalKgCo2e.floor);
      expect(withShare.totalKgCo2e.expected).toBeLessThanOrEqual(e.totalKgCo2e.ceiling);
    }
  });
});
