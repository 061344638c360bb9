/**
 * The format-independent report model (conftest's idea: every renderer reads this one model).
 *
 * This is also the JSON output's schema (`--format json`), versioned by `schemaVersion` and
 * documented in docs/report-schema.md. Additive changes bump the minor version; anything else the
 * major version.
 */


export const REPORT_SCHEMA_VERSION = "1.2";

export type Level = "mandatory" | "advisory" | "remediate" | "disabled";
export type Severity = "low" | "medium" | "high" | "critical";
export type Grade = "A" | "B" | "C" | "D" | "E" | "F" | "G";

export interface Report {
  readonly schemaVersion: string;
  readonly tool: { readonly name: "carbonguard"; readonly version: string };
  /** ISO 8601; injected so golden outputs are reproducible. */
  readonly generatedAt: string;
  readonly options: {
    readonly failOn: "mandatory" | "advisory" | "never";
    readonly groupBy: string;
    readonly utilization: number;
    /**
     * Where autoscaled capacity that declares no current size is expected to run, as a share of
     * the way from its minimum to its maximum (`--expected-utilization`, default 0.5). Since 1.1.
     */
    readonly expectedUtilization: number;
  };
  readonly stacks: readonly StackReport[];
  /** Inputs that could not be read, and why. The report still covers everything else. */
  readonly unreadable: readonly UnreadableInput[];
  readonly groups: readonly GroupSummary[];
  readonly summary: Summary;
  readonly baseline?: BaselineComparison;
  /** CodeCarbon runs (`--measured`) beside the estimates; absent without `--measured`. Since 1.2. */
  readonly measured?: MeasuredSection;
  /** Where every number comes from: data sets with version/year/licence, and the estimation method. */
  readonly provenance: readonly ProvenanceEntry[];
  /** Rule metadata for every policy that ran (SARIF `tool.driver.rules`, docs links). */
  readonly rules: readonly RuleSummary[];
}

export interface StackReport {
  /** `<project>/<stack>`; unique within a report. */
  readonly id: string;
  readonly project: string;
  readonly stack: string;
  /** The input file or URL the stack was read from. */
  readonly source: string;
  /** The group this stack falls in (team, project, …) per `options.groupBy`; "(none)" when unset. */
  readonly group: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly resourceCount: number;
  readonly findings: readonly ReportFinding[];
  /** Which policies ran on the stack and their outcome, for per-policy outputs such as JUnit. */
  readonly policies: readonly PolicyOutcome[];
  readonly estimate: StackEstimate;
  readonly grade: GradeResult;
}

export interface ReportFinding {
  /** Stable fingerprint (policy + URN + part): baselines and waivers match on it. */
  readonly id: string;
  readonly policy: string;
  readonly level: Level;
  readonly severity: Severity;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly message: string;
  /** Since 1.2: which of the policy's messages this is (`ruleError` for a failed policy); stable, unlike the prose. */
  readonly messageId?: string;
  /** Since 1.2: the change that fixes it (property and value, type → types, region → regions, or an action). */
  readonly fix?: Readonly<Record<string, unknown>>;
  /** Since 1.2: the saving in `message`, with its basis. */
  readonly saving?: { readonly kgCo2ePerMonth: number; readonly basis: string };
  /** Since 1.2: the evidence behind the finding, in words. */
  readonly evidence?: readonly { readonly id: string; readonly claim: string; readonly kind: string; readonly source: string }[];
  /** Since 1.2: the long form (alternatives, provenance, caveats) that the short `message` leaves out. */
  readonly details?: readonly string[];
  /**
   * `violation`; `cannot-evaluate` when a value was unknown (e.g. a secret or preview unknown);
   * `rule-error` when the policy failed (counted as an error; keeps the policy's level: fails closed).
   */
  readonly kind: "violation" | "cannot-evaluate" | "rule-error";
  readonly waived?: WaiverMark;
  /** A waiver that matched but is expired or invalid: the finding keeps its full level. */
  readonly waiverProblem?: string;
  readonly suggestion?: Readonly<Record<string, unknown>>;
  /** Estimated kgCO2e/month the suggested fix saves, when the rule quantifies it. */
  readonly savingKgCo2ePerMonth?: number;
}

