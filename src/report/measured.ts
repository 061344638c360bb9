/**
 * Measured energy beside the estimates (issue 19): CodeCarbon runs (src/inputs/codecarbon.ts)
 * matched to stacks or groups, aggregated, and compared with each stack's expected kWh over the
 * period the runs cover.
 *
 * Memory stays flat: runs are folded into a small map keyed by where they go (a stack, a group, or
 * a CodeCarbon project name still to be matched) as they are read; no list of runs is kept.
 *
 * Matching, first hit wins: the mapping file's `run_id`, then `experiment_id`, then
 * `project_name` entries; else `project_name` equal to a stack id (`project/stack`) or to the
 * Pulumi project of exactly one stack. Anything else is listed as unmatched, never dropped.
 */
import { readFileSync } from "node:fs";
import { type RegionFacts, regionFacts, allRegions } from "../data/regions";
import type { Cloud } from "../data/types";
import { HOURS_PER_MONTH } from "../estimate";
import { type MeasuredRun, readCodeCarbon } from "../inputs/codecarbon";
import type { StackDigest } from "./digest";
import { round } from "./group";
import type { MeasuredBudget, MeasuredComparison, MeasuredSection, UnmatchedRuns, UnreadableInput } from "./model";

export const DEFAULT_MEASURED_FACTOR = 2;

/** Where the mapping file sends a run. */
export type MeasuredTarget = { readonly stack: string } | { readonly group: string };

export interface MeasuredMapping {
  readonly source: string;
  readonly byRunId: ReadonlyMap<string, MeasuredTarget>;
  readonly byExperimentId: ReadonlyMap<string, MeasuredTarget>;
  readonly byProjectName: ReadonlyMap<string, MeasuredTarget>;
}

/** A mapping file that cannot be used: the run would mean something else, so it stops (exit 2). */
export class MeasuredMappingError extends Error {
  override readonly name = "MeasuredMappingError";
}

const MATCH_KEYS = ["run_id", "experiment_id", "project_name"] as const;

/**
 * Reads a mapping file (JSON, or YAML for any other extension):
 *
 *   runs:
 *     - { project_name: llm-finetune, stack: training/gpu }
 *     - { run_id: 2392f828-…, group: nlp }        # `team` is read as `group`
 */
export function loadMeasuredMapping(file: string): MeasuredMapping {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new MeasuredMappingError(`measured mapping ${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  return parseMeasuredMapping(file, text);
}

export function parseMeasuredMapping(source: string, text: string): MeasuredMapping {
  const fail = (what: string): never => {
    throw new MeasuredMappingError(`measured mapping ${source}: ${what}`);
  };
  let doc: unknown;
  try {
    if (source.toLowerCase().endsWith(".json")) doc = JSON.parse(text);
    else {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const yaml = require("js-yaml") as { load(t: string, o: { schema: unknown }): unknown; CORE_SCHEMA: unknown };
      doc = yaml.load(text, { schema: yaml.CORE_SCHEMA });
    }
  } catch (error) {
    fail(`not valid ${source.toLowerCase().endsWith(".json") ? "JSON" : "YAML"}: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`);
  }
  const runs = (doc as { runs?: unknown } | null)?.runs;
  if (!Array.isArray(runs)) fail("expected a `runs:` list of {project_name | run_id | experiment_id, stack | group}");
  const maps = { run_id: new Map<string, MeasuredTarget>(), experiment_id: new Map<string, MeasuredTarget>(), project_name: new Map<string, MeasuredTarget>() };
  (runs as unknown[]).forEach((entry, i) => {
    const at = `runs[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) fail(`${at} is not a mapping`);
    const e = entry as Record<string, unknown>;
    const keys = MATCH_KEYS.filter((k) => e[k] !== undefined);
    if (keys.length !== 1) fail(`${at} needs exactly one of ${MATCH_KEYS.join(", ")}`);
    const key = keys[0] as (typeof MATCH_KEYS)[number];
    const value = e[key];
    if (typeof value !== "string" || value.trim() === "") fail(`${at}.${key} must be a non-empty string`);
    const group = e["group"] ?? e["team"];
    const stack = e["stack"];
    if ((stack === undefined) === (group === undefined)) fail(`${at} needs exactly one of stack (project/stack) or group (team)`);
    if (stack !== undefined && (typeof stack !== "string" || !/^[^/\s]+\/[^/\s]+$/.test(stack.trim()))) fail(`${at}.stack must be 'project/stack'`);
    if (group !== undefined && (typeof group !== "string" || group.trim() === "")) fail(`${at}.group must be a non-empty string`);
    const target: MeasuredTarget = stack !== undefined ? { stack: (stack as string).trim() } : { group: (group as string).trim() };
    const k = (value as string).trim();
    if (maps[key].has(k)) fail(`${at}: ${key} '${k}' is mapped twice`);
    maps[key].set(k, target);
  });
  return { source, byRunId: maps.run_id, byExperimentId: maps.experiment_id, byProjectName: maps.project_name };
}

