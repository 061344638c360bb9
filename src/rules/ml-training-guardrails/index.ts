/**
 * ml-training-guardrails: training capacity uses spare capacity and stops.
 *
 * Property paths: the project's scale-to-zero research notes, §2 (Spot / preemptible capacity,
 * maximum runtime, checkpoints). One file per service family (sagemaker.ts, batch.ts, eks-asg.ts,
 * gcp.ts); the stack part (stack.ts) covers what needs a launch-template join (an ASG or EKS node
 * group whose GPU type or Spot setting lives in its launch template).
 */
import { docsPage } from "../docs-page";
import type { Rule } from "../../engine/rule";
import { type TrainingGuardrailsConfig, configSchema, parseConfig } from "./config";
import { MESSAGES } from "./messages";
import { evaluate } from "./resource";
import { evaluateStack } from "./stack";
import { examples, stackExamples } from "./examples";

export type { TrainingGuardrailsConfig } from "./config";

const NAME = "ml-training-guardrails";

export const mlTrainingGuardrails: Rule<TrainingGuardrailsConfig> = {
  meta: {
    name: NAME,
    displayName: "Training uses spare capacity and stops",
    description: "Training capacity uses Spot / preemptible (or flex-start, queued) capacity and stops: SageMaker training jobs, AWS Batch GPU environments and job definitions, and training-tagged EKS/GKE pools, ASGs, GCE VMs and TPU VMs.",
    rationale:
      "Training runs the largest accelerator fleets, so a job that hangs or a pool that never ends burns the most: an 8×H100 node draws several kW under load, and a lightly loaded H100 still ~430 W (E16, ML.Energy 2026). Spare (Spot) capacity uses hardware that is already powered, and a maximum run time bounds what a stuck job can waste. " +
      "What is checked: SageMaker training jobs with accelerators set `stoppingCondition.maxRuntimeInSeconds` ≤ maxRuntimeHours, use `enableManagedSpotTraining` with `checkpointConfig.s3Uri` and `maxWaitTimeInSeconds`, and keep a warm pool (`resourceConfig.keepAlivePeriodInSeconds`) ≤ maxKeepAliveMinutes; AWS Batch accelerator compute environments are SPOT and GPU job definitions have `timeout.attemptDurationSeconds` ≤ the limit and `retryStrategy.attempts` ≥ 2 (Batch is checked unless declared `inference`, `notebook` or `dev`); resources declared `ml-workload: training` (tag, label or stack tag): EKS node groups use `capacityType` SPOT or CAPACITY_BLOCK, ASGs a Spot-only mixed-instances policy or a Spot launch template, GKE pools (standalone and inline) `spot`/`preemptible`/`flexStart`/queued provisioning or `maxRunDuration` ≤ the limit, GCE VMs and instance templates `provisioningModel` SPOT/FLEX_START or `maxRunDuration` ≤ the limit, TPU VMs `schedulingConfig.spot`. ASGs and EKS node groups whose GPU type or Spot setting is in their launch template are joined in the stack policy.",
    kind: "resource+stack",
    defaultLevel: "advisory",
    severity: "medium",
    tags: ["carbon", "energy", "training", "spot", "ml"],
    remediationSteps:
      "Set the properties the message names: a maximum runtime (SageMaker `stoppingCondition.maxRuntimeInSeconds`, Batch `timeout.attemptDurationSeconds`, GCE `scheduling.maxRunDuration`, GKE `nodeConfig.maxRunDuration`), Spot capacity with checkpoints (SageMaker `enableManagedSpotTraining` + `checkpointConfig`, Batch `computeResources.type: SPOT` + `retryStrategy`, EKS `capacityType: SPOT`, GKE `nodeConfig.spot`, GCE `provisioningModel: SPOT`), and a short warm pool. When reserved or on-demand capacity is required (e.g. a capacity reservation), record a waiver with the reason.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluate,
  evaluateStack,
  examples,
  stackExamples,
};
