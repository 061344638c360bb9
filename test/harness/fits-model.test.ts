// Tier 2 for accelerator-fits-model: the real pack booted as the Pulumi CLI boots it, driven over
// gRPC. Analyze (inputs) for Cloud Run, AnalyzeStack (outputs, dependencies) for SageMaker; unknowns
// in preview and secret values as the engine sends them (secrets arrive as plaintext: the message
// must not quote the model id).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackRuleExample } from "../../src/engine/rule";
import { capacityExampleParts as P } from "../../src/rules/accelerator-fits-model/examples-capacity";
import { type AnalyzeDiagnostic, type AnalyzeResource, POLICIES_DIR, type Session, type StackResource, secret, startSession, testUrn, unknown } from "./index";

const POLICY = "accelerator-fits-model";
const of = (ds: AnalyzeDiagnostic[]) => ds.filter((d) => d.policyName === POLICY);

function cloudRun(name: string, container: Record<string, unknown>, accelerator: unknown = "nvidia-l4"): AnalyzeResource {
  return {
    urn: testUrn("gcp:cloudrunv2/service:Service", name),
    type: "gcp:cloudrunv2/service:Service",
    name,
    properties: {
      location: "europe-west4",
      labels: { "ml-workload": "inference" },
      template: { scaling: { minInstanceCount: 0 }, nodeSelector: { accelerator }, containers: [{ image: "vllm/vllm-openai", resources: { limits: { "nvidia.com/gpu": "1" } }, ...container }] },
    },
  };
}

const awsProvider = { urn: testUrn("pulumi:providers:aws", "aws-eu"), type: "pulumi:providers:aws", name: "aws-eu", properties: { region: "eu-north-1" } };

function sagemaker(environment: unknown, instanceType: unknown): StackResource[] {
  const model: StackResource = {
    urn: testUrn("aws:sagemaker/model:Model", "llm"),
    type: "aws:sagemaker/model:Model",
    name: "llm",
    properties: { name: "llm-1a2b", primaryContainer: { image: "tgi", environment } },
    provider: awsProvider,
  };
  const config: StackResource = {
    urn: testUrn("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "llm-cfg"),
    type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    name: "llm-cfg",
    properties: { productionVariants: [{ variantName: "main", modelName: "llm-1a2b", instanceType, initialInstanceCount: 1 }] },
    provider: awsProvider,
    dependencies: [model.urn],
    propertyDependencies: { productionVariants: [model.urn] },
  };
  return [model, config];
}

type Res = StackRuleExample["resources"][number];

/** The documented stacks as AnalyzeStack receives them: links by URN, the region on a provider. */
function onTheWire(resources: readonly Res[]): StackResource[] {
  const urnOf = (name: string) => {
    const r = resources.find((x) => x.name === name);
    return r ? testUrn(r.type, r.name) : name;
  };
  return resources.map((r) => {
    const region = (r.providerProps as { region?: string } | undefined)?.region ?? "us-east-1";
    const pkg = r.type.startsWith("aws-native:") ? "aws-native" : "aws";
    return {
      urn: testUrn(r.type, r.name),
      type: r.type,
      name: r.name,
      properties: r.props as Record<string, unknown>,
      provider: { urn: testUrn(`pulumi:providers:${pkg}`, `${pkg}-${region}`), type: `pulumi:providers:${pkg}`, name: `${pkg}-${region}`, properties: { region } },
      dependencies: (r.dependencies ?? []).map(urnOf),
      propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, v]) => [k, v.map(urnOf)])),
    };
  });
}

const LLAMA_8B = [{ name: "MODEL_ID", value: "meta-llama/Llama-3.1-8B-Instruct" }];

