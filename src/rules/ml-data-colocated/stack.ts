/**
 * The stack check: every data reference of an ML resource (src/engine/data-refs.ts) followed to the
 * bucket of this stack it names, and the bucket's region compared with the resource's.
 */
import { coefficients } from "../../data/coefficients";
import { regionFacts } from "../../data/regions";
import type { Cloud } from "../../data/types";
import { type BucketPlace, bucketPlace, colocated, declaredSizeGb, gridOf } from "../../engine/bucket-facts";
import { safeName, stackPath, subjectOf } from "../../engine/resource-names";
import { bucketOfRef, dataResources, dataRefsOf } from "../../engine/data-refs";
import type { DataRef } from "../../engine/data-uri";
import { formatKg, listJoin } from "../../engine/format";
import { findingOf } from "../../engine/message";
import { unknownAt } from "../../engine/outcomes";
import type { FigureRef, Outcome, RuleContext } from "../../engine/rule";
import type { ResourceView, StackView } from "../../engine/view";
import { declaresWorkloadItself } from "../../engine/workload";
import { CCF_APP_SOURCE } from "../../estimate/power";
import { isCompliant, offeringFilter } from "../ml-clean-energy-region/candidates";
import type { ColocatedConfig } from "./config";
import { MESSAGES } from "./messages";

/** ML resources only: accelerators, ML services, or a declared workload (on the resource or the stack). */
export function isMlResource(view: ResourceView): boolean {
  return view.isAcceleratorResource || view.isMlService || declaresWorkloadItself(view) || view.stack.stackTags.has("ml-workload");
}

export function verbOf(refs: readonly DataRef[]): string {
  const reads = refs.some((r) => r.role === "input" || r.role === "model" || r.role === "data");
  const writes = refs.some((r) => r.role === "output" || r.role === "checkpoint" || r.role === "data");
  return reads && writes ? "reads and writes" : writes ? "writes to" : "reads";
}

export function evaluateStack(stack: StackView, { config }: RuleContext<ColocatedConfig>): Outcome[] {
  const out: Outcome[] = [];
  for (const view of dataResources(stack)) {
    if (!isMlResource(view)) continue;
    const refs = dataRefsOf(view);
    if (refs.length === 0) continue;
    out.push(...checkResource(stack, view, refs, config));
  }
  return out;
}

function checkResource(stack: StackView, view: ResourceView, refs: readonly DataRef[], config: ColocatedConfig): Outcome[] {
  const out: Outcome[] = [];
  const byBucket = new Map<ResourceView, DataRef[]>();
  const external = new Map<string, DataRef[]>();
  for (const ref of refs) {
    const res = bucketOfRef(stack, view, ref);
    if (res.found.length > 0) {
      for (const b of res.found) byBucket.set(b, [...(byBucket.get(b) ?? []), ref]);
    } else if (ref.opaque) {
      // Unknown in preview or secret, and no dependency names a bucket: can't say where it points.
      out.push(unknownAt(stackPath(view, ref.path)));
    } else if (ref.bucket !== undefined) {
      external.set(ref.bucket, [...(external.get(ref.bucket) ?? []), ref]);
    }
  }
  if (byBucket.size === 0 && external.size === 0) return out;

  const where = view.region;
  if (where.state === "unknown") return [...out, unknownAt(stackPath(view, where.path))];
  // No region or one without data: ml-clean-energy-region reports it; nothing to compare here.
  if (where.state !== "known" || !view.cloud) return out;
  const region = where.region;
  const cloud = view.cloud;

  for (const [bucketName, list] of external) {
    out.push(
      findingOf(MESSAGES, {
        messageId: "bucketOutsideStack",
        data: { subject: subjectOf(view), bucket: bucketName },
        details: [
          `The bucket is named in ${listJoin([...new Set(list.map((r) => r.path))])} but declared in no resource of this stack, so carbonguard can't see its region and does not guess it. If it is in another region than ${region}, every read crosses regions; declare the bucket in this stack (or import it) to have it checked, or waive this finding for a bucket you know is in ${region}.`,
        ],
        level: "advisory",
        severity: "low",
        suggestion: { bucket: bucketName, computeRegion: region, paths: list.map((r) => r.path) },
        urn: view.urn,
      }),
    );
  }

  for (const [bucket, list] of byBucket) {
    const place = bucketPlace(bucket);
    if (place.state === "unknown") {
      out.push(unknownAt(stackPath(bucket, place.path)));
      continue;
    }
    const same = colocated(region, place);
    if (same !== false) continue; // next to it, or the bucket's location is not one carbonguard knows
    out.push(misplaced(view, cloud, region, bucket, place, list, config));
  }
  return out;
}

/** Whether ml-clean-energy-region would let the resource run in `region` (its own check, with this policy's options). */
function allowed(cloud: Cloud, region: string, config: ColocatedConfig): boolean {
  const facts = regionFacts(cloud, region);
  return facts !== undefined && isCompliant(facts, config.clean);
}

