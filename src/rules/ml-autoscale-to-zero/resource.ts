/** The resource part: which check runs for which resource type (the rest wait for the stack part). */
import { na } from "../../engine/outcomes";
import { ASG, ECS_SERVICE, EKS_NODE_GROUP, SM_ENDPOINT, SM_ENDPOINT_CONFIG, SM_INFERENCE_COMPONENT } from "../../engine/stack-joins";
import type { Outcome, RuleContext } from "../../engine/rule";
import { ownEntry } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import { AutoscaleConfig } from "./config";
import { Check } from "./outcomes";
import { checkBatch, checkEndpointConfig, checkGroup } from "./aws";
import { checkCloudRun, checkCluster, checkNodePool, checkTpuVm, checkVertex, checkVm } from "./gcp";

export const STACK_ONLY: Readonly<Record<string, string>> = {
  [SM_INFERENCE_COMPONENT]: "scales through its scaling target: checked by the stack policy",
  [SM_ENDPOINT]: "its configuration and scaling targets are checked by the stack policy",
  [ECS_SERVICE]: "its task definition and scaling target are checked by the stack policy",
  "gcp:compute/autoscaler:Autoscaler": "its instance group and template are checked by the stack policy",
  "gcp:compute/regionAutoscaler:RegionAutoscaler": "its instance group and template are checked by the stack policy",
  "gcp:compute/instanceGroupManager:InstanceGroupManager": "its template and autoscaler are checked by the stack policy",
  "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": "its template and autoscaler are checked by the stack policy",
};

export const CHECKS: Readonly<Record<string, Check>> = {
  [ASG]: checkGroup,
  [EKS_NODE_GROUP]: checkGroup,
  "aws:batch/computeEnvironment:ComputeEnvironment": checkBatch,
  [SM_ENDPOINT_CONFIG]: checkEndpointConfig,
  "gcp:container/nodePool:NodePool": checkNodePool,
  "gcp:container/cluster:Cluster": checkCluster,
  "gcp:compute/instance:Instance": checkVm,
  "gcp:tpu/v2Vm:V2Vm": checkTpuVm,
  "gcp:cloudrunv2/service:Service": checkCloudRun,
  "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool": checkVertex(["dedicatedResources"]),
  "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment": checkVertex(["deployConfig", "dedicatedResources"]),
};

export function evaluate(view: ResourceView, { config }: RuleContext<AutoscaleConfig>): Outcome[] {
  const check = ownEntry(CHECKS, view.type);
  if (check) return check(view, config);
  const deferred = ownEntry(STACK_ONLY, view.type);
  return [na(deferred ?? "not a kind of capacity this policy covers")];
}
