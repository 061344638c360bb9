/**
 * The resource check: is the resource in scope, where does it run, and does that region pass?
 * A failing region becomes a violation with cleaner alternatives (violation.ts).
 */
import { regionFacts } from "../../data/regions";
import { resourceSubject } from "../../engine/resource-names";
import { noAccelerators } from "../../engine/outcomes";
import { findingOf } from "../../engine/message";
import type { Outcome } from "../../engine/rule";
import type { ResourceView } from "../../engine/view";
import { declaresWorkloadItself } from "../../engine/workload";
import type { CleanRegionConfig } from "./config";
import { isCompliant } from "./candidates";
import { MESSAGES, noData } from "./messages";
import { buildViolation } from "./violation";

/**
 * Services whose resources are global (no region of their own); they would otherwise inherit the
 * provider's region and be flagged for nothing (e.g. an IAM role tagged `ml-workload`).
 */
const GLOBAL_TYPE_PREFIXES = [
  "aws:iam/",
  "aws:organizations/",
  "aws:route53/",
  "aws:cloudfront/",
  "aws:budgets/",
  "aws:shield/",
  "aws:globalaccelerator/",
  "gcp:projects/",
  "gcp:organizations/",
  "gcp:folder/",
  "gcp:serviceaccount/",
  "gcp:billing/",
  "gcp:dns/",
];

function inScope(view: ResourceView, config: CleanRegionConfig): boolean {
  if (config.scope === "all") return true;
  return view.isAcceleratorResource || view.isMlService || declaresWorkloadItself(view);
}

export function evaluate(view: ResourceView, { config }: { config: CleanRegionConfig }): Outcome[] {
  if (!view.cloud) return [{ kind: "not-applicable", reason: "not an AWS or GCP resource" }];
  const cloud = view.cloud;
  // Global resources (IAM, DNS, …) run nowhere in particular, whatever they are tagged.
  if (GLOBAL_TYPE_PREFIXES.some((p) => view.type.startsWith(p))) return [{ kind: "not-applicable", reason: "global resource" }];
  // Out of scope, unless an accelerator property unknown in preview may yet make it a GPU resource.
  if (!inScope(view, config)) return [noAccelerators(view, "not an ML resource")];

  const where = view.region;
  if (where.state === "unknown") {
    return [{ kind: "unknown", path: where.source === "provider" ? `provider.${where.path}` : where.path, valueType: "string" }];
  }
  if (where.state === "absent") {
    return [noData("noRegion", { subject: resourceSubject(view), cloud }, `${resourceSubject(view)} has no region: none on the resource, its provider or the stack config (${cloud}:region). carbonguard can't check its grid intensity.`)];
  }
  if (where.state === "unrecognized") {
    const shown = where.value !== undefined && looksLikeLocation(where.value) ? `'${where.value}'` : "its location";
    return [noData("unknownRegion", { subject: resourceSubject(view), region: shown }, `${resourceSubject(view)} runs in ${shown} (from ${where.path}), which carbonguard has no grid-intensity data for. Add it to allowedRegions or deniedRegions, or choose a listed region (\`carbonguard regions\`).`)];
  }

  const region = where.region;
  if (config.deniedRegions.includes(region)) {
    return [findingOf(MESSAGES, { messageId: "deniedRegion", data: { subject: resourceSubject(view), region }, suggestion: { region, reason: "denied" } })];
  }
  if (config.allowedRegions.includes(region)) return [];

  const facts = regionFacts(cloud, region);
  const intensity = facts?.gridIntensity;
  if (!facts || !intensity) {
    return [noData("noGridFigure", { subject: resourceSubject(view), region }, `${resourceSubject(view)} runs in ${region}, which has no grid-intensity figure in carbonguard's region data (Electricity Maps 2025 has no value for its grid zone). Add it to allowedRegions or deniedRegions to decide.`)];
  }
  if (isCompliant(facts, config)) return [];
  return [buildViolation(view, cloud, facts, intensity, config)];
}

/**
 * Only region-shaped values (`me-west-1`, `us-central3-b`) and multi-region codes (`US`, `EU`) are
 * quoted: an unrecognized value might be anything, including a secret passed by mistake.
 */
function looksLikeLocation(value: string): boolean {
  return /^[a-z]{2,12}(-[a-z]{2,12}){0,2}-?\d{1,2}(-?[a-z])?$/.test(value) || /^[A-Z]{2,4}\d?$/.test(value);
}
