/**
 * Applying waivers to findings: the one decision both the pack and the reports take.
 * Fail closed: a waiver that is expired, too long or part of an invalid set grants nothing, and
 * the finding says why.
 */
import { DAY_MS } from "./dates";
import { completeTarget, waiverMatches } from "./match";
import { formatLoadProblem } from "./parse";
import { hasWaiverTag, tagWaiversFor } from "./tags";
import type { WaivedMark, Waiver, WaiverOrigin, WaiverOutcome, WaiverProblem, WaiverSet, WaiverTarget } from "./types";

/** `<source> waivers[2]`, or the tag description. */
export function describeOrigin(origin: WaiverOrigin): string {
  return origin.index === undefined ? origin.source : `${origin.source} waivers[${origin.index}]`;
}

/** Why a (matching) waiver is not honoured at `now`, or undefined when it is. */
export function waiverStatus(waiver: Waiver, now: Date, maxHorizonDays: number): WaiverProblem | undefined {
  const origin = waiver.origin;
  if (waiver.expires.getTime() <= now.getTime()) {
    return {
      kind: "expired",
      origin,
      message: `Waiver expired on ${waiver.expiresText} (${describeOrigin(origin)}${waiver.approvedBy ? `, approved by ${waiver.approvedBy}` : ""}: ${waiver.reason})`,
    };
  }
  if (waiver.expires.getTime() - now.getTime() > maxHorizonDays * DAY_MS) {
    return {
      kind: "beyond-horizon",
      origin,
      message: `Waiver not honoured: it expires ${waiver.expiresText}, more than the maximum of ${maxHorizonDays} days ahead (${describeOrigin(origin)}; shorten it or raise maxHorizonDays)`,
    };
  }
  return undefined;
}

function mark(waiver: Waiver, selfGranted: boolean): WaivedMark {
  return {
    reason: waiver.reason,
    ...(waiver.approvedBy !== undefined ? { approvedBy: waiver.approvedBy } : {}),
    ...(waiver.requestedBy !== undefined ? { requestedBy: waiver.requestedBy } : {}),
    expires: waiver.expires.toISOString(),
    expiresText: waiver.expiresText,
    category: waiver.category,
    ...(waiver.ticket !== undefined ? { ticket: waiver.ticket } : {}),
    origin: waiver.origin,
    selfGranted,
  };
}

/** The waiver decision for one finding. */
export function evaluateWaivers(target: WaiverTarget, set: WaiverSet, now: Date): WaiverOutcome {
  const first = set.problems[0];
  if (first) {
    const more = set.problems.length > 1 ? ` (and ${set.problems.length - 1} more problem${set.problems.length > 2 ? "s" : ""})` : "";
    return {
      state: "problem",
      problem: { kind: "invalid-waivers", origin: { source: first.source, ...(first.index !== undefined ? { index: first.index } : {}) }, message: `Waivers not applied, the waiver input is invalid: ${formatLoadProblem(first)}${more}` },
    };
  }
  const t = completeTarget(target);
  const problems: WaiverProblem[] = [];
  for (const waiver of set.waivers) {
    if (!waiverMatches(waiver, t)) continue;
    const status = waiverStatus(waiver, now, set.options.maxHorizonDays);
    if (!status) return { state: "waived", waived: mark(waiver, false) };
    problems.push(status);
  }
  if (t.tags) {
    if (set.options.allowTagWaivers) {
      for (const result of tagWaiversFor(t)) {
        if ("problem" in result) {
          problems.push({ kind: "invalid-tag", message: `Tag waiver not honoured: ${result.problem}` });
          continue;
        }
        const status = waiverStatus(result.waiver, now, set.options.maxHorizonDays);
        if (!status) return { state: "waived", waived: mark(result.waiver, true) };
        problems.push(status);
      }
    } else if (hasWaiverTag(t) && tagWaiversFor(t).length > 0) {
      problems.push({ kind: "tag-waivers-off", message: "Tag waiver not honoured: tag waivers are off (enable allowTagWaivers in the carbonguard-waivers policy config)" });
    }
  }
  const problem = problems[0];
  return problem ? { state: "problem", problem } : { state: "none" };
}

export type WaiverApplied<F> = F & { readonly waived?: WaivedMark; readonly waiverProblem?: WaiverProblem };

/**
 * Marks each finding waived (`waived`) or explains why a waiver did not apply (`waiverProblem`).
 * A waived finding is kept: reports count it separately, the pack reports it as advisory.
 */
export function applyWaivers<F extends WaiverTarget>(findings: readonly F[], set: WaiverSet, now: Date): WaiverApplied<F>[] {
  return findings.map((finding) => {
    const outcome = evaluateWaivers(finding, set, now);
    if (outcome.state === "waived") return { ...finding, waived: outcome.waived };
    if (outcome.state === "problem") return { ...finding, waiverProblem: outcome.problem };
    return { ...finding };
  });
}

/** "Waived until 2025-09-01 by jane@example.com: <reason> (ticket …; <origin>). <message>" */
export function waivedMessage(waived: WaivedMark, message: string): string {
  const by = waived.selfGranted ? "a resource tag (self-granted)" : waived.approvedBy ?? "(no approver named)";
  const lead = waived.category === "mitigated" ? "Mitigated, waived" : "Waived";
  const details = [waived.ticket ? `ticket ${waived.ticket}` : undefined, waived.selfGranted ? undefined : describeOrigin(waived.origin)].filter(Boolean).join("; ");
  return `${lead} until ${waived.expiresText} by ${by}: ${stripPeriod(waived.reason)}${details ? ` (${details})` : ""}. ${message}`;
}

/** "<why the waiver did not apply>; the finding applies at its full level. <message>" */
export function waiverProblemMessage(problem: WaiverProblem, message: string): string {
  return `${stripPeriod(problem.message)}; the finding applies at its full level. ${message}`;
}

function stripPeriod(text: string): string {
  return text.replace(/[.\s]+$/u, "");
}

