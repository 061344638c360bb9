/**
 * Shared bits of the reference-stack components: the workload/team tags every resource carries,
 * and the checks that keep GCP labels valid.
 */

/** The tag/label key carbonguard reads a resource's ML workload from (RULES.md, "Workload declaration"). */
export const WORKLOAD_KEY = "ml-workload";
/** Tag/label key for the team that owns the resource, so carbon can be accounted per team. */
export const TEAM_KEY = "team";
/** Marks what created the resource. */
export const MANAGED_BY_KEY = "managed-by";
export const MANAGED_BY = "carbonguard-reference";

export type Workload = "training" | "inference" | "batch-inference" | "notebook" | "dev";

/** The team every blueprint uses when none is given. */
export const DEFAULT_TEAM = "ml-platform";

/** AWS tags for a resource of `workload` owned by `team`, plus the caller's extra tags. */
export function awsTags(workload: Workload, team: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, [WORKLOAD_KEY]: workload, [TEAM_KEY]: team, [MANAGED_BY_KEY]: MANAGED_BY };
}

/**
 * Tags for global IAM resources. They carry the team, not the workload: a resource that declares an
 * ML workload is in scope for the region policy, and IAM has no region of its own.
 */
export function awsIamTags(team: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, [TEAM_KEY]: team, [MANAGED_BY_KEY]: MANAGED_BY };
}

const GCP_LABEL = /^[a-z0-9_-]{0,63}$/;
const GCP_LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;

/** GCP labels for a resource of `workload` owned by `team`; throws on a value GCP would reject. */
export function gcpLabels(workload: Workload, team: string, extra: Record<string, string> = {}): Record<string, string> {
  const labels = { ...extra, [WORKLOAD_KEY]: workload, [TEAM_KEY]: team, [MANAGED_BY_KEY]: MANAGED_BY };
  for (const [key, value] of Object.entries(labels)) {
    if (!GCP_LABEL_KEY.test(key)) throw new Error(`GCP label key '${key}' is invalid: lowercase letters, digits, '_' and '-', starting with a letter, at most 63 characters.`);
    if (!GCP_LABEL.test(value)) throw new Error(`GCP label '${key}' has an invalid value '${value}': lowercase letters, digits, '_' and '-', at most 63 characters.`);
  }
  return labels;
}

/** `europe-west9-c` → `europe-west9`; a region is returned unchanged. */
export function regionOfZone(zone: string): string {
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(zone) ? zone.slice(0, zone.lastIndexOf("-")) : zone;
}

/** Throws when `value` is not a positive integer (capacity arguments). */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}.`);
  return value;
}

/** A service-account ID (6–30 chars, `[a-z][a-z0-9-]*[a-z0-9]`) from the component name and a role. */
export function accountId(name: string, role: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^[^a-z]+/, "");
  const id = `${base.slice(0, Math.max(0, 29 - role.length)).replace(/-+$/, "")}-${role}`.replace(/^-/, "");
  return id.length >= 6 ? id : `${id}-sa`.slice(0, 30);
}
