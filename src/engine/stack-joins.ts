/**
 * Shared because several stack policies join through it: ml-autoscale-to-zero (every join below),
 * ml-training-guardrails (ASG / EKS node group → launch template), accelerator-fits-model (SageMaker
 * endpoint configurations and inference components, ECS task definitions, and through
 * ./ecs-capacity.ts and ./batch-capacity.ts the capacity ECS services and Batch jobs run on) and the report's estimator (src/estimate/capacity.ts). One home keeps the
 * rules and the report counting the same links.
 *
 * Joins between resources of one stack, for stack policies: ASG / EKS node group → launch template,
 * SageMaker scaling target → endpoint (→ variant) → endpoint configuration, inference component →
 * endpoint, GCE autoscaler → instance group manager → instance template, ECS service → task
 * definition, scaling target → ECS service, GCE VM → resource policy, GKE node pool → cluster. The
 * estimator (src/estimate/capacity.ts) follows the same joins, so a report counts the capacity the
 * rules judge.
 * ECS service → capacity provider → Auto Scaling group and Batch job queue → compute environment
 * are built on these in ./ecs-capacity.ts and ./batch-capacity.ts.
 *
 * A join follows, in this order: the engine's `propertyDependencies` for the referencing property,
 * identifiers (the reference's value equal to the target's id / arn / name / selfLink output), and,
 * for a reference that is unknown in preview, a lone plain `dependency` of the right type. Names are
 * never guessed. A reference that can't be read and has no dependency to follow is reported as
 * `unresolved` so the rule can answer "can't evaluate" instead of a false violation. Joins are
 * fixed-depth chains over a URN index: missing links, self-links and cycles can't loop or throw.
 */
import { getOrCreate } from "./memo";
import { Slot } from "./slots";
import { type PathStep, type PlainValue, type Read, isOpaque, readArray, readNumber, readString } from "./values";
import type { ResourceView, StackView } from "./view";

// ---------------------------------------------------------------------------------------------
// Generic resolution

export interface Resolution {
  /** Resources in this stack the references point at (deduplicated, never the source itself). */
  readonly found: readonly ResourceView[];
  /** A reference that can't be resolved now (unknown in preview, nothing to follow): its path. */
  readonly unresolved?: string;
  /** Known references that name nothing in this stack (created elsewhere). */
  readonly external: number;
  /** Whether the source declares any reference at all. */
  readonly declared: boolean;
}

export interface LinkQuery {
  /** Top-level properties whose `propertyDependencies` may name the target. */
  readonly properties: readonly string[];
  /** The reference values as read from the source. */
  readonly refs: readonly Read<string>[];
  readonly targetTypes: readonly string[];
  /** Identifiers a target is known by (its outputs, its id). */
  readonly keys: (target: ResourceView) => readonly string[];
  /** Whether a reference value names a key; defaults to `sameRef`. */
  readonly matches?: (ref: string, key: string) => boolean;
}

