/**
 * The run's part of every report cache key: everything besides the state file that changes a
 * stack's `StackReport`. Two runs share entries only when all of it is equal:
 *
 * - carbonguard's version and the cache format (the code that evaluates);
 * - the data: the bytes of the committed region, accelerator and coefficient files;
 * - the rules that run and the resolved policy config (levels and properties);
 * - the waivers as loaded (every entry from every file, inline config and environment, their
 *   problems and options), and where in time `now` falls for them (`waiverEpoch`);
 * - the grouping and the utilization the estimates use.
 *
 * Not in it: `--fail-on`, `--baseline`, formats and `generatedAt`, which act on the whole report
 * after the stacks are built.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ACCELERATOR_DATA_RELATIVE_PATH } from "../data/accelerators";
import { COEFFICIENTS_DATA_PATH } from "../data/coefficients";
import { REGION_DATA_PATH } from "../data/regions";
import type { ResolvedPolicyConfig } from "../engine/policy-config";
import type { AnyRule } from "../engine/rule";
import { packageRoot } from "../util/package-root";
import type { WaiverSet } from "../waivers";
import { waiverStatus } from "../waivers/apply";
import { isoDay } from "../waivers/dates";
import { CACHE_FORMAT } from "./cache";
import { REPORT_SCHEMA_VERSION } from "./model";

export interface RunKeyInputs {
  readonly toolVersion: string;
  readonly rules: readonly AnyRule[];
  readonly config: ReadonlyMap<string, ResolvedPolicyConfig>;
  readonly waivers: WaiverSet | undefined;
  readonly now: Date;
  /** `groupByLabel(groupBy)`. */
  readonly groupBy: string;
  readonly utilization: number;
  /** The expected figure's assumption for autoscaled capacity (--expected-utilization). */
  readonly expectedUtilization: number;
  /** Stack sources are shown relative to it. */
  readonly sourceRoot: string;
}

let dataHash: string | undefined;

/** A hash of the data files the estimates, rules and grade read (read once per process). */
export function dataFingerprint(): string {
  if (dataHash === undefined) {
    const h = createHash("sha256");
    for (const rel of [REGION_DATA_PATH, ACCELERATOR_DATA_RELATIVE_PATH, COEFFICIENTS_DATA_PATH]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path.join(packageRoot(), rel));
      } catch {
        // A broken install fails when the data is first used; the key only needs to differ.
        bytes = Buffer.from(`missing ${rel}`);
      }
      h.update(`${rel}:${bytes.length}:`);
      h.update(bytes);
    }
    dataHash = h.digest("hex");
  }
  return dataHash;
}

/**
 * Where `now` falls for the waivers, as a string that changes exactly when a verdict can:
 *
 * - for each loaded waiver, the state `waiverStatus` gives it at `now` (honoured, expired, or
 *   beyond the horizon). Its messages do not depend on `now`, so equal states give equal
 *   findings: a report a minute or a month later reuses the entries until a waiver expires or
 *   comes within the horizon;
 * - with tag waivers on, resources' own tags carry expiry dates (whole UTC days) the run cannot
 *   see in advance, so the UTC day, or the instant when `maxHorizonDays` is not a whole number of
 *   days (its boundaries then fall within a day).
 */
export function waiverEpoch(set: WaiverSet | undefined, now: Date): string {
  if (!set) return "none";
  const horizon = set.options.maxHorizonDays;
  const states = set.waivers.map((w) => waiverStatus(w, now, horizon)?.kind ?? "honoured").join(",");
  const tags = set.options.allowTagWaivers ? (Number.isInteger(horizon) ? isoDay(now) : now.toISOString()) : "off";
  return `${states};tags:${tags}`;
}

/** The run key: a hash of everything in `RunKeyInputs` that changes a stack's result. */
export function runCacheKey(inputs: RunKeyInputs): string {
  const material = {
    cacheFormat: CACHE_FORMAT,
    schema: REPORT_SCHEMA_VERSION,
    tool: inputs.toolVersion,
    data: dataFingerprint(),
    rules: inputs.rules.map((r) => [r.meta.name, r.meta.defaultLevel]),
    config: [...inputs.config.entries()],
    // Dates become ISO strings: every field of every waiver, as loaded.
    waivers: inputs.waivers ?? null,
    epoch: waiverEpoch(inputs.waivers, inputs.now),
    groupBy: inputs.groupBy,
    utilization: inputs.utilization,
    expectedUtilization: inputs.expectedUtilization,
    sourceRoot: inputs.sourceRoot,
  };
  return createHash("sha256").update(JSON.stringify(material)).digest("hex");
}
