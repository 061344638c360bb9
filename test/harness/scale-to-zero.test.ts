// Tier 2 for ml-autoscale-to-zero, ml-notebook-idle-shutdown and ml-training-guardrails: the real
// pack (policies/, compiled) booted as the Pulumi CLI boots it, driven over gRPC: Remediate, Analyze
// (inputs) per resource and AnalyzeStack (outputs, with dependencies) once, as the engine does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AnalyzeDiagnostic,
  type AnalyzeResource,
  POLICIES_DIR,
  type Session,
  type StackResource,
  secret,
  startSession,
  testUrn,
  unknown,
} from "./index";

const AUTOSCALE = "ml-autoscale-to-zero";
const NOTEBOOK = "ml-notebook-idle-shutdown";
const GUARDRAILS = "ml-training-guardrails";

const of = (policy: string, ds: AnalyzeDiagnostic[]) => ds.filter((d) => d.policyName === policy);

function awsProvider(region: string) {
  return { urn: testUrn("pulumi:providers:aws", `aws-${region}`), type: "pulumi:providers:aws", name: `aws-${region}`, properties: { region } };
}

function res(type: string, name: string, properties: Record<string, unknown>, extra: Partial<StackResource> = {}): StackResource {
  return { urn: testUrn(type, name), type, name, properties, ...extra };
}

// ---- SageMaker async endpoint + scaling target (stack) ----
const CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const ENDPOINT = "aws:sagemaker/endpoint:Endpoint";
const TARGET = "aws:appautoscaling/target:Target";

function asyncStack(minCapacity: unknown, opts: { resourceId?: unknown; linkTarget?: boolean } = {}): StackResource[] {
  const config = res(
    CONFIG,
    "async-cfg",
    {
      name: "async-cfg-1a2b",
      asyncInferenceConfig: { outputConfig: { s3OutputPath: "s3://bucket/out" } },
      productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g5.xlarge", initialInstanceCount: 1 }],
    },
    { provider: awsProvider("us-east-1") },
  );
  const endpoint = res(ENDPOINT, "async-ep", { name: "async-ep-9f8e", endpointConfigName: "async-cfg-1a2b" }, { dependencies: [config.urn], propertyDependencies: { endpointConfigName: [config.urn] } });
  const linked = opts.linkTarget ?? true;
  const target = res(
    TARGET,
    "async-target",
    {
      serviceNamespace: "sagemaker",
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      resourceId: opts.resourceId ?? "endpoint/async-ep-9f8e/variant/main",
      minCapacity,
      maxCapacity: 2,
    },
    linked ? { dependencies: [endpoint.urn], propertyDependencies: { resourceId: [endpoint.urn] } } : {},
  );
  return [config, endpoint, target];
}

const eksNodeGroup = (name: string, minSize: number, extra: Record<string, unknown> = {}): AnalyzeResource => ({
  urn: testUrn("aws:eks/nodeGroup:NodeGroup", name),
  type: "aws:eks/nodeGroup:NodeGroup",
  name,
  properties: { clusterName: "ml", instanceTypes: ["g6.xlarge"], amiType: "AL2023_x86_64_NVIDIA", scalingConfig: { minSize, desiredSize: minSize, maxSize: 4 }, ...extra },
  provider: awsProvider("us-east-1"),
});

