/**
 * What the view builder (src/engine/view.ts VIEW_FIELDS) reads for a Kubernetes object: its cloud
 * and region from its placement (./placement.ts), and as tags its labels, the workload's
 * `metadata.labels` over its pod template's, so `ml-workload` declared on either counts. Its
 * accelerators come from the engine's scanner table (./accelerators.ts).
 *
 * `placeInStack` completes the placement from the stack: the cluster the provider points at.
 */
import type { Cloud } from "../../data/types";
import { scanAccelerators } from "../accelerator-scan";
import { getOrCreate } from "../memo";
import type { RegionResolution } from "../region";
import { Slot } from "../slots";
import { type PathStep, type PlainObject, isOpaque, readObject } from "../values";
import type { ResourceLinks, ResourceView, StackContext, StackView, TagBag, TagValue, ViewParts } from "../view";
import { type ResourcePlacement, clusterOf, placeResource } from "./placement";
import { KUBERNETES_JUDGED_TYPES, isKubernetesType, podTemplatePath } from "./types";

/** Label maps, least specific first (later ones win). */
function labelPaths(type: string): PathStep[][] {
  const template = podTemplatePath(type);
  const paths: PathStep[][] = [];
  if (template !== undefined && template.length > 0) paths.push([...template, "metadata", "labels"]);
  paths.push(["metadata", "labels"]);
  return paths;
}

export function kubernetesLabels(type: string, props: PlainObject): TagBag {
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

const NOWHERE: ResourcePlacement = Object.freeze({ cloud: undefined, region: Object.freeze({ state: "absent" }) as RegionResolution });
const placements = new WeakMap<ViewParts, ResourcePlacement>();
const labels = new WeakMap<ViewParts, TagBag>();

/**
 * A Kubernetes object's placement from its own properties, its provider's and the stack config,
 * once per view. Only the kinds the rules judge are placed: a ConfigMap's properties are never read.
 */
export function kubernetesPlacementOf(type: string, parts: ViewParts): ResourcePlacement {
  if (!KUBERNETES_JUDGED_TYPES.has(type)) return NOWHERE;
  return getOrCreate(placements, parts, () => placeResource(type, parts.props(), parts.providerProps(), parts.stack.stackConfig));
}

export function kubernetesLabelsOf(type: string, parts: ViewParts): TagBag {
  return getOrCreate(labels, parts, () => kubernetesLabels(type, parts.props()));
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
  const accelerators = scanAccelerators(base.type, cloud ?? "aws", base.props);
  const { tags, unknown } = kubernetesLabels(base.type, base.props);
  return {
    urn: base.urn,
    type: base.type,
    name: base.name,
    cloud,
    stack: base.stack,
    links: base.links,
    isMlService: false,
    props: base.props,
    providerProps: base.providerProps,
    region,
    accelerators,
    isAcceleratorResource: accelerators.uses.length > 0,
    tags,
    tagsUnknown: unknown,
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
    const via = `kubeconfig (its cluster's ${cluster.region.state === "absent" ? "region" : cluster.region.path})`;
    const region: RegionResolution =
      cluster.region.state === "known"
        ? { ...cluster.region, source: "provider", path: via }
        : cluster.region.state === "unknown"
          ? { state: "unknown", source: "provider", path: via }
          : cluster.region;
    return assemble({ urn: view.urn, type: view.type, name: view.name, props: view.props, providerProps: view.providerProps, links: view.links, stack: view.stack }, cluster.cloud, region);
  });
}

const judged = new Slot<StackView, ResourceView[]>();

/**
 * The stack's Kubernetes resources the rules judge (workloads, KServe, Karpenter NodePools, Helm
 * releases), placed, in URN order. Other objects hold no capacity; scalers are read through the
 * workloads they target. The order is the URNs', not the input's: the engine hands a stack policy
 * its resources in registration order, a preview plan in step order, and a stack policy reports the
 * first value it can't evaluate, which must be the same one in both (test/cli/differential.test.ts).
 */
export function kubernetesResources(stack: StackView): ResourceView[] {
  return getOrCreate(judged, stack, () =>
    stack.resources
      .filter((r) => KUBERNETES_JUDGED_TYPES.has(r.type))
      .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
      .map((r) => placeInStack(stack, r)),
  );
}
