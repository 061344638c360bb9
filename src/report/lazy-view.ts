/**
 * How the report reads a resource for its views (the views themselves, and every field's
 * definition, are the engine's: src/engine/view.ts `VIEW_FIELDS`, `lazyViewOf`).
 *
 * Normalizing a resource's whole property bag is a deep copy that turns secrets and unknowns into
 * `Opaque` markers. Most resources of a real stack (buckets, roles, log groups, security groups…)
 * are never read beyond their type and tags: no rule applies to them and the estimator has no
 * model for them. So the report's views are lazy, and their tags are read from the tag-bearing
 * keys alone (a provider's default tags once per provider), unless the whole bag is normalized
 * anyway (test/property/view-front-ends.test.ts checks both ways answer the same).
 *
 * Inputs can be lazy too (`RecordInput`): a snapshot record's properties (outputs over inputs) are
 * merged only when a full view is built, and a provider's once per stack.
 */
import { SCANNED_TYPES } from "../engine/accelerator-scan";
import type { Cloud } from "../data/types";
import { isUnknownSentinel, normalizeProps } from "../engine/values";
import { Slot } from "../engine/slots";
import {
  type ResourceInput,
  type ResourceLinks,
  type ResourceView,
  type StackContext,
  type StackView,
  WholeInput,
  EMPTY_STACK,
  lazyViewOf,
  PROVIDER_TAG_KEYS,
  TAG_KEYS,
  type TagBag,
  providerTags,
  resourceTags,
} from "../engine/view";
import type { ResourceRecord } from "../inputs";

const SCANNED = new Set(SCANNED_TYPES);

/** Derived from the view's own tag paths, so the two can never disagree. */
export { PROVIDER_TAG_KEYS, TAG_KEYS };

/** An input that can hand out a few top-level properties without building all of them. */
export interface PickableInput extends ResourceInput {
  pickProps(keys: readonly string[]): Record<string, unknown> | undefined;
  pickProviderProps(keys: readonly string[]): Record<string, unknown> | undefined;
  /** Stands for the provider (the same object for every resource of one provider), or undefined without one. */
  providerKey(): object | undefined;
}

/** Provider default tags by provider and cloud, dropped with the provider's input. */
const providerTagCache = new Slot<object, Map<Cloud, TagBag>>();