describe("scale-to-zero policies through gRPC, default config", () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({ packDir: POLICIES_DIR, stack: "dev", project: "ml", dryRun: true });
  });
  afterAll(async () => session?.close());

  it("announces the three policies with their levels, kinds and schema defaults", () => {
    const byName = new Map(session.info.policies.map((p) => [p.name, p]));
    expect(byName.get(AUTOSCALE)).toMatchObject({ enforcementLevel: "mandatory", severity: "high" });
    expect(byName.get(NOTEBOOK)).toMatchObject({ enforcementLevel: "advisory", severity: "medium", policyType: "resource" });
    expect(byName.get(GUARDRAILS)).toMatchObject({ enforcementLevel: "advisory", severity: "medium" });
    expect(byName.get(AUTOSCALE)!.remediationSteps).toContain("remediate");
    expect(session.config[AUTOSCALE]?.properties).toMatchObject({ exemptWorkloads: ["training"] });
    expect(session.config[NOTEBOOK]?.properties).toMatchObject({ maxIdleMinutes: 60 });
    expect(session.config[GUARDRAILS]?.properties).toMatchObject({ maxRuntimeHours: 72, maxKeepAliveMinutes: 30 });
  });

  it("AnalyzeStack: async SageMaker endpoint whose target has minCapacity 0 passes", async () => {
    const r = await session.analyzeStack(asyncStack(0));
    expect(of(AUTOSCALE, r.diagnostics)).toEqual([]);
  });

  it("AnalyzeStack: the same endpoint with minCapacity 1 is a mandatory violation on the target", async () => {
    const stack = asyncStack(1);
    const ds = of(AUTOSCALE, (await session.analyzeStack(stack)).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ enforcementLevel: "mandatory", urn: stack[2]!.urn });
    expect(ds[0]!.message).toContain("keeps 1 × ml.g5.xlarge (1×A10G) running with no traffic");
    expect(ds[0]!.message).toMatch(/≈ \d+ kWh and \d+(\.\d)? kgCO2e per month in us-east-1/);
    expect(ds[0]!.message).toContain("set minCapacity to 0");
  });

  it("Analyze: async endpoint configs defer to the stack check (no false violation per resource)", async () => {
    const [config] = asyncStack(1);
    const r = await session.analyze(config!);
    expect(of(AUTOSCALE, r.diagnostics)).toEqual([]);
    expect(r.notApplicable.map((n) => n.policyName)).toContain(AUTOSCALE);
  });

  it("AnalyzeStack: an async endpoint with no scaling target at all is reported on its config", async () => {
    const [config, endpoint] = asyncStack(0);
    const ds = of(AUTOSCALE, (await session.analyzeStack([config!, endpoint!])).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.urn).toBe(config!.urn);
    expect(ds[0]!.message).toContain("no scaling target");
  });

  it("AnalyzeStack: a target whose resourceId is unknown in preview and has no dependency gives the advisory can't-evaluate, never a violation", async () => {
    const stack = asyncStack(1, { resourceId: unknown("string"), linkTarget: false });
    const ds = of(AUTOSCALE, (await session.analyzeStack(stack)).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ enforcementLevel: "advisory" });
    expect(ds[0]!.message).toMatch(/can't run policy 'ml-autoscale-to-zero' from policy pack 'carbonguard@v[\d.]+' during preview: .*resourceId of scaling target 'async-target' can't be known during preview/);
  });

  it("AnalyzeStack: an unknown resourceId with the engine's dependency to the endpoint is still judged only through that link", async () => {
    // Since b915886 the rule follows the dependency to the endpoint's one variant (the target's
    // namespace and dimension name it): minCapacity 0 passes, minCapacity 1 is the usual violation.
    expect(of(AUTOSCALE, (await session.analyzeStack(asyncStack(0, { resourceId: unknown("string") }))).diagnostics)).toEqual([]);
    const stack = asyncStack(1, { resourceId: unknown("string") });
    const ds = of(AUTOSCALE, (await session.analyzeStack(stack)).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ enforcementLevel: "mandatory", urn: stack[2]!.urn });
    expect(ds[0]!.message).toContain("keeps 1 × ml.g5.xlarge (1×A10G) running with no traffic");
  });

  it("Analyze: a classic real-time GPU endpoint is always on", async () => {
    const type = CONFIG;
    const ds = of(
      AUTOSCALE,
      (await session.analyze({ urn: testUrn(type, "rt"), type, name: "rt", properties: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g6.xlarge", initialInstanceCount: 2 }] }, provider: awsProvider("eu-west-1") })).diagnostics,
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ enforcementLevel: "mandatory", severity: "high" });
    expect(ds[0]!.message).toContain("keeps 2 × ml.g6.xlarge (1×L4) running with no traffic (classic real-time endpoints cannot scale below one instance)");
    expect(ds[0]!.message).toContain("eu-west-1");
  });

  it("Analyze: EKS GPU node group with minSize 1 fails, 0 passes", async () => {
    const one = of(AUTOSCALE, (await session.analyze(eksNodeGroup("gpu-1", 1))).diagnostics);
    expect(one).toHaveLength(1);
    expect(one[0]!.message).toContain("EKS node group 'gpu-1' keeps 1 × g6.xlarge (1×L4) running with no traffic");
    expect(one[0]!.message).toContain("set scalingConfig.minSize to 0");
    expect(of(AUTOSCALE, (await session.analyze(eksNodeGroup("gpu-0", 0))).diagnostics)).toEqual([]);
  });

  it("Analyze: GKE cluster with an inline nvidia-l4 pool and no autoscaling fails", async () => {
    const type = "gcp:container/cluster:Cluster";
    const ds = of(
      AUTOSCALE,
      (
        await session.analyze({
          urn: testUrn(type, "ml"),
          type,
          name: "ml",
          properties: {
            location: "us-central1",
            nodePools: [{ name: "l4", nodeCount: 1, nodeConfig: { machineType: "g2-standard-8", guestAccelerators: [{ type: "nvidia-l4", count: 1 }] } }],
          },
        })
      ).diagnostics,
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toContain("node pool nodePools[0] of GKE cluster 'ml' keeps 1 × g2-standard-8 (1×L4) per zone running with no traffic (it has no autoscaling)");
    expect(ds[0]!.message).toContain("us-central1");
    expect(ds[0]!.message).toContain("nodePools[0].autoscaling");
  });

  it("Analyze: Cloud Run GPU service with minInstanceCount 1 fails, default passes", async () => {
    const type = "gcp:cloudrunv2/service:Service";
    const svc = (name: string, scaling?: Record<string, unknown>): AnalyzeResource => ({
      urn: testUrn(type, name),
      type,
      name,
      properties: {
        location: "us-central1",
        template: { ...(scaling ? { scaling } : {}), nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ image: "img", resources: { limits: { "nvidia.com/gpu": "1", cpu: "4", memory: "16Gi" } } }] },
      },
    });
    const ds = of(AUTOSCALE, (await session.analyze(svc("warm", { minInstanceCount: 1 }))).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toContain("Cloud Run service 'warm' keeps 1 instance with 1×L4 GPU running with no traffic");
    expect(ds[0]!.message).toContain("set template.scaling.minInstanceCount to 0");
    expect(of(AUTOSCALE, (await session.analyze(svc("cold"))).diagnostics)).toEqual([]);
  });

  it("Analyze + AnalyzeStack: a Batch SPOT GPU environment with minVcpus 0 passes both rules", async () => {
    const type = "aws:batch/computeEnvironment:ComputeEnvironment";
    const ce: StackResource = res(type, "gpu-jobs", { type: "MANAGED", computeResources: { type: "SPOT", minVcpus: 0, maxVcpus: 64, instanceTypes: ["g5.xlarge"], allocationStrategy: "SPOT_PRICE_CAPACITY_OPTIMIZED" } }, { provider: awsProvider("us-west-2") });
    const r = await session.analyze(ce);
    expect(of(AUTOSCALE, r.diagnostics)).toEqual([]);
    expect(of(GUARDRAILS, r.diagnostics)).toEqual([]);
    const s = await session.analyzeStack([ce]);
    expect([...of(AUTOSCALE, s.diagnostics), ...of(GUARDRAILS, s.diagnostics)]).toEqual([]);
  });

  it("Analyze: a GPU notebook instance without a lifecycle configuration is an advisory finding", async () => {
    const type = "aws:sagemaker/notebookInstance:NotebookInstance";
    const ds = of(NOTEBOOK, (await session.analyze({ urn: testUrn(type, "nb"), type, name: "nb", properties: { instanceType: "ml.g5.xlarge", roleArn: "arn:aws:iam::1:role/x" }, provider: awsProvider("us-east-1") })).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ enforcementLevel: "advisory", severity: "medium" });
    expect(ds[0]!.message).toContain("no lifecycle configuration");
    expect(ds[0]!.message).toContain("lifecycleConfigName");
  });

  it("Analyze: a Studio domain with a 240-minute idle timeout fails the notebook policy", async () => {
    const type = "aws:sagemaker/domain:Domain";
    const ds = of(
      NOTEBOOK,
      (
        await session.analyze({
          urn: testUrn(type, "studio"),
          type,
          name: "studio",
          properties: { domainName: "studio", defaultUserSettings: { jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: "ENABLED", idleTimeoutInMinutes: 240 } } } } },
        })
      ).diagnostics,
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toContain("stops apps only after 4 h idle");
    expect(ds[0]!.message).toContain("above the limit of 60 min");
  });

  it("Analyze: a training job without maxRuntimeInSeconds fails the guardrails", async () => {
    const type = "aws:sagemaker/trainingJob:TrainingJob";
    const ds = of(
      GUARDRAILS,
      (
        await session.analyze({
          urn: testUrn(type, "ft"),
          type,
          name: "ft",
          properties: { enableManagedSpotTraining: true, checkpointConfig: { s3Uri: "s3://b/ckpt" }, stoppingCondition: { maxWaitTimeInSeconds: 7200 }, resourceConfig: { instanceType: "ml.p4d.24xlarge", instanceCount: 1 } },
          provider: awsProvider("us-west-2"),
        })
      ).diagnostics,
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ enforcementLevel: "advisory" });
    expect(ds[0]!.message).toContain("has no stoppingCondition.maxRuntimeInSeconds");
    expect(ds[0]!.message).not.toContain("managed Spot");
  });

  it("Analyze: a training-tagged GKE pool with min 1 is not an autoscale violation but is checked by the guardrails", async () => {
    const type = "gcp:container/nodePool:NodePool";
    const r = await session.analyze({
      urn: testUrn(type, "train"),
      type,
      name: "train",
      properties: { location: "us-central1-a", autoscaling: { minNodeCount: 1, maxNodeCount: 8 }, nodeConfig: { machineType: "a3-highgpu-8g", resourceLabels: { "ml-workload": "training" } } },
    });
    expect(of(AUTOSCALE, r.diagnostics)).toEqual([]);
    expect(r.notApplicable.find((n) => n.policyName === AUTOSCALE)?.reason).toContain("ml-training-guardrails");
    const g = of(GUARDRAILS, r.diagnostics);
    expect(g).toHaveLength(1);
    expect(g[0]!.message).toContain("node pool 'train'");
    expect(g[0]!.message).toContain("nodeConfig.spot");
  });

  it("AnalyzeStack: ASG ↔ launch template join (GPU type only in the template)", async () => {
    const lt = res("aws:ec2/launchTemplate:LaunchTemplate", "gpu-lt", { id: "lt-0abc", instanceType: "g6e.xlarge" }, { provider: awsProvider("us-west-2") });
    const asg = (minSize: number) =>
      res("aws:autoscaling/group:Group", `asg-${minSize}`, { minSize, maxSize: 4, launchTemplate: { id: "lt-0abc", version: "$Latest" } }, { provider: awsProvider("us-west-2"), dependencies: [lt.urn], propertyDependencies: { launchTemplate: [lt.urn] } });
    const ds = of(AUTOSCALE, (await session.analyzeStack([lt, asg(1), asg(0)])).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.urn).toBe(asg(1).urn);
    expect(ds[0]!.message).toContain("Auto Scaling group 'asg-1' keeps 1 × g6e.xlarge (1×L40S)");
    // Per resource, the ASG alone shows no GPU: no false violation on Analyze.
    expect(of(AUTOSCALE, (await session.analyze(asg(1))).diagnostics)).toEqual([]);
  });

  it("AnalyzeStack: GCE autoscaler → instance group manager → template join", async () => {
    const tmpl = res("gcp:compute/instanceTemplate:InstanceTemplate", "g2", { machineType: "g2-standard-8", selfLink: "https://www.googleapis.com/compute/v1/projects/p/global/instanceTemplates/g2" });
    const mig = res("gcp:compute/instanceGroupManager:InstanceGroupManager", "mig", { zone: "europe-west4-a", versions: [{ instanceTemplate: tmpl.properties!["selfLink"] }] }, { propertyDependencies: { versions: [tmpl.urn] } });
    const scaler = (min: number) => res("gcp:compute/autoscaler:Autoscaler", `scaler-${min}`, { zone: "europe-west4-a", target: unknown("string"), autoscalingPolicy: { minReplicas: min, maxReplicas: 3 } }, { propertyDependencies: { target: [mig.urn] } });
    const bad = of(AUTOSCALE, (await session.analyzeStack([tmpl, mig, scaler(1)])).diagnostics);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.message).toContain("autoscaler 'scaler-1' keeps 1 × g2-standard-8 (1×L4)");
    expect(of(AUTOSCALE, (await session.analyzeStack([tmpl, mig, scaler(0)])).diagnostics)).toEqual([]);
  });

  it("AnalyzeStack: ECS GPU service ↔ task definition ↔ target", async () => {
    const td = res("aws:ecs/taskDefinition:TaskDefinition", "td", { family: "infer", revision: 1, arn: "arn:aws:ecs:us-east-1:1:task-definition/infer:1", containerDefinitions: JSON.stringify([{ name: "c", image: "i", resourceRequirements: [{ type: "GPU", value: "1" }] }]) });
    const svc = res("aws:ecs/service:Service", "svc", { name: "infer", cluster: "arn:aws:ecs:us-east-1:1:cluster/ml", taskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/infer:1", desiredCount: 2 }, { propertyDependencies: { taskDefinition: [td.urn] } });
    const noTarget = of(AUTOSCALE, (await session.analyzeStack([td, svc])).diagnostics);
    expect(noTarget).toHaveLength(1);
    expect(noTarget[0]!.message).toContain("ECS service 'svc' keeps 2 tasks with 1 GPU each");
    const target = res(TARGET, "t", { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: "service/ml/infer", minCapacity: 0, maxCapacity: 3 });
    expect(of(AUTOSCALE, (await session.analyzeStack([td, svc, target])).diagnostics)).toEqual([]);
  });

  it("AnalyzeStack: training guardrails join an ASG to its launch template (advisory)", async () => {
    const lt = res("aws:ec2/launchTemplate:LaunchTemplate", "train-lt", { id: "lt-0t", instanceType: "p4d.24xlarge", tags: { "ml-workload": "training" } }, { provider: awsProvider("us-west-2") });
    const asg = res("aws:autoscaling/group:Group", "train-asg", { minSize: 0, maxSize: 2, desiredCapacity: 1, launchTemplate: { id: "lt-0t" } }, { propertyDependencies: { launchTemplate: [lt.urn] } });
    const r = await session.analyzeStack([lt, asg]);
    const g = of(GUARDRAILS, r.diagnostics);
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({ enforcementLevel: "advisory", urn: asg.urn });
    expect(g[0]!.message).toContain("runs training on on-demand capacity");
    // Training capacity is not an autoscale finding.
    expect(of(AUTOSCALE, r.diagnostics)).toEqual([]);
  });

  it("never echoes secret-wrapped values and never crashes on unknown links", async () => {
    const planted = "hunter2-very-secret-token-77";
    const stack = asyncStack(1);
    stack[0]!.properties = { ...stack[0]!.properties, kmsKeyArn: secret(planted), tags: { owner: secret(planted) } };
    stack[2]!.properties = { ...stack[2]!.properties, roleArn: secret(planted) };
    const r = await session.analyzeStack([...stack, res(TARGET, "ghost", { serviceNamespace: unknown("string"), resourceId: unknown("string"), minCapacity: unknown("number") })]);
    expect(JSON.stringify(r)).not.toContain(planted);
    // The known target still decides its endpoint; the unresolvable one adds no violation of its own.
    const ds = of(AUTOSCALE, r.diagnostics);
    expect(ds.filter((d) => d.enforcementLevel === "mandatory")).toHaveLength(1);
  });
});

