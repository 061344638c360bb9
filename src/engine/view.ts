/**
 * The resource view: the one shape every rule reads, whatever front end produced it
 * (the policy pack's `args`, a checkpoint resource, a preview step).
 */
import type { Cloud } from "../data/types";
import { type AcceleratorScan, SCANNED_TYPES, scanAccelerators } from "./accelerator-scan";
import { type RegionResolution, resolveResourceRegion } from "./region";
import { SLOTS, type SlotHolder } from "./slots";
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

// ---------------------------------------------------------------------------------------------
// The one view builder. Each field of a view is defined once, here (`VIEW_FIELDS`); the two front
// ends differ only in when the fields are computed and how the input is read:
//
// - the pack (`buildView`): every field at once, from the whole input normalized once;
// - the report (`lazyViewOf`, with src/report/lazy-view.ts reading snapshot records): each field on
//   first read, so the many resources no rule looks into are never normalized (tags from the
//   tag-bearing keys alone; no accelerator scan for types carbonguard does not scan).
//
// A new field is one entry in `VIEW_FIELDS` (the type requires it): both front ends get it.

/**
 * What a view's fields are computed from. `props`/`providerProps` are normalized once, on first
 * call; `tags` may read only the tag-bearing keys (TAG_KEYS, PROVIDER_TAG_KEYS), and must answer
 * what `resourceTags(cloud, props(), providerTags(cloud, providerProps()))` would.
 */
export interface ViewParts {
  readonly input: ResourceInput;
  readonly stack: StackContext;
  props(): PlainObject;
  providerProps(): PlainObject | undefined;
  tags(view: ResourceView, cloud: Cloud): TagBag;
}

/** The pack's parts: the whole input, normalized on first read (the report's read tags first: src/report/lazy-view.ts). */
export class WholeInput implements ViewParts {
  protected normalized: PlainObject | undefined;
  private provider: PlainObject | undefined | null = null;
  protected bag: TagBag | undefined;

  constructor(
    readonly input: ResourceInput,
    readonly stack: StackContext,
  ) {}

  props(): PlainObject {
    return (this.normalized ??= normalizeProps(this.input.props));
  }

  providerProps(): PlainObject | undefined {
    if (this.provider === null) this.provider = this.input.providerProps === undefined ? undefined : normalizeProps(this.input.providerProps);
    return this.provider;
  }

  tags(_view: ResourceView, cloud: Cloud): TagBag {
    return (this.bag ??= resourceTags(cloud, this.props(), providerTags(cloud, this.providerProps())));
  }
}

/** Types carbonguard does not scan carry no accelerators: the same (frozen) empty scan for all. */
const SCANNED = new Set(SCANNED_TYPES);
const EMPTY_SCAN: AcceleratorScan = Object.freeze({ uses: Object.freeze([]) as unknown as AcceleratorScan["uses"], unknownPaths: Object.freeze([]) as unknown as AcceleratorScan["unknownPaths"] });

type FieldDefinitions = { readonly [K in keyof ResourceView]-?: (view: ResourceView, parts: ViewParts) => ResourceView[K] };

/**
 * Every field of a view, each computed from the fields above it (declaration order is the order
 * `buildView` computes them in) and the parts.
 */
export const VIEW_FIELDS: FieldDefinitions = {
  urn: (_v, p) => String(p.input.urn ?? ""),
  type: (_v, p) => (typeof p.input.type === "string" ? p.input.type : ""),
  name: (_v, p) => String(p.input.name ?? ""),
  cloud: (v) => cloudOfType(v.type),
  stack: (_v, p) => p.stack,
  links: (_v, p) => p.input.links ?? NO_LINKS,
  isMlService: (v) => isMlServiceType(v.type),
  props: (_v, p) => p.props(),
  providerProps: (_v, p) => p.providerProps(),
  region: (v) => (v.cloud ? resolveResourceRegion({ cloud: v.cloud, props: v.props, providerProps: v.providerProps, stackConfig: v.stack.stackConfig }) : { state: "absent" }),
  accelerators: (v) => (v.cloud && SCANNED.has(v.type) ? scanAccelerators(v.type, v.cloud, v.props) : EMPTY_SCAN),
  isAcceleratorResource: (v) => v.accelerators.uses.length > 0,
  tags: (v, p) => (v.cloud ? p.tags(v, v.cloud) : NO_TAGS).tags,
  tagsUnknown: (v, p) => (v.cloud ? p.tags(v, v.cloud) : NO_TAGS).unknown,
};

