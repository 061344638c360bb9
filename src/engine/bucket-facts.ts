/**
 * What the rules need to know about a bucket of the stack: where it is, how big its owner says it
 * is (tag/label `ml-data-size-gb`), what it holds (tag/label `ml-data`), whether something expires
 * or transitions old objects and noncurrent versions, and whether it is replicated to another
 * region. Lifecycle and replication live on separate resources on AWS (provider v7) and are joined
 * by their `bucket` property (propertyDependencies, then the bucket's name).
 */
import { regionFacts } from "../data/regions";
import { bucketKeys } from "./data-refs";
import { S3_BUCKETS } from "./data-uri";
import { type Resolution, resolveLinks, referrers, resourcesOfTypes } from "./stack-joins";
import { type PlainValue, readArray, readObject, readPath, readString } from "./values";
import type { ResourceView, StackView } from "./view";

export const DATA_KIND_KEY = "ml-data";
export const DATA_SIZE_KEY = "ml-data-size-gb";
export const DATA_KINDS = ["checkpoints", "artifacts", "datasets"] as const;
export type DataKind = (typeof DATA_KINDS)[number];

export const S3_LIFECYCLE_TYPES = ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"];
export const S3_VERSIONING_TYPES = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];
export const S3_REPLICATION_TYPES = ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"];

/** Where a bucket is. `area`: a multi-region (GCS `US`, `EU`, `ASIA`) with the region prefixes it spans. */
export type BucketPlace =
  | { readonly state: "region"; readonly region: string }
  | { readonly state: "area"; readonly area: string; readonly prefixes: readonly string[] }
  | { readonly state: "unknown"; readonly path: string }
  | { readonly state: "unrecognized" | "absent" };

const GCS_MULTI_REGIONS: Readonly<Record<string, readonly string[]>> = {
  US: ["us-", "northamerica-"],
  EU: ["europe-"],
  ASIA: ["asia-"],
};

export function bucketPlace(bucket: ResourceView): BucketPlace {
  const r = bucket.region;
  if (r.state === "known") return { state: "region", region: r.region };
  if (r.state === "unknown") return { state: "unknown", path: r.path };
  if (r.state === "unrecognized" && r.value !== undefined) {
    const code = r.value.trim().toUpperCase();
    const prefixes = Object.prototype.hasOwnProperty.call(GCS_MULTI_REGIONS, code) ? GCS_MULTI_REGIONS[code] : undefined;
    if (prefixes) return { state: "area", area: code, prefixes };
    return { state: "unrecognized" };
  }
  return { state: r.state === "unrecognized" ? "unrecognized" : "absent" };
}

/** Whether compute in `region` is next to data at `place`. */
export function colocated(region: string, place: BucketPlace): boolean | undefined {
  if (place.state === "region") return place.region === region;
  if (place.state === "area") return place.prefixes.some((p) => region.startsWith(p));
  return undefined;
}

/** The bucket's declared size in GB (tag/label `ml-data-size-gb`); undefined when absent or unreadable. */
export function declaredSizeGb(view: ResourceView): number | undefined {
  const tag = view.tags.get(DATA_SIZE_KEY);
  if (tag?.state !== "value") return undefined;
  const n = Number(tag.value.trim());
  return Number.isFinite(n) && n > 0 && n < 1e9 ? n : undefined;
}

