// Tier 2 for accelerator-fits-model: the real pack booted as the Pulumi CLI boots it, driven over
// gRPC. Analyze (inputs) for Cloud Run, AnalyzeStack (outputs, dependencies) for SageMaker; unknowns
// in preview and secret values as the engine sends them (secrets arrive as plaintext: the message
// must not quote the model id).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});
