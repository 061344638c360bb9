/**
 * The stack check: the buckets ML writes checkpoints, outputs and model artifacts to (the joins of
 * src/engine/data-refs.ts) and the buckets tagged/labelled `ml-data`, each with what expires its
 * objects (src/engine/bucket-facts.ts) and any cross-region replication.
 */
import { coefficients } from "../../data/coefficients";
import { regionFacts } from "../../data/regions";
import { DATA_KIND_KEY, declaredKind, declaredSizeGb, lifecycleOf, replicationsOf, versioned } from "../../engine/bucket-facts";
import { safeName, stackPath } from "../../engine/resource-names";
import { bucketOfRef, dataResources, dataRefsOf, stackBuckets, writesArtifacts } from "../../engine/data-refs";
import { formatKg, listJoin } from "../../engine/format";
import { findingOf } from "../../engine/message";
import { unknownAt } from "../../engine/outcomes";
import type { FigureRef, Outcome, RuleContext } from "../../engine/rule";
import type { ResourceView, StackView } from "../../engine/view";
import { resolveUnit, unitMonthlyKg } from "../../estimate";
import { isMlResource } from "../ml-data-colocated/stack";
import type { LifecycleConfig } from "./config";
import { MESSAGES } from "./messages";

const ROLE_WHAT = { checkpoint: "checkpoints", output: "outputs" } as const;
const KIND_WHAT = { checkpoints: "checkpoints", artifacts: "model artifacts", datasets: "datasets" } as const;

interface Holding {
  readonly what: Set<string>;
  readonly writers: Set<string>;
}

/** The buckets in scope and what each holds; plus can't-evaluate outcomes for references and tags unknown now. */
function bucketsInScope(stack: StackView): { held: Map<ResourceView, Holding>; unknown: Outcome[] } {
  const held = new Map<ResourceView, Holding>();
  const unknown: Outcome[] = [];
  const add = (b: ResourceView, what: string, writer?: string) => {
    const h = held.get(b) ?? { what: new Set<string>(), writers: new Set<string>() };
    h.what.add(what);
    if (writer) h.writers.add(writer);
    held.set(b, h);
  };
  for (const view of dataResources(stack)) {
    if (!isMlResource(view)) continue;
    for (const ref of dataRefsOf(view)) {
      if (!writesArtifacts(ref.role)) continue;
      const res = bucketOfRef(stack, view, ref);
      if (res.found.length === 0 && ref.opaque) {
        unknown.push(unknownAt(stackPath(view, ref.path)));
        continue;
      }
      for (const b of res.found) add(b, ROLE_WHAT[ref.role as keyof typeof ROLE_WHAT], `'${safeName(view.name)}'`);
    }
  }
  for (const b of stackBuckets(stack)) {
    const kind = declaredKind(b);
    if (kind === "unknown") unknown.push(unknownAt(stackPath(b, `tags.${DATA_KIND_KEY}`)));
    else if (kind !== undefined) add(b, KIND_WHAT[kind]);
  }
  return { held, unknown };
}

export function evaluateStack(stack: StackView, { config }: RuleContext<LifecycleConfig>): Outcome[] {
  const { held, unknown } = bucketsInScope(stack);
  const out: Outcome[] = [...unknown];
  for (const [bucket, holding] of held) out.push(...checkBucket(stack, bucket, holding, config));
  return out;
}

function whatOf(h: Holding): string {
  const order = ["checkpoints", "outputs", "model artifacts", "datasets"];
  const list = order.filter((w) => h.what.has(w));
  return listJoin(list);
}

