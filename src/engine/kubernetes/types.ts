/**
 * The `@pulumi/kubernetes` type tokens carbonguard reads. Built-in kinds are `kubernetes:<group>/<version>:<Kind>`
 * (core: `kubernetes:core/v1:Pod`); `apiextensions.CustomResource` registers `kubernetes:<apiVersion>:<kind>`
 * and `CustomResourcePatch` the same with `Patch` appended (@pulumi/kubernetes 4.x
 * `apiextensions/customResource.ts`), so a KServe InferenceService is
 * `kubernetes:serving.kserve.io/v1beta1:InferenceService`.
 */

/** Where a kind keeps its pod template (the object holding `metadata` and `spec`). */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  "apps/v1:Deployment": ["spec", "template"],
  "apps/v1:StatefulSet": ["spec", "template"],
  "apps/v1:DaemonSet": ["spec", "template"],
  "apps/v1:ReplicaSet": ["spec", "template"],
  "batch/v1:Job": ["spec", "template"],
  "batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template"],
  // A bare Pod is its own template.
  "core/v1:Pod": [],
  // Knative Serving's template is a pod template (a PodSpec subset).
  "serving.knative.dev/v1:Service": ["spec", "template"],
};

export const HPA_V2 = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
export const HPA_V1 = "kubernetes:autoscaling/v1:HorizontalPodAutoscaler";
export const KEDA_SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
export const KSERVE_INFERENCE_SERVICE = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
export const KNATIVE_SERVICE = "kubernetes:serving.knative.dev/v1:Service";
export const KARPENTER_NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
export const KUBERNETES_PROVIDER = "pulumi:providers:kubernetes";

/** Custom resources that scale a workload (or are one) and are read for their minimum. */
export const SCALER_TYPES: readonly string[] = [HPA_V2, HPA_V1, KEDA_SCALED_OBJECT];

export function isKubernetesType(type: string): boolean {
  return type.startsWith("kubernetes:");
}

/** `kubernetes:apps/v1:DeploymentPatch` → `{ key: "apps/v1:Deployment", patch: true }`. */
export function kindOf(type: string): { readonly key: string; readonly kind: string; readonly patch: boolean } | undefined {
  if (!isKubernetesType(type)) return undefined;
  const rest = type.slice("kubernetes:".length);
  const colon = rest.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const apiVersion = rest.slice(0, colon);
  const name = rest.slice(colon + 1);
  const patch = name.endsWith("Patch") && name.length > "Patch".length;
  const kind = patch ? name.slice(0, -"Patch".length) : name;
  return { key: `${apiVersion}:${kind}`, kind, patch };
}

/** The pod template path of a workload type (its Patch variant too), or undefined. */
export function podTemplatePath(type: string): readonly string[] | undefined {
  const k = kindOf(type);
  if (!k) return undefined;
  return Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, k.key) ? POD_TEMPLATE_PATHS[k.key] : undefined;
}

export function isWorkloadType(type: string): boolean {
  return podTemplatePath(type) !== undefined;
}

/** Workload kinds whose pods run to completion (training, batch). */
export function isBatchKind(type: string): boolean {
  const k = kindOf(type);
  return k?.key === "batch/v1:Job" || k?.key === "batch/v1:CronJob";
}

/** The resource types carbonguard scans for accelerators (workloads with their Patch variants, KServe, Knative, Karpenter). */
export const KUBERNETES_SCANNED_TYPES: readonly string[] = [
  ...Object.keys(POD_TEMPLATE_PATHS).flatMap((k) => [`kubernetes:${k}`, `kubernetes:${k}Patch`]),
  KSERVE_INFERENCE_SERVICE,
  KARPENTER_NODE_POOL,
];

/** The Kubernetes types the rules judge (and the view builder places): scanned kinds and Helm releases. */
export const KUBERNETES_JUDGED_TYPES: ReadonlySet<string> = new Set([...KUBERNETES_SCANNED_TYPES, HELM_RELEASE]);