// ---------------------------------------------------------------------------------------------
// Our one basis: the run's cloud region's grid intensity and PUE (region-data), else its country's.

/** ISO 3166 alpha-3 → alpha-2 for the countries region-data has regions in (CodeCarbon writes alpha-3). */
const ISO3_TO_ISO2: Readonly<Record<string, string>> = {
  ARE: "AE", AUS: "AU", BEL: "BE", BHR: "BH", BRA: "BR", CAN: "CA", CHE: "CH", CHL: "CL", DEU: "DE", ESP: "ES",
  FIN: "FI", FRA: "FR", GBR: "GB", HKG: "HK", IDN: "ID", IRL: "IE", ISR: "IL", IND: "IN", ITA: "IT", JPN: "JP",
  KOR: "KR", MEX: "MX", MYS: "MY", NLD: "NL", NZL: "NZ", POL: "PL", QAT: "QA", SAU: "SA", SWE: "SE", SGP: "SG",
  THA: "TH", TWN: "TW", USA: "US", ZAF: "ZA",
};

export function iso2Of(iso3: string): string | undefined {
  return ISO3_TO_ISO2[iso3.toUpperCase()];
}

/** How one run is re-expressed: gCO2e/kWh and the PUE applied, and a label that says where from. */
export interface RunBasis {
  readonly gCo2ePerKwh: number;
  /** Our PUE for the region; absent on a country basis (CodeCarbon's own PUE is kept). */
  readonly pue?: number;
  readonly label: string;
}

const basisCache = new Map<string, RunBasis | null>();

/**
 * The run's figure on our basis. A cloud region we know: its Electricity Maps zone figure and
 * provider PUE (as the estimates use). Else the country, when region-data has a zone that is the
 * whole country (zone id = ISO code, e.g. DE, FR, SG); a country split into zones (US, CA, JP, IN…)
 * has no single figure and the run keeps only CodeCarbon's own.
 */
export function runBasis(run: Pick<MeasuredRun, "onCloud" | "cloudProvider" | "cloudRegion" | "countryIsoCode">): RunBasis | undefined {
  const key = `${run.onCloud ? `${run.cloudProvider ?? ""}|${run.cloudRegion ?? ""}` : "|"}|${run.countryIsoCode ?? ""}`;
  const hit = basisCache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const made = computeBasis(run) ?? null;
  basisCache.set(key, made);
  return made ?? undefined;
}

