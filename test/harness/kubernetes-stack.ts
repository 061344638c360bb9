// Shared by the Kubernetes harness tests: a GKE cluster and the Kubernetes provider whose kubeconfig
// is built from it (unknown in preview, as the engine sends it), resources linked to that provider.
import { type StackResource, testUrn, unknown } from "./index";

export function res(type: string, name: string, properties: Record<string, unknown>, extra: Partial<StackResource> = {}): StackResource {
  return { urn: testUrn(type, name), type, name, properties, ...extra };
}

export const gke = (location: unknown) => res("gcp:container/cluster:Cluster", "gke", { location, name: "gke-1a2b" });
/** What a Kubernetes object's `provider` link names. */
export const k8sProviderRef = { urn: testUrn("pulumi:providers:kubernetes", "k8s"), type: "pulumi:providers:kubernetes", name: "k8s", properties: { kubeconfig: unknown("string") } };
export const provider = (cluster: StackResource) => res("pulumi:providers:kubernetes", "k8s", { kubeconfig: unknown("string") }, { dependencies: [cluster.urn], propertyDependencies: { kubeconfig: [cluster.urn] } });
