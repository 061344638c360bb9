/**
 * Reads a Kubernetes pod template: the accelerators its containers request, the nodes it selects
 * (`nodeSelector` and required node affinity), and the labels on the workload and its template.
 *
 * Extended resources (`nvidia.com/gpu`, `google.com/tpu`, `aws.amazon.com/neuron`,
 * `aws.amazon.com/neuroncore`) are set in `limits`, and `requests`, if given, must equal them
 * (Kubernetes "Schedule GPUs"); limits are read first. A pod needs the sum over its containers,
 * or the largest init container if that is more (init containers run before the others, one at a
 * time). Values unknown in preview are recorded as unknown paths, never guessed.
 */
import { type PathStep, type PlainObject, type PlainValue, type Read, formatPath, isOpaque, readArray, readNumber, readObject, readPath, readString } from "../values";
import { KSERVE_INFERENCE_SERVICE, podTemplatePath } from "./types";

/** The accelerator resources Kubernetes device plugins advertise, with what they count. */
export const ACCELERATOR_RESOURCES = ["nvidia.com/gpu", "google.com/tpu", "aws.amazon.com/neuron", "aws.amazon.com/neuroncore"] as const;
export type AcceleratorResource = (typeof ACCELERATOR_RESOURCES)[number];

/** Node labels that select the accelerator or machine (GKE, the well-known instance-type label, Karpenter on AWS). */
export const SELECTOR_KEYS = [
  "cloud.google.com/gke-accelerator",
  "cloud.google.com/gke-tpu-accelerator",
  "cloud.google.com/gke-tpu-topology",
  "cloud.google.com/gke-spot",
  "cloud.google.com/gke-preemptible",
  "node.kubernetes.io/instance-type",
  "beta.kubernetes.io/instance-type",
  "karpenter.k8s.aws/instance-family",
  "karpenter.sh/capacity-type",
  "eks.amazonaws.com/capacityType",
] as const;

export interface AcceleratorRequest {
  readonly resource: AcceleratorResource;
  /** Devices one pod holds, when every value is known. */
  readonly perPod?: number;
  /** The first container path that requests it. */
  readonly path: string;
}

export interface PodTemplate {
  /** Path of the pod spec (`spec.template.spec`). */
  readonly specPath: readonly PathStep[];
  readonly requests: readonly AcceleratorRequest[];
  /** Node label → the values a pod may land on (nodeSelector, required affinity with `In`). */
  readonly selectors: ReadonlyMap<string, readonly string[]>;
  /** Paths that could hold an accelerator request or a selector but are unknown (preview) or secret. */
  readonly unknownPaths: readonly string[];
}

const EMPTY: PodTemplate = { specPath: [], requests: [], selectors: new Map(), unknownPaths: [] };

/** The pod spec path of a workload type (KServe: its predictor, which inlines a pod spec). */
export function podSpecPath(type: string): readonly PathStep[] | undefined {
  if (type === KSERVE_INFERENCE_SERVICE) return ["spec", "predictor"];
  const template = podTemplatePath(type);
  return template === undefined ? undefined : [...template, "spec"];
}

/** Reads the pod template of a workload resource; an empty read for other types. */
export function readPodTemplate(type: string, props: PlainObject): PodTemplate {
  const specPath = podSpecPath(type);
  if (specPath === undefined) return EMPTY;
  const unknown: string[] = [];
  const spec = readObject(props, specPath);
  if (spec.state === "opaque") return { ...EMPTY, specPath, unknownPaths: [spec.path] };
  if (spec.state !== "value") return { ...EMPTY, specPath };
  const containers = containerTotals(props, [...specPath, "containers"], unknown, "sum");
  if (type === KSERVE_INFERENCE_SERVICE) addInto(containers, containerTotal(props, [...specPath, "model"], unknown));
  const init = containerTotals(props, [...specPath, "initContainers"], unknown, "max");
  const requests: AcceleratorRequest[] = [];
  for (const resource of ACCELERATOR_RESOURCES) {
    const c = containers.get(resource);
    const i = init.get(resource);
    if (!c && !i) continue;
    const known = (c === undefined || c.count !== undefined) && (i === undefined || i.count !== undefined);
    const perPod = Math.max(c?.count ?? 0, i?.count ?? 0);
    if (known && perPod <= 0) continue;
    requests.push({ resource, ...(known ? { perPod } : {}), path: (c ?? i)!.path });
  }
  return { specPath, requests, selectors: readSelectors(props, specPath, unknown), unknownPaths: [...new Set(unknown)] };
}

interface Total {
  /** undefined once any value is unknown. */
  count: number | undefined;
  path: string;
}

