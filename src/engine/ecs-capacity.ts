/**
 * Beside ./stack-joins.ts, which it builds on, so that the report's estimator can follow the same
 * capacity the rules judge; today only accelerator-fits-model reads it.
 *
 * The EC2 instance types an ECS service's tasks can land on, followed through the stack:
 *
 * - placement constraints `attribute:ecs.instance-type == g5.xlarge` (or `in [a, b]`) on the
 *   service or its task definition name the types outright;
 * - else the service's capacity provider strategy, or, with neither a strategy nor a launch type,
 *   the cluster's default strategy (`aws:ecs/clusterCapacityProviders`), names capacity providers;
 * - a capacity provider names its Auto Scaling group; the group's mixed-instances overrides name
 *   types, else its launch template(s) do.
 *
 * Anything not followed to a type (a provider or group created elsewhere, attribute-based
 * selection, an explicit `EC2` launch type with no constraint: container instances registered by
 * user data) is unknown, with the path when it is unknown only because preview has not run yet.
 * Names are never guessed; joins are memoized per stack like the others (./stack-joins.ts).
 */
import { ASG, type Resolution, keysAt, launchTemplatesOf, memo, readEach, referrers, resolveLinks, sameRef } from "./stack-joins";
import { stackPath } from "./resource-names";
import { getOrCreate } from "./memo";
import { Slot } from "./slots";
import { type Read, readArray, readString } from "./values";
import type { ResourceView, StackView } from "./view";

export const ECS_CLUSTER = "aws:ecs/cluster:Cluster";
export const ECS_CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider";
export const ECS_CLUSTER_CAPACITY_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders";

/** An instance type as written, and where (for a message that must say which resource). */
export interface NamedType {
  readonly type: string;
  readonly path: string;
}

export type CapacityTypes =
  | { readonly state: "known"; readonly types: readonly NamedType[] }
  /** No accelerator can be there (Fargate): a GPU task does not run on it. */
  | { readonly state: "none"; readonly reason: string }
  /** `path`: unknown only until the update runs (preview); without it, not knowable from this stack. */
  | { readonly state: "unknown"; readonly reason: string; readonly path?: string };

const FARGATE = /^FARGATE(_SPOT)?$/;

function unknown(reason: string, path?: string): CapacityTypes {
  return path !== undefined ? { state: "unknown", reason, path } : { state: "unknown", reason };
}

/** Joins the known type lists of several sources; any unknown source makes the whole unknown. */
export function unionTypes(parts: readonly CapacityTypes[]): CapacityTypes {
  const types: NamedType[] = [];
  let none: CapacityTypes | undefined;
  for (const p of parts) {
    if (p.state === "unknown") return p;
    if (p.state === "none") none ??= p;
    else for (const t of p.types) if (!types.some((x) => x.type === t.type)) types.push(t);
  }
  if (types.length > 0) return { state: "known", types };
  return none ?? unknown("no capacity is named");
}

// ---------------------------------------------------------------------------------------------
// Placement constraints

const INSTANCE_TYPE_CONSTRAINT = /^\s*attribute:ecs\.instance-type\s*(?:==\s*([\w.-]+)|in\s*\[([\w.,\s-]+)\])\s*$/i;

/**
 * Instance types a `memberOf` constraint pins tasks to, from the service and the task definition.
 * `undefined`: no such constraint (other expressions, `=~` patterns and compound ones say nothing
 * the rule can use).
 */
export function placementTypes(service: ResourceView, taskDefinition: ResourceView | undefined): CapacityTypes | undefined {
  let pinned: NamedType[] | undefined;
  for (const view of taskDefinition ? [service, taskDefinition] : [service]) {
    const list = readArray(view.props, ["placementConstraints"]);
    if (list.state === "opaque") return unknown("a placement constraint is not known yet", stackPath(view, list.path));
    if (list.state !== "value") continue;
    for (let i = 0; i < list.value.length; i++) {
      const expr = readString(view.props, ["placementConstraints", i, "expression"]);
      if (expr.state === "opaque") return unknown("a placement constraint is not known yet", stackPath(view, expr.path));
      if (expr.state !== "value") continue;
      const m = INSTANCE_TYPE_CONSTRAINT.exec(expr.value);
      if (!m) continue;
      const names = (m[1] !== undefined ? [m[1]] : (m[2] ?? "").split(",")).map((s) => s.trim()).filter((s) => s !== "");
      const here = names.map((type) => ({ type, path: stackPath(view, `placementConstraints[${i}].expression`) }));
      // Several constraints all apply: a task lands only on types every one of them allows.
      pinned = pinned === undefined ? here : pinned.filter((p) => here.some((h) => h.type === p.type));
    }
  }
  if (pinned === undefined) return undefined;
  return pinned.length > 0 ? { state: "known", types: pinned } : { state: "none", reason: "its placement constraints allow no instance type" };
}