function computeBasis(run: Pick<MeasuredRun, "onCloud" | "cloudProvider" | "cloudRegion" | "countryIsoCode">): RunBasis | undefined {
  if (run.onCloud && (run.cloudProvider === "aws" || run.cloudProvider === "gcp") && run.cloudRegion) {
    const facts: RegionFacts | undefined = regionFacts(run.cloudProvider as Cloud, run.cloudRegion);
    if (facts?.gridIntensity) {
      const g = facts.gridIntensity;
      return { gCo2ePerKwh: g.value, pue: facts.pue.value, label: `${facts.cloud} ${facts.region}: ${g.value} gCO2e/kWh (${g.source}, ${g.year}) × PUE ${facts.pue.value} (${facts.pue.source})` };
    }
  }
  const iso2 = run.countryIsoCode ? iso2Of(run.countryIsoCode) : undefined;
  if (!iso2) return undefined;
  const zone = allRegions().find((r) => r.gridZone === iso2 && r.gridIntensity);
  if (!zone?.gridIntensity) return undefined;
  const g = zone.gridIntensity;
  return { gCo2ePerKwh: g.value, label: `country ${run.countryIsoCode}: ${g.value} gCO2e/kWh (${g.source}, ${g.year}), CodeCarbon's PUE` };
}

// ---------------------------------------------------------------------------------------------
// Aggregation

interface Tally {
  runs: number;
  kwh: number;
  codecarbonKg: number;
  /** Runs without CodeCarbon's `emissions` figure. */
  runsWithoutKg: number;
  ourKg: number;
  /** kWh that could be re-expressed on our basis. */
  ourKwh: number;
  start: number;
  end: number;
  runSeconds: number;
  readonly basis: Set<string>;
  /** The first rows, to point people at (unmatched listings). */
  readonly sources: string[];
}

function emptyTally(): Tally {
  return { runs: 0, kwh: 0, codecarbonKg: 0, runsWithoutKg: 0, ourKg: 0, ourKwh: 0, start: Infinity, end: -Infinity, runSeconds: 0, basis: new Set(), sources: [] };
}

const MAX_BASIS_LABELS = 8;
const MAX_SOURCES = 3;

function add(t: Tally, run: MeasuredRun): void {
  t.runs++;
  t.kwh += run.kwh;
  if (run.kgCo2e !== undefined) t.codecarbonKg += run.kgCo2e;
  else t.runsWithoutKg++;
  t.start = Math.min(t.start, run.start);
  t.end = Math.max(t.end, run.end);
  t.runSeconds += run.durationSeconds;
  if (t.sources.length < MAX_SOURCES) t.sources.push(run.source);
  const basis = runBasis(run);
  if (basis) {
    // CodeCarbon's energy_consumed carries its own PUE: take it out, put ours in (region basis).
    const kwh = basis.pue !== undefined ? (run.kwh / run.pue) * basis.pue : run.kwh;
    t.ourKwh += run.kwh;
    t.ourKg += (kwh * basis.gCo2ePerKwh) / 1000;
    if (t.basis.size < MAX_BASIS_LABELS) t.basis.add(basis.label);
  }
}

function merge(into: Tally, t: Tally): void {
  into.runs += t.runs;
  into.kwh += t.kwh;
  into.codecarbonKg += t.codecarbonKg;
  into.runsWithoutKg += t.runsWithoutKg;
  into.ourKg += t.ourKg;
  into.ourKwh += t.ourKwh;
  into.start = Math.min(into.start, t.start);
  into.end = Math.max(into.end, t.end);
  into.runSeconds += t.runSeconds;
  for (const b of t.basis) if (into.basis.size < MAX_BASIS_LABELS) into.basis.add(b);
  for (const s of t.sources) if (into.sources.length < MAX_SOURCES) into.sources.push(s);
}

/** Runs read from `--measured`, folded by where they go; ready to be matched once stacks are known. */
export interface MeasuredInput {
  readonly files: readonly string[];
  readonly mapping?: string;
  readonly factor: number;
  readonly runs: number;
  /** Bad rows and unreadable files (`file:line`), for the report's `unreadable`. */
  readonly problems: readonly UnreadableInput[];
  readonly skipped: readonly UnreadableInput[];
  /** Keyed `stack:<id>`, `group:<name>`, or `project:<project_name>` (to match by name). */
  readonly tallies: ReadonlyMap<string, Tally>;
}

