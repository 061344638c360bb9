/**
 * The model a Kubernetes workload serves: its pod template's containers (env `[{name, value}]`,
 * `command` and `args`, as ./serving.ts reads any container; KServe's predictor `model` too),
 * judged on the accelerators its pods select, placed on their cluster (src/engine/kubernetes).
 * Jobs and CronJobs are left out: a Job that names a model is usually fine-tuning it.
 */
import { classifyAccelerators, resourceSubject } from "../../engine/accelerator-fit";
import { stackPath } from "../../engine/capacity";
import { podSpecPath } from "../../engine/kubernetes/pod-template";
import { KSERVE_INFERENCE_SERVICE, isBatchKind } from "../../engine/kubernetes/types";
import { kubernetesResources } from "../../engine/kubernetes/view";
import { type PathStep, formatPath, readArray } from "../../engine/values";
import type { ResourceView, StackView } from "../../engine/view";
import { type ContainerSpec, type ServedModel, argvFrom, envFromList, servedByContainers } from "./serving";

/** The containers of a workload's pods, as the serving readers see them. */
export function podContainers(view: ResourceView): ContainerSpec[] {
  const spec = podSpecPath(view.type);
  if (spec === undefined) return [];
  const at: PathStep[][] = [];
  const list = readArray(view.props, [...spec, "containers"]);
  if (list.state === "value") list.value.forEach((_c, i) => at.push([...spec, "containers", i]));
  if (view.type === KSERVE_INFERENCE_SERVICE) at.push([...spec, "model"]);
  return at.map((steps) => {
    const path = formatPath(steps);
    const { env } = envFromList(view.props, [...steps, "env"], `${path}.env`);
    const { argv, opaque } = argvFrom(view.props, [
      [...steps, "command"],
      [...steps, "args"],
    ]);
    return { env, argv, ...(opaque !== undefined ? { argvOpaquePath: opaque } : {}), path };
  });
}

export interface KubernetesServing {
  readonly view: ResourceView;
  readonly served: ServedModel;
  readonly subjects: ReturnType<typeof classifyAccelerators>["subjects"];
  readonly unknownPath: string | undefined;
  readonly modelWhere: string;
  readonly pathOf: (path: string) => string;
}

/** The stack's serving workloads on accelerators, each with the model its containers name. */
export function kubernetesServing(stack: StackView): KubernetesServing[] {
  const out: KubernetesServing[] = [];
  for (const view of kubernetesResources(stack)) {
    if (isBatchKind(view.type) || podSpecPath(view.type) === undefined || view.accelerators.uses.length === 0) continue;
    const classified = classifyAccelerators(view);
    out.push({
      view,
      served: servedByContainers(podContainers(view)),
      subjects: classified.subjects,
      unknownPath: classified.unknownPaths[0],
      modelWhere: `The served model of ${resourceSubject(view)}`,
      pathOf: (p) => stackPath(view, p),
    });
  }
  return out;
}