function checkBucket(stack: StackView, bucket: ResourceView, holding: Holding, config: LifecycleConfig): Outcome[] {
  const out: Outcome[] = [];
  const what = whatOf(holding);
  const name = safeName(bucket.name);
  const writers = holding.writers.size > 0 ? ` written by ${listJoin([...holding.writers].slice(0, 3))}` : " (tag/label ml-data)";
  const keep = keepingCost(bucket, 1);
  const lifecycle = lifecycleOf(stack, bucket);
  if (!lifecycle.current) {
    if (lifecycle.unknown !== undefined) out.push(unknownAt(stackPath(bucket, lifecycle.unknown)));
    else
      out.push(
        findingOf(MESSAGES, {
          messageId: "noLifecycle",
          data: { bucket: name, what },
          fix: bucket.type.startsWith("gcp:")
            ? { kind: "property", path: "lifecycleRules", value: [{ action: { type: "Delete" }, condition: { age: 30, matchesPrefixes: ["checkpoints/"] } }] }
            : { kind: "action", text: "add an aws.s3.BucketLifecycleConfiguration with an expiration (e.g. checkpoints/ after 30 days) or a transition to a colder class" },
          details: [
            `It holds ${what}${writers}; every run adds more and nothing removes or moves old objects, so storage (and its energy) only grows. ${lifecycle.via.length > 0 ? `Found: ${listJoin(lifecycle.via)}, with no enabled expiration or transition.` : "No lifecycle configuration applies to it."}`,
            bucket.type.startsWith("gcp:") ? "Add lifecycleRules with a Delete or SetStorageClass action (e.g. checkpoints older than 30 days), or enable Autoclass." : "Add an aws.s3.BucketLifecycleConfiguration for this bucket: expire checkpoints after N days, transition outputs to a colder class, abort incomplete multipart uploads.",
            keep ? `At its declared size it takes ≈ ${formatKg(keep.kg)} kgCO2e/month to keep (${keep.basis}), growing with every run.` : "",
          ],
          figures: keep?.figures ?? [],
          suggestion: { bucketUrn: bucket.urn, holds: [...holding.what], ...(keep ? { keepKgCo2ePerMonth: round(keep.kg) } : {}) },
          urn: bucket.urn,
        }),
      );
  } else if (config.requireNoncurrentExpiration && !lifecycle.noncurrent) {
    const v = versioned(stack, bucket);
    if (v === "unknown") out.push(unknownAt(stackPath(bucket, "versioning")));
    else if (v === true)
      out.push(
        findingOf(MESSAGES, {
          messageId: "noncurrentKept",
          data: { bucket: name, what },
          fix: { kind: "action", text: bucket.type.startsWith("gcp:") ? "add a lifecycle rule with condition withState ARCHIVED (or daysSinceNoncurrentTime) and action Delete" : "add noncurrentVersionExpiration to a rule of the bucket's lifecycle configuration" },
          details: [`Versioning is on, so each overwritten or deleted object stays as a noncurrent version; its lifecycle (${listJoin(lifecycle.via)}) expires or moves current objects only.`],
          suggestion: { bucketUrn: bucket.urn, holds: [...holding.what] },
          urn: bucket.urn,
        }),
      );
  }
  if (config.reportReplication) {
    for (const rep of replicationsOf(stack, bucket)) {
      const destination = rep.regions.length > 0 ? listJoin(rep.regions) : "another bucket";
      const dest = rep.regions[0] !== undefined && bucket.cloud ? regionFacts(bucket.cloud, rep.regions[0]) : undefined;
      const copy = keepingCost(bucket, 1, dest?.region);
      out.push(
        findingOf(MESSAGES, {
          messageId: "replicated",
          data: { bucket: name, what, destination },
          fix: { kind: "action", text: "limit the replication rules to the prefixes that need a second copy (a filter), or remove the replication configuration" },
          ...(copy ? { saving: { kgCo2ePerMonth: copy.kg, basis: `the replica's storage at ${Math.round(declaredSizeGb(bucket) ?? 0)} GB declared; ${copy.short}` } } : {}),
          details: [
            `Replication configuration '${safeName(rep.config.name)}' copies ${what} to ${destination}: the replica stores every byte again (with its own replication) and each write is transferred between regions (CCF ${coefficients().networkKwhPerGb} kWh per GB). Checkpoints and intermediate outputs can be recreated; replicate only final artifacts if anything.`,
            copy ? `The replica at the declared size takes ≈ ${formatKg(copy.kg)} kgCO2e/month (${copy.basis}).` : `Declare the bucket's size (tag/label ml-data-size-gb) to have the replica's cost estimated.`,
          ],
          figures: copy?.figures ?? [],
          suggestion: { bucketUrn: bucket.urn, replicationUrn: rep.config.urn, destinationRegions: rep.regions, ...(copy ? { replicaKgCo2ePerMonth: round(copy.kg) } : {}) },
          urn: bucket.urn,
        }),
      );
    }
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * What keeping the bucket's declared size costs per month (CCF: HDD 0.65 Wh per TB-hour × the
 * service's replication factor × 730 h × PUE × grid), in its region or `inRegion`.
 */
function keepingCost(bucket: ResourceView, copies: number, inRegion?: string): { kg: number; basis: string; short: string; figures: FigureRef[] } | undefined {
  const gb = declaredSizeGb(bucket);
  const cloud = bucket.cloud;
  const region = inRegion ?? (bucket.region.state === "known" ? bucket.region.region : undefined);
  if (gb === undefined || !cloud || region === undefined) return undefined;
  const facts = regionFacts(cloud, region);
  if (!facts?.gridIntensity) return undefined;
  const r = coefficients().replication;
  const replication = cloud === "aws" ? r.awsS3 : r.gcsSingleRegion;
  const unit = resolveUnit({ kind: "storage", cloud, label: `bucket ${gb} GB`, sizeGb: gb * copies, ssd: false, replication }, 0.5);
  if (!("power" in unit)) return undefined;
  const kg = unitMonthlyKg(unit.power.watts, facts);
  if (kg === undefined) return undefined;
  const basis = `CCF HDD ${coefficients().storageWhPerTbHour.hdd} Wh per TB-hour × replication ${replication}, 730 h, ${region} PUE ${facts.pue.value} and ${Math.round(facts.gridIntensity.value)} gCO2e/kWh`;
  return {
    kg,
    basis,
    short: `CCF storage method, ${region} ${Math.round(facts.gridIntensity.value)} gCO2e/kWh`,
    figures: [...unit.power.assumptions, { label: `${region} PUE`, ...facts.pue }, { label: `${region} grid intensity`, ...facts.gridIntensity }],
  };
}