const FIELD_NAMES = Object.keys(VIEW_FIELDS) as (keyof ResourceView)[];

/** The field definitions in order, as an array: a loop over it stays monomorphic. */
const FIELD_STEPS = FIELD_NAMES.map((name) => ({ name, compute: VIEW_FIELDS[name] as (view: ResourceView, parts: ViewParts) => unknown }));

/** Every field present from the start: views are copies of one shape, never grown a field at a time. */
const BLANK_VIEW: Readonly<Record<string, unknown>> = Object.fromEntries(FIELD_NAMES.map((name) => [name, undefined]));

/** The pack's view: every field computed now, from the whole input. */
export function buildView(input: ResourceInput, stack: StackContext = EMPTY_STACK): ResourceView {
  const parts = new WholeInput(input, stack);
  const view: Record<string, unknown> = { ...BLANK_VIEW };
  for (let i = 0; i < FIELD_STEPS.length; i++) {
    const step = FIELD_STEPS[i]!;
    view[step.name] = step.compute(view as unknown as ResourceView, parts);
  }
  return view as unknown as ResourceView;
}

const NOT_YET = Symbol("not computed");

/**
 * A view whose fields are computed on first read, by the same definitions. The fields known from
 * the input alone (no property read) are computed at once, as plain fields: rules and indexes read
 * them constantly. Every other field, including any new one, is a getter that computes it once.
 */
class LazyView {
  /** Per-view caches (src/engine/slots.ts), declared so every view keeps one shape. */
  [SLOTS]: SlotHolder = undefined;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly cloud: Cloud | undefined;
  readonly stack: StackContext;
  readonly links: ResourceLinks;
  readonly isMlService: boolean;
  /** The other fields' values by position in LAZY_FIELDS (an array: one shape whatever is read first). */
  readonly values: unknown[] = new Array<unknown>(LAZY_FIELDS.length).fill(NOT_YET);

  constructor(readonly parts: ViewParts) {
    const self = this as unknown as ResourceView;
    const f = VIEW_FIELDS;
    this.urn = f.urn(self, parts);
    this.type = f.type(self, parts);
    this.name = f.name(self, parts);
    this.cloud = f.cloud(self, parts);
    this.stack = f.stack(self, parts);
    this.links = f.links(self, parts);
    this.isMlService = f.isMlService(self, parts);
  }
}

const AT_ONCE: ReadonlySet<string> = new Set(["urn", "type", "name", "cloud", "stack", "links", "isMlService"]);
const LAZY_FIELDS = FIELD_NAMES.filter((f) => !AT_ONCE.has(f));

LAZY_FIELDS.forEach((f, i) => {
  const compute = VIEW_FIELDS[f] as (view: ResourceView, parts: ViewParts) => unknown;
  Object.defineProperty(LazyView.prototype, f, {
    enumerable: true,
    get(this: LazyView) {
      let v = this.values[i];
      if (v === NOT_YET) this.values[i] = v = compute(this as unknown as ResourceView, this.parts);
      return v;
    },
  });
});

/** The report's view: each field computed on first read, from `parts`. */
export function lazyViewOf(parts: ViewParts): ResourceView {
  return new LazyView(parts) as unknown as ResourceView;
}

/** A resource's tags/labels and whether the bag itself is unknown in preview. */
export interface TagBag {
  readonly tags: ReadonlyMap<string, TagValue>;
  readonly unknown: boolean;
}

const NO_TAGS: TagBag = { tags: new Map(), unknown: false };

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
