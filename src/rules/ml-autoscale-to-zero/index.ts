/**
 * ml-autoscale-to-zero: accelerator capacity for non-training workloads can reach zero when idle.
 *
 * An idle GPU still draws power (H100 ~68 W, L4 ~28 W measured idle, E18); capacity whose minimum
 * is above zero burns it all night. Property paths per service: the project's scale-to-zero
 * research notes. The resource part decides everything a resource shows by itself; the stack part
 * decides only what needs a join (src/engine/stack-joins.ts), so a finding is never reported twice.
 */
import { docsPage } from "../docs-page";
import type { Rule } from "../../engine/rule";
import { AutoscaleConfig, configSchema, parseConfig } from "./config";
import { MESSAGES } from "./messages";
import { evaluate } from "./resource";
import { evaluateStack } from "./stack";
import { remediate } from "./remediation";
import { examples, stackExamples } from "./examples";

const NAME = "ml-autoscale-to-zero";

export const mlAutoscaleToZero: Rule<AutoscaleConfig> = {
  meta: {
    name: NAME,
    displayName: "Accelerator capacity scales to zero",
    description: "Accelerator capacity for non-training workloads can reach zero when idle (ASG, EKS, Batch, GKE, GCE MIG, Cloud Run, SageMaker, ECS); always-on Vertex AI deployments and GPU/TPU VMs without a stop schedule are reported.",
    rationale:
      "An idle accelerator still draws power: an idle H100 ~68 W, B200 ~139 W, L4 ~28 W per GPU (E18, nvidia-smi idle snapshots, ec2instances.info 2025), so an idle 8×H100 node burns ~0.5 kW in GPUs alone, and a lightly loaded H100 still draws ~430 W (E16, ML.Energy 2026). Capacity whose minimum is above zero burns this all night and every weekend. " +
      "What passes: ASG `minSize` 0; EKS `scalingConfig.minSize` 0; Batch `computeResources.minVcpus` 0; GKE node pools (standalone or inline) with autoscaling `minNodeCount`/`totalMinNodeCount` 0; GCE autoscalers at `minReplicas` 0; Cloud Run GPU services with `minInstanceCount` 0 at template and service level; SageMaker async endpoints with a scaling target at `minCapacity` 0, inference-component endpoints with `managedInstanceScaling.minInstanceCount` 0 and a target at `minCapacity` 0 on every component (`aws-native:sagemaker:InferenceComponent`), serverless endpoints; ECS GPU services with a target at `minCapacity` 0 (or `desiredCount` 0). Always on and reported: classic real-time SageMaker GPU endpoints, Vertex AI dedicated deployments (no scale-to-zero in GA), GCE GPU VMs without a stop schedule or `scheduling.maxRunDuration`, Cloud TPU VMs. Training capacity (tag/label or stack tag `ml-workload: training`) is left to ml-training-guardrails. " +
      "Joins (ASG/EKS ↔ launch template, endpoint config ↔ endpoint ↔ scaling target, inference component ↔ target, autoscaler ↔ instance group ↔ template, ECS service ↔ task definition ↔ target, VM ↔ resource policy) run in the stack policy and follow propertyDependencies, dependencies and ids, never guessed names; a link that can't be resolved in preview gives the advisory \"can't run policy … during preview\", never a false violation, and a reference to a resource outside the stack is not judged. EC2 instances are not covered (no declarative stop schedule in the provider). Cost per finding: the idle draw of what stays on (carbonguard's estimator at 0% utilization: accelerators at CCF's idle share of their TDP, host CPU and memory at the CCF minimum; the same figures the reports use) × 730 h × the region's PUE and grid intensity, with E18's measured idle power quoted beside it (CCF's idle share is a floor for some GPUs: an L4 is estimated at ~8 W and measured at ~28 W).",
    kind: "resource+stack",
    defaultLevel: "mandatory",
    severity: "high",
    tags: ["carbon", "energy", "autoscaling", "ml"],
    remediationSteps:
      "Set the minimum named in the message to 0 and give the capacity a way to leave zero: Cluster Autoscaler or Karpenter for EKS, the GKE cluster autoscaler, a scheduled action or queue-depth policy for an ASG, a step policy on HasBacklogWithoutCapacity for async SageMaker, scaling schedules or a per-group metric for a GCE autoscaler. For always-on services move serving to one that scales to zero (Cloud Run GPU, GKE with autoscaling, SageMaker async or inference components). " +
      "Automatic fix: with enforcement level `remediate` (off by default) the pack sets `minSize` to 0 on a GPU ASG whose own properties show the GPU type and whose `desiredCapacity` is absent or 0, `scalingConfig.minSize` to 0 on an EKS GPU node group, and `autoscaling.minNodeCount` / `totalMinNodeCount` to 0 on a standalone GKE GPU node pool that already autoscales. Limits: only when the policy fails the resource at full level (a waived resource is left alone) and its workload is known and not exempt; never when a value is unknown in preview; not for joined cases (an ASG whose GPU type sits only in its launch template: stack policies can't remediate), inline GKE pools, fixed-size pools (needs a maxNodeCount), Cloud Run (cold starts are a product decision) or SageMaker; the capacity still needs an autoscaler to scale out from zero.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluate,
  evaluateStack,
  remediate,
  examples,
  stackExamples,
};