function misplaced(view: ResourceView, cloud: Cloud, region: string, bucket: ResourceView, place: BucketPlace, refs: readonly DataRef[], config: ColocatedConfig): Outcome {
  const dataRegion = place.state === "region" ? place.region : place.state === "area" ? `the ${place.area} multi-region` : "another location";
  const gCompute = gridOf(cloud, region);
  const gData = place.state === "region" ? gridOf(cloud, place.region) : undefined;
  const computeOk = allowed(cloud, region, config);
  // Compute can only move to a single region that offers its accelerators.
  const dataRegionOk = place.state === "region" && allowed(cloud, place.region, config) && offeringFilter(view).offers(place.region);
  const moveCompute = place.state === "region" && dataRegionOk && (!computeOk || (gData !== undefined && gCompute !== undefined && gData < gCompute));
  const verb = verbOf(refs);
  const details: string[] = [];
  const figures: FigureRef[] = [];
  const computeFacts = regionFacts(cloud, region);
  if (computeFacts?.gridIntensity) figures.push({ label: `${region} grid intensity`, ...computeFacts.gridIntensity });
  if (place.state === "region") {
    const f = regionFacts(cloud, place.region);
    if (f?.gridIntensity) figures.push({ label: `${place.region} grid intensity`, ...f.gridIntensity });
  }
  const grams = (g: number | undefined) => (g === undefined ? "no grid figure" : `${Math.round(g)} gCO2e/kWh`);
  details.push(
    `Every read and write of bucket '${safeName(bucket.name)}' (${listJoin([...new Set(refs.map((r) => r.path))])}) crosses regions: ${region} (${grams(gCompute)}) ↔ ${dataRegion}${place.state === "region" ? ` (${grams(gData)})` : ""}. Training reads its dataset once per epoch, so the transfer repeats.`,
  );
  if (moveCompute) {
    details.push(`${place.state === "region" ? place.region : dataRegion} meets the clean-region limit of ${config.clean.maxGridIntensity} gCO2e/kWh${computeOk ? " and is cleaner than " + region : ` and ${region} does not`}, and offers the resource's accelerators: move the compute next to the data.`);
  } else {
    details.push(
      computeOk
        ? `${region} meets the clean-region limit of ${config.clean.maxGridIntensity} gCO2e/kWh: copy the data to a bucket in ${region} once instead of reading it across regions every run.`
        : `Neither region is a clean choice the policy can suggest for both compute and data (${region} is over ${config.clean.maxGridIntensity} gCO2e/kWh; see ml-clean-energy-region): keep the data next to the compute, and move both.`,
    );
  }
  const suggestion: Record<string, unknown> = { computeRegion: region, dataRegion: place.state === "region" ? place.region : dataRegion, move: moveCompute ? "compute" : "data", bucketUrn: bucket.urn, paths: refs.map((r) => r.path) };
  const size = declaredSizeGb(bucket);
  const transfer = size !== undefined && computeFacts?.gridIntensity ? transferCost(size, computeFacts.pue.value, computeFacts.gridIntensity.value) : undefined;
  if (transfer && computeFacts) {
    details.push(
      `Each full read of its ${size!.toLocaleString("en-US")} GB (tag/label ml-data-size-gb) across regions costs ≈ ${transfer.kwh.toFixed(transfer.kwh < 10 ? 2 : 0)} kWh, ${formatKg(transfer.kg)} kgCO2e (CCF network coefficient ${coefficients().networkKwhPerGb} kWh/GB × ${region} PUE ${computeFacts.pue.value} and grid intensity).`,
    );
    figures.push({ label: "network energy", value: coefficients().networkKwhPerGb, unit: "kWh per GB", source: CCF_APP_SOURCE, year: 2024, basis: "CCF networking coefficient, applied to data moved between regions" });
    figures.push({ label: `${region} PUE`, ...computeFacts.pue });
    suggestion["transferKwhPerFullRead"] = Math.round(transfer.kwh * 100) / 100;
    suggestion["transferKgCo2ePerFullRead"] = Math.round(transfer.kg * 1000) / 1000;
  }
  const to = moveCompute ? (place.state === "region" ? place.region : region) : region;
  return findingOf(MESSAGES, {
    messageId: moveCompute ? "moveCompute" : "moveData",
    data: { subject: subjectOf(view), region, verb, bucket: safeName(bucket.name), dataRegion },
    fix: moveCompute ? { kind: "region", from: region, to: [to] } : { kind: "region", from: place.state === "region" ? place.region : dataRegion, to: [to] },
    details,
    figures,
    suggestion,
    urn: view.urn,
  });
}

/** Energy and emissions of moving `gb` between regions once (CCF networking coefficient). */
export function transferCost(gb: number, pue: number, gPerKwh: number): { kwh: number; kg: number } {
  const kwh = gb * coefficients().networkKwhPerGb * pue;
  return { kwh, kg: (kwh * gPerKwh) / 1000 };
}
