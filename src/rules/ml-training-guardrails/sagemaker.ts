/** SageMaker training jobs: run-time limit, managed Spot with checkpoints, a short warm pool. */
import type { AcceleratorUse } from "../../engine/accelerator-scan";
import { formatMinutes, readCount } from "../../engine/capacity-readers";
import { noAccelerators, unknownAt } from "../../engine/outcomes";
import type { Outcome } from "../../engine/rule";
import { readArray, readNumber, readPath, readString } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import type { TrainingGuardrailsConfig } from "./config";
import { type Gap, type UnitGroup, gaps, runtimeLimit } from "./gaps";

export function checkTrainingJob(view: ResourceView, config: TrainingGuardrailsConfig): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const maxSeconds = config.maxRuntimeHours * 3600;
  const problems: (string | Gap)[] = [];
  const suggestion: Record<string, unknown> = {};
  const runtime = runtimeLimit(view, ["stoppingCondition", "maxRuntimeInSeconds"], config, problems, suggestion, {
    missing: "a stuck job holds its accelerators until someone notices",
    over: (runs) => `may run ${runs} (stoppingCondition.maxRuntimeInSeconds), above the limit of ${config.maxRuntimeHours} h; lower it to ${maxSeconds} or less`,
  });
  if (runtime) return [runtime];
  const spot = readPath(view.props, ["enableManagedSpotTraining"]);
  if (spot.state === "opaque") return [unknownAt(spot.path, "boolean")];
  if (!(spot.state === "value" && spot.value === true)) {
    problems.push({ text: "does not use managed Spot capacity; set enableManagedSpotTraining to true", detail: "Managed Spot training needs checkpointConfig.s3Uri and stoppingCondition.maxWaitTimeInSeconds as well." });
    suggestion["enableManagedSpotTraining"] = true;
  } else {
    const checkpoint = readString(view.props, ["checkpointConfig", "s3Uri"]);
    if (checkpoint.state === "opaque") return [unknownAt(checkpoint.path)];
    if (checkpoint.state !== "value" || checkpoint.value.trim() === "") {
      problems.push("uses Spot without checkpoints, so an interruption restarts it from scratch; set checkpointConfig.s3Uri");
      suggestion["checkpointConfig.s3Uri"] = "s3://<bucket>/<prefix>";
    }
    const wait = readPath(view.props, ["stoppingCondition", "maxWaitTimeInSeconds"]);
    if (wait.state === "opaque") return [unknownAt(wait.path, "number")];
    if (wait.state !== "value") {
      problems.push({ text: "set stoppingCondition.maxWaitTimeInSeconds for Spot", detail: "SageMaker requires stoppingCondition.maxWaitTimeInSeconds for Spot training, at least maxRuntimeInSeconds." });
      suggestion["stoppingCondition.maxWaitTimeInSeconds"] = maxSeconds;
    }
  }
  const keepAlive = readNumber(view.props, ["resourceConfig", "keepAlivePeriodInSeconds"]);
  if (keepAlive.state === "opaque") return [unknownAt(keepAlive.path, "number")];
  if (keepAlive.state === "value" && keepAlive.value > config.maxKeepAliveMinutes * 60) {
    problems.push({
      text: `keeps its warm pool ${formatMinutes(keepAlive.value / 60)} after each job, over the ${formatMinutes(config.maxKeepAliveMinutes)} limit; set keepAlivePeriodInSeconds to ${config.maxKeepAliveMinutes * 60} or less`,
      detail: `The warm pool is resourceConfig.keepAlivePeriodInSeconds.`,
    });
    suggestion["resourceConfig.keepAlivePeriodInSeconds"] = config.maxKeepAliveMinutes * 60;
  }
  return gaps("trainingJobGaps", view, uses, trainingJobGroups(view, uses), problems, suggestion);
}

/**
 * The instances a training job runs: `resourceConfig.instanceType` × `instanceCount`, or one group
 * per `resourceConfig.instanceGroups[i]` with its own `instanceCount` (heterogeneous clusters).
 * A count that is absent or unreadable counts as 1 (the least the job runs).
 */
function trainingJobGroups(view: ResourceView, uses: readonly AcceleratorUse[]): readonly UnitGroup[] {
  const groups = readArray(view.props, ["resourceConfig", "instanceGroups"]);
  const counted = (r: ReturnType<typeof readCount>) => (r.state === "value" && r.value > 0 ? r.value : 1);
  if (groups.state === "value" && groups.value.length > 0) {
    const out: UnitGroup[] = [];
    groups.value.forEach((_g, i) => {
      const prefix = `resourceConfig.instanceGroups[${i}].`;
      const groupUses = uses.filter((u) => u.path.startsWith(prefix));
      if (groupUses.length > 0) out.push({ uses: groupUses, count: counted(readCount(view.props, ["resourceConfig", "instanceGroups", i, "instanceCount"])) });
    });
    if (out.length > 0) return out;
  }
  return [{ uses, count: counted(readCount(view.props, ["resourceConfig", "instanceCount"])) }];
}
