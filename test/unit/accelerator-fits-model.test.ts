/**
 * accelerator-fits-model beyond its documented examples: unknowns in preview, secrets, joins,
 * tensor parallelism, the model table and measured energy, config, message shape.
 */
import { describe, expect, it } from "vitest";
import { evaluateRule, evaluateStackRule } from "../../src/engine/evaluate";
import type { Finding, Outcome } from "../../src/engine/rule";
import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINELS } from "../../src/engine/values";
import { type ResourceInput, buildStackView, buildView } from "../../src/engine/view";
import { acceleratorFitsModel } from "../../src/rules/accelerator-fits-model";
import { longForm } from "./long-form";

const U = Object.keys(UNKNOWN_SENTINELS).find((k) => UNKNOWN_SENTINELS[k] === "string")!;
const secret = (value: string) => ({ [SIG_KEY]: SECRET_SIG, value });
const stateSecret = { [SIG_KEY]: SECRET_SIG, ciphertext: "AAAA" };

// The whole text (short form, then the details the report carries): these tests check what the rule explains.
const violations = (out: readonly Outcome[]) => out.filter((o): o is Finding => o.kind === "violation").map((f) => longForm(f));

function cloudRun(container: Record<string, unknown>, opts: { accelerator?: unknown; labels?: Record<string, string> } = {}) {
  return buildView({
    urn: "urn:pulumi:s::p::gcp:cloudrunv2/service:Service::llm",
    type: "gcp:cloudrunv2/service:Service",
    name: "llm",
    props: {
      location: "europe-west4",
      labels: { "ml-workload": "inference", ...(opts.labels ?? {}) },
      template: { nodeSelector: { accelerator: opts.accelerator ?? "nvidia-l4" }, containers: [{ image: "vllm/vllm-openai", resources: { limits: { "nvidia.com/gpu": "1" } }, ...container }] },
    },
  });
}

const run = (view: ReturnType<typeof buildView>, config: unknown = {}) => evaluateRule(acceleratorFitsModel, view, config);

function sagemaker(environment: unknown, instanceType: unknown, modelProps: Record<string, unknown> = {}, linked = true): ResourceInput[] {
  const modelUrn = "urn:pulumi:s::p::aws:sagemaker/model:Model::m";
  return [
    { urn: modelUrn, type: "aws:sagemaker/model:Model", name: "m", props: { name: "m-123", primaryContainer: { image: "tgi", environment }, ...modelProps }, providerProps: { region: "eu-north-1" }, links: { id: "m-123", dependencies: [], propertyDependencies: {} } },
    {
      urn: "urn:pulumi:s::p::aws:sagemaker/endpointConfiguration:EndpointConfiguration::c",
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "c",
      props: { productionVariants: [{ variantName: "main", modelName: linked ? "m-123" : U, instanceType, initialInstanceCount: 1 }] },
      providerProps: { region: "eu-north-1" },
      links: { dependencies: linked ? [] : [modelUrn], propertyDependencies: linked ? {} : { productionVariants: [modelUrn] } },
    },
  ];
}
const runStack = (inputs: ResourceInput[], config: unknown = {}) => evaluateStackRule(acceleratorFitsModel, buildStackView(inputs), config);

