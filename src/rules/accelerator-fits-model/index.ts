/**
 * accelerator-fits-model: the accelerators that serve a model are sized to it. Reads the model a
 * deployment serves (./serving.ts, ./sources.ts), its size and precision (./model-facts.ts), and
 * compares the memory it needs with the memory the capacity provides (./fit.ts).
 *
 * Unknown stays unknown: a model that can't be read or sized gives no finding (no claim without a
 * model); a known model on capacity whose type is unknown in preview can't be evaluated. Model ids
 * are never quoted: one may sit in a secret value, which reaches the policy pack as plaintext.
 */
import { classifyAccelerators } from "../../engine/accelerator-classification";
import { resourceSubject, stackPath } from "../../engine/resource-names";
import { evidenceSection } from "../../engine/accelerator-evidence";
import { applyConfigSchema } from "../../engine/config";
import { SM_ENDPOINT_CONFIG, resourcesOfTypes } from "../../engine/stack-joins";
import { na } from "../../engine/outcomes";
import type { Outcome, Rule, RuleContext } from "../../engine/rule";
import { readArray, readString } from "../../engine/values";
import type { ResourceView, StackView } from "../../engine/view";
import { acceleratorFitsModelExamples, acceleratorFitsModelStackExamples } from "./examples";
import { docsPage } from "../docs-page";
import { DEFAULT_MEMORY_OVERHEAD, FITS_MODEL_MESSAGES, OVERHEAD_SOURCE } from "./fit";
import { batchOutcomes } from "./batch";
import { ecsOutcomes } from "./ecs";
import { kubernetesOutcomes } from "./kubernetes";
import { inferenceComponentOutcomes } from "./inference-component";
import { type FitsModelConfig, judge } from "./judge";
import { SELF_SERVING_TYPES, modelOfVariant, servedBySageMakerModel, servedBySelf } from "./sources";

const NAME = "accelerator-fits-model";
const DOCS = docsPage(NAME);
export const DEFAULT_PARAMS_TAG_KEY = "ml-model-params-b";

export type { FitsModelConfig } from "./judge";

const configSchema = {
  properties: {
    memoryOverhead: {
      type: "number",
      default: DEFAULT_MEMORY_OVERHEAD,
      minimum: 1,
      maximum: 10,
      description:
        "Accelerator memory needed per byte of model weights (KV cache, activations, runtime). Default 1.2: the 20% overhead of the BentoML LLM Inference Handbook's serving-memory formula. Raise it for long contexts or large batches.",
    },
    paramsTagKey: {
      type: "string",
      default: DEFAULT_PARAMS_TAG_KEY,
      pattern: "^[A-Za-z0-9_.:/=+@-]{1,128}$",
      description:
        "Tag (AWS) or label (GCP) that declares the served model's parameter count in billions (`8`, `1.5`; on GCP `1_5`). It wins over the model id and the table of well-known models.",
    },
  },
} as const;

function parseConfig(raw: unknown): FitsModelConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  const overhead = values["memoryOverhead"];
  const key = values["paramsTagKey"];
  return {
    memoryOverhead: typeof overhead === "number" && Number.isFinite(overhead) && overhead >= 1 && overhead <= 10 ? overhead : DEFAULT_MEMORY_OVERHEAD,
    paramsTagKey: typeof key === "string" && /^[A-Za-z0-9_.:/=+@-]{1,128}$/.test(key) ? key : DEFAULT_PARAMS_TAG_KEY,
  };
}

function evaluate(view: ResourceView, { config }: RuleContext<FitsModelConfig>): Outcome[] {
  if (!SELF_SERVING_TYPES.includes(view.type)) return [na("this resource does not name a served model (SageMaker endpoint configurations are joined to their model by the stack part)")];
  const classified = classifyAccelerators(view);
  return judge(
    {
      capacity: view,
      subjects: classified.subjects,
      unknownPath: classified.unknownPaths[0],
      served: servedBySelf(view),
      tagged: [view],
      modelWhere: `The served model of ${resourceSubject(view)}`,
      pathOf: (p) => p,
    },
    config,
  );
}

/**
 * SageMaker: each production variant on accelerators, joined to the model it serves; then inference
 * components, ECS services and Batch job definitions (each in its own module).
 */