// ---------------------------------------------------------------------------------------------
// Capacity providers

const providerKeys = (v: ResourceView) => keysAt(v, ["name"], ["arn"]);
const clusterKeys = (v: ResourceView) => keysAt(v, ["arn"], ["name"], ["id"]);

/** The cluster a service runs in. */
export const clusterOfService = memo(function clusterOfService(stack: StackView, service: ResourceView): Resolution {
  return resolveLinks(stack, service, { properties: ["cluster"], refs: [readString(service.props, ["cluster"])], targetTypes: [ECS_CLUSTER], keys: clusterKeys });
});

/** The cluster a `ClusterCapacityProviders` configures. */
const clusterOfDefaults = memo(function clusterOfDefaults(stack: StackView, defaults: ResourceView): Resolution {
  return resolveLinks(stack, defaults, { properties: ["clusterName"], refs: [readString(defaults.props, ["clusterName"])], targetTypes: [ECS_CLUSTER], keys: clusterKeys });
});

/** The Auto Scaling group a capacity provider launches. */
export const groupOfCapacityProvider = memo(function groupOfCapacityProvider(stack: StackView, provider: ResourceView): Resolution {
  return resolveLinks(stack, provider, {
    properties: ["autoScalingGroupProvider"],
    refs: [readString(provider.props, ["autoScalingGroupProvider", "autoScalingGroupArn"])],
    targetTypes: [ASG],
    keys: (v) => keysAt(v, ["arn"], ["name"]),
  });
});

/** The capacity provider names a strategy lists (`[{capacityProvider, weight, base}]`). */
function strategyRefs(view: ResourceView, property: string): { refs: Read<string>[]; declared: boolean } {
  const list = readArray(view.props, [property]);
  if (list.state === "absent") return { refs: [], declared: false };
  if (list.state === "value" && list.value.length === 0) return { refs: [], declared: false };
  return { refs: readEach(view.props, [property], ["capacityProvider"]), declared: true };
}

/** The default strategies that apply to the service's cluster (in the stack). */
function clusterDefaults(stack: StackView, service: ResourceView): { views: readonly ResourceView[] } | { unknown: CapacityTypes } {
  const cluster = readString(service.props, ["cluster"]);
  if (cluster.state === "absent") return { unknown: unknown("the service runs in the account's default cluster, not declared in this stack") };
  const all = stackDefaults(stack);
  const joined = clusterOfService(stack, service);
  if (joined.found.length === 1) {
    const r = referrers(stack, joined.found[0]!, [ECS_CLUSTER_CAPACITY_PROVIDERS], clusterOfDefaults);
    if (r.found.length > 0) return { views: r.found };
    if (r.uncertain !== undefined) return { unknown: unknown("the cluster of a default capacity provider strategy is not known yet", r.uncertain) };
    return { views: [] };
  }
  if (joined.unresolved !== undefined) return { unknown: unknown("the service's cluster is not known yet", stackPath(service, joined.unresolved)) };
  // A cluster created elsewhere: its defaults may still be declared here, by name.
  const value = cluster.state === "value" ? cluster.value : undefined;
  const byName = value === undefined ? [] : all.filter((d) => {
    const name = readString(d.props, ["clusterName"]);
    return name.state === "value" && sameRef(value, name.value);
  });
  if (byName.length > 0) return { views: byName };
  return { unknown: unknown("the service's cluster is not declared in this stack") };
}

const defaultsIndex = new Slot<StackView, ResourceView[]>();
function stackDefaults(stack: StackView): ResourceView[] {
  return getOrCreate(defaultsIndex, stack, () => stack.resources.filter((v) => v.type === ECS_CLUSTER_CAPACITY_PROVIDERS));
}