describe("unknown stays unknown", () => {
  it("a model id unknown in preview gives no finding (no claim without a model)", () => {
    const out = run(cloudRun({ args: ["--model", U] }));
    expect(violations(out)).toEqual([]);
    expect(out.filter((o) => o.kind === "unknown")).toEqual([]);
  });

  it("a model id in a Secret Manager reference gives no finding", () => {
    const out = run(cloudRun({ env: [{ name: "MODEL_ID", valueSource: { secretKeyRef: { secret: "model", version: "latest" } } }] }));
    expect(violations(out)).toEqual([]);
  });

  it("an unknown quantization gives no finding", () => {
    expect(violations(run(cloudRun({ args: ["--model", "meta-llama/Llama-3.1-70B-Instruct", "--quantization", "exl2"] })))).toEqual([]);
    expect(violations(run(cloudRun({ args: ["--model", "meta-llama/Llama-3.1-70B-Instruct", "--quantization", U] })))).toEqual([]);
  });

  it("a known model on an accelerator unknown in preview can't be evaluated (never a pass)", () => {
    const out = run(cloudRun({ args: ["--model", "meta-llama/Llama-3.1-70B-Instruct"] }, { accelerator: U }));
    expect(out).toEqual([{ kind: "unknown", path: "template.nodeSelector.accelerator", valueType: "string" }]);
  });

  it("SageMaker: a known model joined to a variant whose instance type is unknown can't be evaluated", () => {
    const out = runStack(sagemaker({ HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct" }, U));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: "unknown" });
    expect((out[0] as { path: string }).path).toContain("productionVariants[0].instanceType");
  });

  it("an oversized check needs the region (what is offered there): unknown in preview, it can't be evaluated; undersized needs none", () => {
    const inputs = sagemaker({ HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct" }, "ml.g6.48xlarge");
    const withRegion = (region: unknown) => inputs.map((r) => ({ ...r, props: { ...(r.props as object), region } }));
    const out = runStack(withRegion(U));
    expect(out).toEqual([{ kind: "unknown", path: "region of SageMaker endpoint configuration 'c'", valueType: "string" }]);
    const tooBig = runStack(sagemaker({ HF_MODEL_ID: "meta-llama/Llama-3.1-70B-Instruct" }, "ml.g6.xlarge").map((r) => ({ ...r, props: { ...(r.props as object), region: U } })));
    expect(violations(tooBig).map((f) => f.suggestion?.["fit"])).toEqual(["cannot-load"]);
  });

  it("SageMaker: in preview the model name is unknown, the engine's dependency joins it", () => {
    const out = violations(runStack(sagemaker({ HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct" }, "ml.g6.48xlarge", {}, false)));
    expect(out).toHaveLength(1);
    expect(out[0]!.message).toMatch(/^ml\.g6\.48xlarge \(8×L4, 192 GB\) is oversized/);
    expect(out[0]!.urn).toBe("urn:pulumi:s::p::aws:sagemaker/endpointConfiguration:EndpointConfiguration::c");
  });

  it("SageMaker: a model created elsewhere (no model in the stack) gives no finding", () => {
    const [, config] = sagemaker({}, "ml.g6.48xlarge");
    expect(runStack([config!])).toEqual([]);
  });
});

describe("secrets", () => {
  const id = "acme-private/Zephyrine-70B-Chat";

  it("never quotes the model id, even when it arrives as plaintext (the pack sees secrets so)", () => {
    const out = violations(run(cloudRun({ env: [{ name: "MODEL_ID", value: id }] })));
    expect(out).toHaveLength(1);
    const text = JSON.stringify(out);
    expect(text).not.toContain("Zephyrine");
    expect(text).not.toContain("acme-private");
    expect(out[0]!.message).toContain("70B parameters");
  });

  it("a secret in saved state (ciphertext) is unknown: no finding", () => {
    expect(violations(run(cloudRun({ env: [{ name: "MODEL_ID", value: stateSecret }] })))).toEqual([]);
    expect(violations(runStack(sagemaker({ HF_MODEL_ID: stateSecret }, "ml.g6.48xlarge")))).toEqual([]);
  });

  it("a value still marked secret (the SDK's wire form with its signature) is opaque: no claim", () => {
    const out = violations(runStack(sagemaker({ HF_MODEL_ID: secret("acme-private/Zephyrine-8B") }, "ml.g6.48xlarge")));
    expect(out).toEqual([]);
  });
});

describe("the fit", () => {
  it("tensor parallelism: only the shards' memory counts", () => {
    const out = violations(runStack(sagemaker({ HF_MODEL_ID: "Qwen/Qwen3-14B", SM_NUM_GPUS: "1" }, "ml.g6.12xlarge")));
    expect(out).toHaveLength(1);
    expect(out[0]!.message).toMatch(/^ml\.g6\.12xlarge can't hold the served model/);
    expect(out[0]!.message).toContain("tensor-parallel over 1 of its 4 accelerators");
    // Sharded over all four it loads (96 GB), and one L40S (48 GB, a quarter of the accelerators) holds it too.
    const sharded = violations(runStack(sagemaker({ HF_MODEL_ID: "Qwen/Qwen3-14B", SM_NUM_GPUS: "4" }, "ml.g6.12xlarge")));
    expect(sharded.map((f) => f.suggestion?.["fit"])).toEqual(["oversized"]);
  });

  it("training capacity is not sized for serving", () => {
    const out = run(cloudRun({ args: ["--model", "meta-llama/Llama-3.1-70B-Instruct"] }, { labels: { "ml-workload": "training" } }));
    expect(violations(out)).toEqual([]);
  });

  it("the table wins over a misleading id: gpt-oss-120b (117B, MXFP4) fits one 80 GB H100", () => {
    const vertex = (hf: string, machineType: string, count: number) =>
      buildView({
        urn: "urn:pulumi:s::p::gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment::v",
        type: "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment",
        name: "v",
        props: { location: "europe-west4", huggingFaceModelId: hf, deployConfig: { dedicatedResources: { machineSpec: { machineType, acceleratorType: "NVIDIA_H100_80GB", acceleratorCount: count } } } },
      });
    expect(violations(run(vertex("openai/gpt-oss-120b", "a3-highgpu-1g", 1)))).toEqual([]);
    // An 8B model on 4×H100: oversized, with the measured best GPU count compared on the same GPU.
    const out = violations(run(vertex("meta-llama/Llama-3.1-8B-Instruct", "a3-highgpu-4g", 4)));
    expect(out).toHaveLength(1);
    expect(out[0]!.message).toContain("is oversized for the served model");
    expect(out[0]!.message).toContain("ML.Energy measured the served model at best 0.0702 J/token on 1×H100");
    expect(out[0]!.message).toContain("This deployment uses 4: more than the measured best.");
    expect(out[0]!.suggestion?.["measured"]).toMatchObject({ bestGpuCount: 1, deploymentGpuCount: 4, matchesBest: false });
  });

  it("memoryOverhead changes the verdict: 8B 16-bit on one L4 is tight at 1.6× overhead", () => {
    const view = cloudRun({ command: ["vllm", "serve", "Qwen/Qwen3-8B"] });
    expect(violations(run(view))).toEqual([]);
    const tight = violations(run(view, { memoryOverhead: 1.6 }));
    expect(tight.map((f) => f.suggestion?.["fit"])).toEqual(["no-headroom"]);
  });

  it("the first sentence states problem and fix within 160 characters", () => {
    const msgs = [
      ...violations(run(cloudRun({ args: ["--model", "meta-llama/Llama-3.1-70B-Instruct"] }))),
      ...violations(runStack(sagemaker({ HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct" }, "ml.g6.48xlarge"))),
    ].map((f) => f.message);
    expect(msgs).toHaveLength(2);
    for (const m of msgs) {
      const first = m.slice(0, m.search(/\.\s[A-Z]/) + 1);
      expect(first.length).toBeGreaterThan(20);
      expect(first.length).toBeLessThanOrEqual(160);
      expect(first).toMatch(/use /);
    }
  });

  it("every number the oversized finding quotes carries a source and a year", () => {
    const [f] = violations(runStack(sagemaker({ HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct" }, "ml.g6.48xlarge")));
    expect(f).toBeDefined();
    expect(f!.suggestion).toMatchObject({ fit: "oversized", paramsB: 8, neededGb: 19.2, providedGb: 192, region: "eu-north-1" });
    expect((f!.suggestion?.["estimatedKgCo2ePerMonthSaved"] as number) > 0).toBe(true);
    for (const fig of f!.figures) {
      expect(fig.source.length).toBeGreaterThan(0);
      expect(fig.year).toBeGreaterThan(2000);
    }
    expect(f!.figures.map((x) => x.label)).toEqual(expect.arrayContaining(["serving memory overhead", "served model parameters", "eu-north-1 grid intensity"]));
  });
});

describe("the reference inference stacks declare the model they serve, and it fits", () => {
  it("AwsInference's default model on ml.g6.xlarge is read, sized and fits (not a vacuous pass)", async () => {
    const { AWS_INFERENCE_DEFAULT_ENVIRONMENT, AWS_INFERENCE_DEFAULT_INSTANCE_TYPE } = await import("../../stacks/components/aws-inference");
    const out = runStack(sagemaker({ ...AWS_INFERENCE_DEFAULT_ENVIRONMENT }, AWS_INFERENCE_DEFAULT_INSTANCE_TYPE));
    expect(out).toEqual([]);
    // The same model on an 8-GPU type is reported: the model was read.
    expect(violations(runStack(sagemaker({ ...AWS_INFERENCE_DEFAULT_ENVIRONMENT }, "ml.g6.48xlarge"))).map((f) => f.suggestion?.["fit"])).toEqual(["oversized"]);
  });

  it("GcpInference's default vLLM arguments on one L4 are read and fit", () => {
    const out = run(cloudRun({ args: ["--model", "Qwen/Qwen2.5-1.5B-Instruct", "--max-model-len", "8192"] }));
    expect(out).toEqual([{ kind: "not-applicable", reason: "the accelerators fit the served model" }]);
  });
});
