/**
 * The data a Kubernetes workload names: GKE GCS FUSE volumes in its pod template, `gs://`/`s3://`
 * URIs in its containers' `env[].value`, and a KServe predictor's `storageUri`.
 *
 * FUSE volumes are inline CSI volumes (`volumes[].csi`, driver `gcsfuse.csi.storage.gke.io`,
 * `volumeAttributes.bucketName`; GKE "Cloud Storage FUSE CSI driver"). A mounted bucket is read
 * (a dataset or weights) unless the mount is read-write (neither `csi.readOnly` nor every
 * container's `volumeMounts[].readOnly` says otherwise) and the workload declares `ml-workload:
 * training`: then it is where checkpoints and outputs go. PersistentVolumes backed by the driver
 * are separate objects with no pod template and are not followed.
 *
 * `valueFrom` (Secrets, ConfigMaps) is never read; a secret or unknown `env` value is reported as
 * opaque only when its name says it holds data (`DATASET_URI`, `CHECKPOINT_DIR`), else skipped, so an
 * API key in the environment does not turn the rule into "can't evaluate".
 */
import { type DataRef, type DataRole, refOf, roleOfName } from "../data-uri";
import { type PathStep, type PlainObject, type Read, readArray, readObject, readString } from "../values";
import { podSpecPath } from "./pod-template";
import { KSERVE_INFERENCE_SERVICE } from "./types";

export const GCS_FUSE_DRIVER = "gcsfuse.csi.storage.gke.io";

/** KServe predictor keys that carry a `storageUri`: `model` and the older per-framework specs. */
const KSERVE_MODEL_KEYS = ["model", "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "lightgbm", "paddle", "pmml"];

const schemeOf = (v: string): "s3" | "gs" | undefined => (/^\s*s3:\/\//i.test(v) ? "s3" : /^\s*gs:\/\//i.test(v) ? "gs" : undefined);

/** A URI read at `steps`: its bucket when it is `s3://`/`gs://`, opaque when unknown or secret (and `opaqueToo`). */
function uriRef(props: PlainObject, steps: readonly PathStep[], role: DataRole, fallback: "s3" | "gs", opaqueToo: boolean): DataRef | undefined {
  const r = readString(props, steps);
  if (r.state === "opaque") return opaqueToo ? refOf(r, String(steps[0]), role, fallback) : undefined;
  if (r.state !== "value") return undefined;
  const scheme = schemeOf(r.value);
  return scheme ? refOf(r, String(steps[0]), role, scheme) : undefined;
}

const containerLists = (spec: readonly PathStep[]): PathStep[][] => [
  [...spec, "containers"],
  [...spec, "initContainers"],
];

/** `env[].value` URIs of every container (KServe: its `model` container too). */
function envRefs(props: PlainObject, type: string, spec: readonly PathStep[], fallback: "s3" | "gs"): DataRef[] {
  const containers: PathStep[][] = [];
  for (const list of containerLists(spec)) {
    const arr = readArray(props, list);
    if (arr.state === "value") arr.value.forEach((_c, i) => containers.push([...list, i]));
  }
  if (type === KSERVE_INFERENCE_SERVICE) for (const key of KSERVE_MODEL_KEYS) containers.push([...spec, key]);
  const out: DataRef[] = [];
  for (const c of containers) {
    const env = readArray(props, [...c, "env"]);
    if (env.state !== "value") continue;
    env.value.forEach((_e, i) => {
      const name = readString(props, [...c, "env", i, "name"]);
      const named = name.state === "value" ? roleOfName(name.value) : "data";
      // Only a name that says "data" makes an unreadable value worth a can't-evaluate.
      const ref = uriRef(props, [...c, "env", i, "value"], named, fallback, named !== "data");
      if (ref) out.push(ref);
    });
  }
  return out;
}

/** Whether every container mounting volume `name` mounts it read-only. */
function mountedReadOnly(props: PlainObject, spec: readonly PathStep[], name: string): boolean {
  let mounts = 0;
  let readOnly = 0;
  for (const list of containerLists(spec)) {
    const arr = readArray(props, list);
    if (arr.state !== "value") continue;
    arr.value.forEach((_c, i) => {
      const vm = readArray(props, [...list, i, "volumeMounts"]);
      if (vm.state !== "value") return;
      vm.value.forEach((_m, j) => {
        const n = readString(props, [...list, i, "volumeMounts", j, "name"]);
        if (n.state !== "value" || n.value !== name) return;
        mounts++;
        const ro = readObject(props, [...list, i, "volumeMounts", j]);
        if (ro.state === "value" && ro.value["readOnly"] === true) readOnly++;
      });
    });
  }
  return mounts > 0 && mounts === readOnly;
}

/** GCS FUSE CSI volumes of the pod spec. */
function fuseRefs(props: PlainObject, spec: readonly PathStep[], training: boolean): DataRef[] {
  const vols = readArray(props, [...spec, "volumes"]);
  if (vols.state === "opaque") return [{ path: vols.path, property: String(spec[0]), role: "input", scheme: "gs", opaque: vols.reason }];
  if (vols.state !== "value") return [];
  const out: DataRef[] = [];
  vols.value.forEach((_v, i) => {
    const csi = [...spec, "volumes", i, "csi"];
    const driver = readString(props, [...csi, "driver"]);
    if (driver.state !== "value" || driver.value !== GCS_FUSE_DRIVER) return;
    const name = readString(props, [...spec, "volumes", i, "name"]);
    const csiObj = readObject(props, csi);
    const readOnly = (csiObj.state === "value" && csiObj.value["readOnly"] === true) || (name.state === "value" && mountedReadOnly(props, spec, name.value));
    const role: DataRole = !readOnly && training ? "checkpoint" : "input";
    const bucket: Read<string> = readString(props, [...csi, "volumeAttributes", "bucketName"]);
    const ref = refOf(bucket, String(spec[0]), role, "gs", true);
    if (ref) out.push(ref);
  });
  return out;
}

/** A KServe predictor's `storageUri` (on `model` or a framework spec). */
function kserveRefs(props: PlainObject, spec: readonly PathStep[], fallback: "s3" | "gs"): DataRef[] {
  return KSERVE_MODEL_KEYS.flatMap((key) => uriRef(props, [...spec, key, "storageUri"], "model", fallback, true) ?? []);
}

/**
 * The data references of a Kubernetes workload. `training`: it declares `ml-workload: training`.
 * `cloud` picks the bucket kind an unreadable reference is joined against. Never throws on odd shapes.
 */
export function kubernetesDataRefs(type: string, props: PlainObject, training: boolean, cloud: "aws" | "gcp" | undefined): DataRef[] {
  const spec = podSpecPath(type);
  if (spec === undefined) return [];
  const fallback = cloud === "aws" ? "s3" : "gs";
  const refs = [...fuseRefs(props, spec, training), ...envRefs(props, type, spec, fallback)];
  if (type === KSERVE_INFERENCE_SERVICE) refs.push(...kserveRefs(props, spec, fallback));
  return refs;
}
