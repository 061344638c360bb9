/**
 * `buildReport(options)`: the report pipeline. Streams over the inputs one stack at a time: each
 * stack is evaluated (the pack's rules and config), estimated, waived, graded and grouped, then
 * reduced to its small `StackReport` before the next one is read, so memory follows the size of
 * the report, not the size of the state. Then groups, totals, savings, the baseline comparison,
 * provenance and rule metadata.
 *
 *   const report = await buildReport({ inputs: readInputs(["backend/"]), groupBy: "team" });
 *
 * Never throws for any input: unreadable inputs (and stacks that could not be evaluated) are listed
 * in `unreadable`, and everything readable is still reported.
 */
import type { ResolvedPolicyConfig } from "../engine/policy-config";
import type { AnyRule } from "../engine/rule";
import { DEFAULT_UTILIZATION, resolveOptions } from "../estimate";
import type { InputError, InputFile, InputItem } from "../inputs";
import { RULES } from "../rules";
import type { WaiverSet } from "../waivers";
import { type Baseline, BaselineTracker } from "./baseline";
import { type StackDigest, digestOf } from "./digest";
import { type GroupBy, addCounts, addSavings, emptyCounts, groupByLabel, groupByOrDefault, round, roundedByKey, summarizeGroups } from "./group";
import { REPORT_SCHEMA_VERSION, type RenderInput, type Report, type StackReport, type StackSelection, type Summary, type UnreadableInput } from "./model";
import { type MeasuredInput, compareMeasured } from "./measured";
import { selectDigests } from "./render-input";
import { type SpoolRef, StackSpool } from "./spool";
import { reportProvenance, reportRules, toolVersion } from "./provenance";
import { type JobResult, StackPool } from "./pool";
import { evaluateInput, stackContext } from "./stack";
import { type CacheSettings, type CachedStack, ReportCache } from "./cache";
import { deserialize } from "node:v8";
import { runCacheKey } from "./cache-key";
import { evaluateFile } from "./evaluate-file";

export type FailOn = "mandatory" | "advisory" | "never";

export interface BuildProgress {
  /** Stacks and unreadable inputs handled so far. */
  readonly done: number;
  readonly stack?: string;
  readonly error?: InputError;
}

export interface BuildReportOptions {
  /**
   * The stacks: `readInputs(paths)`, `readPulumiCloud(…)`, or any mix (`concatInputs`); or files
   * to read (`listInputs(paths)`), which worker threads can read and evaluate in parallel.
   */
  readonly inputs: AsyncIterable<InputItem | InputFile> | Iterable<InputItem | InputFile>;
  /**
   * Threads evaluating listed files: this one and `jobs - 1` worker threads (default 1: everything
   * in this thread). Workers are used only when running compiled and once a run has more than a
   * few files; results are the same either way.
   */
  readonly jobs?: number;
  /**
   * Files this thread parses and evaluates before workers start (default 64: a small run is
   * faster without them). Report cache hits do not count: a warm run rarely needs workers.
   */
  readonly workersAfterFiles?: number;
  /** The worker script (default: dist/src/report/worker.js beside this module). */
  readonly workerScript?: string;
  /** Default: every carbonguard rule. */
  readonly rules?: readonly AnyRule[];
  /** From `resolvePolicyConfig(RULES, loadPolicyConfig(file), file)`; default: every rule at its default level. */
  readonly policyConfig?: ReadonlyMap<string, ResolvedPolicyConfig>;
  readonly waivers?: WaiverSet;
  /** `team` (default), `project` or `tag:<key>`. */
  readonly groupBy?: string;
  /** Default `mandatory`. */
  readonly failOn?: FailOn;
  /** Accelerator/CPU utilization for the estimates, 0–1 (default 0.5). */
  readonly utilization?: number;
  /** Share of an autoscaled range (minimum → maximum) expected to run where no size is declared, 0–1 (default 0.5). */
  readonly expectedUtilization?: number;
  /** Stack sources are shown relative to this folder (default: the current working directory). */
  readonly sourceRoot?: string;
  readonly baseline?: Baseline;
  /** CodeCarbon runs read by `readMeasured` (src/report/measured.ts), compared with the estimates. */
  readonly measured?: MeasuredInput;
  /** The instant waivers are judged at (default: now). */
  readonly now?: Date;
  /** ISO 8601 (default: `now`). */
  readonly generatedAt?: string;
  readonly toolVersion?: string;
  /** Inputs the caller could not read itself (e.g. a waiver file), listed with the others. */
  readonly unreadable?: readonly UnreadableInput[];
  readonly onProgress?: (progress: BuildProgress) => void;
  /** Problems that did not stop a stack's read (a malformed resource entry skipped, …). */
  readonly onWarning?: (source: string, warning: string) => void;
  /**
   * Keep each stack file's result in this folder and reuse it while the file and everything else
   * that changes the result are the same (src/report/cache.ts). Only for files and backend
   * folders; ignored with custom `rules`. Creating the folder throws (the caller names it).
   */
  readonly cache?: { readonly dir: string; readonly maxBytes?: number };
}

