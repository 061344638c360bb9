/**
 * Where each service names the model it serves, and the capacity that serves it.
 *
 * - Cloud Run services, jobs and worker pools: the containers' `env`, `command` and `args`, on the
 *   resource that also carries the GPU (resource part).
 * - Vertex AI Model Garden deployments: `huggingFaceModelId` (a Hugging Face id), or the container
 *   spec's env/args; the machine spec on the same resource (resource part).
 * - SageMaker: the `Model`'s container environment, followed from each production variant's
 *   `modelName` to the model with the engine's joins (stack part).
 */
import { type PathStep, type PlainValue, readArray, readString } from "../../engine/values";
import { keysAt, resolveLinks, type Resolution } from "../../engine/stack-joins";
import { readResourceTag } from "../../engine/workload-resolution";
import type { ResourceView, StackView } from "../../engine/view";
import {
  type ContainerSpec,
  type Known,
  NO_SERVED_MODEL,
  type ServedModel,
  argvFrom,
  envFromList,
  envFromMap,
  kubernetesContainerSpec,
  servedByContainers,
} from "./serving";

export const SM_MODEL = "aws:sagemaker/model:Model";
export const CLOUD_RUN_TYPES: Readonly<Record<string, readonly PathStep[]>> = {
  "gcp:cloudrunv2/service:Service": ["template", "containers"],
  "gcp:cloudrunv2/job:Job": ["template", "template", "containers"],
  "gcp:cloudrunv2/workerPool:WorkerPool": ["template", "containers"],
};
export const VERTEX_MODEL_GARDEN = "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment";

/** Resource types the resource part reads a served model from. */
export const SELF_SERVING_TYPES: readonly string[] = [...Object.keys(CLOUD_RUN_TYPES), VERTEX_MODEL_GARDEN];

function pathText(steps: readonly PathStep[]): string {
  return steps.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/** Containers listed at `steps`, Kubernetes-style (`env: [{name, value}]`, `command`, `args`): Cloud Run, and Kubernetes pod specs (`spec.template.spec.containers`). */
export function kubernetesContainersAt(props: PlainValue, steps: readonly PathStep[]): { containers: ContainerSpec[]; opaque?: string } {
  const list = readArray(props, steps);
  if (list.state === "opaque") return { containers: [], opaque: list.path };
  if (list.state !== "value") return { containers: [] };
  return { containers: list.value.map((c, i) => kubernetesContainerSpec(c, pathText([...steps, i]))) };
}

/** The model a resource that carries its own accelerators serves (Cloud Run, Vertex Model Garden). */
export function servedBySelf(view: ResourceView): ServedModel {
  const cloudRun = CLOUD_RUN_TYPES[view.type];
  if (cloudRun) {
    const { containers, opaque } = kubernetesContainersAt(view.props, cloudRun);
    if (opaque !== undefined) return { ...NO_SERVED_MODEL, id: { state: "opaque", path: opaque } };
    return servedByContainers(containers);
  }
  if (view.type === VERTEX_MODEL_GARDEN) {
    const spec = ["modelConfig", "containerSpec"];
    const { env } = envFromList(view.props, [...spec, "envs"], "modelConfig.containerSpec.envs");
    const { argv, opaque } = argvFrom(view.props, [[...spec, "commands"], [...spec, "args"]]);
    const fromContainer = servedByContainers([{ env, argv, path: "modelConfig.containerSpec", ...(opaque !== undefined ? { argvOpaquePath: opaque } : {}) }]);
    const hf = readString(view.props, ["huggingFaceModelId"]);
    // The container's own arguments win (they are what the engine is started with).
    if (fromContainer.id.state === "value") return fromContainer;
    if (hf.state === "value") return { ...fromContainer, id: { state: "value", value: hf.value } };
    if (hf.state === "opaque") return { ...fromContainer, id: { state: "opaque", path: hf.path } };
    // Model Garden publisher ids (`publishers/google/models/gemma3@gemma-3-1b-it`) name their size too.
    const publisher = readString(view.props, ["publisherModelName"]);
    if (publisher.state === "value") return { ...fromContainer, id: { state: "value", value: publisher.value } };
    if (publisher.state === "opaque") return { ...fromContainer, id: { state: "opaque", path: publisher.path } };
    return fromContainer;
  }
  return NO_SERVED_MODEL;
}

/** What a SageMaker Model serves: the primary container, or the one container of `containers` that names a model. */
export function servedBySageMakerModel(model: ResourceView): ServedModel {
  const primary = envFromMap(model.props, ["primaryContainer", "environment"], "primaryContainer.environment");
  if (primary.opaque !== undefined) return { ...NO_SERVED_MODEL, id: { state: "opaque", path: primary.opaque } };
  const specs: ContainerSpec[] = [{ env: primary.env, argv: [], path: "primaryContainer" }];
  const list = readArray(model.props, ["containers"]);
  if (list.state === "opaque") return { ...NO_SERVED_MODEL, id: { state: "opaque", path: list.path } };
  if (list.state === "value") {
    list.value.forEach((_c, i) => {
      const r = envFromMap(model.props, ["containers", i, "environment"], `containers[${i}].environment`);
      if (r.opaque !== undefined) specs.push({ env: new Map([["HF_MODEL_ID", { opaquePath: r.opaque }]]), argv: [], path: `containers[${i}]` });
      else specs.push({ env: r.env, argv: [], path: `containers[${i}]` });
    });
  }
  return servedByContainers(specs);
}

/** The declared parameter count on `views`, the first that has the tag. */
export function paramsTag(views: readonly ResourceView[], key: string): Known<string> {
  for (const v of views) {
    const t = readResourceTag(v, key);
    if (t.state === "value") return { state: "value", value: t.value };
    if (t.state === "opaque") return { state: "opaque", path: t.path };
  }
  return { state: "absent" };
}

/** The SageMaker model a production variant serves, by the engine's joins (dependencies, then names). */
export function modelOfVariant(stack: StackView, config: ResourceView, variantPath: readonly PathStep[], soleVariant: boolean): Resolution {
  return resolveLinks(stack, config, {
    // `propertyDependencies` are per top-level property: they tell variants apart only when there is one.
    properties: soleVariant ? ["productionVariants"] : [],
    refs: [readString(config.props, [...variantPath, "modelName"])],
    targetTypes: [SM_MODEL],
    keys: (v) => keysAt(v, ["name"], ["arn"]),
  });
}