function ecsStack(opts: { containerDefinitions?: unknown; capacityProvider?: unknown; instanceType?: unknown; gpus?: number } = {}): StackResource[] {
  const gpus = opts.gpus ?? 8;
  const td = P.taskDefinition("llm", { environment: LLAMA_8B }, gpus);
  const [lt, asg, cp] = P.gpuCapacity("gpu", "p4d.24xlarge");
  const svc = P.service("llm", "llm", { capacityProviderStrategies: [{ capacityProvider: opts.capacityProvider ?? "gpu-cp", weight: 1 }] }, opts.capacityProvider === undefined ? { capacityProviderStrategies: ["gpu-cp"] } : {});
  const wire = onTheWire([td, lt!, asg!, cp!, svc]);
  if (opts.containerDefinitions !== undefined) wire[0] = { ...wire[0]!, properties: { ...wire[0]!.properties, containerDefinitions: opts.containerDefinitions } };
  if (opts.instanceType !== undefined) wire[1] = { ...wire[1]!, properties: { ...wire[1]!.properties, instanceType: opts.instanceType } };
  return wire;
}

describe("accelerator-fits-model through gRPC", () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({ packDir: POLICIES_DIR, stack: "dev", project: "ml", dryRun: true });
  });
  afterAll(async () => session?.close());

  it("is announced advisory, with its config schema defaults", () => {
    const p = session.info.policies.find((x) => x.name === POLICY);
    expect(p).toBeDefined();
    expect(p!.enforcementLevel).toBe("advisory");
    expect(JSON.stringify(p!.configSchema)).toContain("ml-model-params-b");
  });

  it("reports a 70B model on one L4, and nothing for the same service with an 8B model", async () => {
    const bad = of((await session.analyze(cloudRun("big", { args: ["--model", "meta-llama/Llama-3.1-70B-Instruct"] }))).diagnostics);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.enforcementLevel).toBe("advisory");
    expect(bad[0]!.message).toContain("nvidia-l4 can't hold the served model");
    expect(of((await session.analyze(cloudRun("small", { args: ["--model", "Qwen/Qwen3-8B"] }))).diagnostics)).toEqual([]);
  });

  it("preview: an unknown model makes no claim; a known model on an unknown accelerator can't be evaluated", async () => {
    expect(of((await session.analyze(cloudRun("u1", { args: ["--model", unknown("string")] }))).diagnostics)).toEqual([]);
    const ds = of((await session.analyze(cloudRun("u2", { args: ["--model", "meta-llama/Llama-3.1-70B-Instruct"] }, unknown("string")))).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toMatch(/can't run policy 'accelerator-fits-model' .* during preview/);
  });

  it("a model id in a secret is never read (docs/secrets.md): no claim about it, and never quoted", async () => {
    const ds = of((await session.analyze(cloudRun("s", { env: [{ name: "MODEL_ID", value: secret("acme-private/Zephyrine-70B") }] }))).diagnostics);
    expect(ds).toEqual([]);
    // The same model in plain text is judged (it can't fit one L4), so the secret alone made the difference.
    const plain = of((await session.analyze(cloudRun("p", { env: [{ name: "MODEL_ID", value: "acme-private/Zephyrine-70B" }] }))).diagnostics);
    expect(plain).toHaveLength(1);
    expect(plain[0]!.message).not.toContain("Zephyrine");
  });

  it("SageMaker: AnalyzeStack joins the endpoint config to its model and reports the oversized variant on the config", async () => {
    const ds = of((await session.analyzeStack(sagemaker({ HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct" }, "ml.g6.48xlarge"))).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.urn).toBe(testUrn("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "llm-cfg"));
    expect(ds[0]!.message).toMatch(/^ml\.g6\.48xlarge \(8×L4, 192 GB\) is oversized for the served model \(≈19\.2 GB\): use ml\.g6\.xlarge/);
    expect(of((await session.analyzeStack(sagemaker({ HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct" }, "ml.g6.xlarge"))).diagnostics)).toEqual([]);
  });

  it("SageMaker: a secret model id is not read (no claim, never quoted); an unknown instance type with a known model can't be evaluated", async () => {
    const secretDs = of((await session.analyzeStack(sagemaker({ HF_MODEL_ID: secret("acme-private/Zephyrine-8B") }, "ml.g6.48xlarge"))).diagnostics);
    expect(secretDs).toEqual([]);
    const unknownDs = of((await session.analyzeStack(sagemaker({ HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct" }, unknown("string")))).diagnostics);
    expect(unknownDs).toHaveLength(1);
    expect(unknownDs[0]!.message).toMatch(/can't run policy 'accelerator-fits-model'/);
  });

  it("ECS: the service is followed to its capacity provider, Auto Scaling group and launch template; the finding sits on the service", async () => {
    const ds = of((await session.analyzeStack(ecsStack())).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.urn).toBe(testUrn("aws:ecs/service:Service", "llm"));
    expect(ds[0]!.enforcementLevel).toBe("advisory");
    expect(ds[0]!.message).toMatch(/^p4d\.24xlarge \(8×A100, 320 GB\) is oversized for the served model \(≈19\.2 GB\): use g6\.xlarge/);
    expect(of((await session.analyzeStack(ecsStack({ gpus: 1 }))).diagnostics)).toEqual([]);
  });

  it("ECS preview: a known model on a launch template whose type is unknown can't be evaluated; unknown container definitions make no claim", async () => {
    const ds = of((await session.analyzeStack(ecsStack({ instanceType: unknown("string") }))).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toMatch(/can't run policy 'accelerator-fits-model'/);
    expect(of((await session.analyzeStack(ecsStack({ containerDefinitions: unknown("string") }))).diagnostics)).toEqual([]);
    // The capacity provider's name unknown with no dependency to follow: can't evaluate either.
    expect(of((await session.analyzeStack(ecsStack({ capacityProvider: unknown("string") }))).diagnostics)).toEqual([expect.objectContaining({ message: expect.stringMatching(/can't run policy/) })]);
  });

  it("ECS: container definitions in a secret are never read (no claim, never quoted)", async () => {
    const defs = JSON.stringify([{ name: "s", environment: [{ name: "MODEL_ID", value: "acme-private/Zephyrine-8B" }], resourceRequirements: [{ type: "GPU", value: "8" }] }]);
    expect(of((await session.analyzeStack(ecsStack({ containerDefinitions: secret(defs) }))).diagnostics)).toEqual([]);
    const plain = of((await session.analyzeStack(ecsStack({ containerDefinitions: defs }))).diagnostics);
    expect(plain).toHaveLength(1);
    expect(plain[0]!.message).not.toContain("Zephyrine");
  });

  it("Batch: a 70B job on the L4 types of every queue can't load; mixed accelerators make no claim", async () => {
    const job = P.jobDefinition("summarize", { command: ["--model-id", "meta-llama/Llama-3.1-70B-Instruct"] }, 1);
    const ds = of((await session.analyzeStack(onTheWire([P.computeEnvironment("l4", ["g6.xlarge"]), P.jobQueue("gpu", ["l4"]), job]))).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.urn).toBe(testUrn("aws:batch/jobDefinition:JobDefinition", "summarize"));
    expect(ds[0]!.message).toContain("g6.xlarge can't hold the served model");
    const mixed = onTheWire([P.computeEnvironment("l4", ["g6.xlarge"]), P.computeEnvironment("a10g", ["g5.xlarge"]), P.jobQueue("gpu", ["l4", "a10g"]), job]);
    expect(of((await session.analyzeStack(mixed)).diagnostics)).toEqual([]);
  });

  it("SageMaker inference component: judged on the accelerators it asks for, of its endpoint's variant type", async () => {
    const ds = of((await session.analyzeStack(onTheWire(P.componentStack(4, "ml.g6.12xlarge")))).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.urn).toBe(testUrn("aws-native:sagemaker:InferenceComponent", "llama"));
    expect(ds[0]!.message).toMatch(/^ml\.g6\.12xlarge \(4×L4, 96 GB\) is oversized/);
    expect(of((await session.analyzeStack(onTheWire(P.componentStack(1, "ml.g6.12xlarge")))).diagnostics)).toEqual([]);
  });

  it("more shards than accelerators: Cloud Run with --tensor-parallel-size 4 on one L4 can't start", async () => {
    const ds = of((await session.analyze(cloudRun("tp", { args: ["--model", "Qwen/Qwen3-8B", "--tensor-parallel-size", "4"] }))).diagnostics);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.message).toMatch(/^The served model is sharded over 4 accelerators but nvidia-l4 gives it 1: it will fail to start/);
  });
});
