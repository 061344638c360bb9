/**
 * Where a Kubernetes resource runs: which cloud, which region. A Kubernetes object carries neither;
 * they come, in this order, from
 *
 * 1. the cluster the resource's Kubernetes provider points at, when that cluster is in the same
 *    stack: the provider's `kubeconfig` input depends on the EKS or GKE cluster resource (the
 *    engine's `propertyDependencies`, else a lone plain dependency), whose region the view resolves
 *    as for any resource (stack views only: `placeInStack`);
 * 2. the provider's own configuration: a plain (not secret) kubeconfig or context naming an EKS
 *    endpoint (`….<region>.eks.amazonaws.com`) or a GKE context (`gke_<project>_<location>_<cluster>`);
 * 3. the stack's configuration (`aws:region` / `gcp:region`), for the cloud the resource's node
 *    selection implies (or the only cloud configured);
 *
 * else unknown: rules say they can't evaluate, never pass.
 */
import type { Cloud } from "../../data/types";
import { lookupInstanceType } from "../../data/accelerators";
import { type RegionResolution, resolveResourceRegion } from "../region";
import { type PlainObject, isOpaque, readString } from "../values";
import type { ResourceView, StackView } from "../view";
import { readPodTemplate, readRequirements } from "./pod-template";
import { KARPENTER_NODE_POOL, KUBERNETES_PROVIDER } from "./types";

/** The cluster resources a Kubernetes provider's kubeconfig can come from. */
export const CLUSTER_TYPES: readonly string[] = ["aws:eks/cluster:Cluster", "gcp:container/cluster:Cluster"];
/** Components that wrap a cluster (`@pulumi/eks`): the cluster is their child. */
const CLUSTER_COMPONENTS: readonly string[] = ["eks:index:Cluster"];

/** The cloud a resource's own node selection and device requests imply. */
export function cloudHint(type: string, props: PlainObject): Cloud | undefined {
  const keys: string[] = [];
  const values: string[] = [];
  if (type === KARPENTER_NODE_POOL) {
    const group = readString(props, ["spec", "template", "spec", "nodeClassRef", "group"]);
    if (group.state === "value" && group.value === "karpenter.k8s.aws") return "aws";
    readRequirements(props, ["spec", "template", "spec", "requirements"], [], (k, v) => (keys.push(k), values.push(v)));
  } else {
    const t = readPodTemplate(type, props);
    for (const [k, vs] of t.selectors) for (const v of vs) (keys.push(k), values.push(v));
    if (t.requests.some((r) => r.resource === "google.com/tpu")) return "gcp";
    if (t.requests.some((r) => r.resource.startsWith("aws.amazon.com/"))) return "aws";
  }
  if (keys.some((k) => k.startsWith("cloud.google.com/"))) return "gcp";
  if (keys.some((k) => k.startsWith("karpenter.k8s.aws/") || k.startsWith("eks.amazonaws.com/"))) return "aws";
  for (const v of values) {
    if (lookupInstanceType("aws", v)) return "aws";
    if (lookupInstanceType("gcp", v)) return "gcp";
  }
  return undefined;
}

/** The only cloud the stack configures a region for. */
export function configCloud(stackConfig: Readonly<Record<string, string>>): Cloud | undefined {
  const has = (ns: string) => Object.keys(stackConfig).some((k) => k.startsWith(`${ns}:`) && /:(config:)?(region|zone|project)$/.test(k));
  const aws = has("aws");
  const gcp = has("gcp");
  return aws === gcp ? undefined : aws ? "aws" : "gcp";
}

const EKS_ENDPOINT = /\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.eks\.amazonaws\.com\b/;
const GKE_CONTEXT = /\bgke_[a-z][a-z0-9-]{4,61}[a-z0-9]_([a-z]+-[a-z]+\d(?:-[a-z])?)_[a-z0-9-]{1,40}\b/;

/** What a plain kubeconfig or context says about the cluster: EKS endpoint region or GKE context location. */
export function fromKubeconfigText(text: string): { readonly cloud: Cloud; readonly location: string } | undefined {
  if (text.length > 1_000_000) return undefined;
  const eks = EKS_ENDPOINT.exec(text);
  if (eks) return { cloud: "aws", location: eks[1]! };
  const gke = GKE_CONTEXT.exec(text);
  if (gke) return { cloud: "gcp", location: gke[1]! };
  return undefined;
}

export interface ResourcePlacement {
  readonly cloud: Cloud | undefined;
  readonly region: RegionResolution;
}

/** Placement from the resource itself, its provider's configuration and the stack's (no stack view needed). */
export function placeResource(type: string, props: PlainObject, providerProps: PlainObject | undefined, stackConfig: Readonly<Record<string, string>>): ResourcePlacement {
  const hint = cloudHint(type, props);
  for (const key of ["kubeconfig", "context", "cluster"]) {
    const raw = providerProps?.[key];
    if (raw === undefined) continue;
    if (isOpaque(raw)) {
      // A kubeconfig computed from a cluster (preview) or kept secret: the stack view may still follow it to the cluster.
      if (raw.reason === "unknown" && key === "kubeconfig") return { cloud: hint, region: { state: "unknown", source: "provider", path: key } };
      continue;
    }
    const text = typeof raw === "string" ? raw : JSON.stringify(raw);
    const found = fromKubeconfigText(text);
    if (found && (hint === undefined || hint === found.cloud)) {
      const r = resolveResourceRegion({ cloud: found.cloud, props: found.cloud === "aws" ? { region: found.location } : { location: found.location } });
      return { cloud: found.cloud, region: r.state === "known" ? { ...r, source: "provider", path: key } : { state: "unrecognized", value: found.location, source: "provider", path: key } };
    }
  }
  const cloud = hint ?? configCloud(stackConfig);
  if (!cloud) return { cloud: undefined, region: { state: "absent" } };
  return { cloud, region: resolveResourceRegion({ cloud, props: {}, stackConfig }) };
}

/** The cluster a Kubernetes resource's provider points at, when it is in this stack. */
export function clusterOf(stack: StackView, view: ResourceView): { readonly cluster?: ResourceView; readonly provider?: ResourceView } {
  const providerUrn = view.links.provider;
  if (providerUrn === undefined) return {};
  const provider = stack.byUrn(providerUrn);
  if (!provider || provider.type !== KUBERNETES_PROVIDER) return {};
  const fromUrns = (urns: readonly string[] | undefined): ResourceView | undefined => {
    const found: ResourceView[] = [];
    for (const urn of Array.isArray(urns) ? urns : []) {
      const v = stack.byUrn(urn);
      if (!v) continue;
      if (CLUSTER_TYPES.includes(v.type)) found.push(v);
      else if (CLUSTER_COMPONENTS.includes(v.type)) {
        const child = stack.resources.find((r) => r.links.parent === v.urn && CLUSTER_TYPES.includes(r.type));
        if (child) found.push(child);
      }
    }
    const unique = [...new Set(found)];
    return unique.length === 1 ? unique[0] : undefined;
  };
  const cluster = fromUrns(provider.links.propertyDependencies["kubeconfig"]) ?? fromUrns(provider.links.dependencies);
  return { provider, ...(cluster ? { cluster } : {}) };
}