function typesOfProviders(stack: StackView, from: ResourceView, property: string, refs: readonly Read<string>[]): CapacityTypes {
  const parts: CapacityTypes[] = [];
  const named: Read<string>[] = [];
  for (const ref of refs) {
    if (ref.state === "value" && FARGATE.test(ref.value.trim())) parts.push({ state: "none", reason: "Fargate has no GPUs" });
    else named.push(ref);
  }
  if (named.length > 0) {
    const providers = resolveLinks(stack, from, { properties: [property], refs: named, targetTypes: [ECS_CAPACITY_PROVIDER], keys: providerKeys });
    if (providers.unresolved !== undefined) return unknown("a capacity provider is not known yet", stackPath(from, providers.unresolved));
    if (providers.external > 0) return unknown("a capacity provider is not declared in this stack");
    if (providers.found.length === 0) return unknown("no capacity provider was found");
    for (const p of providers.found) parts.push(typesOfProvider(stack, p));
  }
  return unionTypes(parts);
}

function typesOfProvider(stack: StackView, provider: ResourceView): CapacityTypes {
  const groups = groupOfCapacityProvider(stack, provider);
  if (groups.unresolved !== undefined) return unknown("a capacity provider's Auto Scaling group is not known yet", stackPath(provider, groups.unresolved));
  if (groups.external > 0 || groups.found.length === 0) return unknown("a capacity provider's Auto Scaling group is not declared in this stack");
  return unionTypes(groups.found.map((g) => typesOfGroup(stack, g)));
}

/** What an Auto Scaling group launches: its mixed-instances overrides, else its launch templates' type. */
export function typesOfGroup(stack: StackView, group: ResourceView): CapacityTypes {
  const overrides = ["mixedInstancesPolicy", "launchTemplate", "overrides"];
  const list = readArray(group.props, overrides);
  if (list.state === "opaque") return unknown("the group's instance type overrides are not known yet", stackPath(group, list.path));
  if (list.state === "value" && list.value.length > 0) {
    const types: NamedType[] = [];
    for (const [i, r] of readEach(group.props, overrides, ["instanceType"]).entries()) {
      if (r.state === "opaque") return unknown("an instance type override is not known yet", stackPath(group, r.path));
      if (r.state !== "value") return unknown("an override selects instances by attributes, not by type");
      types.push({ type: r.value, path: stackPath(group, `mixedInstancesPolicy.launchTemplate.overrides[${i}].instanceType`) });
    }
    return { state: "known", types };
  }
  const templates = launchTemplatesOf(stack, group);
  if (templates.unresolved !== undefined) return unknown("the group's launch template is not known yet", stackPath(group, templates.unresolved));
  if (templates.external > 0 || templates.found.length === 0) return unknown("the group's launch template is not declared in this stack");
  return unionTypes(
    templates.found.map((t): CapacityTypes => {
      const type = readString(t.props, ["instanceType"]);
      if (type.state === "opaque") return unknown("the launch template's instance type is not known yet", stackPath(t, type.path));
      if (type.state !== "value") return unknown("the launch template selects instances by attributes, not by type");
      return { state: "known", types: [{ type: type.value, path: stackPath(t, "instanceType") }] };
    }),
  );
}

const serviceTypes = new Slot<StackView, Map<ResourceView, CapacityTypes>>();

/**
 * The instance types the tasks of `service` (running `taskDefinition`) can land on. Kept per stack
 * and service: the rule and the estimator may both ask.
 */
export function ecsServiceInstanceTypes(stack: StackView, service: ResourceView, taskDefinition: ResourceView | undefined): CapacityTypes {
  return getOrCreate(getOrCreate(serviceTypes, stack, () => new Map()), service, () => {
    const pinned = placementTypes(service, taskDefinition);
    if (pinned !== undefined) return pinned;
    const strategy = strategyRefs(service, "capacityProviderStrategies");
    if (strategy.declared) return typesOfProviders(stack, service, "capacityProviderStrategies", strategy.refs);
    const launchType = readString(service.props, ["launchType"]);
    if (launchType.state === "opaque") return unknown("the service's launch type is not known yet", stackPath(service, launchType.path));
    if (launchType.state === "value" && launchType.value !== "") {
      if (FARGATE.test(launchType.value)) return { state: "none", reason: "Fargate has no GPUs" };
      return unknown("the EC2 launch type runs on whatever container instances join the cluster");
    }
    const defaults = clusterDefaults(stack, service);
    if ("unknown" in defaults) return defaults.unknown;
    const parts = defaults.views.map((d) => {
      const s = strategyRefs(d, "defaultCapacityProviderStrategies");
      return s.declared ? typesOfProviders(stack, d, "defaultCapacityProviderStrategies", s.refs) : unknown("the cluster has no default capacity provider strategy");
    });
    return parts.length > 0 ? unionTypes(parts) : unknown("the cluster has no default capacity provider strategy");
  });
}