export interface WaiverMark {
  readonly reason: string;
  readonly expires: string;
  readonly approvedBy?: string;
  readonly ticket?: string;
  readonly category: "waiver" | "mitigated";
}

export interface PolicyOutcome {
  readonly policy: string;
  readonly status: "passed" | "failed" | "waived" | "not-applicable";
  readonly findings: number;
}

/** kgCO2e/month at minimum, expected and maximum capacity. */
export interface EmissionsRange {
  readonly floorKgCo2ePerMonth: number;
  readonly expectedKgCo2ePerMonth: number;
  readonly ceilingKgCo2ePerMonth: number;
}

export interface StackEstimate extends EmissionsRange {
  readonly floorKwhPerMonth: number;
  /** Since 1.1: at the declared capacity, else `options.expectedUtilization` of the autoscaled range. */
  readonly expectedKwhPerMonth: number;
  readonly ceilingKwhPerMonth: number;
  readonly embodiedKgCo2ePerMonth: number;
  /** Accelerator-hours per month at the floor (for the grade). */
  readonly acceleratorHoursPerMonth: number;
  /** Resources the estimator could not size, with the reason. */
  readonly unknown: readonly { readonly urn: string; readonly reason: string }[];
  /**
   * The largest contributors by expected emissions, biggest first (at most 10). `kgCo2ePerMonth`
   * is the floor (as in 1.0); expected and ceiling since 1.1.
   */
  readonly topResources: readonly TopResource[];
  /** Emissions by region (floor), as in 1.0. */
  readonly byRegion: Readonly<Record<string, number>>;
  /** Emissions by region at floor, expected and ceiling, for charts. Since 1.1. */
  readonly regions: Readonly<Record<string, EmissionsRange>>;
  /**
   * Since 1.2, present when some storage is sized: buckets and file systems with a declared size,
   * disks, and the volumes attached to accelerator capacity (already inside the totals above).
   */
  readonly storage?: StorageEstimate;
}

/** The storage share of a stack's estimate (CCF SSD/HDD Wh per TB-hour × replication). */
export interface StorageEstimate extends EmissionsRange {
  readonly floorKwhPerMonth: number;
  readonly expectedKwhPerMonth: number;
  readonly ceilingKwhPerMonth: number;
  /** Sized storage, biggest expected first (at most 10): the resource and what was sized ("S3 bucket 500 GB"). */
  readonly items: readonly { readonly urn: string; readonly name: string; readonly label: string; readonly expectedKgCo2ePerMonth: number }[];
}

export interface TopResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly region?: string;
  /** Floor. */
  readonly kgCo2ePerMonth: number;
  readonly expectedKgCo2ePerMonth: number;
  readonly ceilingKgCo2ePerMonth: number;
}

export interface GradeResult {
  readonly grade: Grade | "n/a";
  /** kgCO2e per accelerator-hour, and the cleanest achievable on the same hardware. */
  readonly kgPerAcceleratorHour?: number;
  readonly bestKgPerAcceleratorHour?: number;
  readonly basis: string;
}

export interface UnreadableInput {
  readonly input: string;
  readonly error: string;
}

export interface GroupSummary extends EmissionsRange {
  readonly group: string;
  readonly stacks: number;
  readonly findings: FindingCounts;
  /** kgCO2e/month the quantified findings would save if fixed. */
  readonly savingKgCo2ePerMonth: number;
  /** Stacks with the most expected emissions, biggest first (at most 5); `kgCo2ePerMonth` is the floor (as in 1.0). */
  readonly topOffenders: readonly { readonly stack: string; readonly kgCo2ePerMonth: number; readonly expectedKgCo2ePerMonth: number }[];
}

