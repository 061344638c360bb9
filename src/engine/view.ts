/**
 * The resource view: the one shape every rule reads, whatever front end produced it
 * (the policy pack's `args`, a checkpoint resource, a preview step).
 */
import type { Cloud } from "../data/types";
import { type AcceleratorScan, scanAccelerators } from "./accelerator-scan";
import { type RegionResolution, resolveResourceRegion } from "./region";
import { buildKubernetesView } from "./kubernetes/view";
import { isKubernetesType } from "./kubernetes/types";
import { type PlainObject, type PlainValue, isOpaque, normalizeProps, readArray, readJsonString, readObject, readPath, readString } from "./values";

export interface ResourceInput {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Raw properties (inputs for resource policies); normalized here. */
  readonly props: unknown;
  /** Raw properties of the resource's provider, when known. */
  readonly providerProps?: unknown;
  /** How the resource relates to others (stack views only). */
  readonly links?: ResourceLinks;
}

/** Links between resources, by URN, as the engine records them (never guessed from names). */
export interface ResourceLinks {
  readonly id?: string;
  readonly parent?: string;
  /** The URN of the resource's provider (stack views; a Kubernetes resource's cluster is found through it). */
  readonly provider?: string;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

export const NO_LINKS: ResourceLinks = { dependencies: [], propertyDependencies: {} };

export interface StackContext {
  /** Stack tags (`pulumi stack tag`), e.g. `ml-workload`, `team`. */
  readonly stackTags: ReadonlyMap<string, string>;
  /** Stack config as the language host passes it: `{"aws:region": "us-east-1"}`. */
  readonly stackConfig: Readonly<Record<string, string>>;
}

export const EMPTY_STACK: StackContext = { stackTags: new Map(), stackConfig: {} };

/** A tag/label value as read from the resource: known text, or present but unreadable. */
export type TagValue = { readonly state: "value"; readonly value: string } | { readonly state: "opaque" };

export interface ResourceView {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly cloud: Cloud | undefined;
  /** Normalized properties: plain JSON with `Opaque` markers for unknowns and secrets. */
  readonly props: PlainObject;
  readonly providerProps: PlainObject | undefined;
  readonly region: RegionResolution;
  readonly accelerators: AcceleratorScan;
  /** Resource tags (AWS) or labels (GCP), including provider default tags/labels. */
  readonly tags: ReadonlyMap<string, TagValue>;
  /** Whether the tags bag itself is unknown in preview. */
  readonly tagsUnknown: boolean;
  readonly stack: StackContext;
  /** An accelerator resource, or a resource of an ML service (SageMaker, Vertex AI, Workbench, Colab, TPU). */
  readonly isAcceleratorResource: boolean;
  readonly isMlService: boolean;
  readonly links: ResourceLinks;
}

/** All resources of one stack, for stack rules (joins follow `links`, by URN). */
export interface StackView {
  readonly resources: readonly ResourceView[];
  readonly stack: StackContext;
  byUrn(urn: string): ResourceView | undefined;
}

export function buildStackView(inputs: readonly ResourceInput[], stack: StackContext = EMPTY_STACK): StackView {
  const resources = inputs.map((input) => buildView(input, stack));
  const index = new Map(resources.map((r) => [r.urn, r] as const));
  return { resources, stack, byUrn: (urn) => index.get(urn) };
}

export function cloudOfType(type: string): Cloud | undefined {
  if (type.startsWith("aws:") || type.startsWith("aws-native:")) return "aws";
  if (type.startsWith("gcp:") || type.startsWith("google-native:")) return "gcp";
  return undefined;
}

const ML_SERVICE_PREFIXES = [
  "aws:sagemaker/",
  "aws-native:sagemaker:",
  "aws:bedrock",
  "gcp:vertex/",
  "gcp:workbench/",
  "gcp:notebooks/",
  "gcp:colab/",
  "gcp:tpu/",
];

export function isMlServiceType(type: string): boolean {
  return ML_SERVICE_PREFIXES.some((prefix) => type.startsWith(prefix));
}

/** Where each cloud keeps tags/labels on a resource and on its provider. */
export const TAG_PATHS: Readonly<Record<Cloud, { resource: readonly (readonly string[])[]; provider: readonly (readonly string[])[] }>> = {
  aws: { resource: [["tags"]], provider: [["defaultTags", "tags"]] },
  gcp: {
    resource: [["labels"], ["resourceLabels"], ["nodeConfig", "resourceLabels"], ["gceSetup", "labels"]],
    provider: [["defaultLabels"]],
  },
};

function topLevelKeys(kind: "resource" | "provider"): string[] {
  return [...new Set(Object.values(TAG_PATHS).flatMap((p) => p[kind].map((path) => path[0] as string)))].sort();
}

/** The top-level property keys tags/labels are read from, for front ends that read props lazily. */
export const TAG_KEYS: readonly string[] = topLevelKeys("resource");
export const PROVIDER_TAG_KEYS: readonly string[] = topLevelKeys("provider");

export function buildView(input: ResourceInput, stack: StackContext = EMPTY_STACK): ResourceView {
  // Kubernetes objects carry no cloud or region: src/engine/kubernetes places them.
  if (isKubernetesType(typeof input.type === "string" ? input.type : "")) return buildKubernetesView(input, stack);
  const props = normalizeProps(input.props);
  const providerProps = input.providerProps === undefined ? undefined : normalizeProps(input.providerProps);
  const type = typeof input.type === "string" ? input.type : "";
  const cloud = cloudOfType(type);
  const region: RegionResolution = cloud
    ? resolveResourceRegion({ cloud, props, providerProps, stackConfig: stack.stackConfig })
    : { state: "absent" };
  const accelerators = cloud ? scanAccelerators(type, cloud, props) : { uses: [], unknownPaths: [] };
  const { tags, unknown } = cloud ? collectTags(cloud, props, providerProps) : NO_TAGS;
  return {
    urn: String(input.urn ?? ""),
    type,
    name: String(input.name ?? ""),
    cloud,
    props,
    providerProps,
    region,
    accelerators,
    tags,
    tagsUnknown: unknown,
    stack,
    isAcceleratorResource: accelerators.uses.length > 0,
    isMlService: isMlServiceType(type),
    links: input.links ?? NO_LINKS,
  };
}

/** A resource's tags/labels and whether the bag itself is unknown in preview. */
export interface TagBag {
  readonly tags: ReadonlyMap<string, TagValue>;
  readonly unknown: boolean;
}

const NO_TAGS: TagBag = { tags: new Map(), unknown: false };

function collectTags(cloud: Cloud, props: PlainObject, providerProps: PlainObject | undefined): TagBag {
  return resourceTags(cloud, props, providerTags(cloud, providerProps));
}

/** Adds the tags found at `path` under `root` to `tags`; returns whether the bag is unknown. */
function addTags(tags: Map<string, TagValue>, root: PlainValue | undefined, path: readonly string[]): boolean {
  // Auto Scaling groups keep tags as a list: [{key, value, propagateAtLaunch}].
  const list = readArray(root, path);
  if (list.state === "value") {
    let unknown = false;
    for (const item of list.value) {
      const key = readString(item, ["key"]);
      const value = readPath(item, ["value"]);
      // A tag whose key is unknown in preview could be any tag: the bag is then not knowable.
      if (key.state === "opaque") unknown = true;
      if (key.state !== "value") continue;
      if (value.state === "value" && typeof value.value === "string") tags.set(key.value, tagValue(value.value));
      else if (value.state === "opaque") tags.set(key.value, OPAQUE_TAG);
    }
    return unknown;
  }
  const bag = readObject(root, path);
  if (bag.state !== "value") return bag.state === "opaque";
  const values = bag.value;
  for (const key in values) {
    if (!Object.prototype.hasOwnProperty.call(values, key)) continue;
    const value = values[key];
    if (typeof value === "string") tags.set(key, tagValue(value));
    else if (isOpaque(value)) tags.set(key, OPAQUE_TAG);
  }
  return false;
}

const OPAQUE_TAG: TagValue = Object.freeze({ state: "opaque" });

/**
 * A tag's value. Allocated per tag: a young object dies with its stack for almost nothing, while
 * interning values in a table cost a string hash per tag (measured: 0.15 s of a 1,000-stack report).
 */
function tagValue(value: string): TagValue {
  return { state: "value", value };
}

/**
 * A provider's default tags/labels (normalized provider props). State files and the engine keep
 * a provider's object-valued config as a JSON string; both shapes are read. Depends only on the
 * provider, so front ends that see many resources of one provider compute it once.
 */
export function providerTags(cloud: Cloud, providerProps: PlainObject | undefined): TagBag {
  if (providerProps === undefined) return NO_TAGS;
  const tags = new Map<string, TagValue>();
  let unknown = false;
  for (const path of TAG_PATHS[cloud].provider) {
    const head = path[0] as string;
    const raw = providerProps[head];
    if (raw === undefined) continue;
    if (typeof raw === "string") {
      const parsed = readJsonString(providerProps, [head]);
      if (parsed.state === "value" && addTags(tags, { [head]: parsed.value }, path)) unknown = true;
    } else if (addTags(tags, providerProps, path)) {
      unknown = true;
    }
  }
  return tags.size === 0 && !unknown ? NO_TAGS : { tags, unknown };
}

/**
 * The resource's tags over its provider's defaults (the resource's own win, as the providers do).
 * `base` is shared, never changed: a resource without tags of its own gets it as it is.
 */
export function resourceTags(cloud: Cloud, props: PlainObject, base: TagBag): TagBag {
  let tags: Map<string, TagValue> | undefined;
  let unknown = base.unknown;
  for (const path of TAG_PATHS[cloud].resource) {
    if (props[path[0] as string] === undefined) continue;
    tags ??= new Map(base.tags);
    if (addTags(tags, props, path)) unknown = true;
  }
  return tags === undefined ? (unknown === base.unknown ? base : { tags: base.tags, unknown }) : { tags, unknown };
}
