/**
 * Tag-based waivers, read from the resource's own tags (AWS) or labels (GCP). Off by default:
 * whoever can edit the resource can grant them, so they are self-granted by construction.
 *
 *   carbonguard-waiver            = "<policy>:<reason>:<YYYY-MM-DD>"   (AWS tags allow ':')
 *   carbonguard-waiver_<policy>   = "<YYYY-MM-DD>_<reason>"            (GCP labels: [a-z0-9_-] only)
 */
import { parseExpiry } from "./dates";
import type { Waiver, WaiverTarget } from "./types";

export const WAIVER_TAG = "carbonguard-waiver";
const LABEL_PREFIX = `${WAIVER_TAG}_`;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export type TagWaiverResult = { readonly waiver: Waiver } | { readonly problem: string };

type TagEntry = { readonly key: string; readonly value: string | undefined };

function entries(tags: WaiverTarget["tags"]): TagEntry[] {
  if (!tags) return [];
  if (tags instanceof Map) {
    return [...tags.entries()].map(([key, v]) => ({ key, value: typeof v === "string" ? v : v.state === "value" ? v.value : undefined }));
  }
  return Object.entries(tags as Record<string, unknown>).map(([key, v]) => ({ key, value: typeof v === "string" ? v : undefined }));
}

/** Whether the target carries any waiver tag (to tell people tag waivers are off). */
export function hasWaiverTag(target: WaiverTarget): boolean {
  return entries(target.tags).some((t) => t.key === WAIVER_TAG || t.key.startsWith(LABEL_PREFIX));
}

/** The tag waivers (or tag problems) that concern `target.policy`. */
export function tagWaiversFor(target: WaiverTarget): TagWaiverResult[] {
  const out: TagWaiverResult[] = [];
  const where = `tag ${WAIVER_TAG}`;
  for (const { key, value } of entries(target.tags)) {
    if (key === WAIVER_TAG) {
      if (value === undefined) {
        out.push({ problem: `the ${WAIVER_TAG} tag's value is unknown or secret, so it can't be honoured` });
        continue;
      }
      const first = value.indexOf(":");
      const last = value.lastIndexOf(":");
      if (first <= 0 || last === first) {
        out.push({ problem: `the ${WAIVER_TAG} tag must read "<policy>:<reason>:<YYYY-MM-DD>"` });
        continue;
      }
      const policy = value.slice(0, first).trim();
      if (policy !== target.policy) continue;
      out.push(build(target, policy, value.slice(first + 1, last), value.slice(last + 1), where));
    } else if (key.startsWith(LABEL_PREFIX)) {
      const policy = key.slice(LABEL_PREFIX.length);
      if (policy !== target.policy) continue;
      const label = `label ${key}`;
      if (value === undefined) {
        out.push({ problem: `the ${key} label's value is unknown or secret, so it can't be honoured` });
        continue;
      }
      const sep = value.indexOf("_");
      if (sep < 0) {
        out.push({ problem: `the ${key} label must read "<YYYY-MM-DD>_<reason>"` });
        continue;
      }
      out.push(build(target, policy, value.slice(sep + 1).replace(/[-_]+/g, " "), value.slice(0, sep), label));
    }
  }
  return out;
}

function build(target: WaiverTarget, policy: string, reasonText: string, expiresText: string, where: string): TagWaiverResult {
  const reason = reasonText.trim();
  const expiry = expiresText.trim();
  if (reason === "") return { problem: `the ${where} has no reason` };
  if (!DATE_RE.test(expiry)) return { problem: `the ${where} must end with an expiry date YYYY-MM-DD` };
  const parsed = parseExpiry(expiry);
  if (!parsed.ok) return { problem: `the ${where} has a bad expiry: ${parsed.problem}` };
  return {
    waiver: {
      policy,
      match: target.urn ? { urn: target.urn } : {},
      reason,
      expires: parsed.date,
      expiresText: expiry,
      category: "waiver",
      origin: { source: `${where}${target.urn ? ` on ${target.urn}` : ""}` },
    },
  };
}
