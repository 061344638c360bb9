/**
 * Parses Pulumi state documents into `StackSnapshot`s (PULUMI-RUNTIME.md, "Where state lives"):
 *
 * - `pulumi stack export`: `{version: 3, deployment: {manifest, secrets_providers, resources}}`;
 * - a self-managed backend checkpoint: `{version: 3, checkpoint: {stack, config?, latest: {manifest, resources}}}`;
 * - `pulumi preview --json`: `{config?, steps: [{op, urn, provider, newState: {type, inputs, outputs, …}}], …}`.
 *
 * Never throws anything but `InputError`; a malformed resource entry is skipped with a warning.
 * Secrets are kept as Pulumi wrote them (`{sig, ciphertext}`) and never decrypted.
 */
import { isRecord, setData } from "../engine/values";
import { markPlanSecrets } from "./plan-secrets";
import { InputError, type ResourceRecord, type SnapshotFormat, type StackSnapshot } from "./types";

/** Deployment versions Pulumi writes (3 today; 4 is accepted for forward compatibility). */
const SUPPORTED_VERSIONS = new Set([1, 2, 3, 4]);
const MAX_WARNINGS = 20;

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` → parts (name may contain "::"). */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } | undefined {
  if (typeof urn !== "string" || !urn.startsWith(URN_PREFIX)) return undefined;
  // indexOf rather than split: a report parses every URN of every stack.
  const a = urn.indexOf("::", URN_PREFIX.length);
  const b = a < 0 ? -1 : urn.indexOf("::", a + 2);
  const c = b < 0 ? -1 : urn.indexOf("::", b + 2);
  if (c < 0) return undefined;
  const qualifiedType = urn.slice(b + 2, c);
  const dollar = qualifiedType.lastIndexOf("$");
  return { stack: urn.slice(URN_PREFIX.length, a), project: urn.slice(a + 2, b), type: dollar < 0 ? qualifiedType : qualifiedType.slice(dollar + 1), name: urn.slice(c + 2) };
}

const URN_PREFIX = "urn:pulumi:";

/** The strings of a list; the list itself when it holds only strings (as Pulumi writes it). */
function stringList(v: unknown): readonly string[] {
  if (!Array.isArray(v)) return NO_STRINGS;
  for (const x of v) if (typeof x !== "string") return v.filter((y): y is string => typeof y === "string");
  return v as string[];
}

const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_DEPS: Readonly<Record<string, readonly string[]>> = Object.freeze({});

/** `propertyDependencies` as lists of URNs; the object itself when already well formed. */
function propertyDeps(v: unknown): Readonly<Record<string, readonly string[]>> {
  if (!isRecord(v)) return NO_DEPS;
  let out: Record<string, readonly string[]> | undefined;
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    const deps = v[k];
    const list = stringList(deps);
    if (list !== deps && out === undefined) {
      out = {};
      for (const j in v) {
        if (j === k) break;
        if (Object.prototype.hasOwnProperty.call(v, j)) setData(out, j, v[j] as string[]);
      }
    }
    if (out !== undefined) setData(out, k, list);
  }
  return out ?? (v as Record<string, readonly string[]>);
}

function toRecord(raw: unknown, fallbackUrn?: string): ResourceRecord | string {
  if (!isRecord(raw)) return "a resource entry is not an object";
  const urn = typeof raw["urn"] === "string" ? raw["urn"] : fallbackUrn;
  if (typeof urn !== "string" || urn === "") return "a resource entry has no urn";
  const rawType = raw["type"];
  const parsed = parseUrn(urn);
  const type = typeof rawType === "string" && rawType !== "" ? rawType : parsed?.type;
  if (!type) return "a resource entry has no type";
  const id = raw["id"];
  const parent = raw["parent"];
  const provider = raw["provider"];
  const inputs = raw["inputs"];
  const outputs = raw["outputs"];
  // One literal with every key (absent ones undefined) keeps a single object shape for all records.
  const record: { -readonly [K in keyof ResourceRecord]: ResourceRecord[K] } = {
    urn,
    type,
    name: parsed?.name ?? "",
    custom: raw["custom"] === true,
    id: typeof id === "string" && id !== "" ? id : undefined,
    inputs: isRecord(inputs) ? inputs : {},
    outputs: isRecord(outputs) ? outputs : {},
    parent: typeof parent === "string" && parent !== "" ? parent : undefined,
    dependencies: stringList(raw["dependencies"]),
    propertyDependencies: propertyDeps(raw["propertyDependencies"]),
    provider: typeof provider === "string" && provider !== "" ? provider : undefined,
  };
  return record;
}

/** Plain string config values only: secure values (`{secure: …}`) are never read. */
function plainConfig(raw: unknown): Record<string, string> | undefined {
  if (!isRecord(raw)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === "string") out[k] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
  }
  return out;
}

function checkVersion(source: string, version: unknown): void {
  if (version === undefined) return;
  if (typeof version !== "number" || !SUPPORTED_VERSIONS.has(version)) {
    throw new InputError(source, `unsupported deployment version ${typeof version === "number" ? version : JSON.stringify(typeof version)} (carbonguard reads versions 1–4)`);
  }
}

interface Collected {
  readonly resources: ResourceRecord[];
  readonly warnings: string[];
}

function collect(entries: readonly unknown[], fallbackUrn: (i: number) => string | undefined = () => undefined): Collected {
  const resources: ResourceRecord[] = [];
  const warnings: string[] = [];
  let skipped = 0;
  entries.forEach((entry, i) => {
    if (isRecord(entry) && entry["delete"] === true) return; // an old copy pending deletion after a replace
    const r = toRecord(entry, fallbackUrn(i));
    if (typeof r === "string") {
      skipped++;
      if (warnings.length < MAX_WARNINGS) warnings.push(`resources[${i}]: ${r}; skipped`);
    } else {
      resources.push(r);
    }
  });
  if (skipped > MAX_WARNINGS) warnings.push(`${skipped - MAX_WARNINGS} more malformed resource entries skipped`);
  return { resources, warnings };
}

function identity(source: string, resources: readonly ResourceRecord[], hint?: unknown): { project: string; stack: string } {
  let fromUrn: ReturnType<typeof parseUrn>;
  for (const r of resources) if ((fromUrn = parseUrn(r.urn)) !== undefined) break;
  const hinted = typeof hint === "string" && hint !== "" ? (hint.split("/").pop() ?? hint) : undefined;
  const fileStack = source.replace(/\\/g, "/").split("/").pop()?.replace(/\.json(\.gz|\.zst)?$/i, "") ?? "stack";
  return { project: fromUrn?.project ?? "unknown", stack: hinted ?? fromUrn?.stack ?? fileStack };
}

function snapshot(source: string, format: SnapshotFormat, c: Collected, extra: { stackHint?: unknown; config?: Record<string, string> | undefined }): StackSnapshot {
  const { project, stack } = identity(source, c.resources, extra.stackHint);
  return { source, format, project, stack, ...(extra.config ? { config: extra.config } : {}), resources: c.resources, warnings: c.warnings };
}

/** Parses an already-decoded JSON document. Throws only `InputError`. */
export function parseStateDocument(source: string, doc: unknown): StackSnapshot {
  if (!isRecord(doc)) throw new InputError(source, "not a JSON object (expected a stack export, a checkpoint or `pulumi preview --json` output)");

  if ("deployment" in doc) {
    checkVersion(source, doc["version"]);
    const deployment = doc["deployment"];
    if (!isRecord(deployment)) throw new InputError(source, "`deployment` is not an object");
    const resources = deployment["resources"] ?? [];
    if (!Array.isArray(resources)) throw new InputError(source, "`deployment.resources` is not an array");
    return snapshot(source, "stack-export", collect(resources), {});
  }

  if ("checkpoint" in doc) {
    checkVersion(source, doc["version"]);
    const checkpoint = doc["checkpoint"];
    if (!isRecord(checkpoint)) throw new InputError(source, "`checkpoint` is not an object");
    const latest = checkpoint["latest"];
    if (latest !== undefined && latest !== null && !isRecord(latest)) throw new InputError(source, "`checkpoint.latest` is not an object");
    const resources = isRecord(latest) ? (latest["resources"] ?? []) : [];
    if (!Array.isArray(resources)) throw new InputError(source, "`checkpoint.latest.resources` is not an array");
    return snapshot(source, "checkpoint", collect(resources), { stackHint: checkpoint["stack"], config: plainConfig(checkpoint["config"]) });
  }

  if ("steps" in doc) {
    const steps = doc["steps"];
    if (!Array.isArray(steps)) throw new InputError(source, "`steps` is not an array");
    // The last step for a URN wins (a replace has several); deletions leave nothing behind.
    const byUrn = new Map<string, unknown>();
    const urns: string[] = [];
    const warnings: string[] = [];
    steps.forEach((step, i) => {
      if (!isRecord(step)) {
        if (warnings.length < MAX_WARNINGS) warnings.push(`steps[${i}] is not an object; skipped`);
        return;
      }
      const op = typeof step["op"] === "string" ? step["op"] : "";
      const state = isRecord(step["newState"]) ? step["newState"] : undefined;
      const urn = typeof step["urn"] === "string" ? step["urn"] : typeof state?.["urn"] === "string" ? (state["urn"] as string) : undefined;
      if (!urn) {
        if (warnings.length < MAX_WARNINGS) warnings.push(`steps[${i}] has no urn; skipped`);
        return;
      }
      if (/^(delete|delete-replaced|discard|discard-replaced|remove-pending-replace)$/.test(op) || !state) {
        if (/^(delete|discard)$/.test(op)) byUrn.delete(urn);
        return;
      }
      if (!byUrn.has(urn)) urns.push(urn);
      // A step the preview will create or replace has no outputs in the plan (`outputs: null`); the
      // engine's AnalyzeStack then sees the provider's preview of them, which is the inputs (plus
      // unknowns for computed values). Without this, stack policies would judge empty resources.
      const outputs = isRecord(state["outputs"]) ? {} : isRecord(state["inputs"]) ? { outputs: state["inputs"] } : {};
      byUrn.set(urn, { ...state, ...outputs, urn, ...(typeof state["provider"] === "string" ? {} : typeof step["provider"] === "string" ? { provider: step["provider"] } : {}) });
    });
    const entries = urns.filter((u) => byUrn.has(u)).map((u) => markStepSecrets(byUrn.get(u)));
    const c = collect(entries);
    return snapshot(source, "preview", { resources: c.resources, warnings: [...warnings, ...c.warnings] }, { config: plainConfig(doc["config"]) });
  }

  throw new InputError(source, "not a Pulumi state document: expected `deployment` (stack export), `checkpoint` (backend file) or `steps` (preview --json)");
}

/** A plan step's state with its masked secrets ("[secret]") marked as secrets in inputs and outputs. */
function markStepSecrets(state: unknown): unknown {
  if (!isRecord(state)) return state;
  return { ...state, inputs: markPlanSecrets(state["inputs"]), outputs: markPlanSecrets(state["outputs"]) };
}

/** Parses JSON text. Throws only `InputError`. */
export function parseStateText(source: string, text: string): StackSnapshot {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    // V8's message quotes the text around the error, which may be a plaintext secret: keep only the position.
    const message = error instanceof Error ? error.message : "";
    const position = /position (\d+)/.exec(message)?.[1];
    const detail = /end of (JSON )?input/i.test(message) ? "it ends too early: truncated?" : position !== undefined ? `at position ${position}` : "malformed";
    throw new InputError(source, text.trim() === "" ? "empty file" : `invalid JSON (${detail})`);
  }
  return parseStateDocument(source, doc);
}