/** Strips the API URL prefix of a GCP self link, so `https://…/v1/projects/p/…` equals `projects/p/…`. */
export function canonicalRef(ref: string): string {
  return ref
    .trim()
    .replace(/^https:\/\/(www\.)?(compute\.)?googleapis\.com\/compute\/(v1|beta|alpha)\//i, "")
    .replace(/^\/+/, "");
}

function lastSegment(ref: string): string {
  const i = ref.lastIndexOf("/");
  return i >= 0 ? ref.slice(i + 1) : ref;
}

/** Equal after canonicalization, or a bare name equal to the other's last path segment. */
export function sameRef(ref: string, key: string): boolean {
  if (ref === key) return ref.trim() !== "";
  const a = canonicalRef(ref);
  const b = canonicalRef(key);
  if (a === "" || b === "") return false;
  if (a === b) return true;
  if (!a.includes("/") && !a.startsWith("arn:") && b.includes("/")) return lastSegment(b) === a;
  if (!b.includes("/") && !b.startsWith("arn:") && a.includes("/")) return lastSegment(a) === b;
  return false;
}

/** String values of top-level output properties (plus the engine's id), skipping unknowns. */
export function keysAt(view: ResourceView, ...paths: readonly (readonly PathStep[])[]): string[] {
  const out: string[] = [];
  if (typeof view.links.id === "string" && view.links.id !== "") out.push(view.links.id);
  for (const path of paths) {
    const r = readString(view.props, path);
    if (r.state === "value" && r.value.trim() !== "") out.push(r.value);
  }
  return out;
}

// Per-stack caches: joins run once per resource and per reverse lookup, so a stack of thousands of
// resources must not rescan itself for every pair (slots on the stack view: nothing outlives it).
const typeIndex = new Slot<StackView, Map<string, ResourceView[]>>();

/** The stack's resources of the given types, from an index built once per stack. */
export function resourcesOfTypes(stack: StackView, types: readonly string[]): ResourceView[] {
  const index = getOrCreate(typeIndex, stack, () => {
    const byType = new Map<string, ResourceView[]>();
    for (const v of stack.resources) getOrCreate(byType, v.type, () => []).push(v);
    return byType;
  });
  if (types.length === 1) return index.get(types[0]!) ?? [];
  return types.flatMap((t) => index.get(t) ?? []);
}

export type Join = (stack: StackView, from: ResourceView) => Resolution;

/** Caches a join's result per stack and source resource. */
export function memo(join: Join): Join {
  const cache = new Slot<StackView, Map<ResourceView, Resolution>>();
  return (stack, from) => getOrCreate(getOrCreate(cache, stack, () => new Map()), from, () => join(stack, from));
}

function viewsOf(stack: StackView, from: ResourceView, urns: readonly string[] | undefined, types: readonly string[]): ResourceView[] {
  const out: ResourceView[] = [];
  if (!Array.isArray(urns)) return out;
  for (const urn of urns) {
    if (typeof urn !== "string" || urn === from.urn) continue;
    const v = stack.byUrn(urn);
    if (v && types.includes(v.type) && !out.includes(v)) out.push(v);
  }
  return out;
}

const keyIndex = new Slot<StackView, Map<LinkQuery["keys"], Map<string, Map<string, ResourceView[]>>>>();

/** Resources of `types` by canonical key, built once per stack and key function (exact matches only). */
function byExactKey(stack: StackView, types: readonly string[], keys: LinkQuery["keys"]): Map<string, ResourceView[]> {
  const perKeys = getOrCreate(getOrCreate(keyIndex, stack, () => new Map()), keys, () => new Map());
  return getOrCreate(perKeys, types.join("\n"), () => {
    const index = new Map<string, ResourceView[]>();
    for (const v of resourcesOfTypes(stack, types)) {
      for (const k of keys(v)) {
        const list = getOrCreate(index, canonicalRef(k), () => []);
        if (!list.includes(v)) list.push(v);
      }
    }
    return index;
  });
}

/** Resolves references from `from` to resources of `q.targetTypes` (see the module comment). */
export function resolveLinks(stack: StackView, from: ResourceView, q: LinkQuery): Resolution {
  const matches = q.matches ?? sameRef;
  const linked: ResourceView[] = [];
  const deps = from.links.propertyDependencies ?? {};
  for (const p of q.properties) {
    const urns = Object.prototype.hasOwnProperty.call(deps, p) ? deps[p] : undefined;
    for (const v of viewsOf(stack, from, urns, q.targetTypes)) if (!linked.includes(v)) linked.push(v);
  }
  const plain = viewsOf(stack, from, from.links.dependencies, q.targetTypes);
  const found: ResourceView[] = [];
  const add = (v: ResourceView) => {
    if (!found.includes(v)) found.push(v);
  };
  let unresolved: string | undefined;
  let external = 0;
  let declared = linked.length > 0;
  for (const ref of q.refs) {
    if (ref.state === "value") {
      if (ref.value.trim() === "") continue;
      declared = true;
      const byKey = (v: ResourceView) => q.keys(v).some((k) => matches(ref.value, k));
      let hits = linked.filter(byKey);
      if (hits.length === 0 && q.matches === undefined) hits = (byExactKey(stack, q.targetTypes, q.keys).get(canonicalRef(ref.value)) ?? []).filter((v) => v !== from);
      if (hits.length === 0) hits = resourcesOfTypes(stack, q.targetTypes).filter((v) => v !== from && byKey(v));
      if (hits.length > 0) hits.forEach(add);
      else if (linked.length > 0) linked.forEach(add); // the engine's dependency says what it is; its ids may be unknown yet
      else external++;
    } else if (ref.state === "opaque") {
      declared = true;
      if (linked.length > 0) linked.forEach(add);
      else if (plain.length === 1) add(plain[0]!);
      else unresolved ??= ref.path;
    }
  }
  // A dependency on the property with no readable reference path still names the target.
  if (found.length === 0 && unresolved === undefined && external === 0) linked.forEach(add);
  return { found, ...(unresolved !== undefined ? { unresolved } : {}), external, declared };
}

/** Reads `steps` on every element of the array at `arraySteps` (absent array → no reads). */
export function readEach(root: PlainValue | undefined, arraySteps: readonly PathStep[], steps: readonly PathStep[]): Read<string>[] {
  const arr = readArray(root, arraySteps);
  if (arr.state === "opaque") return [{ state: "opaque", path: arr.path, reason: arr.reason }];
  if (arr.state !== "value") return [];
  return arr.value.map((_e, i) => readString(root, [...arraySteps, i, ...steps]));
}

// ---------------------------------------------------------------------------------------------
// AWS: launch templates

export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const ASG = "aws:autoscaling/group:Group";
export const EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

const launchTemplateKeys = (v: ResourceView) => keysAt(v, ["id"], ["name"], ["arn"]);

/** The launch template(s) an ASG (plain or mixed-instances) or an EKS node group launches from. */
export const launchTemplatesOf: Join = memo(function launchTemplatesOf(stack: StackView, group: ResourceView): Resolution {
  const refs: Read<string>[] = [readString(group.props, ["launchTemplate", "id"]), readString(group.props, ["launchTemplate", "name"])];
  if (group.type === ASG) {
    const spec = ["mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification"];
    refs.push(readString(group.props, [...spec, "launchTemplateId"]), readString(group.props, [...spec, "launchTemplateName"]));
    const overrides = ["mixedInstancesPolicy", "launchTemplate", "overrides"];
    refs.push(...readEach(group.props, overrides, ["launchTemplateSpecification", "launchTemplateId"]));
    refs.push(...readEach(group.props, overrides, ["launchTemplateSpecification", "launchTemplateName"]));
  }
  // `launchTemplate` itself unknown (a whole object computed in preview).
  const whole = readPathState(group.props, ["launchTemplate"]);
  if (whole) refs.push(whole);
  return resolveLinks(stack, group, { properties: ["launchTemplate", "mixedInstancesPolicy"], refs, targetTypes: [LAUNCH_TEMPLATE], keys: launchTemplateKeys });
});

/** An opaque read for a whole object property (so an unknown `launchTemplate` is not mistaken for "none"). */
function readPathState(root: PlainValue | undefined, steps: readonly PathStep[]): Read<string> | undefined {
  let node: PlainValue | undefined = root;
  for (const step of steps) {
    if (node === null || node === undefined || typeof node !== "object" || Array.isArray(node) || isOpaque(node)) return undefined;
    node = (node as Record<string, PlainValue>)[step as string];
  }
  return isOpaque(node) ? { state: "opaque", path: steps.join("."), reason: node.reason } : undefined;
}

// ---------------------------------------------------------------------------------------------
// AWS: SageMaker and ECS through Application Auto Scaling

export const SCALING_TARGET = "aws:appautoscaling/target:Target";
export const SM_ENDPOINT = "aws:sagemaker/endpoint:Endpoint";
export const SM_ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
export const SM_INFERENCE_COMPONENT = "aws-native:sagemaker:InferenceComponent";
export const ECS_SERVICE = "aws:ecs/service:Service";
export const ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";

const nameOrArnKeys = (v: ResourceView) => keysAt(v, ["name"], ["arn"]);
const nameKeys = (v: ResourceView) => keysAt(v, ["name"]);
const componentKeys = (v: ResourceView) => keysAt(v, ["inferenceComponentName"]);

/** The endpoint configuration an endpoint deploys. */
export const configOfEndpoint: Join = memo(function configOfEndpoint(stack: StackView, endpoint: ResourceView): Resolution {
  return resolveLinks(stack, endpoint, {
    properties: ["endpointConfigName"],
    refs: [readString(endpoint.props, ["endpointConfigName"])],
    targetTypes: [SM_ENDPOINT_CONFIG],
    keys: nameOrArnKeys,
  });
});

/** The endpoint an inference component is placed on. */
export const endpointOfComponent: Join = memo(function endpointOfComponent(stack: StackView, component: ResourceView): Resolution {
  return resolveLinks(stack, component, {
    properties: ["endpointName", "endpointArn"],
    refs: [readString(component.props, ["endpointName"]), readString(component.props, ["endpointArn"])],
    targetTypes: [SM_ENDPOINT],
    keys: nameOrArnKeys,
  });
});

/** The task definition an ECS service runs; `family`, `family:revision` and ARNs all match. */
export const taskDefinitionOf: Join = memo(function taskDefinitionOf(stack: StackView, service: ResourceView): Resolution {
  return resolveLinks(stack, service, {
    properties: ["taskDefinition"],
    refs: [readString(service.props, ["taskDefinition"])],
    targetTypes: [ECS_TASK_DEFINITION],
    keys: (v) => {
      const keys = keysAt(v, ["arn"], ["arnWithoutRevision"], ["family"]);
      const family = readString(v.props, ["family"]);
      const revision = readNumber(v.props, ["revision"]);
      if (family.state === "value" && revision.state === "value") keys.push(`${family.value}:${revision.value}`);
      return keys;
    },
    matches: (ref, key) => {
      const strip = (s: string) => s.trim().replace(/^arn:[^:]*:ecs:[^:]*:[^:]*:task-definition\//, "");
      const a = strip(ref);
      const b = strip(key);
      return a !== "" && (a === b || (!a.includes(":") && b.split(":")[0] === a));
    },
  });
});

export type ScalingSubjectKind = "sagemaker-variant" | "sagemaker-component" | "ecs-service";

/** One Application Auto Scaling target, with what it scales as far as can be known. */
export interface ScalingTargetLink {
  readonly target: ResourceView;
  /** What it scales; "any" when even the namespace can't be read. */
  readonly kind: ScalingSubjectKind | "any";
  /** URNs of the subject(s) it scales; "any" when the reference can't be resolved at all. */
  readonly subjects: readonly string[] | "any";
  /** SageMaker variant name; `null` when it can't be known now. */
  readonly variant?: string | null;
  readonly minCapacity: Read<number>;
  /** Set when the link could not be fully resolved (the can't-evaluate path). */
  readonly unresolved?: string;
}

const DIMENSION: Readonly<Record<ScalingSubjectKind, string>> = {
  "sagemaker-variant": "sagemaker:variant:DesiredInstanceCount",
  "sagemaker-component": "sagemaker:inference-component:DesiredCopyCount",
  "ecs-service": "ecs:service:DesiredCount",
};

const SUBJECT_TYPE: Readonly<Record<ScalingSubjectKind, string>> = {
  "sagemaker-variant": SM_ENDPOINT,
  "sagemaker-component": SM_INFERENCE_COMPONENT,
  "ecs-service": ECS_SERVICE,
};

/** Parses `endpoint/<ep>/variant/<v>`, `inference-component/<name>`, `service/<cluster>/<service>`. */
export function parseResourceId(resourceId: string): { kind: ScalingSubjectKind; parts: readonly string[] } | undefined {
  const s = resourceId.trim();
  let m = /^endpoint\/([^/]+)\/variant\/([^/]+)$/.exec(s);
  if (m) return { kind: "sagemaker-variant", parts: [m[1]!, m[2]!] };
  m = /^inference-component\/([^/]+)$/.exec(s);
  if (m) return { kind: "sagemaker-component", parts: [m[1]!] };
  m = /^service\/([^/]+)\/([^/]+)$/.exec(s);
  if (m) return { kind: "ecs-service", parts: [m[1]!, m[2]!] };
  return undefined;
}

function kindOfNamespace(ns: string): readonly ScalingSubjectKind[] {
  if (ns === "sagemaker") return ["sagemaker-variant", "sagemaker-component"];
  if (ns === "ecs") return ["ecs-service"];
  return [];
}

/** Every scaling target of the stack that may scale a SageMaker variant, an inference component or an ECS service. */
export function scalingTargets(stack: StackView): ScalingTargetLink[] {
  const out: ScalingTargetLink[] = [];
  for (const target of resourcesOfTypes(stack, [SCALING_TARGET])) {
    const link = scalingTargetLink(stack, target);
    if (link) out.push(link);
  }
  return out;
}

function scalingTargetLink(stack: StackView, target: ResourceView): ScalingTargetLink | undefined {
  const ns = readString(target.props, ["serviceNamespace"]);
  const dim = readString(target.props, ["scalableDimension"]);
  const rid = readString(target.props, ["resourceId"]);
  const minCapacity = readNumber(target.props, ["minCapacity"]);
  const allTypes = Object.values(SUBJECT_TYPE);
  const linkedSubjects = (types: readonly string[]) =>
    resolveLinks(stack, target, { properties: ["resourceId"], refs: [{ state: "opaque", path: "resourceId", reason: "unknown" }], targetTypes: types, keys: () => [] });

  if (ns.state === "value" && kindOfNamespace(ns.value).length === 0) return undefined; // e.g. dynamodb
  if (ns.state !== "value" && ns.state !== "opaque") return undefined;
  const parsed = rid.state === "value" ? parseResourceId(rid.value) : undefined;
  if (rid.state === "value" && !parsed) return undefined; // a known id of something else

  if (!parsed) {
    // resourceId (or the namespace) is unknown now: follow the dependency, never a name.
    const kinds = ns.state === "value" ? kindOfNamespace(ns.value) : (Object.keys(SUBJECT_TYPE) as ScalingSubjectKind[]);
    const types = kinds.map((k) => SUBJECT_TYPE[k]);
    const linked = linkedSubjects(types.length > 0 ? types : allTypes);
    const path = rid.state === "opaque" ? rid.path : ns.path;
    if (linked.found.length === 0) return { target, kind: "any", subjects: "any", variant: null, minCapacity, unresolved: path };
    // Only the id is unknown (a first preview interpolates it from the subject's computed name), the
    // namespace and dimension name one kind, and the engine's dependency leads to exactly one subject
    // of that kind: that is what it scales. Which SageMaker variant stays unknown (variant null).
    const byDimension = rid.state === "opaque" && ns.state === "value" && dim.state === "value" ? kinds.filter((k) => DIMENSION[k] === dim.value) : [];
    const sole = linked.found.length === 1 ? linked.found[0]! : undefined;
    if (byDimension.length === 1 && sole && sole.type === SUBJECT_TYPE[byDimension[0]!]) {
      const k = byDimension[0]!;
      return { target, kind: k, subjects: [sole.urn], ...(k === "sagemaker-variant" ? { variant: null } : {}), minCapacity };
    }
    const only = linked.found.every((v) => v.type === linked.found[0]!.type) ? kindForType(linked.found[0]!.type) : undefined;
    return { target, kind: only ?? "any", subjects: linked.found.map((v) => v.urn), variant: null, minCapacity, unresolved: path };
  }

  const { kind, parts } = parsed;
  if (ns.state === "value" && !kindOfNamespace(ns.value).includes(kind)) return undefined;
  if (dim.state === "value" && dim.value !== DIMENSION[kind]) return undefined; // e.g. provisioned concurrency
  const dimUnknown = dim.state === "opaque" ? dim.path : undefined;
  const type = SUBJECT_TYPE[kind];
  let res: Resolution;
  if (kind === "sagemaker-variant") {
    res = resolveLinks(stack, target, { properties: ["resourceId"], refs: [{ state: "value", value: parts[0]!, path: "resourceId" }], targetTypes: [type], keys: nameKeys });
  } else if (kind === "sagemaker-component") {
    res = resolveLinks(stack, target, { properties: ["resourceId"], refs: [{ state: "value", value: parts[0]!, path: "resourceId" }], targetTypes: [type], keys: componentKeys });
  } else {
    const [cluster, service] = parts as [string, string];
    res = resolveLinks(stack, target, {
      properties: ["resourceId"],
      refs: [{ state: "value", value: service, path: "resourceId" }],
      targetTypes: [type],
      keys: (v) => keysAt(v, ["name"]),
      matches: (ref, key) => ref === key,
    });
    // Same service name in two clusters: keep the ones whose cluster matches when that is known.
    const inCluster = res.found.filter((v) => {
      const c = readString(v.props, ["cluster"]);
      return c.state !== "value" || lastSegment(c.value) === cluster;
    });
    res = { ...res, found: inCluster };
  }
  if (res.found.length === 0) return undefined; // external: scales something outside this stack
  const variant = kind === "sagemaker-variant" ? parts[1]! : undefined;
  return {
    target,
    kind,
    subjects: res.found.map((v) => v.urn),
    ...(variant !== undefined ? { variant } : {}),
    minCapacity,
    ...(dimUnknown ? { unresolved: dimUnknown } : {}),
  };
}

function kindForType(type: string): ScalingSubjectKind | undefined {
  return (Object.keys(SUBJECT_TYPE) as ScalingSubjectKind[]).find((k) => SUBJECT_TYPE[k] === type);
}

export interface TargetsFor {
  /** Targets known to scale the subject. */
  readonly targets: readonly ScalingTargetLink[];
  /** A target that might scale it but can't be resolved now (path for can't-evaluate). */
  readonly uncertain?: string;
}

/**
 * The targets that scale `subject` (a variant of an endpoint, an inference component or an ECS service).
 * `soleVariant`: the endpoint has this one variant, so a target on it whose variant can't be read yet
 * scales this one.
 */
export function targetsFor(links: readonly ScalingTargetLink[], kind: ScalingSubjectKind, subject: ResourceView, variant?: string, soleVariant = false): TargetsFor {
  const targets: ScalingTargetLink[] = [];
  let uncertain: string | undefined;
  for (const l of links) {
    const mayBe = l.kind === "any" || l.kind === kind;
    if (!mayBe) continue;
    if (l.subjects === "any") {
      uncertain ??= `${l.unresolved ?? "resourceId"} of scaling target '${l.target.name}'`;
      continue;
    }
    if (!l.subjects.includes(subject.urn)) continue;
    if (l.kind === kind && l.unresolved === undefined && (variant === undefined || l.variant === variant || (l.variant === null && soleVariant))) targets.push(l);
    else if (l.kind !== kind || l.variant === null || l.unresolved !== undefined) uncertain ??= `${l.unresolved ?? "resourceId"} of scaling target '${l.target.name}'`;
  }
  return { targets, ...(uncertain !== undefined ? { uncertain } : {}) };
}

// ---------------------------------------------------------------------------------------------
// GCP: autoscaler → instance group manager → instance template; VM → resource policy

export const GCE_AUTOSCALERS = ["gcp:compute/autoscaler:Autoscaler", "gcp:compute/regionAutoscaler:RegionAutoscaler"];
export const GCE_MIGS = ["gcp:compute/instanceGroupManager:InstanceGroupManager", "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"];
export const GCE_TEMPLATES = ["gcp:compute/instanceTemplate:InstanceTemplate", "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"];
export const GCE_RESOURCE_POLICY = "gcp:compute/resourcePolicy:ResourcePolicy";

const gcpKeys = (v: ResourceView) => keysAt(v, ["selfLink"], ["selfLinkUnique"], ["id"], ["name"]);

/** The managed instance group an autoscaler scales. */
export const migOfAutoscaler: Join = memo(function migOfAutoscaler(stack: StackView, autoscaler: ResourceView): Resolution {
  return resolveLinks(stack, autoscaler, { properties: ["target"], refs: [readString(autoscaler.props, ["target"])], targetTypes: GCE_MIGS, keys: gcpKeys });
});

/** The instance templates a managed instance group's versions use. */
export const templatesOfMig: Join = memo(function templatesOfMig(stack: StackView, mig: ResourceView): Resolution {
  const refs = readEach(mig.props, ["versions"], ["instanceTemplate"]);
  return resolveLinks(stack, mig, { properties: ["versions", "instanceTemplate"], refs, targetTypes: GCE_TEMPLATES, keys: gcpKeys });
});

export const GKE_CLUSTER = "gcp:container/cluster:Cluster";

/** The GKE cluster a separately declared node pool belongs to. */
export const clusterOfNodePool: Join = memo(function clusterOfNodePool(stack: StackView, pool: ResourceView): Resolution {
  return resolveLinks(stack, pool, { properties: ["cluster"], refs: [readString(pool.props, ["cluster"])], targetTypes: [GKE_CLUSTER], keys: gcpKeys });
});

/** The resource policies attached to a VM. */
export const resourcePoliciesOf: Join = memo(function resourcePoliciesOf(stack: StackView, instance: ResourceView): Resolution {
  const arr = readArray(instance.props, ["resourcePolicies"]);
  const refs: Read<string>[] =
    arr.state === "opaque"
      ? [{ state: "opaque", path: arr.path, reason: arr.reason }]
      : arr.state === "value"
        ? arr.value.map((_e, i) => readString(instance.props, ["resourcePolicies", i]))
        : [];
  return resolveLinks(stack, instance, { properties: ["resourcePolicies"], refs, targetTypes: [GCE_RESOURCE_POLICY], keys: gcpKeys });
});

/**
 * Resources of `fromTypes` whose resolution (by `resolve`) reaches `target`, and whether some of
 * them could not be resolved now (they might reach it). The reverse map is built once per stack.
 */
export function referrers(
  stack: StackView,
  target: ResourceView,
  fromTypes: readonly string[],
  resolve: Join,
): { readonly found: readonly ResourceView[]; readonly uncertain?: string } {
  const reverse = reverseIndex(stack, fromTypes, resolve);
  const found = (reverse.byTarget.get(target) ?? []).filter((v) => v !== target);
  return { found, ...(reverse.uncertain !== undefined ? { uncertain: reverse.uncertain } : {}) };
}

interface Reverse {
  readonly byTarget: Map<ResourceView, ResourceView[]>;
  readonly uncertain?: string;
}

const reverseCache = new Slot<StackView, Map<Join, Map<string, Reverse>>>();

function reverseIndex(stack: StackView, fromTypes: readonly string[], resolve: Join): Reverse {
  const perJoin = getOrCreate(getOrCreate(reverseCache, stack, () => new Map()), resolve, () => new Map());
  return getOrCreate(perJoin, fromTypes.join("\n"), () => {
    const byTarget = new Map<ResourceView, ResourceView[]>();
    let uncertain: string | undefined;
    for (const v of resourcesOfTypes(stack, fromTypes)) {
      const r = resolve(stack, v);
      for (const t of r.found) getOrCreate(byTarget, t, () => []).push(v);
      if (r.unresolved !== undefined && r.found.length === 0) uncertain ??= `${r.unresolved} of '${v.name}'`;
    }
    return { byTarget, ...(uncertain !== undefined ? { uncertain } : {}) };
  });
}
