/**
 * Where ML resources read and write data: the S3/GCS references in the properties that name data,
 * and the bucket resource of the same stack each one names. ml-data-colocated judges where those
 * buckets are; ml-storage-lifecycle judges whether they expire what ML writes to them.
 *
 * Only the listed properties are read (never a whole resource searched for URIs), and only their
 * bucket part is kept: a key or prefix might carry anything. A secret property is never read; it
 * is reported as opaque so the rule says "can't evaluate". Joins follow `resolveLinks`
 * (propertyDependencies first, then the bucket's name), never a guessed name.
 */
import { type Resolution, keysAt, resolveLinks, resourcesOfTypes } from "./stack-joins";
import { type DataRef, type DataRole, BUCKET_TYPES, GCS_BUCKETS, S3_BUCKETS, refAt, refOf, roleOfName } from "./data-uri";
import { kubernetesDataRefs } from "./kubernetes/data-refs";
import { KSERVE_INFERENCE_SERVICE, POD_TEMPLATE_PATHS, isKubernetesType } from "./kubernetes/types";
import { placeInStack } from "./kubernetes/view";
import { type PathStep, type PlainValue, type Read, readArray, readJsonString, readObject, readString } from "./values";
import { ownWorkload } from "./workload";

import type { ResourceView, StackView } from "./view";

function each(root: PlainValue, arraySteps: readonly PathStep[], steps: readonly PathStep[], role: DataRole, scheme: "s3" | "gs", bare = false): DataRef[] {
  const arr = readArray(root, arraySteps);
  if (arr.state === "opaque") return [{ path: arr.path, property: String(arraySteps[0]), role, scheme, opaque: arr.reason }];
  if (arr.state !== "value") return [];
  return arr.value.flatMap((_e, i) => refAt(root, [...arraySteps, i, ...steps], role, scheme, bare) ?? []);
}

/** Values of a string map (`parameters`) that are S3 URIs. Keys are names the program chose. */
function mapRefs(root: PlainValue, key: string): DataRef[] {
  const bag = readObject(root, [key]);
  if (bag.state === "opaque") return [{ path: bag.path, property: key, role: "data", scheme: "s3", opaque: bag.reason }];
  if (bag.state !== "value") return [];
  return Object.keys(bag.value).flatMap((name) => refOf(readString(root, [key, name]), key, roleOfName(name), "s3") ?? []);
}

/** `environment` entries of a Batch job's `containerProperties` (a JSON string). Secrets there are `secrets`, never read. */
function batchEnvRefs(root: PlainValue): DataRef[] {
  const parsed = readJsonString(root, ["containerProperties"]);
  // Unknown in preview (computed from other outputs): the URIs in it can't be known now; parameters still are.
  if (parsed.state !== "value") return [];
  const env = readArray(parsed.value, ["environment"]);
  if (env.state !== "value") return [];
  return env.value.flatMap((e, i) => {
    const name = readString(e, ["name"]);
    const r = readString(e, ["value"]);
    const ref = refOf(r.state === "value" ? { ...r, path: `containerProperties.environment[${i}].value` } : r, "containerProperties", name.state === "value" ? roleOfName(name.value) : "data", "s3");
    return ref ?? [];
  });
}

/** Environment entries of a Vertex AI Model Garden container (`modelConfig.containerSpec.env[]`) holding gs:// URIs. */
function vertexEnvRefs(root: PlainValue): DataRef[] {
  const env = readArray(root, ["modelConfig", "containerSpec", "env"]);
  if (env.state !== "value") return [];
  return env.value.flatMap((e, i) => {
    const name = readString(e, ["name"]);
    return refAt(root, ["modelConfig", "containerSpec", "env", i, "value"], name.state === "value" ? roleOfName(name.value) : "model", "gs") ?? [];
  });
}

type Reader = (props: PlainValue) => DataRef[];

const compact = (list: readonly (DataRef | undefined)[]): DataRef[] => list.filter((r): r is DataRef => r !== undefined);