function containerTotals(props: PlainObject, steps: readonly PathStep[], unknown: string[], combine: "sum" | "max"): Map<AcceleratorResource, Total> {
  const out = new Map<AcceleratorResource, Total>();
  const list = readArray(props, steps);
  if (list.state === "opaque") unknown.push(list.path);
  if (list.state !== "value") return out;
  list.value.forEach((_c, i) => {
    const one = containerTotal(props, [...steps, i], unknown);
    if (combine === "sum") addInto(out, one);
    else {
      for (const [resource, t] of one) {
        const prev = out.get(resource);
        if (!prev) out.set(resource, { ...t });
        else prev.count = prev.count === undefined || t.count === undefined ? undefined : Math.max(prev.count, t.count);
      }
    }
  });
  return out;
}

function addInto(into: Map<AcceleratorResource, Total>, more: ReadonlyMap<AcceleratorResource, Total>): void {
  for (const [resource, t] of more) {
    const prev = into.get(resource);
    if (!prev) into.set(resource, { ...t });
    else prev.count = prev.count === undefined || t.count === undefined ? undefined : prev.count + t.count;
  }
}

/** One container's accelerator resources (limits, else requests). */
function containerTotal(props: PlainObject, container: readonly PathStep[], unknown: string[]): Map<AcceleratorResource, Total> {
  const out = new Map<AcceleratorResource, Total>();
  const resources = readObject(props, [...container, "resources"]);
  if (resources.state === "opaque") {
    unknown.push(resources.path);
    return out;
  }
  if (resources.state !== "value") return out;
  for (const resource of ACCELERATOR_RESOURCES) {
    for (const bag of ["limits", "requests"] as const) {
      const bagRead = readObject(props, [...container, "resources", bag]);
      if (bagRead.state === "opaque") {
        unknown.push(bagRead.path);
        out.set(resource, { count: undefined, path: bagRead.path });
        break;
      }
      const steps = [...container, "resources", bag, resource];
      const raw = readPath(props, steps);
      if (raw.state === "absent" || raw.state === "wrong-type") continue;
      const n = readDeviceCount(props, steps);
      if (n.state === "opaque") unknown.push(n.path);
      // A quantity we can't read as a plain count ("1k", "500m") still requests the device: count unknown.
      out.set(resource, { count: n.state === "value" ? n.value : undefined, path: formatPath(steps) });
      break;
    }
  }
  return out;
}

/** A device count: a whole, non-negative number (numeric strings too); anything else is "wrong-type". */
export function readDeviceCount(root: PlainValue | undefined, steps: readonly PathStep[]): Read<number> {
  const r = readNumber(root, steps);
  if (r.state !== "value") return r;
  return Number.isInteger(r.value) && r.value >= 0 && r.value <= 1e6 ? r : { state: "wrong-type", path: r.path };
}

/** nodeSelector and required node affinity (`In` only: other operators select no specific type). */
function readSelectors(props: PlainObject, specPath: readonly PathStep[], unknown: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (key: string, value: string) => {
    const list = out.get(key) ?? [];
    if (!list.includes(value)) list.push(value);
    out.set(key, list);
  };
  const selector = readObject(props, [...specPath, "nodeSelector"]);
  if (selector.state === "opaque") unknown.push(selector.path);
  if (selector.state === "value") {
    for (const key of SELECTOR_KEYS) {
      const v = selector.value[key];
      if (isOpaque(v)) unknown.push(formatPath([...specPath, "nodeSelector", key]));
      else if (typeof v === "string" && v.trim() !== "") add(key, v.trim());
    }
  }
  const termsSteps = [...specPath, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"];
  const terms = readArray(props, termsSteps);
  if (terms.state === "opaque") unknown.push(terms.path);
  if (terms.state === "value") {
    terms.value.forEach((_t, i) => readRequirements(props, [...termsSteps, i, "matchExpressions"], unknown, add));
  }
  return out;
}

/** `[{key, operator: In, values}]` (node affinity terms, Karpenter requirements) into `add`. */
export function readRequirements(root: PlainValue, steps: readonly PathStep[], unknown: string[], add: (key: string, value: string) => void): void {
  const list = readArray(root, steps);
  if (list.state === "opaque") unknown.push(list.path);
  if (list.state !== "value") return;
  list.value.forEach((_e, j) => {
    const key = readString(root, [...steps, j, "key"]);
    if (key.state === "opaque") unknown.push(key.path);
    if (key.state !== "value" || !(SELECTOR_KEYS as readonly string[]).includes(key.value)) return;
    const op = readString(root, [...steps, j, "operator"]);
    if (op.state === "opaque") unknown.push(op.path);
    if (op.state !== "value" || op.value !== "In") return;
    const values = readArray(root, [...steps, j, "values"]);
    if (values.state === "opaque") unknown.push(values.path);
    if (values.state !== "value") return;
    values.value.forEach((v, k) => {
      if (isOpaque(v)) unknown.push(formatPath([...steps, j, "values", k]));
      else if (typeof v === "string" && v.trim() !== "") add(key.value, v.trim());
    });
  });
}