function evaluateStack(stack: StackView, { config }: RuleContext<FitsModelConfig>): Outcome[] {
  const out: Outcome[] = [];
  for (const endpointConfig of resourcesOfTypes(stack, [SM_ENDPOINT_CONFIG])) {
    const variants = readArray(endpointConfig.props, ["productionVariants"]);
    if (variants.state !== "value") continue;
    const classified = classifyAccelerators(endpointConfig);
    variants.value.forEach((_v, i) => {
      const at = ["productionVariants", i] as const;
      const instanceType = readString(endpointConfig.props, [...at, "instanceType"]);
      if (instanceType.state === "absent") return; // serverless: no accelerators
      const joined = modelOfVariant(stack, endpointConfig, at, variants.value.length === 1);
      const model = joined.found[0];
      if (joined.found.length !== 1 || model === undefined) return; // no model, or one created elsewhere: no claim
      const path = `productionVariants[${i}].instanceType`;
      const subjects = classified.subjects.filter((s) => s.use.path === path);
      out.push(
        ...judge(
          {
            capacity: endpointConfig,
            subjects,
            unknownPath: instanceType.state === "opaque" ? stackPath(endpointConfig, path) : undefined,
            served: servedBySageMakerModel(model),
            tagged: [model, endpointConfig],
            modelWhere: `The model of ${resourceSubject(endpointConfig)} variant ${i + 1}`,
            urn: endpointConfig.urn,
            pathOf: (p) => stackPath(endpointConfig, p),
          },
          config,
        ),
      );
    });
  }
  out.push(...inferenceComponentOutcomes(stack, config), ...ecsOutcomes(stack, config), ...batchOutcomes(stack, config), ...kubernetesOutcomes(stack, config));
  return out.filter((o) => o.kind !== "not-applicable");
}

