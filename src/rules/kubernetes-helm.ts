/**
 * Helm releases (`kubernetes:helm.sh/v3:Release`): the chart renders its objects inside the
 * provider, from values carbonguard can't evaluate (templates, defaults in the chart, `valueYamlFiles`),
 * so the GPUs a release runs are not readable. Said once per release (advisory, in
 * ml-workload-declared), never guessed. A v4 `Chart` registers the objects it renders as resources,
 * which are read like any other.
 */
import { safeName } from "../engine/resource-names";
import { findingOf } from "../engine/message";
import type { Outcome } from "../engine/rule";
import type { ResourceView } from "../engine/view";

export const HELM_MESSAGES = {
  helmValuesUnread: "Helm release '{{name}}' renders its workloads from chart values carbonguard can't read, so its accelerators, scaling and workload go unchecked; deploy GPU workloads as Kubernetes resources or a helm.v4.Chart.",
} as const;

export function helmReleaseNotice(view: ResourceView): Outcome {
  return findingOf(HELM_MESSAGES, {
    messageId: "helmValuesUnread",
    data: { name: safeName(view.name) },
    details: [
      "A Release is installed by the provider from the chart's templates and values; neither its rendered objects nor their GPU requests reach policy packs. A kubernetes.helm.sh/v4 Chart registers each rendered object as a resource, which carbonguard reads like any Deployment or Job.",
    ],
    level: "advisory",
    figures: [],
    urn: view.urn,
  });
}
