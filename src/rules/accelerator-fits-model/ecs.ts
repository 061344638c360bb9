/**
 * ECS: the model is named in the task definition's container definitions (env, secrets, entry
 * point, command); the GPUs it gets are the serving container's GPU requirement; the GPU type is
 * on the capacity the service runs on (placement constraints, capacity providers → Auto Scaling
 * group → launch template: src/engine/ecs-capacity.ts). A task is judged against every type it can
 * land on that has enough GPUs for it.
 */
import { ECS_SERVICE, resourcesOfTypes, taskDefinitionOf } from "../../engine/stack-joins";
import { ecsServiceInstanceTypes } from "../../engine/ecs-capacity";
import type { Outcome } from "../../engine/rule";
import { readJsonString } from "../../engine/values";
import type { StackView } from "../../engine/view";
import type { FitsModelConfig } from "./judge";
import { capacitySubjects, judgeTask, servingTask } from "./task-capacity";

export function ecsOutcomes(stack: StackView, config: FitsModelConfig): Outcome[] {
  const out: Outcome[] = [];
  for (const service of resourcesOfTypes(stack, [ECS_SERVICE])) {
    const joined = taskDefinitionOf(stack, service);
    const taskDefinition = joined.found[0];
    if (joined.found.length !== 1 || taskDefinition === undefined) continue; // model not readable: no claim
    const defs = readJsonString(taskDefinition.props, ["containerDefinitions"]);
    if (defs.state !== "value" || !Array.isArray(defs.value)) continue; // unknown or secret: no claim
    const task = servingTask(defs.value, (i) => `containerDefinitions[${i}]`);
    if (!task) continue;
    const capacity = capacitySubjects(ecsServiceInstanceTypes(stack, service, taskDefinition));
    if (capacity.state === "none") continue;
    // A type with fewer GPUs than the task requests never places it.
    const subjects = capacity.state === "known" ? capacity.subjects.filter((s) => s.count >= task.gpus) : [];
    out.push(...judgeTask(service, task, capacity, subjects, [taskDefinition, service], config));
  }
  return out;
}