/** Longest stretch the build runs without letting the event loop in (signals, timers). */
const PAUSE_EVERY_MS = 50;

/**
 * Files read in this thread before a worker pool is worth starting: a worker costs ~0.15 s of
 * start-up and JIT warm-up on a core this thread is also using (measured on 2 cores: 8 → 0.72 s
 * for 100 stacks, 64 → 0.68 s, none → 0.61 s; at 1,000 stacks 64 gives 2.75 s, 150 gives 2.87 s).
 */
const POOL_AFTER_FILES = 64;

/** A result in the input-order queue: settled, or still with a worker. */
interface Pending {
  result?: JobResult;
  readonly promise?: Promise<JobResult>;
}

function pending(promise: Promise<JobResult>): Pending {
  const p: Pending = { promise };
  void promise.then((r) => (p.result = r));
  return p;
}

/** Several input streams as one, in order. */
export async function* concatInputs(...streams: (AsyncIterable<InputItem | InputFile> | Iterable<InputItem | InputFile>)[]): AsyncGenerator<InputItem | InputFile, void, undefined> {
  for (const s of streams) yield* s;
}

/** A built report's stacks as renderers read them: digests in id order, stacks on demand. */
export interface StreamedReport extends RenderInput {
  /** Deletes the report's temporary file. The report cannot be rendered after. */
  close(): void;
}

export interface StreamReportOptions extends BuildReportOptions {
  /** Where the temporary file of stacks goes (default: the OS temp folder). */
  readonly spoolDir?: string;
}

/** The report held in memory: every stack as a `StackReport`, sorted by id. */
export async function buildReport(options: BuildReportOptions): Promise<Report> {
  const built = await collectStacks(options, (stack) => stack);
  const { digests, stacks } = built;
  // The model's key order (schemaVersion, tool, generatedAt, options, stacks, …), whatever the head holds.
  const { schemaVersion, tool, generatedAt, options: reportOptions, ...rest } = reportHead(options, built);
  return { schemaVersion, tool, generatedAt, options: reportOptions, stacks: digests.map((d) => stacks.get(d) as StackReport), ...rest };
}

/**
 * The report streamed: each stack goes to a temporary file as soon as it is built and only its
 * digest stays in memory, so memory does not grow with the number of stacks. Renderers read the
 * stacks back one at a time (`stacks()`). Call `close()` when done.
 */
export async function streamReport(options: StreamReportOptions): Promise<StreamedReport> {
  const spool = new StackSpool(options.spoolDir);
  try {
    const built = await collectStacks(options, (stack) => spool.append(stack), (bytes) => spool.appendSerialized(bytes));
    const { digests, stacks } = built;
    return {
      ...reportHead(options, built),
      digests,
      stacks: (select: StackSelection = {}) => readBack(selectDigests(digests, select), (d) => spool.read(stacks.get(d) as SpoolRef)),
      close: () => spool.close(),
    };
  } catch (error) {
    spool.close();
    throw error;
  }
}

function* readBack(digests: readonly StackDigest[], read: (d: StackDigest) => StackReport): Generator<StackReport, void, undefined> {
  for (const d of digests) yield read(d);
}

interface Collected<T> {
  /** Every stack's digest, sorted by id. */
  readonly digests: StackDigest[];
  /** Where each stack is kept (itself, or its place in the spool). */
  readonly stacks: Map<StackDigest, T>;
  readonly unreadable: UnreadableInput[];
  readonly baseline: BaselineTracker | undefined;
  readonly failOn: FailOn;
  readonly groupBy: GroupBy;
  readonly utilization: number;
  readonly expectedUtilization: number;
  readonly now: Date;
  readonly rules: readonly AnyRule[];
  readonly config: ReadonlyMap<string, ResolvedPolicyConfig>;
}

/**
 * Reads, evaluates and reduces every input one stack at a time; each `StackReport` is handed to
 * `keep` and only its digest (and what `keep` returns) is held. A stack from the report cache
 * arrives serialized and goes to `keepSerialized` as it is, when given.
 */
