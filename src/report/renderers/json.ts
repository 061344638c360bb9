/**
 * `--format json`: the report model itself, documented in docs/report-schema.md and validated by
 * docs/report-schema.json. Keys come out in a stable order (the order of the model's declarations;
 * free-form maps such as tags sorted by key), indented by two spaces, with a trailing newline, so
 * two runs over the same inputs give byte-identical files that diff well.
 */
import type { RenderInput, Renderer, Report, Sink } from "../model";
import { defineRenderer } from "../render-input";
import { jsonAt } from "./util";

/** How to order one object's keys; `children` describe nested values by key. */
interface Shape {
  /** Declared keys in output order; keys not listed follow, sorted. */
  readonly keys?: readonly string[];
  readonly children?: Readonly<Record<string, Shape>>;
  /** Shape of every array element (for arrays) or every value (for maps: `keys` absent). */
  readonly each?: Shape;
}

const RANGE: Shape = { keys: ["floorKgCo2ePerMonth", "expectedKgCo2ePerMonth", "ceilingKgCo2ePerMonth"] };

const MEASURED_COMPARISON: Shape = {
  keys: ["id", "group", "runs", "from", "to", "periodHours", "runHours", "measuredKwh", "codecarbonKgCo2e", "runsWithoutCodecarbonKgCo2e", "ourBasisKgCo2e", "ourBasisKwh", "ourBasis", "estimatedKwh", "estimatedKgCo2e", "ratio", "finding", "budget"],
  children: { budget: { keys: ["maxKgCo2ePerMonth", "used", "source", "measuredKgCo2ePerMonth", "overBudget"] } },
};

const COUNTS: Shape = { keys: ["mandatory", "advisory", "waived", "ruleErrors", "bySeverity"], children: { bySeverity: { keys: ["critical", "high", "medium", "low"] } } };

const FINDING: Shape = {
  // The order of docs/report-schema.md's Finding table: the 1.2 structure sits beside the message it explains.
  keys: ["id", "policy", "level", "severity", "urn", "type", "name", "message", "messageId", "fix", "saving", "evidence", "details", "kind", "waived", "waiverProblem", "suggestion", "savingKgCo2ePerMonth"],
  children: {
    fix: { keys: ["kind", "path", "value", "from", "to", "text"] },
    saving: { keys: ["kgCo2ePerMonth", "basis"] },
    evidence: { each: { keys: ["id", "claim", "kind", "source"] } },
    waived: { keys: ["reason", "expires", "approvedBy", "ticket", "category"] },
  },
};

const STACK: Shape = {
  keys: ["id", "project", "stack", "source", "group", "tags", "resourceCount", "findings", "policies", "estimate", "grade"],
  children: {
    findings: { each: FINDING },
    policies: { each: { keys: ["policy", "status", "findings"] } },
    estimate: {
      keys: [
        "floorKgCo2ePerMonth",
        "expectedKgCo2ePerMonth",
        "ceilingKgCo2ePerMonth",
        "floorKwhPerMonth",
        "expectedKwhPerMonth",
        "ceilingKwhPerMonth",
        "embodiedKgCo2ePerMonth",
        "acceleratorHoursPerMonth",
        "unknown",
        "topResources",
        "byRegion",
        "regions",
        "storage",
      ],
      children: {
        storage: {
          keys: ["floorKgCo2ePerMonth", "expectedKgCo2ePerMonth", "ceilingKgCo2ePerMonth", "floorKwhPerMonth", "expectedKwhPerMonth", "ceilingKwhPerMonth", "items"],
          children: { items: { each: { keys: ["urn", "name", "label", "expectedKgCo2ePerMonth"] } } },
        },
        unknown: { each: { keys: ["urn", "reason"] } },
        topResources: { each: { keys: ["urn", "type", "name", "region", "kgCo2ePerMonth", "expectedKgCo2ePerMonth", "ceilingKgCo2ePerMonth"] } },
        regions: { each: RANGE },
      },
    },
    grade: { keys: ["grade", "kgPerAcceleratorHour", "bestKgPerAcceleratorHour", "basis"] },
  },
};