export function readMeasured(paths: readonly string[], options: { mapping?: MeasuredMapping; factor?: number } = {}): MeasuredInput {
  const tallies = new Map<string, Tally>();
  const m = options.mapping;
  const read = readCodeCarbon(paths, (run) => {
    const target = (run.runId !== undefined ? m?.byRunId.get(run.runId) : undefined) ?? (run.experimentId !== undefined ? m?.byExperimentId.get(run.experimentId) : undefined) ?? m?.byProjectName.get(run.projectName);
    const key = target ? ("stack" in target ? `stack:${target.stack}` : `group:${target.group}`) : `project:${run.projectName}`;
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = emptyTally()));
    add(t, run);
  });
  return {
    files: read.files,
    ...(m ? { mapping: m.source } : {}),
    factor: options.factor ?? DEFAULT_MEASURED_FACTOR,
    runs: read.runs,
    problems: read.problems.map((p) => ({ input: p.input, error: `measured energy: ${p.error}` })),
    skipped: read.skipped.map((p) => ({ input: p.input, error: p.error })),
    tallies,
  };
}

// ---------------------------------------------------------------------------------------------
// Comparison

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

function compare(id: string, group: string, t: Tally, estimatedKwh: number, estimatedKg: number, factor: number): MeasuredComparison {
  const ratio = estimatedKwh > 0 ? t.kwh / estimatedKwh : undefined;
  const finding = ratio === undefined ? (t.kwh > 0 ? "measured-above-estimate" : undefined) : ratio > factor ? "measured-above-estimate" : ratio < 1 / factor ? "measured-below-estimate" : undefined;
  return {
    id,
    group,
    runs: t.runs,
    from: iso(t.start),
    to: iso(t.end),
    periodHours: round(Math.max(0, t.end - t.start) / 3_600_000),
    runHours: round(t.runSeconds / 3600),
    measuredKwh: round(t.kwh),
    codecarbonKgCo2e: round(t.codecarbonKg),
    ...(t.runsWithoutKg > 0 ? { runsWithoutCodecarbonKgCo2e: t.runsWithoutKg } : {}),
    ...(t.ourKwh > 0 ? { ourBasisKgCo2e: round(t.ourKg), ourBasisKwh: round(t.ourKwh) } : {}),
    ourBasis: [...t.basis].sort(),
    estimatedKwh: round(estimatedKwh),
    estimatedKgCo2e: round(estimatedKg),
    ...(ratio !== undefined ? { ratio: round(ratio, 2) } : {}),
    ...(finding ? { finding } : {}),
  };
}

/**
 * `ml-stack-carbon-budget` on the measured figure: the runs' kgCO2e over their period, scaled to
 * a month. carbonguard's basis when every run has one (the budget is on that basis), else
 * CodeCarbon's own figure. Undefined when the runs cover no time.
 */
function measuredBudget(c: MeasuredComparison, maxKgCo2ePerMonth: number): MeasuredBudget | undefined {
  if (!(c.periodHours > 0)) return undefined;
  const ours = c.ourBasisKgCo2e !== undefined && c.ourBasisKwh === c.measuredKwh;
  const kg = ours ? (c.ourBasisKgCo2e as number) : c.codecarbonKgCo2e;
  const perMonth = round((kg * HOURS_PER_MONTH) / c.periodHours);
  return { maxKgCo2ePerMonth, used: "measured", source: ours ? "carbonguard-basis" : "codecarbon", measuredKgCo2ePerMonth: perMonth, overBudget: perMonth > maxKgCo2ePerMonth };
}

/** What a stack's estimate comes to over `hours`. */
function overHours(d: StackDigest, hours: number): { kwh: number; kg: number } {
  return { kwh: (d.expectedKwhPerMonth * hours) / HOURS_PER_MONTH, kg: (d.expectedKgCo2ePerMonth * hours) / HOURS_PER_MONTH };
}

function hoursOf(t: Tally): number {
  return Math.max(0, t.end - t.start) / 3_600_000;
}

/**
 * Matches the tallies to the report's stacks and compares: per stack (the stack's expected kWh
 * over the span of its runs), per group (its stacks' comparisons, plus runs mapped to the group
 * itself against the whole group's estimate over their span), and the runs that matched nothing.
 */
