/** Which waivers cover which finding. A finding's identity is policy + URN (stable across runs). */
import { parseUrn } from "../inputs/parse";
import { globMatches } from "./glob";
import { MATCH_FIELDS, type Waiver, type WaiverTarget } from "./types";

export type UrnParts = NonNullable<ReturnType<typeof parseUrn>>;

/** `urn:pulumi:<stack>::<project>::<parent$…$type>::<name>`; undefined for anything else (the input readers' parser). */
export { parseUrn };

/** Fills stack, project, type and name from the URN where the target lacks them. */
export function completeTarget(target: WaiverTarget): WaiverTarget {
  const parts = target.urn ? parseUrn(target.urn) : undefined;
  if (!parts) return target;
  return {
    ...target,
    stack: target.stack ?? parts.stack,
    project: target.project ?? parts.project,
    type: target.type ?? parts.type,
    name: target.name ?? parts.name,
  };
}

/**
 * Whether `waiver` covers `target`: the policy glob matches and every `match` field given matches
 * the target's field. A field the target lacks never matches (fail closed).
 */
export function waiverMatches(waiver: Waiver, target: WaiverTarget): boolean {
  if (!globMatches(waiver.policy, target.policy)) return false;
  return resourceMatches(waiver, target);
}

/** The `match` part alone (used by `waivers check` to find waivers that match no resource). */
export function resourceMatches(waiver: Waiver, target: Omit<WaiverTarget, "policy">): boolean {
  let any = false;
  for (const field of MATCH_FIELDS) {
    const glob = waiver.match[field];
    if (glob === undefined) continue;
    any = true;
    const value = target[field];
    if (value === undefined || !globMatches(glob, value)) return false;
  }
  return any;
}
