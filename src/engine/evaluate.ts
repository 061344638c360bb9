/**
 * Runs a rule on a view or a stack: the single entry both front ends go through, so a stack that
 * passes the pack passes the report too, and the other way round.
 */
import { DataFileError } from "../data/load";
import type { AnyRule, Finding, Outcome } from "./rule";
import { quoteToken } from "./values";
import type { ResourceView, StackView } from "./view";

/**
 * Evaluates a rule's resource part. Fails closed: a rule that throws (a bug, a broken data file,
 * a config it cannot parse) or returns something other than a list of outcomes yields one
 * finding at the policy's configured level (mandatory stays mandatory) that names the cause and
 * is marked `ruleError`, so the report counts it as an error; never a pass, never advisory.
 */
export function evaluateRule(rule: AnyRule, view: ResourceView, rawConfig: unknown): readonly Outcome[] {
  if (!rule.evaluate) return [{ kind: "not-applicable", reason: "stack policy" }];
  const where = `resource type ${quoteToken(view.type) ?? "(unnamed type)"}`;
  try {
    const config = parsedConfig(rule, rawConfig);
    return checkedOutcomes(rule, rule.evaluate(view, { config, stack: view.stack }), where);
  } catch (error) {
    return [ruleError(rule, describeCause(error), where)];
  }
}

/** Evaluates a rule's stack part, failing closed the same way. */
export function evaluateStackRule(rule: AnyRule, stack: StackView, rawConfig: unknown): readonly Outcome[] {
  if (!rule.evaluateStack) return [];
  try {
    const config = parsedConfig(rule, rawConfig);
    return checkedOutcomes(rule, rule.evaluateStack(stack, { config, stack: stack.stack }), "its stack check");
  } catch (error) {
    return [ruleError(rule, describeCause(error), "its stack check")];
  }
}

const OUTCOME_KINDS: ReadonlySet<unknown> = new Set(["violation", "unknown", "not-applicable"]);

/** What a rule returned, if it is a list of outcomes; else the rule's error finding. */
function checkedOutcomes(rule: AnyRule, returned: unknown, where: string): readonly Outcome[] {
  if (!Array.isArray(returned)) return [ruleError(rule, `it returned ${returned === null ? "null" : typeof returned} instead of a list of outcomes`, where)];
  for (const outcome of returned as unknown[]) {
    const kind = outcome !== null && typeof outcome === "object" ? (outcome as { kind?: unknown }).kind : undefined;
    if (!OUTCOME_KINDS.has(kind)) return [ruleError(rule, "it returned a list holding something other than an outcome", where)];
  }
  return returned as readonly Outcome[];
}

/**
 * The cause of an error, in words that are safe to print. A `DataFileError` names the file and the
 * problem (our own text). Any other error's message may quote a property value (V8's JSON.parse
 * errors quote their input, and secrets reach the pack as plaintext), so only its name and where
 * in carbonguard it was thrown are given.
 */
export function describeCause(error: unknown): string {
  if (error instanceof DataFileError) return error.message;
  if (!(error instanceof Error)) return `a thrown ${error === null ? "null" : typeof error}`;
  const frame = firstFrame(error.stack);
  return `${quoteToken(error.name) ?? "Error"}${frame ? ` at ${frame}` : ""}`;
}

/** "checkVm (ml-autoscale-to-zero.js:12)": the first stack frame in a source file, not Node's or a dependency's. */
function firstFrame(stack: string | undefined): string | undefined {
  for (const line of (stack ?? "").split("\n")) {
    const m = /^\s+at (?:(.+?) \()?(?:file:\/\/)?([^()]+):(\d+):\d+\)?$/.exec(line);
    if (!m || m[2]!.startsWith("node:") || /[\\/]node_modules[\\/]/.test(m[2]!)) continue;
    const fn = m[1] !== undefined ? quoteToken(m[1].replace(/^(?:Object|Array)\./, "")) : undefined;
    const file = m[2]!.split(/[\\/]/).pop() ?? "";
    return `${fn ? `${fn} ` : ""}(${quoteToken(file) ?? "(file)"}:${m[3]})`;
  }
  return undefined;
}

/**
 * `rule.parseConfig(raw)`, parsed once per distinct config rather than once per resource: the
 * report passes the same object for every resource; the Pulumi SDK hands each validation a fresh
 * copy of the same JSON (`args.getConfig()`), recognised by its serialization. A config that fails
 * to parse throws the same error every time, as before. Parsed configs are treated as immutable.
 */
export function parsedConfig(rule: AnyRule, raw: unknown): unknown {
  const last = lastParsed.get(rule);
  if (last !== undefined && last.raw === raw && raw !== null && typeof raw === "object") return unwrap(last.result);
  const key = configKey(raw);
  if (last !== undefined && key !== undefined && last.key === key) {
    last.raw = raw;
    return unwrap(last.result);
  }
  let result: ParseResult;
  try {
    result = { ok: true, value: rule.parseConfig(raw) };
  } catch (error) {
    result = { ok: false, error };
  }
  if (key !== undefined) lastParsed.set(rule, { raw, key, result });
  return unwrap(result);
}

type ParseResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Per rule, the last config parsed (a run uses one config per rule). Rules are module-level: no retention concern. */
const lastParsed = new WeakMap<AnyRule, { raw: unknown; readonly key: string; readonly result: ParseResult }>();

function configKey(raw: unknown): string | undefined {
  try {
    return JSON.stringify(raw) ?? "undefined";
  } catch {
    return undefined; // cyclic or BigInt: not JSON, so never from the SDK; parsed each time
  }
}

function unwrap(result: ParseResult): unknown {
  if (!result.ok) throw result.error;
  return result.value;
}

/** The finding a failing rule gives: the policy's own level and severity (no override), marked as an error. */
export function ruleError(rule: AnyRule, cause: string, where: string): Finding {
  return {
    kind: "violation",
    ruleError: true,
    messageId: "ruleError",
    data: { policy: rule.meta.name, where, cause },
    message: `carbonguard could not evaluate ${rule.meta.name} on ${where}: ${cause}. It fails closed (keeps its level) until fixed; if the install is not broken, please report it.`,
    figures: [],
  };
}