function cachedProviderTags(cloud: Cloud, key: object | undefined, props: () => Record<string, unknown> | undefined): TagBag {
  if (key === undefined) {
    const p = props();
    return providerTags(cloud, p === undefined ? undefined : normalizeProps(p));
  }
  let byCloud = providerTagCache.get(key);
  let bag = byCloud?.get(cloud);
  if (bag === undefined) {
    const p = props();
    bag = providerTags(cloud, p === undefined ? undefined : normalizeProps(p));
    if (!byCloud) providerTagCache.set(key, (byCloud = new Map()));
    byCloud.set(cloud, bag);
  }
  return bag;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (!isRecord(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function pick(bag: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (hasOwn(bag, k)) out[k] = bag[k];
  return out;
}

function isPickable(input: ResourceInput): input is PickableInput {
  return typeof (input as Partial<PickableInput>).pickProps === "function";
}

/** The report's parts: the whole bag normalized on first need, tags from their keys alone before that. */
class ReportParts extends WholeInput {
  override tags(view: ResourceView, cloud: Cloud): TagBag {
    if (this.bag !== undefined) return this.bag;
    // A scanned type gets its whole bag normalized anyway (rules ask whether it is an accelerator
    // resource): reading its tags on their own first would normalize them twice.
    if (this.normalized !== undefined || SCANNED.has(view.type)) return super.tags(view, cloud);
    const i = this.input;
    let base: TagBag;
    let props: Record<string, unknown>;
    if (isPickable(i)) {
      const picked = i.pickProps(TAG_KEYS);
      if (picked === undefined) return super.tags(view, cloud);
      props = picked;
      base = cachedProviderTags(cloud, i.providerKey(), () => i.pickProviderProps(PROVIDER_TAG_KEYS));
    } else {
      const raw = i.props;
      const rawProvider = i.providerProps;
      if (!isPlainRecord(raw) || (rawProvider !== undefined && !isPlainRecord(rawProvider))) return super.tags(view, cloud);
      props = pick(raw, TAG_KEYS);
      base = rawProvider === undefined ? providerTags(cloud, undefined) : providerTags(cloud, normalizeProps(pick(rawProvider as Record<string, unknown>, PROVIDER_TAG_KEYS)));
    }
    return (this.bag = resourceTags(cloud, normalizeProps(props), base));
  }
}

export function lazyView(input: ResourceInput, stack: StackContext = EMPTY_STACK): ResourceView {
  return lazyViewOf(new ReportParts(input, stack));
}

/** `buildStackView` with lazy views. */
export function lazyStackView(inputs: readonly ResourceInput[], stack: StackContext = EMPTY_STACK): StackView {
  const resources = inputs.map((input) => lazyView(input, stack));
  const index = new Map<string, ResourceView>();
  for (const r of resources) index.set(r.urn, r);
  return { resources, stack, byUrn: (urn) => index.get(urn) };
}

// ---------------------------------------------------------------------------------------------
// Lazy inputs from snapshot records


/** `recordProps` (outputs over inputs, known inputs over unknown outputs) for a few keys only. */
export function pickRecordProps(record: Pick<ResourceRecord, "inputs" | "outputs">, keys: readonly string[]): Record<string, unknown> {
  const inputs = isRecord(record.inputs) ? record.inputs : {};
  const outputs = isRecord(record.outputs) ? record.outputs : {};
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (hasOwn(outputs, k)) {
      const v = outputs[k];
      if (!(isUnknownSentinel(v) && k in inputs && !isUnknownSentinel(inputs[k]))) {
        out[k] = v;
        continue;
      }
    }
    if (hasOwn(inputs, k)) out[k] = inputs[k];
  }
  return out;
}

/** A record's links as views carry them (`id`/`parent` only when present). */
export function recordLinks(record: ResourceRecord): ResourceLinks {
  const links: { id?: string; parent?: string; dependencies: readonly string[]; propertyDependencies: ResourceLinks["propertyDependencies"] } = {
    dependencies: record.dependencies,
    propertyDependencies: record.propertyDependencies,
  };
  if (record.id !== undefined) links.id = record.id;
  if (record.parent !== undefined) links.parent = record.parent;
  return links;
}

/**
 * A snapshot record as a `ResourceInput` whose properties are computed when first read:
 * `mode: "outputs"` gives outputs over inputs (`recordProps`, as stack rules and the estimator
 * read them), `mode: "inputs"` the inputs only (as the pack's resource rules read them).
 */
export class RecordInput implements PickableInput {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly links: ResourceLinks;
  private merged: unknown;

  constructor(
    private readonly record: ResourceRecord,
    private readonly mode: "outputs" | "inputs",
    private readonly provider: RecordInput | undefined,
    private readonly merge: (record: Pick<ResourceRecord, "inputs" | "outputs">) => Record<string, unknown>,
    /** The record's links, when the caller has them already (shared by its inputs and outputs views). */
    links?: ResourceLinks,
  ) {
    this.urn = record.urn;
    this.type = record.type;
    this.name = record.name;
    this.links = links ?? recordLinks(record);
  }

  get props(): unknown {
    if (this.merged === undefined) this.merged = this.mode === "outputs" ? this.merge(this.record) : isRecord(this.record.inputs) ? this.record.inputs : {};
    return this.merged;
  }

  get providerProps(): unknown {
    return this.provider?.props;
  }

  pickProps(keys: readonly string[]): Record<string, unknown> {
    if (this.merged !== undefined) return pick(this.merged as Record<string, unknown>, keys);
    if (this.mode === "outputs") return pickRecordProps(this.record, keys);
    return isRecord(this.record.inputs) ? pick(this.record.inputs, keys) : {};
  }

  pickProviderProps(keys: readonly string[]): Record<string, unknown> | undefined {
    return this.provider?.pickProps(keys);
  }

  providerKey(): object | undefined {
    return this.provider;
  }
}
