/**
 * Waivers: a time-boxed, reasoned exception for one policy on some resources. The same model serves
 * the CrossGuard pack and the reports; see docs/waivers.md.
 */

import type { TagValue } from "../engine/view";

export type WaiverCategory = "waiver" | "mitigated";

/** The resource fields a waiver's `match` can select on; every value is a glob (`*`, `?`). */
export interface WaiverMatch {
  readonly urn?: string;
  readonly stack?: string;
  readonly project?: string;
  readonly name?: string;
  readonly type?: string;
}

export const MATCH_FIELDS = ["urn", "stack", "project", "name", "type"] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];

/** Where a waiver came from: a file (absolute path) or inline config, and its index in `waivers`. */
export interface WaiverOrigin {
  /** A file path, `policy config carbonguard-waivers.waivers`, or `tag <key> on <urn>`. */
  readonly source: string;
  /** Index in the source's `waivers` list (absent for tag waivers). */
  readonly index?: number;
}

/** A validated waiver entry. */
export interface Waiver {
  /** Policy name, or a glob over policy names. */
  readonly policy: string;
  readonly match: WaiverMatch;
  readonly reason: string;
  /** The instant the waiver stops applying. */
  readonly expires: Date;
  /** `expires` as written (a date `2025-09-01` or a timestamp), for messages. */
  readonly expiresText: string;
  readonly approvedBy?: string;
  readonly requestedBy?: string;
  readonly ticket?: string;
  readonly category: WaiverCategory;
  readonly origin: WaiverOrigin;
}

/** A structural problem in a waiver input: names the source, the entry index and the field. */
export interface WaiverLoadProblem {
  readonly source: string;
  readonly index?: number;
  readonly field?: string;
  readonly message: string;
}

export interface WaiverOptions {
  /** A waiver expiring further ahead than this is not honoured (default 180). */
  readonly maxHorizonDays: number;
  /** Honour `carbonguard-waiver` tags/labels on resources (self-granted; default false). */
  readonly allowTagWaivers: boolean;
}

export const DEFAULT_WAIVER_OPTIONS: WaiverOptions = { maxHorizonDays: 180, allowTagWaivers: false };

/**
 * Everything loaded from one or more waiver inputs. When `problems` is non-empty the whole set
 * fails closed: no waiver applies, and every finding carries a note naming the first problem.
 */
export interface WaiverSet {
  readonly waivers: readonly Waiver[];
  readonly problems: readonly WaiverLoadProblem[];
  /** The inputs read (file paths, inline config). */
  readonly sources: readonly string[];
  readonly options: WaiverOptions;
}

/** The identity of a finding for waivers: policy + URN, plus the fields `match` can select on. */
export interface WaiverTarget {
  readonly policy: string;
  readonly urn?: string;
  readonly stack?: string;
  readonly project?: string;
  readonly type?: string;
  readonly name?: string;
  /** The resource's tags/labels (only read when tag waivers are on, or to say they are off). */
  readonly tags?: ReadonlyMap<string, TagValue> | Readonly<Record<string, string>>;
}

/** What a waived finding carries. */
export interface WaivedMark {
  readonly reason: string;
  readonly approvedBy?: string;
  readonly requestedBy?: string;
  /** ISO 8601 instant. */
  readonly expires: string;
  /** As written in the waiver. */
  readonly expiresText: string;
  readonly category: WaiverCategory;
  readonly ticket?: string;
  readonly origin: WaiverOrigin;
  /** True for a tag waiver (granted by whoever can tag the resource). */
  readonly selfGranted: boolean;
}

export type WaiverProblemKind = "expired" | "beyond-horizon" | "invalid-waivers" | "invalid-tag" | "tag-waivers-off";

/** Why a finding that a waiver was meant to cover still applies at its full level. */
export interface WaiverProblem {
  readonly kind: WaiverProblemKind;
  /** One sentence for people, e.g. "waiver expired on 2025-05-01 (waivers.yaml waivers[2]: …)". */
  readonly message: string;
  readonly origin?: WaiverOrigin;
}

export type WaiverOutcome =
  | { readonly state: "waived"; readonly waived: WaivedMark }
  | { readonly state: "problem"; readonly problem: WaiverProblem }
  | { readonly state: "none" };