describe("remediation through gRPC (enforcement level remediate)", () => {
  it("sets a GPU node group's and pool's minimum to 0 before Analyze, keeps secrets, and leaves nothing to report", async () => {
    const session = await startSession({ packDir: POLICIES_DIR, policyConfig: { [AUTOSCALE]: "remediate" } });
    try {
      const planted = "hunter2-very-secret-token-77";
      const eks = eksNodeGroup("gpu", 2, { tags: { owner: secret(planted) } });
      const r = await session.analyze(eks);
      const rem = r.remediations.find((x) => x.policyName === AUTOSCALE);
      expect(rem?.properties).toBeDefined();
      expect(r.properties["scalingConfig"]).toMatchObject({ minSize: 0, desiredSize: 2, maxSize: 4 });
      // The secret goes back wrapped, as the engine sent it.
      expect(JSON.stringify(rem!.properties)).toContain("4dabf18193072939515e22adb298388d");
      expect(of(AUTOSCALE, r.diagnostics)).toEqual([]);

      const poolType = "gcp:container/nodePool:NodePool";
      const pool = await session.analyze({ urn: testUrn(poolType, "gpu"), type: poolType, name: "gpu", properties: { location: "us-central1-a", autoscaling: { minNodeCount: 1, maxNodeCount: 4 }, nodeConfig: { machineType: "g2-standard-8" } } });
      expect(pool.properties["autoscaling"]).toEqual({ minNodeCount: 0, maxNodeCount: 4 });
      expect(of(AUTOSCALE, pool.diagnostics)).toEqual([]);

      // Not safe: a desiredCapacity above 0 on an ASG stays as it is, and the violation is reported (as mandatory).
      const asgType = "aws:autoscaling/group:Group";
      const asg = await session.analyze({
        urn: testUrn(asgType, "asg"),
        type: asgType,
        name: "asg",
        properties: { minSize: 1, maxSize: 2, desiredCapacity: 1, mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-1" }, overrides: [{ instanceType: "g6.xlarge" }] } } },
        provider: awsProvider("us-east-1"),
      });
      expect(asg.remediations.filter((x) => x.policyName === AUTOSCALE && x.properties)).toEqual([]);
      expect(of(AUTOSCALE, asg.diagnostics)[0]).toMatchObject({ enforcementLevel: "mandatory" });

      // Training capacity is never touched.
      const train = await session.analyze(eksNodeGroup("train", 1, { tags: { "ml-workload": "training" } }));
      expect(train.properties["scalingConfig"]).toMatchObject({ minSize: 1 });
    } finally {
      await session.close();
    }
  });

  it("leaves a waived resource alone (the waiver makes the finding advisory, so there is nothing to fix)", async () => {
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const session = await startSession({
      packDir: POLICIES_DIR,
      policyConfig: {
        [AUTOSCALE]: "remediate",
        "carbonguard-waivers": {
          waivers: [{ policy: AUTOSCALE, match: { urn: testUrn("aws:eks/nodeGroup:NodeGroup", "warm-*") }, reason: "Latency SLO needs one warm node until the cold-start work lands.", expires, approvedBy: "platform-team" }],
        },
      },
    });
    try {
      // As the engine does: the program's root Stack resource is registered (Remediate, Analyze) first,
      // which lets the carbonguard-waivers policy load its config before any real resource is remediated.
      await session.analyze({ urn: testUrn("pulumi:pulumi:Stack", "carbonguard-test-dev"), type: "pulumi:pulumi:Stack", name: "carbonguard-test-dev", properties: {} });
      const waived = await session.analyze(eksNodeGroup("warm-1", 1));
      expect(waived.remediations.filter((x) => x.policyName === AUTOSCALE && x.properties)).toEqual([]);
      expect(waived.properties["scalingConfig"]).toMatchObject({ minSize: 1 });
      const d = of(AUTOSCALE, waived.diagnostics);
      expect(d).toHaveLength(1);
      expect(d[0]).toMatchObject({ enforcementLevel: "advisory" });
      // Not covered by the waiver: fixed.
      const other = await session.analyze(eksNodeGroup("cold-1", 1));
      expect(other.properties["scalingConfig"]).toMatchObject({ minSize: 0 });
    } finally {
      await session.close();
    }
  });

  it("does not remediate at the default level", async () => {
    const session = await startSession({ packDir: POLICIES_DIR });
    try {
      const r = await session.analyze(eksNodeGroup("gpu", 1));
      expect(r.remediations.filter((x) => x.policyName === AUTOSCALE)).toEqual([]);
      expect(of(AUTOSCALE, r.diagnostics)).toHaveLength(1);
    } finally {
      await session.close();
    }
  });
});

describe("scale-to-zero policies with user config", () => {
  it("maxIdleMinutes 300 lets the 240-minute Studio domain pass; stricter runtime limits apply", async () => {
    const session = await startSession({ packDir: POLICIES_DIR, policyConfig: { [NOTEBOOK]: { maxIdleMinutes: 300 }, [GUARDRAILS]: { enforcementLevel: "mandatory", maxRuntimeHours: 12 } } });
    try {
      const type = "aws:sagemaker/domain:Domain";
      const studio = await session.analyze({ urn: testUrn(type, "s"), type, name: "s", properties: { defaultUserSettings: { jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: "ENABLED", idleTimeoutInMinutes: 240 } } } } } });
      expect(of(NOTEBOOK, studio.diagnostics)).toEqual([]);
      const jt = "aws:sagemaker/trainingJob:TrainingJob";
      const job = await session.analyze({ urn: testUrn(jt, "j"), type: jt, name: "j", properties: { enableManagedSpotTraining: true, checkpointConfig: { s3Uri: "s3://b/c" }, stoppingCondition: { maxRuntimeInSeconds: 86400, maxWaitTimeInSeconds: 90000 }, resourceConfig: { instanceType: "ml.g5.xlarge", instanceCount: 1 } } });
      const ds = of(GUARDRAILS, job.diagnostics);
      expect(ds[0]).toMatchObject({ enforcementLevel: "mandatory" });
      expect(ds[0]!.message).toContain("above the limit of 12 h");
    } finally {
      await session.close();
    }
  });
});