async function collectStacks<T>(options: BuildReportOptions, keep: (stack: StackReport) => T, keepSerialized?: (bytes: Buffer) => T): Promise<Collected<T>> {
  const groupBy = groupByOrDefault(options.groupBy);
  const utilization = typeof options.utilization === "number" && Number.isFinite(options.utilization) ? Math.min(1, Math.max(0, options.utilization)) : DEFAULT_UTILIZATION;
  const expectedUtilization = resolveOptions({ expectedUtilization: options.expectedUtilization }).expectedUtilization;
  const sourceRoot = options.sourceRoot ?? process.cwd();
  const failOn: FailOn = options.failOn ?? "mandatory";
  const now = options.now ?? new Date();
  const rules = options.rules ?? RULES;
  const config = options.policyConfig ?? new Map<string, ResolvedPolicyConfig>();
  const ctx = stackContext({ rules, config, waivers: options.waivers, now, groupBy, utilization, expectedUtilization, sourceRoot });
  // Custom rules are functions the key cannot see: no cache for them.
  const cacheSettings: CacheSettings | undefined =
    options.cache && !options.rules
      ? {
          dir: options.cache.dir,
          runKey: runCacheKey({ toolVersion: options.toolVersion ?? toolVersion(), rules, config, waivers: options.waivers, now, groupBy: groupByLabel(groupBy), utilization, expectedUtilization, sourceRoot }),
          ...(options.cache.maxBytes !== undefined ? { maxBytes: options.cache.maxBytes } : {}),
        }
      : undefined;
  const cache = cacheSettings ? new ReportCache(cacheSettings) : undefined;

  const digests: StackDigest[] = [];
  const stacks = new Map<StackDigest, T>();
  const baseline = options.baseline ? new BaselineTracker(options.baseline) : undefined;
  const unreadable: UnreadableInput[] = [...(options.unreadable ?? []), ...(options.measured?.problems ?? [])];
  const ids = new Map<string, number>();
  let done = 0;
  const addStack = (report: StackReport, source: string, warnings: readonly string[]) => {
    for (const w of warnings) options.onWarning?.(source, w);
    const base = report.id;
    const seen = ids.get(base) ?? 0;
    ids.set(base, seen + 1);
    const id = seen === 0 ? base : `${base} (${seen + 1})`;
    const stack = id === base ? report : { ...report, id };
    const digest = digestOf(stack);
    digests.push(digest);
    stacks.set(digest, keep(stack));
    baseline?.add(id, stack.findings.map((f) => f.id));
    options.onProgress?.({ done: ++done, stack: id });
  };
  const addError = (error: InputError | { source: string; problem: string }) => {
    unreadable.push({ input: error.source, error: error.problem });
    options.onProgress?.({ done: ++done, error: error as InputError });
  };
  /** A cached stack: its digest and bytes as stored, unless its id is taken (then as any stack). */
  const addCached = (c: CachedStack, source: string) => {
    const id = c.digest.id;
    // From a worker the bytes arrive as a plain Uint8Array (structured clone).
    const raw: Uint8Array = c.serialized;
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (ids.has(id) || !keepSerialized) return addStack(deserialize(bytes) as StackReport, source, c.warnings);
    for (const w of c.warnings) options.onWarning?.(source, w);
    ids.set(id, 1);
    digests.push(c.digest);
    stacks.set(c.digest, keepSerialized(bytes));
    baseline?.add(id, c.findingIds);
    options.onProgress?.({ done: ++done, stack: id });
  };
  const accept = (r: JobResult) => {
    if (r.kind === "stack") addStack(r.report, r.source, r.warnings);
    else if (r.kind === "cached") addCached(r.stack, r.source);
    else addError({ source: r.source, problem: r.problem });
  };

  // Results are taken in input order (first in, first out), so ids and lists are the same with or
  // without workers. `jobs` threads evaluate: this one and `jobs - 1` workers. A file goes to a
  // worker while one has room, else this thread reads and evaluates it itself (so on 2 cores one
  // worker and this thread share the work instead of this thread idling while it merges).
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  const script = jobs > 1 && !options.rules ? (options.workerScript ?? StackPool.script()) : undefined;
  let pool: StackPool | undefined;
  /** Files this thread parsed and evaluated (report cache hits are too cheap to need workers). */
  let evaluated = 0;
  const queue: Pending[] = [];
  const drainSettled = () => {
    while (queue.length > 0 && (queue[0] as Pending).result !== undefined) accept((queue.shift() as Pending).result as JobResult);
  };
  /** A result from this thread: taken now unless results from workers are still ahead of it. */
  const settle = (result: JobResult) => {
    if (queue.length === 0) accept(result);
    else queue.push({ result });
  };
  // Reading a state file rarely waits for real I/O, so without a pause the loop could hold the
  // event loop for the whole run and a Ctrl-C (handled by the CLI to remove the spool) would wait.
  let lastPause = Date.now();
  try {
    for await (const item of options.inputs) {
      // With workers, let their results in before each file: a worker whose queue stays full
      // because this thread never looks up would sit idle.
      if (pool || Date.now() - lastPause > PAUSE_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastPause = Date.now();
      }
      drainSettled();
      if (item.kind === "file") {
        if (!pool && script && evaluated >= (options.workersAfterFiles ?? POOL_AFTER_FILES)) {
          pool = new StackPool(jobs - 1, { policyConfig: [...config.entries()], waivers: options.waivers, now: now.toISOString(), groupBy: groupByLabel(groupBy), utilization, expectedUtilization, sourceRoot, cache: cacheSettings }, script);
        }
        if (pool?.hasRoom) queue.push(pending(pool.run(item.file, item.inBackend)));
        else {
          const result = await evaluateFile(item, ctx, cache);
          if (result.kind !== "cached") evaluated++;
          settle(result);
        }
        continue;
      }
      settle(evaluateInput(item, ctx));
    }
    while (queue.length > 0) {
      const head = queue.shift() as Pending;
      accept(head.result ?? (await (head.promise as Promise<JobResult>)));
    }
  } finally {
    await pool?.close();
  }
  // Once per run, after every entry of it is written: bounded, least recently used out first.
  cache?.prune();
  digests.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { digests, stacks, unreadable, baseline, failOn, groupBy, utilization, expectedUtilization, now, rules, config };
}

