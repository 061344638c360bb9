/**
 * The resource view of a Kubernetes object: cloud and region from its placement
 * (./placement.ts), accelerators from its pod template (./accelerators.ts, through the engine's
 * scanner table), and as tags its labels: the workload's `metadata.labels` over its pod
 * template's, so `ml-workload` declared on either counts.
 */
import type { Cloud } from "../../data/types";
import { scanAccelerators } from "../accelerator-scan";
import { getOrCreate } from "../memo";
import type { RegionResolution } from "../region";
import { Slot } from "../slots";
import { type PathStep, type PlainObject, isOpaque, normalizeProps, readObject } from "../values";
import type { ResourceInput, ResourceLinks, ResourceView, StackContext, StackView, TagValue } from "../view";
import { clusterOf, placeResource } from "./placement";
import { HELM_RELEASE, KUBERNETES_SCANNED_TYPES, isKubernetesType, podTemplatePath } from "./types";

const NO_LINKS: ResourceLinks = { dependencies: [], propertyDependencies: {} };

/** Label maps, least specific first (later ones win). */
function labelPaths(type: string): PathStep[][] {
  const template = podTemplatePath(type);
  const paths: PathStep[][] = [];
  if (template !== undefined && template.length > 0) paths.push([...template, "metadata", "labels"]);
  paths.push(["metadata", "labels"]);
  return paths;
}

export function kubernetesLabels(type: string, props: PlainObject): { tags: Map<string, TagValue>; unknown: boolean } {
  const tags = new Map<string, TagValue>();
  let unknown = false;
  for (const path of labelPaths(type)) {
    const bag = readObject(props, path);
    if (bag.state === "opaque") unknown = true;
    if (bag.state !== "value") continue;
    for (const key of Object.keys(bag.value)) {
      const v = bag.value[key];
      if (typeof v === "string") tags.set(key, { state: "value", value: v });
      else if (isOpaque(v)) tags.set(key, { state: "opaque" });
    }
  }
  return { tags, unknown };
}

export function buildKubernetesView(input: ResourceInput, stack: StackContext): ResourceView {
  const type = String(input.type);
  const props = normalizeProps(input.props);
  const providerProps = input.providerProps === undefined ? undefined : normalizeProps(input.providerProps);
  const placement = placeResource(type, props, providerProps, stack.stackConfig);
  return assemble({ urn: String(input.urn ?? ""), type, name: String(input.name ?? ""), props, providerProps, links: input.links ?? NO_LINKS, stack }, placement.cloud, placement.region);
}

interface Base {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: PlainObject;
  readonly providerProps: PlainObject | undefined;
  readonly links: ResourceLinks;
  readonly stack: StackContext;
}

function assemble(base: Base, cloud: Cloud | undefined, region: RegionResolution): ResourceView {
  // The device requests read the same on either cloud; only node-type lookups need the right one.
  const accelerators = scanAccelerators(base.type, cloud ?? "aws", base.props);
  const { tags, unknown } = kubernetesLabels(base.type, base.props);
  return {
    ...base,
    cloud,
    region,
    accelerators,
    tags,
    tagsUnknown: unknown,
    isAcceleratorResource: accelerators.uses.length > 0,
    isMlService: false,
  };
}

const placed = new Slot<StackView, Map<ResourceView, ResourceView>>();

/**
 * The view with its placement completed from the stack: the cluster its provider points at, when
 * that cluster is here, decides the cloud and region (the cluster's region may be unknown in
 * preview: then so is this one's). Other resources are returned as they are.
 */
export function placeInStack(stack: StackView, view: ResourceView): ResourceView {
  if (!isKubernetesType(view.type)) return view;
  return getOrCreate(getOrCreate(placed, stack, () => new Map()), view, () => {
    const { cluster } = clusterOf(stack, view);
    if (!cluster || !cluster.cloud) return view;
    const region: RegionResolution =
      cluster.region.state === "known"
        ? { ...cluster.region, source: "provider", path: `kubeconfig (its cluster's ${cluster.region.path})` }
        : cluster.region.state === "unknown"
          ? { state: "unknown", source: "provider", path: `kubeconfig (its cluster's ${cluster.region.path})` }
          : cluster.region;
    return assemble({ urn: view.urn, type: view.type, name: view.name, props: view.props, providerProps: view.providerProps, links: view.links, stack: view.stack }, cluster.cloud, region);
  });
}

/** Kubernetes types the rules judge: workloads, KServe, Karpenter NodePools, Helm releases. */
const JUDGED = new Set<string>([...KUBERNETES_SCANNED_TYPES, HELM_RELEASE]);

/**
 * The stack's Kubernetes resources the rules judge, placed. Other objects (ConfigMaps, Services,
 * Secrets…) hold no capacity; scalers are read through the workloads they target.
 */
export function kubernetesResources(stack: StackView): ResourceView[] {
  return stack.resources.filter((r) => JUDGED.has(r.type)).map((r) => placeInStack(stack, r));
}