export function compareMeasured(input: MeasuredInput, digests: readonly StackDigest[], budget?: { readonly maxKgCo2ePerMonth: number }): MeasuredSection {
  const byId = new Map(digests.map((d) => [d.id, d]));
  const byProject = new Map<string, StackDigest[]>();
  for (const d of digests) byProject.set(d.project, [...(byProject.get(d.project) ?? []), d]);
  const groupNames = new Set(digests.map((d) => d.group));

  const stackTallies = new Map<string, Tally>();
  const groupTallies = new Map<string, Tally>();
  const unmatched: UnmatchedRuns[] = [];
  const toStack = (id: string, t: Tally) => {
    const into = stackTallies.get(id) ?? emptyTally();
    merge(into, t);
    stackTallies.set(id, into);
  };
  const unmatchedOf = (projectName: string, t: Tally, reason: string): UnmatchedRuns => ({
    projectName,
    runs: t.runs,
    measuredKwh: round(t.kwh),
    codecarbonKgCo2e: round(t.codecarbonKg),
    from: iso(t.start),
    to: iso(t.end),
    reason,
    examples: [...t.sources],
  });
  for (const [key, t] of input.tallies) {
    const colon = key.indexOf(":");
    const kind = key.slice(0, colon);
    const name = key.slice(colon + 1);
    if (kind === "stack") {
      if (byId.has(name)) toStack(name, t);
      else unmatched.push(unmatchedOf(name, t, `the mapping file sends these runs to stack ${name}, which is not in this report`));
    } else if (kind === "group") {
      if (groupNames.has(name)) groupTallies.set(name, t);
      else unmatched.push(unmatchedOf(name, t, `the mapping file sends these runs to group ${name}, which no stack of this report is in`));
    } else {
      const exact = byId.get(name);
      const inProject = byProject.get(name) ?? [];
      if (exact) toStack(exact.id, t);
      else if (inProject.length === 1) toStack((inProject[0] as StackDigest).id, t);
      else if (inProject.length > 1) unmatched.push(unmatchedOf(name, t, `project ${name} has ${inProject.length} stacks (${inProject.map((d) => d.id).slice(0, 4).join(", ")}): map project_name ${name} to one in the mapping file`));
      else unmatched.push(unmatchedOf(name, t, `${name} is neither a stack nor a Pulumi project of this report, and no mapping file entry names it`));
    }
  }

  const stacks: MeasuredComparison[] = [];
  const groupParts = new Map<string, { tally: Tally; kwh: number; kg: number }>();
  const groupPart = (g: string) => {
    let p = groupParts.get(g);
    if (!p) groupParts.set(g, (p = { tally: emptyTally(), kwh: 0, kg: 0 }));
    return p;
  };
  for (const [id, t] of [...stackTallies].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const d = byId.get(id) as StackDigest;
    const est = overHours(d, hoursOf(t));
    const c = compare(id, d.group, t, est.kwh, est.kg, input.factor);
    const judged = budget ? measuredBudget(c, budget.maxKgCo2ePerMonth) : undefined;
    stacks.push(judged ? { ...c, budget: judged } : c);
    const p = groupPart(d.group);
    merge(p.tally, t);
    p.kwh += est.kwh;
    p.kg += est.kg;
  }
  for (const [g, t] of groupTallies) {
    const hours = hoursOf(t);
    const p = groupPart(g);
    merge(p.tally, t);
    for (const d of digests) {
      if (d.group !== g) continue;
      const est = overHours(d, hours);
      p.kwh += est.kwh;
      p.kg += est.kg;
    }
  }
  const groups = [...groupParts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([g, p]) => compare(g, g, p.tally, p.kwh, p.kg, input.factor));
  unmatched.sort((a, b) => (a.projectName < b.projectName ? -1 : a.projectName > b.projectName ? 1 : 0));
  return {
    files: [...input.files],
    ...(input.mapping ? { mapping: input.mapping } : {}),
    factor: input.factor,
    runs: input.runs,
    stacks,
    groups,
    unmatched,
    skipped: [...input.skipped],
  };
}