/** What the bucket's owner says it holds (tag/label `ml-data`), or "unknown" while the tag can't be read. */
export function declaredKind(view: ResourceView): DataKind | "unknown" | undefined {
  const tag = view.tags.get(DATA_KIND_KEY);
  if (tag?.state === "opaque") return "unknown";
  // The whole tag bag unknown in preview: it may yet hold `ml-data`.
  if (tag === undefined) return view.tagsUnknown ? "unknown" : undefined;
  const v = tag.value.trim().toLowerCase();
  return (DATA_KINDS as readonly string[]).includes(v) ? (v as DataKind) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

export interface LifecycleVerdict {
  /** An enabled rule expires or transitions current objects (or GCS Autoclass is on). */
  readonly current: boolean;
  /** An enabled rule expires or transitions noncurrent versions. */
  readonly noncurrent: boolean;
  /** Where it was found, for details ("aws:s3/bucketLifecycleConfiguration 'x'"). */
  readonly via: readonly string[];
  /** A lifecycle value unknown in preview (path), when the verdict depends on it. */
  readonly unknown?: string;
}

function enabled(rule: PlainValue): boolean | "unknown" {
  const s = readString(rule, ["status"]);
  if (s.state === "opaque") return "unknown";
  if (s.state === "value") return s.value.toLowerCase() === "enabled";
  const e = readPath(rule, ["enabled"]);
  if (e.state === "opaque") return "unknown";
  return e.state === "value" ? e.value === true : true;
}

function has(rule: PlainValue, key: string): boolean {
  const r = readPath(rule, [key]);
  if (r.state !== "value") return r.state === "opaque";
  if (Array.isArray(r.value)) return r.value.length > 0;
  return r.value !== null && r.value !== false;
}

/** S3 rules (a lifecycle configuration's `rules`, or a bucket's own `lifecycleRules`). */
function s3Rules(rules: readonly PlainValue[], acc: { current: boolean; noncurrent: boolean; unknown?: string }, path: string): void {
  rules.forEach((rule, i) => {
    const on = enabled(rule);
    if (on === false) return;
    if (on === "unknown") {
      acc.unknown ??= `${path}[${i}].status`;
      return;
    }
    if (has(rule, "expiration") || has(rule, "transitions") || has(rule, "transition")) acc.current = true;
    if (has(rule, "noncurrentVersionExpiration") || has(rule, "noncurrentVersionTransitions") || has(rule, "noncurrentVersionTransition")) acc.noncurrent = true;
  });
}

/** GCS `lifecycleRules`: Delete or SetStorageClass; noncurrent when the condition selects archived versions. */
function gcsRules(rules: readonly PlainValue[], acc: { current: boolean; noncurrent: boolean }): void {
  for (const rule of rules) {
    const type = readString(rule, ["action", "type"]);
    if (type.state !== "value" || !/^(Delete|SetStorageClass)$/.test(type.value)) continue;
    const c = readObject(rule, ["condition"]);
    const cond = c.state === "value" ? c.value : {};
    const state = typeof cond["withState"] === "string" ? cond["withState"].toUpperCase() : "ANY";
    const noncurrentOnly = state === "ARCHIVED" || cond["daysSinceNoncurrentTime"] !== undefined || cond["numNewerVersions"] !== undefined || cond["noncurrentTimeBefore"] !== undefined;
    if (noncurrentOnly) acc.noncurrent = true;
    else {
      acc.current = true;
      if (state === "ANY") acc.noncurrent = true;
    }
  }
}

/** The S3 bucket a lifecycle, versioning or replication resource applies to (its `bucket` property). One function, so the reverse index is built once per stack. */
function s3BucketOf(stack: StackView, from: ResourceView): Resolution {
  return resolveLinks(stack, from, { properties: ["bucket"], refs: [readString(from.props, ["bucket"])], targetTypes: S3_BUCKETS, keys: bucketKeys });
}

const lifecycleConfigsOf = (stack: StackView, bucket: ResourceView) => referrers(stack, bucket, S3_LIFECYCLE_TYPES, s3BucketOf);

/** What expires or transitions the bucket's objects. */
export function lifecycleOf(stack: StackView, bucket: ResourceView): LifecycleVerdict {
  const acc: { current: boolean; noncurrent: boolean; unknown?: string } = { current: false, noncurrent: false };
  const via: string[] = [];
  const own = readArray(bucket.props, ["lifecycleRules"]);
  if (own.state === "opaque") acc.unknown ??= own.path;
  if (own.state === "value" && own.value.length > 0) {
    if (bucket.type.startsWith("gcp:")) gcsRules(own.value, acc);
    else s3Rules(own.value, acc, "lifecycleRules");
    via.push("its lifecycleRules");
  }
  if (bucket.type.startsWith("gcp:")) {
    const auto = readPath(bucket.props, ["autoclass", "enabled"]);
    if (auto.state === "value" && auto.value === true) {
      acc.current = true;
      via.push("Autoclass");
    } else if (auto.state === "opaque") acc.unknown ??= auto.path;
  } else {
    const configs = lifecycleConfigsOf(stack, bucket);
    for (const config of configs.found) {
      const rules = readArray(config.props, ["rules"]);
      if (rules.state === "opaque") acc.unknown ??= `rules of '${config.name}'`;
      if (rules.state === "value") s3Rules(rules.value, acc, `rules of '${config.name}'`);
      via.push(`lifecycle configuration '${config.name}'`);
    }
    if (configs.found.length === 0 && configs.uncertain !== undefined) acc.unknown ??= configs.uncertain;
  }
  return { current: acc.current, noncurrent: acc.noncurrent, via, ...(acc.unknown !== undefined ? { unknown: acc.unknown } : {}) };
}

/** Whether the bucket keeps noncurrent versions (versioning enabled on it or by a versioning resource). */
export function versioned(stack: StackView, bucket: ResourceView): boolean | "unknown" {
  const own = readPath(bucket.props, ["versioning", "enabled"]);
  if (own.state === "value" && own.value === true) return true;
  if (own.state === "opaque") return "unknown";
  if (bucket.type.startsWith("gcp:")) return false;
  const vs = referrers(stack, bucket, S3_VERSIONING_TYPES, s3BucketOf);
  for (const v of vs.found) {
    const status = readString(v.props, ["versioningConfiguration", "status"]);
    if (status.state === "opaque") return "unknown";
    if (status.state === "value" && status.value.toLowerCase() === "enabled") return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Replication

export interface Replication {
  readonly config: ResourceView;
  /** Destination regions where known (destination bucket of this stack). */
  readonly regions: readonly string[];
}

/** Cross-region replication configurations whose source is the bucket (AWS). GCS dual- and multi-regions are a location, not a resource. */
export function replicationsOf(stack: StackView, bucket: ResourceView): Replication[] {
  if (!S3_BUCKETS.includes(bucket.type)) return [];
  const found = referrers(stack, bucket, S3_REPLICATION_TYPES, s3BucketOf).found;
  return found.map((config) => {
    const regions: string[] = [];
    const rules = readArray(config.props, ["rules"]);
    if (rules.state === "value") {
      rules.value.forEach((_r, i) => {
        const dest = readString(config.props, ["rules", i, "destination", "bucket"]);
        if (dest.state !== "value") return;
        const name = dest.value.replace(/^arn:aws[\w-]*:s3:::/, "");
        const target = resourcesOfTypes(stack, S3_BUCKETS).find((b) => b !== bucket && bucketKeys(b).some((k) => k === name || k === dest.value));
        if (target?.region.state === "known" && !regions.includes(target.region.region)) regions.push(target.region.region);
      });
    }
    return { config, regions };
  });
}

/** Grid intensity of a region (gCO2e/kWh), when known. */
export function gridOf(cloud: "aws" | "gcp", region: string): number | undefined {
  return regionFacts(cloud, region)?.gridIntensity?.value;
}

/** The size reading for messages: "declared 500 GB" or undefined. */
export function sizeNote(view: ResourceView): string | undefined {
  const gb = declaredSizeGb(view);
  return gb === undefined ? undefined : `${gb.toLocaleString("en-US")} GB (${DATA_SIZE_KEY})`;
}