const REPORT: Shape = {
  keys: ["schemaVersion", "tool", "generatedAt", "options", "summary", "groups", "stacks", "unreadable", "baseline", "measured", "provenance", "rules"],
  children: {
    tool: { keys: ["name", "version"] },
    options: { keys: ["failOn", "groupBy", "utilization", "expectedUtilization"] },
    summary: {
      keys: ["stacks", "resources", "unreadable", "findings", "floorKgCo2ePerMonth", "expectedKgCo2ePerMonth", "ceilingKgCo2ePerMonth", "savingKgCo2ePerMonth", "savingByPolicy", "failed"],
      children: { findings: COUNTS },
    },
    groups: {
      each: {
        keys: ["group", "stacks", "floorKgCo2ePerMonth", "expectedKgCo2ePerMonth", "ceilingKgCo2ePerMonth", "findings", "savingKgCo2ePerMonth", "topOffenders"],
        children: { findings: COUNTS, topOffenders: { each: { keys: ["stack", "kgCo2ePerMonth", "expectedKgCo2ePerMonth"] } } },
      },
    },
    stacks: { each: STACK },
    unreadable: { each: { keys: ["input", "error"] } },
    baseline: { keys: ["source", "newFindings", "fixedFindings", "unchangedFindings", "floorKgCo2ePerMonthDelta", "expectedKgCo2ePerMonthDelta"] },
    measured: {
      keys: ["files", "mapping", "factor", "runs", "stacks", "groups", "unmatched", "skipped"],
      children: {
        stacks: { each: MEASURED_COMPARISON },
        groups: { each: MEASURED_COMPARISON },
        unmatched: { each: { keys: ["projectName", "runs", "measuredKwh", "codecarbonKgCo2e", "from", "to", "reason", "examples"] } },
        skipped: { each: { keys: ["input", "error"] } },
      },
    },
    provenance: { each: { keys: ["name", "version", "year", "licence", "basis"] } },
    rules: { each: { keys: ["name", "displayName", "description", "defaultLevel", "severity", "url", "remediationSteps"] } },
  },
};

/** Rebuilds `value` with keys in the order `shape` gives; unknown keys follow, sorted. */
function order(value: unknown, shape: Shape | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => order(v, shape?.each));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const declared = shape?.keys ?? NO_KEYS;
  const known = declaredSet(declared);
  let rest: string[] | undefined;
  for (const k in record) {
    if (!known.has(k) && Object.prototype.hasOwnProperty.call(record, k)) (rest ??= []).push(k);
  }
  const out: Record<string, unknown> = {};
  const put = (key: string) => {
    if (!Object.prototype.hasOwnProperty.call(record, key) || record[key] === undefined) return;
    const child = shape?.children?.[key] ?? (shape?.keys === undefined ? shape?.each : undefined);
    // defineProperty for "__proto__", so a tag of that name stays data.
    if (key === "__proto__") Object.defineProperty(out, key, { value: order(record[key], child), enumerable: true, writable: true, configurable: true });
    else out[key] = order(record[key], child);
  };
  for (const key of declared) put(key);
  if (rest !== undefined) for (const key of rest.sort()) put(key);
  return out;
}

const NO_KEYS: readonly string[] = [];
const declaredSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function declaredSet(keys: readonly string[]): ReadonlySet<string> {
  let set = declaredSets.get(keys);
  if (set === undefined) declaredSets.set(keys, (set = new Set(keys)));
  return set;
}

/** The report as ordered plain data (what `--format json` prints, before serialising). */
export function toJsonValue(report: Report): unknown {
  return order(report, REPORT);
}

/** Keys a `RenderInput` has beyond the report's own (and any method, e.g. a streamed report's `close`): never printed. */
const NOT_REPORT_KEYS = new Set(["digests", "stacks"]);

/**
 * Writes the report a stack at a time: each top-level value is serialised on its own and
 * indented to its depth, which gives exactly `JSON.stringify(toJsonValue(report), null, 2)`
 * (no string in JSON holds a raw newline, so re-indenting after each newline is safe).
 */
function writeJson(input: RenderInput, sink: Sink): void {
  const record = input as unknown as Record<string, unknown>;
  const declared = REPORT.keys ?? [];
  const rest = Object.keys(record)
    .filter((k) => !declared.includes(k) && !NOT_REPORT_KEYS.has(k) && typeof record[k] !== "function")
    .sort();
  let first = true;
  const key = (k: string) => {
    sink(`${first ? "{\n" : ",\n"}  ${JSON.stringify(k)}: `);
    first = false;
  };
  for (const k of [...declared, ...rest]) {
    if (k === "stacks") {
      key(k);
      let n = 0;
      for (const stack of input.stacks()) {
        sink(`${n === 0 ? "[\n" : ",\n"}    ${jsonAt(order(stack, STACK), "    ")}`);
        n++;
      }
      sink(n === 0 ? "[]" : "\n  ]");
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(record, k) || record[k] === undefined) continue;
    key(k);
    sink(jsonAt(order(record[k], REPORT.children?.[k]), "  "));
  }
  sink(first ? "{}\n" : "\n}\n");
}

export function createJsonRenderer(): Renderer {
  return defineRenderer("json", "json", writeJson);
}
