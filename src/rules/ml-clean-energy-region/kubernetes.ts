/**
 * Kubernetes workloads the stack can't place: no cluster in the stack behind their provider, no
 * plain kubeconfig or context naming one, and no region in the stack config for a cloud their
 * node selection implies. Their grid intensity can't be checked: said (advisory), never a pass.
 */
import { findingOf } from "../../engine/message";
import { resourceSubject } from "../../engine/resource-names";
import type { Outcome } from "../../engine/rule";
import type { ResourceView } from "../../engine/view";

export const KUBERNETES_MESSAGES = {
  noCluster: "{{subject}} runs on a Kubernetes cluster carbonguard can't place, so its grid intensity can't be checked; create the cluster in this stack or set aws:region or gcp:region.",
} as const;

export function unplacedWorkload(view: ResourceView): Outcome {
  const subject = resourceSubject(view);
  return findingOf(KUBERNETES_MESSAGES, {
    messageId: "noCluster",
    data: { subject },
    details: [
      `${subject} runs wherever its Kubernetes provider's cluster runs. carbonguard finds the cluster by following the provider's kubeconfig to an EKS or GKE cluster resource in the same stack, else reads a plain kubeconfig's EKS endpoint or GKE context, else takes the stack config's aws:region or gcp:region (for the cloud the pod's node selection implies, or the only one configured); none of these is here.`,
    ],
    level: "advisory",
    severity: "low",
  });
}