export interface FindingCounts {
  readonly mandatory: number;
  readonly advisory: number;
  readonly waived: number;
  /** Active `rule-error` findings (also in mandatory/advisory); absent when none. */
  readonly ruleErrors?: number;
  readonly bySeverity: Readonly<Record<Severity, number>>;
}

export interface Summary extends EmissionsRange {
  readonly stacks: number;
  readonly resources: number;
  readonly unreadable: number;
  readonly findings: FindingCounts;
  readonly savingKgCo2ePerMonth: number;
  /** Saving potential per policy. */
  readonly savingByPolicy: Readonly<Record<string, number>>;
  /** What `--fail-on` decided: the process exits 1 when true. */
  readonly failed: boolean;
}

export interface BaselineComparison {
  readonly source: string;
  readonly newFindings: readonly string[];
  readonly fixedFindings: readonly string[];
  readonly unchangedFindings: number;
  readonly floorKgCo2ePerMonthDelta: number;
  /** `summary.expectedKgCo2ePerMonth` now minus then; absent when the baseline is a 1.0 report. Since 1.1. */
  readonly expectedKgCo2ePerMonthDelta?: number;
}

/** Measured energy (CodeCarbon emissions.csv) compared with the estimates. Since 1.2. */
export interface MeasuredSection {
  /** The emissions.csv files read. */
  readonly files: readonly string[];
  /** The `--measured-map` file, when given. */
  readonly mapping?: string;
  /** A comparison is a finding when measured ÷ estimated kWh is above `factor` or below 1 ÷ `factor`. */
  readonly factor: number;
  /** Runs read (a run CodeCarbon flushed several times counts once). */
  readonly runs: number;
  /** Per stack with matched runs, by id. */
  readonly stacks: readonly MeasuredComparison[];
  /** Per group with matched runs, by name. */
  readonly groups: readonly MeasuredComparison[];
  /** Runs that matched no stack or group, by CodeCarbon project name (or mapping target): listed, never dropped. */
  readonly unmatched: readonly UnmatchedRuns[];
  /** Files in `--measured` folders that were not read, and why (per-task files, other CSVs). */
  readonly skipped: readonly UnreadableInput[];
}

export interface MeasuredComparison {
  /** Stack id (`project/stack`) or group name. */
  readonly id: string;
  readonly group: string;
  readonly runs: number;
  /** The period the runs cover: the first run's start to the last run's end (ISO 8601, UTC). */
  readonly from: string;
  readonly to: string;
  readonly periodHours: number;
  /** Sum of the runs' durations. */
  readonly runHours: number;
  /** CodeCarbon's `energy_consumed`, kWh (with CodeCarbon's own PUE, default 1). */
  readonly measuredKwh: number;
  /** CodeCarbon's own `emissions`, kg CO2eq, on CodeCarbon's grid figures. */
  readonly codecarbonKgCo2e: number;
  /** Runs whose `emissions` field was empty (not in `codecarbonKgCo2e`). */
  readonly runsWithoutCodecarbonKgCo2e?: number;
  /** The measured kWh re-expressed on carbonguard's basis (region grid intensity and PUE, else the country's); absent when no run could be. */
  readonly ourBasisKgCo2e?: number;
  /** The part of `measuredKwh` that `ourBasisKgCo2e` covers. */
  readonly ourBasisKwh?: number;
  /** The figures used for `ourBasisKgCo2e`, each with its source and year. */
  readonly ourBasis: readonly string[];
  /** The expected estimate over `periodHours` (expected kWh/month × periodHours ÷ 730). */
  readonly estimatedKwh: number;
  readonly estimatedKgCo2e: number;
  /** measuredKwh ÷ estimatedKwh; absent when the estimate is 0. */
  readonly ratio?: number;
  /** Set when the two differ by more than `factor` either way (or runs were measured where nothing is estimated). */
  readonly finding?: "measured-above-estimate" | "measured-below-estimate";
  /** Stacks only, when `ml-stack-carbon-budget` has a `maxKgCo2ePerMonth`: the budget judged on the measured figure. */
  readonly budget?: MeasuredBudget;
}

