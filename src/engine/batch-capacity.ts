/**
 * Beside ./stack-joins.ts, which it builds on, so that the report's estimator can follow the same
 * capacity the rules judge; today only accelerator-fits-model reads it.
 *
 * The instance types AWS Batch can run a job on, as far as one stack says. A job definition is not
 * linked to a compute environment: a job is submitted to a queue at run time, and a queue orders
 * compute environments. So the capacity a job definition may get is every compute environment of
 * every queue declared in the stack; a queue whose environment is created elsewhere, unmanaged, or
 * selects types the stack doesn't name makes the whole unknown. Names are never guessed.
 */
import { stackPath } from "./resource-names";
import { type CapacityTypes, type NamedType, unionTypes } from "./ecs-capacity";
import { type Resolution, keysAt, memo, readEach, resolveLinks, resourcesOfTypes } from "./stack-joins";
import { getOrCreate } from "./memo";
import { Slot } from "./slots";
import { readArray, readString } from "./values";
import type { ResourceView, StackView } from "./view";

export const BATCH_JOB_QUEUE = "aws:batch/jobQueue:JobQueue";
export const BATCH_COMPUTE_ENVIRONMENT = "aws:batch/computeEnvironment:ComputeEnvironment";

/** The compute environments a job queue orders (`computeEnvironmentOrders`, or the older `computeEnvironments`). */
export const environmentsOfQueue = memo(function environmentsOfQueue(stack: StackView, queue: ResourceView): Resolution {
  const refs = [...readEach(queue.props, ["computeEnvironmentOrders"], ["computeEnvironment"]), ...readEach(queue.props, ["computeEnvironments"], [])];
  return resolveLinks(stack, queue, {
    properties: ["computeEnvironmentOrders", "computeEnvironments"],
    refs,
    targetTypes: [BATCH_COMPUTE_ENVIRONMENT],
    // pulumi-aws v6 names it `computeEnvironmentName`, v7 `name`.
    keys: (v) => keysAt(v, ["arn"], ["computeEnvironmentName"], ["name"]),
  });
});

const FARGATE = /^FARGATE(_SPOT)?$/;

/** The types a managed compute environment launches; Fargate ones launch none with GPUs. */
export function typesOfEnvironment(env: ResourceView): CapacityTypes {
  const kind = readString(env.props, ["type"]);
  if (kind.state === "opaque") return { state: "unknown", reason: "a compute environment's type is not known yet", path: stackPath(env, kind.path) };
  if (kind.state === "value" && kind.value.toUpperCase() === "UNMANAGED") return { state: "unknown", reason: "an unmanaged compute environment runs on instances the stack does not describe" };
  const resources = readString(env.props, ["computeResources", "type"]);
  if (resources.state === "opaque") return { state: "unknown", reason: "a compute environment's resource type is not known yet", path: stackPath(env, resources.path) };
  if (resources.state === "value" && FARGATE.test(resources.value.toUpperCase())) return { state: "none", reason: "Fargate has no GPUs" };
  const list = readArray(env.props, ["computeResources", "instanceTypes"]);
  if (list.state === "opaque") return { state: "unknown", reason: "a compute environment's instance types are not known yet", path: stackPath(env, list.path) };
  if (list.state !== "value" || list.value.length === 0) return { state: "unknown", reason: "a compute environment names no instance type" };
  const types: NamedType[] = [];
  for (const [i, r] of readEach(env.props, ["computeResources", "instanceTypes"], []).entries()) {
    if (r.state === "opaque") return { state: "unknown", reason: "an instance type is not known yet", path: stackPath(env, r.path) };
    if (r.state === "value") types.push({ type: r.value, path: stackPath(env, `computeResources.instanceTypes[${i}]`) });
  }
  return types.length > 0 ? { state: "known", types } : { state: "unknown", reason: "a compute environment names no instance type" };
}

const stackTypes = new Slot<StackView, CapacityTypes>();

/** Every instance type any job queue of the stack can run a job on (see the module comment). */
export function batchInstanceTypes(stack: StackView): CapacityTypes {
  let hit = stackTypes.get(stack);
  if (hit === undefined) stackTypes.set(stack, (hit = batchInstanceTypesUncached(stack)));
  return hit;
}

function batchInstanceTypesUncached(stack: StackView): CapacityTypes {
  const queues = resourcesOfTypes(stack, [BATCH_JOB_QUEUE]);
  if (queues.length === 0) return { state: "unknown", reason: "no job queue is declared in this stack" };
  const parts: CapacityTypes[] = [];
  const seen = new Map<ResourceView, CapacityTypes>();
  for (const queue of queues) {
    const envs = environmentsOfQueue(stack, queue);
    if (envs.unresolved !== undefined) return { state: "unknown", reason: "a queue's compute environment is not known yet", path: stackPath(queue, envs.unresolved) };
    if (envs.external > 0 || envs.found.length === 0) return { state: "unknown", reason: "a queue's compute environment is not declared in this stack" };
    for (const env of envs.found) parts.push(getOrCreate(seen, env, () => typesOfEnvironment(env)));
  }
  return unionTypes(parts);
}
