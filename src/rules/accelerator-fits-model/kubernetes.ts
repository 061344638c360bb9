/**
 * The model a Kubernetes workload serves: its pod template's containers (env `[{name, value}]`,
 * `command` and `args`, as ./serving.ts reads any container; KServe's predictor `model` too),
 * judged on the accelerators its pods select, placed on their cluster (src/engine/kubernetes). A
 * pod gets the devices it requests (`nvidia.com/gpu`), not every device of the node type it selects:
 * other pods may share the node. Jobs and CronJobs are left out: a Job that names a model is
 * usually fine-tuning it.
 */
import { classifyAccelerators } from "../../engine/accelerator-classification";
import { resourceSubject, stackPath } from "../../engine/resource-names";
import { podSpecPath, readPodTemplate } from "../../engine/kubernetes/pod-template";
import { KSERVE_INFERENCE_SERVICE, isBatchKind } from "../../engine/kubernetes/types";
import { kubernetesResources } from "../../engine/kubernetes/view";
import type { Outcome } from "../../engine/rule";
import { type PathStep, formatPath, readArray } from "../../engine/values";
import type { ResourceView, StackView } from "../../engine/view";
import { type FitsModelConfig, judge } from "./judge";
import { type ContainerSpec, argvFrom, envFromList, servedByContainers } from "./serving";

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

/** The NVIDIA GPUs one pod requests, when known. */
function gpusPerPod(view: ResourceView): number | undefined {
  const request = readPodTemplate(view.type, view.props).requests.find((r) => r.resource === "nvidia.com/gpu");
  return request?.perPod;
}

/** The stack's serving workloads on accelerators, judged on the model their containers name. */
export function kubernetesOutcomes(stack: StackView, config: FitsModelConfig): Outcome[] {
  const out: Outcome[] = [];
  for (const view of kubernetesResources(stack)) {
    if (isBatchKind(view.type) || podSpecPath(view.type) === undefined || view.accelerators.uses.length === 0) continue;
    const classified = classifyAccelerators(view);
    const granted = gpusPerPod(view);
    out.push(
      ...judge(
        {
          capacity: view,
          subjects: classified.subjects,
          unknownPath: classified.unknownPaths[0] !== undefined ? stackPath(view, classified.unknownPaths[0]) : undefined,
          served: servedByContainers(podContainers(view)),
          tagged: [view],
          modelWhere: `The served model of ${resourceSubject(view)}`,
          ...(granted !== undefined ? { granted } : {}),
          urn: view.urn,
          pathOf: (p) => stackPath(view, p),
        },
        config,
      ),
    );
  }
  return out;
}