/** `ml-stack-carbon-budget` on measured values (the policy's own finding stays on the estimate). Since 1.2. */
export interface MeasuredBudget {
  readonly maxKgCo2ePerMonth: number;
  /** Always `measured` here: the figure below is the runs' kgCO2e scaled to a month (× 730 h ÷ periodHours). */
  readonly used: "measured";
  /** Whose kgCO2e: carbonguard's basis when every run could be re-expressed, else CodeCarbon's own. */
  readonly source: "carbonguard-basis" | "codecarbon";
  /** Operational only: CodeCarbon measures electricity, not embodied emissions. */
  readonly measuredKgCo2ePerMonth: number;
  readonly overBudget: boolean;
}

export interface UnmatchedRuns {
  /** CodeCarbon's project_name, or the mapping file's target that is not in the report. */
  readonly projectName: string;
  readonly runs: number;
  readonly measuredKwh: number;
  readonly codecarbonKgCo2e: number;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  /** The first rows (`file:line`). */
  readonly examples: readonly string[];
}

export interface ProvenanceEntry {
  readonly name: string;
  readonly version: string;
  readonly year?: number;
  readonly licence?: string;
  readonly basis?: string;
}

export interface RuleSummary {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly defaultLevel: Level;
  readonly severity: Severity;
  readonly url: string;
  readonly remediationSteps: string;
}

/** Receives a rendered document piece by piece. */
export type Sink = (chunk: string) => void;

/** Which stacks to read, in which order (default: id order). */
export interface StackSelection {
  readonly order?: (a: StackDigest, b: StackDigest) => number;
  readonly filter?: (d: StackDigest) => boolean;
}

/**
 * What a renderer reads: the report without its stacks held in memory. `digests` has every
 * stack's few totals (in id order); `stacks()` reads the stacks themselves one at a time (from
 * disk in a streamed report), so a renderer iterates them and keeps nothing: each call starts over.
 */
export interface RenderInput extends Omit<Report, "stacks"> {
  readonly digests: readonly StackDigest[];
  stacks(select?: StackSelection): Iterable<StackReport>;
}

/**
 * One output format. Renderers are pure: model in, text out. `write` streams the document to a
 * sink; `render` is the same document as one string (`write` over an in-memory report).
 */
export interface Renderer {
  readonly format: string;
  /** Default file extension for `--out` suggestions. */
  readonly extension: string;
  write(input: RenderInput, sink: Sink): void;
  render(report: Report): string;
}

// ---------------------------------------------------------------------------------------------
// Digests (src/report/digest.ts computes them): a stack's few numbers a report needs besides the stack.

/** Active findings by level, and waived ones (as the renderers count them). */
export interface StackCounts {
  readonly mandatory: number;
  readonly advisory: number;
  /** Active findings at another level (`remediate`, `disabled`: only from hand-made models). */
  readonly other: number;
  readonly waived: number;
}

export interface StackDigest {
  readonly id: string;
  /** The Pulumi project (to match measured runs by project name). */
  readonly project: string;
  readonly group: string;
  readonly resourceCount: number;
  readonly findings: number;
  readonly floorKgCo2ePerMonth: number;
  readonly expectedKgCo2ePerMonth: number;
  readonly ceilingKgCo2ePerMonth: number;
  /** Expected kWh/month (measured energy is compared with it). */
  readonly expectedKwhPerMonth: number;
  readonly regions: Readonly<Record<string, EmissionsRange>>;
  /** For the summary and group totals. */
  readonly counts: FindingCounts;
  /** For ordering stacks by attention. */
  readonly attention: StackCounts;
  /** The saving of each active finding that quantifies one, in finding order: [policy, kg]. */
  readonly savings: readonly (readonly [string, number])[];
  /** The policies the stack's findings are about (each once), so no renderer reads every stack to learn them. */
  readonly findingPolicies: readonly string[];
}