export const acceleratorFitsModel: Rule<FitsModelConfig> = {
  meta: {
    name: NAME,
    displayName: "Accelerators fit the model they serve",
    description:
      "Deployments that name the model they serve (SageMaker models and inference components, Cloud Run, Vertex AI Model Garden, ECS services, Batch job definitions, Kubernetes workloads) run on accelerators whose memory holds it without being twice too large, sharded over no more accelerators than they get; unknown models make no claim.",
    rationale: [
      "The first advice for cleaner ML is to use the smallest model and hardware that do the job. An 8B-parameter model in 16-bit needs about 19 GB of accelerator memory with serving overhead, yet is routinely served on 8-GPU nodes with 192–640 GB: the other accelerators draw power (an idle H100 ~68 W, an idle L4 ~28 W, E18) and serve nothing. Small batches on oversized capacity cost a median 5.25× more energy per token (E15). The opposite mistake, a model too large for its accelerators, fails to load or spills to CPU memory.",
      "",
      "**The memory formula.** Needed = parameters × bytes per parameter × overhead. Parameters come from the `ml-model-params-b` tag/label (configurable), else from carbonguard's table of well-known models (region-data/models.json, from the ML.Energy Leaderboard data, for ids whose names don't state their total size), else from the model id (`…-8B`, `…-70b-…`, `…-1.5B`, `…-360M`; mixture of experts `…-30B-A3B` is 30B total, 3B active: all experts sit in memory). Bytes per parameter from the quantization setting (`HF_MODEL_QUANTIZE`, `QUANTIZE`, `OPTION_QUANTIZE`, `--quantize`, `--quantization`): FP8/INT8 1, AWQ/GPTQ/INT4/NF4 0.5; else the model id (`-AWQ`, `-FP8`, `-Int4`); else the checkpoint's published precision (table); else the dtype (`--dtype`, `DTYPE`, `OPTION_DTYPE`: FP32 4, FP16/BF16 2); else 2 (16-bit, what current open models are published in). Overhead defaults to 1.2 (" + OVERHEAD_SOURCE + "), configurable as `memoryOverhead`. Provided = memory per accelerator (carbonguard's catalog) × the tensor-parallel size (`SM_NUM_GPUS`, `NUM_SHARD`, `OPTION_TENSOR_PARALLEL_DEGREE`, `--tensor-parallel-size`, `--num-shard`, `--tp-size`) when set, else × every accelerator of the type.",
      "",
      "**Verdicts.** Oversized: a type of the same service, offered in the same region, holds the needed memory with at most half the accelerators or half the accelerator memory; the finding names up to three (the smallest size of each accelerator model, lowest published TDP first) and the estimated kgCO2e/month saved by the first (the estimator's method, 50% utilization). Undersized: the weights alone exceed the memory (it fails to load or spills to CPU), or only the overhead does (out-of-memory under load). In preview, a known model on an accelerator type or in a region that is not known yet can't be evaluated (never a pass); a model that can't be read makes no claim. Where the ML.Energy Leaderboard measured the model, the finding quotes its best energy per output token and whether the deployment's GPU count matches the measured best (H100/B200 only).",
      "",
      "**Limits.** The overhead is a rule of thumb: the KV cache grows with context length and concurrency, so long-context or high-batch serving needs more (raise `memoryOverhead`). The parameter count in an id is what its author wrote. Models that can't be read or sized (an S3 artifact, a local path, a secret or unknown value, an unknown quantization) get no finding. vLLM reserves 90% of each accelerator's memory by default (`--gpu-memory-utilization 0.9`, vLLM engine arguments) and gives the KV cache what the weights leave, so a tight fit shows as a small KV cache and small batches rather than an error. Model ids are never quoted in messages, since one may sit in a secret value.",
      "",
      "**Where the capacity is.** SageMaker: the production variant's instance type, joined to its Model. Inference components: the accelerators they ask for (`numberOfAcceleratorDevicesRequired`) of the instance type of the endpoint configuration variant they are placed on (component → endpoint → endpoint configuration); a component without that count, or an adapter on a base component, is not judged. ECS services: the model from the task definition's container definitions (`environment`, `secrets` are never read, `entryPoint`, `command`); the GPUs the serving container requests (`resourceRequirements` of type GPU) of each instance type the service can land on: `attribute:ecs.instance-type ==`/`in` placement constraints, else the capacity provider strategy (or, with no strategy and no launch type, the cluster's default strategy) → capacity provider → Auto Scaling group → its instance type overrides or launch template. An explicit EC2 launch type with no such constraint, attribute-based selection, or any link created outside the stack gives no claim. Batch job definitions (`containerProperties`: `environment`, `secrets`, `command`; multi-node and ECS-properties jobs are not read): a job definition names no compute environment (a job is submitted to a queue at run time), so the rule judges one only when every GPU type of every compute environment of every job queue in the stack carries the same accelerator (model and memory), so that the fit is the same wherever the job runs; different accelerators, an unmanaged environment, a family name (`g5`) or any queue or environment outside the stack give no claim. Kubernetes workloads (Deployments, StatefulSets, Pods, KServe predictors and the other serving pod templates; Jobs and CronJobs are left out, since a Job that names a model usually fine-tunes it): the model from each container's `env` values (`valueFrom` is never read), `command` and `args`; the GPUs one pod requests (`nvidia.com/gpu`), not every device of the node: other pods may share it; of the node type its node selector, node affinity or instance type selects, placed through the Kubernetes provider's cluster. A partial grant (fewer accelerators than the type carries) is judged on the accelerators granted, and its saving is not estimated (the instance is shared).",
      "",
      "**More shards than accelerators.** A tensor-parallel size larger than the accelerators the deployment gets (`--tensor-parallel-size 8` or `SM_NUM_GPUS=8` on a 1-GPU type, or on an ECS task given 1 GPU) is its own finding (`shardsExceedDevices`): the serving engine does not start serving. It needs no model size, so it is reported even for a model that can't be sized.",
      "",
      "**Sources for the joins.** GPU requirements per container and the `ecs.instance-type` attribute: Amazon ECS Developer Guide (GPU workloads; cluster query language). Job queues ordering compute environments, job definitions submitted to a queue: AWS Batch User Guide (job queues). An inference component's accelerators: SageMaker API reference (`InferenceComponentComputeResourceRequirements.NumberOfAcceleratorDevicesRequired`). More shards than GPUs: vLLM raises \"The number of required GPUs exceeds the total number of available GPUs\" (vllm-project/vllm, `engine/ray_utils.py`) or waits for GPUs that never come.",
      "",
      evidenceSection(["E15", "E18"]),
    ].join("\n"),
    kind: "resource+stack",
    defaultLevel: "advisory",
    severity: "medium",
    tags: ["carbon", "ml", "accelerator", "right-sizing", "model"],
    remediationSteps:
      "Move the deployment to the suggested type (its accelerator memory holds the model with the documented headroom), or, for an undersized one, to a type with more accelerator memory or a quantized checkpoint (FP8, AWQ, GPTQ). Set the tensor-parallel size to the accelerators the model needs. If the parameter count read from the model id is wrong, declare it with the `ml-model-params-b` tag/label; for long contexts or large batches raise `memoryOverhead`.",
    url: DOCS,
    messages: FITS_MODEL_MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluate: (view, ctx) => evaluate(view, ctx),
  evaluateStack: (stack, ctx) => evaluateStack(stack, ctx),
  examples: acceleratorFitsModelExamples,
  stackExamples: acceleratorFitsModelStackExamples,
};
