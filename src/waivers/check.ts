/** `carbonguard waivers check`: what needs attention in a waiver file. */
import { waiverStatus } from "./apply";
import { daysUntil, DAY_MS } from "./dates";
import { globMatches, isGlob } from "./glob";
import { completeTarget, resourceMatches } from "./match";
import type { Waiver, WaiverLoadProblem } from "./types";

/** A resource of an input stack (URN and type are enough to match). */
export interface StateResource {
  readonly urn: string;
  readonly type: string;
}

export type WaiverCheckStatus = "ok" | "expiring" | "expired" | "beyond-horizon";

export interface WaiverCheckEntry {
  readonly waiver: Waiver;
  readonly status: WaiverCheckStatus;
  /** Whole days until expiry (negative when past). */
  readonly daysLeft: number;
  /** Resources in the inputs that `match` selects (undefined without inputs). */
  readonly matchedResources?: number;
  /** The policy (or glob) names no known policy. */
  readonly unknownPolicy: boolean;
}

export interface WaiverCheckReport {
  readonly source: string;
  readonly problems: readonly WaiverLoadProblem[];
  readonly entries: readonly WaiverCheckEntry[];
  readonly withinDays: number;
  readonly maxHorizonDays: number;
  /** Number of input resources, when inputs were given. */
  readonly inputResources?: number;
  /** 1 when any waiver has expired, is beyond the horizon, or the file is invalid; else 0. */
  readonly exitCode: 0 | 1;
}

export interface WaiverCheckOptions {
  readonly now: Date;
  readonly withinDays: number;
  readonly maxHorizonDays: number;
  /** Known policy names, to flag typos (a waiver for an unknown policy never applies). */
  readonly knownPolicies: readonly string[];
  readonly resources?: readonly StateResource[];
}

export function checkWaivers(source: string, parsed: { waivers: readonly Waiver[]; problems: readonly WaiverLoadProblem[] }, opts: WaiverCheckOptions): WaiverCheckReport {
  const targets = opts.resources?.map((r) => completeTarget({ policy: "", urn: r.urn, ...(r.type ? { type: r.type } : {}) }));
  const entries = parsed.waivers.map((waiver): WaiverCheckEntry => {
    const problem = waiverStatus(waiver, opts.now, opts.maxHorizonDays);
    const daysLeft = daysUntil(waiver.expires, opts.now);
    const status: WaiverCheckStatus = problem
      ? problem.kind === "expired" ? "expired" : "beyond-horizon"
      : waiver.expires.getTime() - opts.now.getTime() <= opts.withinDays * DAY_MS ? "expiring" : "ok";
    const unknownPolicy = isGlob(waiver.policy) ? !opts.knownPolicies.some((p) => globMatches(waiver.policy, p)) : !opts.knownPolicies.includes(waiver.policy);
    return {
      waiver,
      status,
      daysLeft,
      ...(targets ? { matchedResources: targets.filter((t) => resourceMatches(waiver, t)).length } : {}),
      unknownPolicy,
    };
  });
  const failing = parsed.problems.length > 0 || entries.some((e) => e.status === "expired" || e.status === "beyond-horizon");
  return {
    source,
    problems: parsed.problems,
    entries,
    withinDays: opts.withinDays,
    maxHorizonDays: opts.maxHorizonDays,
    ...(targets ? { inputResources: targets.length } : {}),
    exitCode: failing ? 1 : 0,
  };
}