/** `ml-stack-carbon-budget`'s budget when it is set and the policy is on (measured values are judged against it too). */
function budgetOf(config: ReadonlyMap<string, ResolvedPolicyConfig>): { maxKgCo2ePerMonth: number } | undefined {
  const c = config.get("ml-stack-carbon-budget");
  const max = c?.properties["maxKgCo2ePerMonth"];
  return c && c.level !== "disabled" && typeof max === "number" && Number.isFinite(max) ? { maxKgCo2ePerMonth: max } : undefined;
}

/** Everything but the stacks: totals, groups, the baseline comparison, provenance, rule metadata. */
function reportHead(options: BuildReportOptions, built: Collected<unknown>): Omit<Report, "stacks"> {
  const { digests, unreadable, failOn, groupBy, utilization, expectedUtilization, now } = built;
  const counts = emptyCounts();
  const savings = new Map<string, number>();
  let resources = 0;
  let floor = 0;
  let expected = 0;
  let ceiling = 0;
  for (const s of digests) {
    addCounts(counts, s.counts);
    addSavings(s.savings, savings);
    resources += s.resourceCount;
    floor += s.floorKgCo2ePerMonth;
    expected += s.expectedKgCo2ePerMonth;
    ceiling += s.ceilingKgCo2ePerMonth;
  }
  const failed = failOn === "never" ? false : failOn === "advisory" ? counts.mandatory + counts.advisory > 0 : counts.mandatory > 0;
  const summary: Summary = {
    stacks: digests.length,
    resources,
    unreadable: unreadable.length,
    findings: counts,
    floorKgCo2ePerMonth: round(floor),
    expectedKgCo2ePerMonth: round(expected),
    ceilingKgCo2ePerMonth: round(ceiling),
    savingKgCo2ePerMonth: round([...savings.values()].reduce((t, v) => t + v, 0)),
    savingByPolicy: roundedByKey(savings),
    failed,
  };

  const version = options.toolVersion ?? toolVersion();
  const baseline = built.baseline?.result(summary.floorKgCo2ePerMonth, unreadable.length === 0, summary.expectedKgCo2ePerMonth);
  const measured = options.measured ? compareMeasured(options.measured, digests, budgetOf(built.config)) : undefined;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "carbonguard", version },
    generatedAt: options.generatedAt ?? now.toISOString(),
    options: { failOn, groupBy: groupByLabel(groupBy), utilization, expectedUtilization },
    unreadable,
    groups: summarizeGroups(digests),
    summary,
    ...(baseline ? { baseline } : {}),
    ...(measured ? { measured } : {}),
    provenance: reportProvenance(version, utilization, expectedUtilization),
    rules: reportRules(built.rules, built.config),
  };
}