/** Per resource type: the properties that name data (see docs/rules/ml-data-colocated.md). */
const READERS: Readonly<Record<string, Reader>> = {
  "aws:sagemaker/trainingJob:TrainingJob": (p) => [
    ...each(p, ["inputDataConfigs"], ["dataSource", "s3DataSource", "s3Uri"], "input", "s3"),
    ...compact([refAt(p, ["outputDataConfig", "s3OutputPath"], "output", "s3"), refAt(p, ["checkpointConfig", "s3Uri"], "checkpoint", "s3")]),
  ],
  "aws:sagemaker/model:Model": (p) => [
    ...compact([refAt(p, ["primaryContainer", "modelDataUrl"], "model", "s3"), refAt(p, ["primaryContainer", "modelDataSource", "s3DataSource", "s3Uri"], "model", "s3")]),
    ...each(p, ["containers"], ["modelDataUrl"], "model", "s3"),
  ],
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (p) =>
    compact([refAt(p, ["asyncInferenceConfig", "outputConfig", "s3OutputPath"], "output", "s3"), refAt(p, ["asyncInferenceConfig", "outputConfig", "s3FailurePath"], "output", "s3")]),
  "aws:batch/jobDefinition:JobDefinition": (p) => [...mapRefs(p, "parameters"), ...batchEnvRefs(p)],
  "gcp:cloudrunv2/service:Service": (p) => each(p, ["template", "volumes"], ["gcs", "bucket"], "data", "gs", true),
  "gcp:cloudrunv2/job:Job": (p) => each(p, ["template", "template", "volumes"], ["gcs", "bucket"], "data", "gs", true),
  "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment": vertexEnvRefs,
  "gcp:vertex/aiIndex:AiIndex": (p) => compact([refAt(p, ["metadata", "contentsDeltaUri"], "input", "gs")]),
};

/** Kubernetes workloads (and their Patch variants) and KServe: pod templates (./kubernetes/data-refs.ts). */
const KUBERNETES_DATA_TYPES: readonly string[] = [...Object.keys(POD_TEMPLATE_PATHS).flatMap((k) => [`kubernetes:${k}`, `kubernetes:${k}Patch`]), KSERVE_INFERENCE_SERVICE];

/** Resource types whose data references are read. */
export const DATA_REF_TYPES: readonly string[] = [...Object.keys(READERS), ...KUBERNETES_DATA_TYPES].sort();

/** The stack's resources whose data references are read, Kubernetes ones placed (their region is their cluster's). */
export function dataResources(stack: StackView): ResourceView[] {
  return resourcesOfTypes(stack, DATA_REF_TYPES).map((v) => placeInStack(stack, v));
}

/** Whether the resource (else its stack) declares `ml-workload: training`. */
function declaresTraining(view: ResourceView): boolean {
  const own = ownWorkload(view);
  if (own.state === "declared") return own.workload === "training";
  if (own.state !== "absent") return false;
  return view.stack.stackTags.get("ml-workload")?.trim().toLowerCase() === "training";
}

/**
 * The data references of a resource (empty for types that name no data). Never throws. A
 * Kubernetes view should be the placed one (kubernetes/view.ts `placeInStack`): its cloud picks
 * the bucket kind an unreadable reference is joined against.
 */
export function dataRefsOf(view: ResourceView): DataRef[] {
  if (isKubernetesType(view.type)) {
    try {
      return kubernetesDataRefs(view.type, view.props, declaresTraining(view), view.cloud);
    } catch {
      return [];
    }
  }
  const reader = Object.prototype.hasOwnProperty.call(READERS, view.type) ? READERS[view.type] : undefined;
  if (!reader) return [];
  try {
    return reader(view.props);
  } catch {
    return [];
  }
}

/**
 * Whether a role writes what ML produces (checkpoints, outputs and the model artifacts among them).
 * A model's `modelDataUrl` reads an artifact someone else wrote: that bucket is in scope only by its tag.
 */
export function writesArtifacts(role: DataRole): boolean {
  return role === "output" || role === "checkpoint";
}

/** A bucket's own name (S3 `bucket`, GCS `name`) and its id. */
export const bucketKeys = (v: ResourceView): readonly string[] => keysAt(v, ["bucket"], ["name"], ["id"]);

/** The bucket of this stack a reference names (by propertyDependencies, then by name). */
export function bucketOfRef(stack: StackView, from: ResourceView, ref: DataRef): Resolution {
  const targetTypes = ref.scheme === "s3" ? S3_BUCKETS : GCS_BUCKETS;
  const read: Read<string> = ref.opaque
    ? { state: "opaque", path: ref.path, reason: ref.opaque }
    : { state: "value", value: ref.bucket ?? "", path: ref.path };
  const res = resolveLinks(stack, from, { properties: [ref.property], refs: [read], targetTypes, keys: bucketKeys, matches: (a, b) => a === b });
  // Several buckets on one property (Batch `parameters`): with a known name only the one it names counts.
  if (ref.bucket !== undefined && res.found.length > 1) {
    const named = res.found.filter((b) => bucketKeys(b).includes(ref.bucket!));
    if (named.length > 0) return { ...res, found: named };
  }
  // An opaque reference whose property depends on several buckets: each may be the one.
  return res;
}

/** All buckets of the stack. */
export function stackBuckets(stack: StackView): ResourceView[] {
  return resourcesOfTypes(stack, BUCKET_TYPES);
}
