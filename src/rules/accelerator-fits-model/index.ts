/**
 * accelerator-fits-model: the accelerators that serve a model are sized to it. Reads the model a
 * deployment serves (./serving.ts, ./sources.ts), its size and precision (./model-facts.ts), and
 * compares the memory it needs with the memory the capacity provides (./fit.ts).
 *
 * Unknown stays unknown: a model that can't be read or sized gives no finding (no claim without a
 * model); a known model on capacity whose type is unknown in preview can't be evaluated. Model ids
 * are never quoted: one may sit in a secret value, which reaches the policy pack as plaintext.
 */
import { type AcceleratorSubject, classifyAccelerators } from "../../engine/accelerator-classification";
import { resolveWorkload } from "../../engine/workload-resolution";
import { resourceSubject } from "../../engine/resource-names";
import { stackPath } from "../../engine/resource-names";
import { evidenceSection } from "../../engine/accelerator-evidence";
import { applyConfigSchema } from "../../engine/config";
import { SM_ENDPOINT_CONFIG, resourcesOfTypes } from "../../engine/stack-joins";
import { na, unknownAt } from "../../engine/outcomes";
import type { Outcome, Rule, RuleContext } from "../../engine/rule";
import { readArray, readString } from "../../engine/values";
import type { ResourceView, StackView } from "../../engine/view";
import { acceleratorFitsModelExamples, acceleratorFitsModelStackExamples } from "./examples";
import { docsPage } from "../docs-page";
import { DEFAULT_MEMORY_OVERHEAD, FITS_MODEL_MESSAGES, OVERHEAD_SOURCE, judgeFit } from "./fit";
import { resolveModelFacts } from "./model-facts";
import type { ServedModel } from "./serving";
import { SELF_SERVING_TYPES, modelOfVariant, paramsTag, servedBySageMakerModel, servedBySelf } from "./sources";

const NAME = "accelerator-fits-model";
const DOCS = docsPage(NAME);
export const DEFAULT_PARAMS_TAG_KEY = "ml-model-params-b";

export interface FitsModelConfig {
  readonly memoryOverhead: number;
  readonly paramsTagKey: string;
}

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

interface Judged {
  readonly capacity: ResourceView;
  readonly subjects: readonly AcceleratorSubject[];
  readonly unknownPath: string | undefined;
  readonly served: ServedModel;
  readonly tagged: readonly ResourceView[];
  readonly modelWhere: string;
  /** Report stack-part findings on the capacity resource. */
  readonly urn?: string;
  readonly pathOf: (path: string) => string;
}

function judge(j: Judged, config: FitsModelConfig): Outcome[] {
  // Serving memory is what this rule sizes; training needs optimizer state and gradients on top.
  const workload = resolveWorkload(j.capacity);
  if (workload.state === "declared" && workload.workload === "training") return [na("training capacity (the rule sizes serving)")];
  const facts = resolveModelFacts(j.served, paramsTag(j.tagged, config.paramsTagKey));
  if (facts.state === "unknown") return [na(facts.reason)];
  if (j.subjects.length === 0) {
    return [j.unknownPath !== undefined ? unknownAt(j.pathOf(j.unknownPath)) : na("the accelerator type serving the model is not known to carbonguard")];
  }
  const tp = j.served.tensorParallel.state === "value" ? j.served.tensorParallel.value : undefined;
  const out: Outcome[] = [];
  for (const subject of j.subjects) {
    const verdict = judgeFit({ view: j.capacity, subject, facts: facts.facts, tensorParallel: tp, overhead: config.memoryOverhead, modelWhere: j.modelWhere });
    if (verdict.kind === "finding") out.push(j.urn ? { ...verdict.finding, urn: j.urn } : verdict.finding);
    else if (verdict.kind === "region-unknown") out.push(unknownAt(j.pathOf(verdict.path)));
  }
  return out.length > 0 ? out : [na("the accelerators fit the served model")];
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

/** SageMaker: each production variant on accelerators, joined to the model it serves. */
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
            unknownPath: instanceType.state === "opaque" ? path : undefined,
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
  return out.filter((o) => o.kind !== "not-applicable");
}

