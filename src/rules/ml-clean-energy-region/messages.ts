/** The rule's messages by id, and the advisory "no data" findings built from them. */
import { findingOf } from "../../engine/message";
import type { Outcome } from "../../engine/rule";

/** The rule's messages: the first sentence of each kind of finding (what is wrong and the fix). */
export const MESSAGES = {
  aboveLimit: "{{subject}} runs in {{region}} at {{grams}} ({{source}}), over the {{max}} limit; move it to {{to}}.",
  aboveLimitNoAlternative: "{{subject}} runs in {{region}} at {{grams}} ({{source}}), over the {{max}} limit, and no region under it offers {{what}}.",
  deniedRegion: "{{subject}} runs in {{region}}, which is in deniedRegions; move it to an allowed region.",
  noRegion: "{{subject}} has no region, so its grid intensity can't be checked; set the region on the resource, its provider or {{cloud}}:region.",
  unknownRegion: "{{subject}} runs in {{region}}, which carbonguard has no grid-intensity data for; add it to allowedRegions or deniedRegions.",
  noGridFigure: "{{subject}} runs in {{region}}, which has no grid-intensity figure; add it to allowedRegions or deniedRegions to decide.",
} as const;

export function noData(messageId: "noRegion" | "unknownRegion" | "noGridFigure", data: Record<string, string>, detail: string): Outcome {
  return findingOf(MESSAGES, { messageId, data, details: [detail], level: "advisory", severity: "low" });
}
