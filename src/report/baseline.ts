/**
 * `--baseline previous.json`: a JSON report from an earlier run (`--format json`), compared by
 * finding id (stable: policy + URN + ordinal) with this run.
 *
 * - new: findings whose id the baseline does not have;
 * - fixed: baseline findings whose id this run does not have. A stack of the baseline missing
 *   from this run counts as removed (its findings fixed) only when every input of this run was
 *   read; when some input was unreadable, its findings are left out (it may be among them);
 * - unchanged: ids in both;
 * - the emissions delta: this run's floor total minus the baseline's.
 *
 * Only ids, stack ids and the floor total are kept from the baseline, so a large one costs little.
 */
import { readFileSync, statSync } from "node:fs";
import type { BaselineComparison } from "./model";

export class BaselineError extends Error {
  override readonly name = "BaselineError";
}

export interface Baseline {
  readonly source: string;
  /** Finding ids by stack id. */
  readonly findingsByStack: ReadonlyMap<string, readonly string[]>;
  readonly floorKgCo2ePerMonth: number;
  /** Absent in a 1.0 report, which had no expected figure. */
  readonly expectedKgCo2ePerMonth?: number;
}

const MAX_BASELINE_BYTES = 512 * 1024 * 1024;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Reads and checks a baseline report. Throws `BaselineError` naming the file and the problem. */
export function loadBaseline(file: string): Baseline {
  const fail = (problem: string): never => {
    throw new BaselineError(`baseline ${file}: ${problem}`);
  };
  let text = "";
  try {
    if (statSync(file).size > MAX_BASELINE_BYTES) fail("larger than carbonguard reads");
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof BaselineError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : `cannot be read (${code ?? "error"})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    fail(text.trim() === "" ? "empty file" : "not valid JSON (expected a report written by `carbonguard report --format json`)");
  }
  return parseBaseline(file, doc);
}

/** Checks an already-parsed baseline document. Throws `BaselineError`. */
export function parseBaseline(source: string, doc: unknown): Baseline {
  const fail = (problem: string): never => {
    throw new BaselineError(`baseline ${source}: ${problem}`);
  };
  if (!isRecord(doc)) return fail("not a JSON object (expected a report written by `carbonguard report --format json`)");
  const version = doc["schemaVersion"];
  if (typeof version !== "string") return fail("no schemaVersion: not a carbonguard JSON report");
  if (!/^1\.\d+$/.test(version)) return fail(`schemaVersion ${JSON.stringify(version.slice(0, 20))} is not one this carbonguard reads (1.x)`);
  const stacks = doc["stacks"];
  if (!Array.isArray(stacks)) return fail("`stacks` is not a list");
  const summary = doc["summary"];
  const floor = isRecord(summary) ? summary["floorKgCo2ePerMonth"] : undefined;
  if (typeof floor !== "number" || !Number.isFinite(floor)) return fail("`summary.floorKgCo2ePerMonth` is not a number");
  const findingsByStack = new Map<string, string[]>();
  stacks.forEach((s, i) => {
    if (!isRecord(s)) return fail(`stacks[${i}] is not an object`);
    const id = s["id"];
    const findings = s["findings"];
    if (typeof id !== "string") return fail(`stacks[${i}].id is not a string`);
    if (!Array.isArray(findings)) return fail(`stacks[${i}].findings is not a list`);
    const ids = findingsByStack.get(id) ?? [];
    findings.forEach((f, j) => {
      const fid = isRecord(f) ? f["id"] : undefined;
      if (typeof fid !== "string" || fid === "") return fail(`stacks[${i}].findings[${j}].id is not a string`);
      ids.push(fid);
    });
    findingsByStack.set(id, ids);
  });
  const expected = isRecord(summary) ? summary["expectedKgCo2ePerMonth"] : undefined;
  if (expected !== undefined && (typeof expected !== "number" || !Number.isFinite(expected))) return fail("`summary.expectedKgCo2ePerMonth` is not a number");
  return { source, findingsByStack, floorKgCo2ePerMonth: floor, ...(expected !== undefined ? { expectedKgCo2ePerMonth: expected } : {}) };
}

/** Compares this run's finding ids (by stack id) with the baseline. */
export function compareWithBaseline(
  baseline: Baseline,
  current: ReadonlyMap<string, readonly string[]>,
  currentFloorKgCo2ePerMonth: number,
  everyInputRead: boolean,
  currentExpectedKgCo2ePerMonth?: number,
): BaselineComparison {
  const tracker = new BaselineTracker(baseline);
  for (const [stackId, ids] of current) tracker.add(stackId, ids);
  return tracker.result(currentFloorKgCo2ePerMonth, everyInputRead, currentExpectedKgCo2ePerMonth);
}

/**
 * The comparison, fed one stack at a time, in any order: it keeps only what the baseline bounds
 * (its ids seen again, its stacks present) and this run's new ids, never this run's other ids, so a
 * streamed report over many stacks stays small.
 */
export class BaselineTracker {
  private readonly before = new Set<string>();
  private readonly unchanged = new Set<string>();
  private readonly added = new Set<string>();
  private readonly present = new Set<string>();

  constructor(private readonly baseline: Baseline) {
    for (const ids of baseline.findingsByStack.values()) for (const id of ids) this.before.add(id);
  }

  add(stackId: string, findingIds: Iterable<string>): void {
    if (this.baseline.findingsByStack.has(stackId)) this.present.add(stackId);
    for (const id of findingIds) {
      if (this.before.has(id)) this.unchanged.add(id);
      else this.added.add(id);
    }
  }

  result(currentFloorKgCo2ePerMonth: number, everyInputRead: boolean, currentExpectedKgCo2ePerMonth?: number): BaselineComparison {
    const fixed = new Set<string>();
    for (const [stackId, ids] of this.baseline.findingsByStack) {
      if (!this.present.has(stackId) && !everyInputRead) continue;
      for (const id of ids) if (!this.unchanged.has(id)) fixed.add(id);
    }
    const delta = currentFloorKgCo2ePerMonth - this.baseline.floorKgCo2ePerMonth;
    // Only when both runs have an expected figure (a 1.0 baseline has none).
    const before = this.baseline.expectedKgCo2ePerMonth;
    const expectedDelta = before !== undefined && currentExpectedKgCo2ePerMonth !== undefined ? currentExpectedKgCo2ePerMonth - before : undefined;
    return {
      source: this.baseline.source,
      newFindings: [...this.added].sort(),
      fixedFindings: [...fixed].sort(),
      unchangedFindings: this.unchanged.size,
      floorKgCo2ePerMonthDelta: Math.round(delta * 1000) / 1000,
      ...(expectedDelta !== undefined ? { expectedKgCo2ePerMonthDelta: Math.round(expectedDelta * 1000) / 1000 } : {}),
    };
  }
}
