/** accelerator-fits-model's documented examples: they run as tests and feed docs/rules/accelerator-fits-model.md. */
import type { RuleExample, StackRuleExample } from "../../engine/rule";
import { capacityStackExamples } from "./examples-capacity";

const CLOUD_RUN = "gcp:cloudrunv2/service:Service";
const SM_MODEL = "aws:sagemaker/model:Model";
const SM_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";

function cloudRun(name: string, container: Record<string, unknown>, labels: Record<string, string> = {}): RuleExample["resource"] {
  return {
    type: CLOUD_RUN,
    name,
    props: {
      location: "europe-west4",
      labels: { "ml-workload": "inference", ...labels },
      template: {
        scaling: { minInstanceCount: 0, maxInstanceCount: 2 },
        nodeSelector: { accelerator: "nvidia-l4" },
        gpuZonalRedundancyDisabled: true,
        containers: [{ image: "vllm/vllm-openai:latest", resources: { limits: { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "1" } }, ...container }],
      },
    },
  };
}

export const acceleratorFitsModelExamples: readonly RuleExample[] = [
  {
    title: "Cloud Run: a 70B model in 16-bit on one L4 (24 GB)",
    verdict: "bad",
    resource: cloudRun("llm", { args: ["--model", "meta-llama/Llama-3.1-70B-Instruct", "--max-model-len", "8192"] }),
    messageIds: ["cannotLoad"],
    messageIncludes: ["nvidia-l4 can't hold the served model", "≈140 GB for weights alone, 24 GB provided"],
  },
  {
    title: "Cloud Run: the same model AWQ-quantized still needs more than one L4",
    verdict: "bad",
    resource: cloudRun("llm-awq", { args: ["--model", "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4", "--quantization", "awq"] }),
    messageIds: ["cannotLoad"],
    messageIncludes: ["≈35 GB for weights alone"],
  },
  {
    title: "Cloud Run: an 8B model (vllm serve) on one L4",
    verdict: "good",
    resource: cloudRun("llm-8b", { command: ["vllm", "serve"], args: ["Qwen/Qwen3-8B"] }),
  },
  {
    title: "Cloud Run: a model the rule can't size (a local path): no claim",
    verdict: "good",
    resource: cloudRun("llm-local", { env: [{ name: "MODEL_ID", value: "/models/current" }] }),
  },
  {
    title: "Cloud Run: an 11B model declared by label, 16-bit, on one L4 (the weights load, the KV cache has no room)",
    verdict: "bad",
    resource: cloudRun("llm-declared", { env: [{ name: "MODEL_ID", value: "/models/current" }] }, { "ml-model-params-b": "11" }),
    messageIds: ["noHeadroom"],
    messageIncludes: ["too small for the served model"],
  },
];

const model = (name: string, environment: Record<string, string>, tags: Record<string, string> = {}) => ({
  type: SM_MODEL,
  name,
  id: name,
  props: { name, executionRoleArn: "arn:aws:iam::123456789012:role/example", primaryContainer: { image: "763104351884.dkr.ecr.eu-north-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04", environment }, tags: { "ml-workload": "inference", ...tags } },
  providerProps: { region: "eu-north-1" },
});

const endpointConfig = (name: string, modelName: string, instanceType: string) => ({
  type: SM_CONFIG,
  name,
  props: {
    productionVariants: [{ variantName: "main", modelName, instanceType, initialInstanceCount: 1 }],
    asyncInferenceConfig: { outputConfig: { s3OutputPath: "s3://example-bucket/async-outputs/" } },
    tags: { "ml-workload": "inference" },
  },
  providerProps: { region: "eu-north-1" },
  dependencies: [modelName],
  propertyDependencies: { productionVariants: [modelName] },
});

export const acceleratorFitsModelStackExamples: readonly StackRuleExample[] = [
  {
    title: "SageMaker: an 8B model on ml.g6.48xlarge (8×L4, 192 GB)",
    verdict: "bad",
    resources: [model("llama-8b", { HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct", SM_NUM_GPUS: "8" }), endpointConfig("llama-8b-config", "llama-8b", "ml.g6.48xlarge")],
    messageIds: ["oversized"],
    messageIncludes: ["ml.g6.48xlarge (8×L4, 192 GB) is oversized for the served model (≈19.2 GB): use ml.g6.xlarge (1×L4, 24 GB).", "kgCO2e/month"],
  },
  {
    title: "SageMaker: the same model on ml.g6.xlarge (1×L4)",
    verdict: "good",
    resources: [model("llama-8b", { HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct", SM_NUM_GPUS: "1" }), endpointConfig("llama-8b-config", "llama-8b", "ml.g6.xlarge")],
  },
  {
    title: "SageMaker: a mixture-of-experts model (30B total, 3B active) FP8 on ml.g6e.xlarge (1×L40S, 48 GB)",
    verdict: "good",
    resources: [model("qwen-moe", { HF_MODEL_ID: "Qwen/Qwen3-30B-A3B-Instruct-2507-FP8" }), endpointConfig("qwen-moe-config", "qwen-moe", "ml.g6e.xlarge")],
  },
  {
    title: "SageMaker: a model artifact from S3 with no declared size: no claim",
    verdict: "good",
    resources: [model("artifact", { HF_MODEL_ID: "/opt/ml/model" }), endpointConfig("artifact-config", "artifact", "ml.g6.48xlarge")],
  },
  ...capacityStackExamples,
];
