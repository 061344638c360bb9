/** The resource check: one check per resource type the policy covers. */
import { ASG, EKS_NODE_GROUP } from "../../engine/stack-joins";
import { na } from "../../engine/outcomes";
import type { Outcome, RuleContext } from "../../engine/rule";
import { ownEntry } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import type { TrainingGuardrailsConfig } from "./config";
import { checkBatchEnvironment, checkBatchJob } from "./batch";
import { checkAsg, checkEks } from "./eks-asg";
import { checkGce, checkGkeCluster, checkGkePool, checkTpuVm } from "./gcp";
import { checkTrainingJob } from "./sagemaker";

type Check = (view: ResourceView, config: TrainingGuardrailsConfig) => Outcome[];

const CHECKS: Readonly<Record<string, Check>> = {
  "aws:sagemaker/trainingJob:TrainingJob": checkTrainingJob,
  "aws:batch/computeEnvironment:ComputeEnvironment": (v) => checkBatchEnvironment(v),
  "aws:batch/jobDefinition:JobDefinition": checkBatchJob,
  [EKS_NODE_GROUP]: (v) => checkEks(v),
  [ASG]: (v) => checkAsg(v),
  "gcp:container/nodePool:NodePool": checkGkePool,
  "gcp:container/cluster:Cluster": checkGkeCluster,
  "gcp:compute/instance:Instance": checkGce,
  "gcp:compute/instanceTemplate:InstanceTemplate": checkGce,
  "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate": checkGce,
  "gcp:tpu/v2Vm:V2Vm": (v) => checkTpuVm(v),
};

export function evaluate(view: ResourceView, { config }: RuleContext<TrainingGuardrailsConfig>): Outcome[] {
  const check = ownEntry(CHECKS, view.type);
  return check ? check(view, config) : [na("not training capacity this policy covers")];
}
