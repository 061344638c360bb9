/**
 * Accelerator scanners for Kubernetes resources, registered in the engine's scanner table
 * (src/engine/accelerator-scan.ts), so every rule sees a Deployment's GPUs as it sees a node
 * pool's: the device a pod requests, attributed to the node type its selectors pick.
 *
 * - `cloud.google.com/gke-accelerator: nvidia-l4` → that GPU, `nvidia.com/gpu` per pod;
 * - `cloud.google.com/gke-tpu-accelerator: tpu-v5-lite-podslice` → that TPU, `google.com/tpu` per pod;
 * - `node.kubernetes.io/instance-type: g6.xlarge` → that instance type (the node's devices);
 * - `karpenter.k8s.aws/instance-family: g6` → the family's smallest catalogued type (Karpenter
 *   launches the cheapest type that fits), quoted as the family;
 * - none of these: the device count alone (`gpu-resource` / `device-resource`).
 */
import type { PlainObject } from "../values";
import type { Scanner, ScanBuilder } from "../accelerator-scan";
import { type InstanceTypeInfo, allInstanceTypes } from "../../data/accelerators";
import { type AcceleratorRequest, type PodTemplate, readPodTemplate, readRequirements } from "./pod-template";
import { KARPENTER_NODE_POOL, KUBERNETES_SCANNED_TYPES } from "./types";
import { formatPath } from "../values";

/** Adds the uses a pod template's requests and selectors describe. */
export function addPodTemplateUses(t: PodTemplate, b: ScanBuilder): void {
  for (const path of t.unknownPaths) b.opaque(path);
  for (const request of t.requests) addRequestUses(request, t, b);
}

function addRequestUses(request: AcceleratorRequest, t: PodTemplate, b: ScanBuilder): void {
  const selectors = t.selectors;
  const before = b.uses.length;
  // Where the selector sits (nodeSelector or an affinity term): named by the nodeSelector key in messages.
  const where = (key: string) => formatPath([...t.specPath, "nodeSelector", key]);
  if (request.resource === "nvidia.com/gpu") {
    for (const v of selectors.get("cloud.google.com/gke-accelerator") ?? []) b.gcpAcceleratorValue(where("cloud.google.com/gke-accelerator"), v, request.perPod);
  } else if (request.resource === "google.com/tpu") {
    for (const v of selectors.get("cloud.google.com/gke-tpu-accelerator") ?? []) b.gcpAcceleratorValue(where("cloud.google.com/gke-tpu-accelerator"), v, request.perPod);
  }
  if (b.uses.length === before) {
    for (const key of ["node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"]) {
      for (const v of selectors.get(key) ?? []) b.instanceTypeValue(where(key), v);
    }
  }
  if (b.uses.length === before && b.cloud === "aws") {
    for (const family of selectors.get("karpenter.k8s.aws/instance-family") ?? []) addFamily(b, where("karpenter.k8s.aws/instance-family"), family);
  }
  if (b.uses.length > before) return;
  if (request.resource === "nvidia.com/gpu") b.gpuCount(request.path, request.perPod);
  else if (request.perPod === undefined || request.perPod > 0) {
    b.uses.push({ path: request.path, via: "device-resource", token: request.resource, ...(request.perPod !== undefined ? { count: request.perPod } : {}), recognized: false });
  }
}

/** The smallest catalogued, offered type of an EC2 family (Karpenter picks the cheapest that fits). */
export function smallestOfFamily(family: string): InstanceTypeInfo | undefined {
  const f = family.trim().toLowerCase();
  let best: InstanceTypeInfo | undefined;
  for (const t of allInstanceTypes("aws")) {
    if (t.family !== f || t.retired) continue;
    if (!best || t.acceleratorCount < best.acceleratorCount || (t.acceleratorCount === best.acceleratorCount && (t.vcpu ?? 0) < (best.vcpu ?? 0))) best = t;
  }
  return best;
}

function addFamily(b: ScanBuilder, path: string, family: string): void {
  const info = smallestOfFamily(family);
  if (info) b.uses.push({ path, via: "instance-type", token: info.family, count: info.acceleratorCount, instanceType: info, recognized: true });
}

function podScanner(type: string): Scanner {
  return (props: PlainObject, b: ScanBuilder) => addPodTemplateUses(readPodTemplate(type, props), b);
}

/** A Karpenter NodePool: the types its requirements allow (instance types or families). */
function nodePoolScanner(props: PlainObject, b: ScanBuilder): void {
  const unknown: string[] = [];
  const steps = ["spec", "template", "spec", "requirements"];
  const selectors = new Map<string, string[]>();
  readRequirements(props, steps, unknown, (key, value) => selectors.set(key, [...(selectors.get(key) ?? []), value]));
  for (const path of unknown) b.opaque(path);
  const path = formatPath(steps);
  for (const v of selectors.get("node.kubernetes.io/instance-type") ?? []) b.instanceTypeValue(path, v);
  if (b.cloud === "aws") for (const family of selectors.get("karpenter.k8s.aws/instance-family") ?? []) addFamily(b, path, family);
}

export const KUBERNETES_SCANNERS: Readonly<Record<string, Scanner>> = Object.fromEntries(
  KUBERNETES_SCANNED_TYPES.map((type) => [type, type === KARPENTER_NODE_POOL ? nodePoolScanner : podScanner(type)] as const),
);