export const acceleratorFitsModel: Rule<FitsModelConfig> = {
  meta: {
    name: NAME,
    displayName: "Accelerators fit the model they serve",
    description:
      "Deployments that name the model they serve (SageMaker models, Cloud Run, Vertex AI Model Garden) run on accelerators whose memory holds it without being twice too large; unknown models make no claim.",
    rationale: [
      "The first advice for cleaner ML is to use the smallest model and hardware that do the job. An 8B-parameter model in 16-bit needs about 19 GB of accelerator memory with serving overhead, yet is routinely served on 8-GPU nodes with 192–640 GB: the other accelerators draw power (an idle H100 ~68 W, an idle L4 ~28 W, E18) and serve nothing. Small batches on oversized capacity cost a median 5.25× more energy per token (E15). The opposite mistake, a model too large for its accelerators, fails to load or spills to CPU memory.",
      "",
      "**The memory formula.** Needed = parameters × bytes per parameter × overhead. Parameters come from the `ml-model-params-b` tag/label (configurable), else from carbonguard's table of well-known models (region-data/models.json, from the ML.Energy Leaderboard data, for ids whose names don't state their total size), else from the model id (`…-8B`, `…-70b-…`, `…-1.5B`, `…-360M`; mixture of experts `…-30B-A3B` is 30B total, 3B active: all experts sit in memory). Bytes per parameter from the quantization setting (`HF_MODEL_QUANTIZE`, `QUANTIZE`, `OPTION_QUANTIZE`, `--quantize`, `--quantization`): FP8/INT8 1, AWQ/GPTQ/INT4/NF4 0.5; else the model id (`-AWQ`, `-FP8`, `-Int4`); else the checkpoint's published precision (table); else the dtype (`--dtype`, `DTYPE`, `OPTION_DTYPE`: FP32 4, FP16/BF16 2); else 2 (16-bit, what current open models are published in). Overhead defaults to 1.2 (" + OVERHEAD_SOURCE + "), configurable as `memoryOverhead`. Provided = memory per accelerator (carbonguard's catalog) × the tensor-parallel size (`SM_NUM_GPUS`, `NUM_SHARD`, `OPTION_TENSOR_PARALLEL_DEGREE`, `--tensor-parallel-size`, `--num-shard`, `--tp-size`) when set, else × every accelerator of the type.",
      "",
      "**Verdicts.** Oversized: a type of the same service, offered in the same region, holds the needed memory with at most half the accelerators or half the accelerator memory; the finding names up to three (the smallest size of each accelerator model, lowest published TDP first) and the estimated kgCO2e/month saved by the first (the estimator's method, 50% utilization). Undersized: the weights alone exceed the memory (it fails to load or spills to CPU), or only the overhead does (out-of-memory under load). In preview, a known model on an accelerator type or in a region that is not known yet can't be evaluated (never a pass); a model that can't be read makes no claim. Where the ML.Energy Leaderboard measured the model, the finding quotes its best energy per output token and whether the deployment's GPU count matches the measured best (H100/B200 only).",
      "",
      "**Limits.** The overhead is a rule of thumb: the KV cache grows with context length and concurrency, so long-context or high-batch serving needs more (raise `memoryOverhead`). The parameter count in an id is what its author wrote. Models that can't be read or sized (an S3 artifact, a local path, a secret or unknown value, an unknown quantization) get no finding. vLLM reserves 90% of each accelerator's memory by default (`--gpu-memory-utilization 0.9`, vLLM engine arguments) and gives the KV cache what the weights leave, so a tight fit shows as a small KV cache and small batches rather than an error. Model ids are never quoted in messages, since one may sit in a secret value. ECS task definitions, Batch job definitions and Kubernetes Deployments are not read yet.",
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
