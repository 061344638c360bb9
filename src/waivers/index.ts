/**
 * Waivers: time-boxed, reasoned exceptions honoured by the pack and the reports alike.
 *
 * For reports (issue 7):
 *   const set = loadWaiverFile("waivers.yaml", { maxHorizonDays: 180 });
 *   const out = applyWaivers(findings, set, new Date());   // findings: {policy, urn, stack?, project?, type?, name?, tags?, …}
 *   out[i].waived       → {reason, approvedBy, expires, category, ticket, …}: count separately
 *   out[i].waiverProblem → {kind, message}: the finding stays at full level; show the message
 * See docs/waivers.md.
 */
export * from "./types";
export { applyWaivers, describeOrigin, evaluateWaivers, waivedMessage, waiverProblemMessage, waiverStatus, type WaiverApplied } from "./apply";
export { DAY_MS, daysUntil, isoDay, parseExpiry } from "./dates";
export { globMatches, globToRegExp, isGlob } from "./glob";
export { EMPTY_WAIVER_SET, loadWaiverFile, mergeWaiverSets, readWaiverFile, waiverOptions, waiverSetFromEntries } from "./load";
export { completeTarget, parseUrn, resourceMatches, waiverMatches, type UrnParts } from "./match";
export { formatLoadProblem, parseWaiverText, validateWaiverDocument, validateWaiverEntries, type ParsedWaivers } from "./parse";
export { WAIVER_TAG, hasWaiverTag, tagWaiversFor } from "./tags";
export { checkWaivers, type StateResource, type WaiverCheckEntry, type WaiverCheckReport, type WaiverCheckStatus } from "./check";
