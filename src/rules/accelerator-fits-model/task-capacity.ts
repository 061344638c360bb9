/**
 * Shared by the ECS and Batch parts: the serving container of a task (the one container that names
 * a model) with the GPUs it requests, and the accelerator subjects of the instance types the
 * capacity behind it can launch.
 */
import { type AcceleratorSubject, classifyNamedType } from "../../engine/accelerator-classification";
import { resourceSubject, stackPath } from "../../engine/resource-names";
import type { CapacityTypes } from "../../engine/ecs-capacity";
import type { Outcome } from "../../engine/rule";
import { type PlainValue, readArray, readNumber, readString } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import { type FitsModelConfig, judge } from "./judge";
import { type ServedModel, ecsContainerSpec, servedByContainer } from "./serving";

export interface ServingTask {
  readonly served: ServedModel;
  /** GPUs the serving container requests (`resourceRequirements` of type GPU); ECS and Batch give it exactly these. */
  readonly gpus: number;
}

/** GPUs a container requests; undefined when it requests none or the count can't be read. */
export function gpuRequirement(container: PlainValue | undefined): number | undefined {
  const reqs = readArray(container, ["resourceRequirements"]);
  if (reqs.state !== "value") return undefined;
  for (let i = 0; i < reqs.value.length; i++) {
    const type = readString(container, ["resourceRequirements", i, "type"]);
    if (type.state !== "value" || type.value.toUpperCase() !== "GPU") continue;
    const n = readNumber(container, ["resourceRequirements", i, "value"]);
    return n.state === "value" && Number.isInteger(n.value) && n.value >= 1 && n.value <= 64 ? n.value : undefined;
  }
  return undefined;
}

/**
 * The container of `containers` that serves a model, with its GPUs. Undefined when none names a
 * model, several do (no one model on the accelerators), or it requests no GPU (it runs on CPU).
 */
export function servingTask(containers: readonly PlainValue[], pathOf: (i: number) => string): ServingTask | undefined {
  const naming = containers.map((c, i) => ({ c, served: servedByContainer(ecsContainerSpec(c, pathOf(i))) })).filter((x) => x.served.id.state !== "absent");
  if (naming.length !== 1) return undefined;
  const [only] = naming;
  const gpus = gpuRequirement(only!.c);
  return gpus !== undefined ? { served: only!.served, gpus } : undefined;
}

export type CapacitySubjects =
  | { readonly state: "known"; readonly subjects: readonly AcceleratorSubject[] }
  /** `path`: unknown in preview (can't evaluate a known model); without it, no claim. */
  | { readonly state: "unknown"; readonly path?: string }
  | { readonly state: "none" };

/**
 * The accelerated types of a capacity, as subjects. A type that looks accelerated but that the
 * catalog does not describe (a new type, a family name such as `g5`) makes the whole unknown: the
 * task might land there. CPU types are dropped: a GPU task is never placed on them.
 */
export function capacitySubjects(capacity: CapacityTypes): CapacitySubjects {
  if (capacity.state === "none") return { state: "none" };
  if (capacity.state === "unknown") return capacity.path !== undefined ? { state: "unknown", path: capacity.path } : { state: "unknown" };
  const subjects: AcceleratorSubject[] = [];
  for (const t of capacity.types) {
    const c = classifyNamedType("aws", t.type, t.path);
    if (c.state === "unrecognized") return { state: "unknown" };
    if (c.state === "accelerated" && !subjects.some((s) => s.label === c.subject.label)) subjects.push(c.subject);
  }
  return subjects.length > 0 ? { state: "known", subjects } : { state: "none" };
}

/**
 * Judges a task's model on the subjects it can land on, reporting on `view` (the ECS service, the
 * Batch job definition): it gets `task.gpus` of each type's accelerators.
 */
export function judgeTask(view: ResourceView, task: ServingTask, capacity: CapacitySubjects, subjects: readonly AcceleratorSubject[], tagged: readonly ResourceView[], config: FitsModelConfig): Outcome[] {
  return judge(
    {
      capacity: view,
      subjects,
      unknownPath: capacity.state === "unknown" ? capacity.path : undefined,
      served: task.served,
      tagged,
      modelWhere: `The model of ${resourceSubject(view)}`,
      granted: task.gpus,
      urn: view.urn,
      pathOf: (p) => stackPath(view, p),
    },
    config,
  );
}
