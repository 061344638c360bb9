/**
 * Property values as rules see them.
 *
 * Resource properties reach carbonguard from three places (the policy SDK's proxy, checkpoint
 * files, preview plans), each with its own way to say "not known yet" or "secret". `normalizeProps`
 * turns all of them into plain JSON in which the only special value is an `Opaque` marker, so a
 * rule has exactly one thing to check and can never read a secret's ciphertext or an unknown's
 * sentinel string by accident.
 */

/** Sentinel strings the Pulumi engine uses for values that are unknown during preview. */
export const UNKNOWN_SENTINELS: Readonly<Record<string, OpaqueValueType>> = {
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9": "string",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7": "boolean",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421": "number",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2": "array",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff": "object",
  "030794c1-ac77-496b-92df-f27374a8bd58": "asset",
  "e48ece36-62e2-4504-bad9-02848725956a": "archive",
};

/** Whether `v` is one of the engine's unknown sentinels (all 36-character UUIDs: most strings are ruled out at once). */
export function isUnknownSentinel(v: unknown): v is string {
  return typeof v === "string" && v.length === 36 && v.charCodeAt(8) === 45 && Object.prototype.hasOwnProperty.call(UNKNOWN_SENTINELS, v);
}

/** The special-signature key Pulumi uses to mark secrets, assets and resource references. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type OpaqueValueType = "string" | "boolean" | "number" | "array" | "object" | "asset" | "archive" | "value";

/**
 * A value a rule may not look at: unknown until the update runs, or a secret stored encrypted.
 * Secrets that arrive as plaintext (the policy SDK strips the marker) are indistinguishable from
 * plain values, which is why messages only ever quote allow-listed fields.
 */
export class Opaque {
  constructor(
    readonly reason: "unknown" | "secret",
    readonly valueType: OpaqueValueType,
  ) {}
}

export function isOpaque(value: unknown): value is Opaque {
  return value instanceof Opaque;
}

export type PlainValue = null | boolean | number | string | Opaque | PlainValue[] | { [key: string]: PlainValue };
export type PlainObject = { [key: string]: PlainValue };

/** Nesting beyond this is cut off (as an unknown object): real provider inputs are far shallower. */
const MAX_DEPTH = 64;
/**
 * At most this many nodes are copied per resource; the rest become unknown. Bounds the work on
 * pathological inputs (a shared sub-object referenced from many places is copied each time).
 */
const MAX_NODES = 200_000;

interface Walk {
  /** The objects on the path from the root to the current node: a cycle can only go back to one of them. */
  readonly seen: object[];
  nodes: number;
}

/**
 * Copies `raw` into plain JSON with `Opaque` markers. Never throws: getters that throw (the policy
 * SDK's unknown-checking proxy), cycles, functions and exotic objects all become markers or are
 * dropped.
 */
export function normalizeProps(raw: unknown): PlainObject {
  const out = normalizeValue(unwrapProxy(raw), 0, { seen: [], nodes: 0 });
  return out !== null && typeof out === "object" && !Array.isArray(out) && !isOpaque(out) ? out : {};
}

/** The policy SDK hands rules a proxy; this key returns its target (`@pulumi/policy/proxy.js`). */
const PROXY_TARGET_KEY = "__getSpecialProxyTarget";

/**
 * The object under the SDK's proxies: its unknown-checking proxy, and in the pack (see
 * src/pack/secrets.ts) a secrets-preserving proxy under it, whose target holds secrets as `Secret`
 * objects rather than plaintext.
 */
function unwrapProxy(value: unknown): unknown {
  let v = value;
  for (let layer = 0; layer < 4; layer++) {
    if (v === null || typeof v !== "object") return v;
    let target: unknown;
    try {
      target = (v as Record<string, unknown>)[PROXY_TARGET_KEY];
    } catch {
      // Reading through the proxy can throw for unknowns; the target is what we want anyway.
      return v;
    }
    if (target === undefined || target === null || typeof target !== "object" || target === v) return v;
    v = target;
  }
  return v;
}

/**
 * A secret as the policy SDK holds it when it keeps secrets marked (`@pulumi/policy` `Secret`: a
 * class instance with one `value`). Props are JSON or protobuf, so no other class instance named
 * Secret can appear in them; recognised by shape so the engine needs no SDK import.
 */
function isPolicySdkSecret(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj) as { constructor?: { name?: unknown } } | null;
  return proto !== null && proto !== Object.prototype && proto.constructor?.name === "Secret" && Object.prototype.hasOwnProperty.call(obj, "value");
}

function normalizeValue(value: unknown, depth: number, walk: Walk): PlainValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string": {
      // Every sentinel is a 36-character UUID: most strings are ruled out without a lookup.
      if (value.length !== 36 || value.charCodeAt(8) !== 45) return value;
      const sentinel = Object.prototype.hasOwnProperty.call(UNKNOWN_SENTINELS, value) ? UNKNOWN_SENTINELS[value] : undefined;
      return sentinel ? new Opaque("unknown", sentinel) : value;
    }
    case "number":
      return Number.isFinite(value) ? value : null;
    case "boolean":
      return value;
    case "object":
      break;
    default:
      return null;
  }
  if (value instanceof Opaque) return value;
  if (depth >= MAX_DEPTH || ++walk.nodes > MAX_NODES) return new Opaque("unknown", "object");
  const obj = unwrapProxy(value) as object;
  // One answer in both front ends (docs/secrets.md): a secret is never read, wherever it comes from.
  if (isPolicySdkSecret(obj)) return new Opaque("secret", "value");
  const { seen } = walk;
  // An array, not a Set: the path is short (≤ MAX_DEPTH), and a Set's table grew and shrank on
  // every node, which showed in allocation profiles of large reports.
  if (seen.includes(obj)) return new Opaque("unknown", "object");
  seen.push(obj);
  try {
    // Copy-on-write: a plain object or array whose every value normalizes to itself (no secret, no
    // unknown, nothing cut off: most of a state file) is returned as it is, so normalizing
    // allocates only along the paths that change. Anything else is copied.
    if (Array.isArray(obj)) {
      const reusable = Object.getPrototypeOf(obj) === Array.prototype;
      let items: PlainValue[] | undefined;
      for (let i = 0; i < obj.length; i++) {
        const raw = safeGet(obj, i);
        const v = normalizeValue(raw, depth + 1, walk);
        if (items === undefined) {
          if (reusable && v === raw) continue;
          items = [];
          for (let j = 0; j < i; j++) items.push(safeGet(obj, j) as PlainValue);
        }
        items.push(v);
      }
      return items ?? (obj as PlainValue[]);
    }
    const record = obj as Record<string, unknown>;
    const sig = safeGet(record, SIG_KEY);
    if (sig === SECRET_SIG) {
      // State files keep secrets as {sig, ciphertext}; `--show-secrets` exports as {sig, plaintext};
      // the engine's wire format as {sig, value}. A rule never sees any of them.
      return new Opaque("secret", "value");
    }
    if (typeof sig === "string") {
      // Assets, archives and resource references: nothing a carbon rule reads.
      return new Opaque("unknown", "value");
    }
    const proto = Object.getPrototypeOf(record) as unknown;
    const reusable = proto === Object.prototype;
    const keys = safeKeys(record);
    let result: PlainObject | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const raw = safeGet(record, key);
      const v = normalizeValue(raw, depth + 1, walk);
      if (result === undefined) {
        if (reusable && v === raw) continue;
        result = {};
        for (let j = 0; j < i; j++) setData(result, keys[j] as string, safeGet(record, keys[j] as string) as PlainValue);
      }
      setData(result, key, v);
    }
    return result ?? (record as PlainObject);
  } finally {
    seen.pop();
  }
}

/**
 * Sets an own data property. A key named "__proto__" (valid JSON, and hostile input) must stay
 * data: assigning it would set the object's prototype (to an Opaque marker, hiding every other
 * property, or to whatever a state file holds).
 */
export function setData<T>(o: Record<string, T>, key: string, v: T): void {
  if (key === "__proto__") Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

/** A JSON object: not null, not an array. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The string-valued entries of a JSON object (stack tags, config): anything else is left out. */
export function stringEntries(o: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === "string") setData(out, k, v);
  return out;
}

function safeGet(obj: object, key: string | number): unknown {
  try {
    return (obj as Record<string | number, unknown>)[key];
  } catch {
    // The SDK proxy throws on unknowns; `unwrapProxy` normally prevents reaching here.
    return new Opaque("unknown", "value");
  }
}

function safeKeys(obj: object): string[] {
  try {
    return Object.keys(obj);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Reading paths

/** One step of a property path: an object key, or `[]` for "every element". */
export type PathStep = string | number;

/** Outcome of reading a single property. */
export type Read<T> =
  | { readonly state: "value"; readonly value: T; readonly path: string }
  | { readonly state: "absent"; readonly path: string }
  | { readonly state: "opaque"; readonly path: string; readonly reason: "unknown" | "secret" }
  | { readonly state: "wrong-type"; readonly path: string };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function formatPath(steps: readonly PathStep[]): string {
  // Most reads are one identifier deep (`instanceType`): the step itself, nothing built.
  if (steps.length === 1 && typeof steps[0] === "string" && IDENTIFIER.test(steps[0])) return steps[0];
  let out = "";
  for (const step of steps) {
    if (typeof step === "number") out += `[${step}]`;
    else if (IDENTIFIER.test(step)) out += out === "" ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}

/** Reads `steps` from `root`; stops at the first opaque or missing node. */
export function readPath(root: PlainValue | undefined, steps: readonly PathStep[]): Read<PlainValue> {
  let node: PlainValue | undefined = root;
  for (let i = 0; i < steps.length; i++) {
    if (isOpaque(node)) return { state: "opaque", path: formatPath(steps.slice(0, i)), reason: node.reason };
    if (node === null || node === undefined) return { state: "absent", path: formatPath(steps) };
    const step = steps[i] as PathStep;
    if (typeof step === "number") {
      if (!Array.isArray(node)) return { state: "wrong-type", path: formatPath(steps.slice(0, i)) };
      node = node[step];
    } else {
      if (typeof node !== "object" || Array.isArray(node)) {
        return { state: "wrong-type", path: formatPath(steps.slice(0, i)) };
      }
      node = Object.prototype.hasOwnProperty.call(node, step) ? node[step] : undefined;
    }
  }
  const path = formatPath(steps);
  if (isOpaque(node)) return { state: "opaque", path, reason: node.reason };
  if (node === null || node === undefined) return { state: "absent", path };
  return { state: "value", value: node, path };
}

export function readString(root: PlainValue | undefined, steps: readonly PathStep[]): Read<string> {
  const r = readPath(root, steps);
  if (r.state !== "value") return r;
  return typeof r.value === "string" ? { state: "value", value: r.value, path: r.path } : { state: "wrong-type", path: r.path };
}

/** Numbers, and numeric strings (Pulumi inputs such as GPU counts are often strings). */
export function readNumber(root: PlainValue | undefined, steps: readonly PathStep[]): Read<number> {
  const r = readPath(root, steps);
  if (r.state !== "value") return r;
  if (typeof r.value === "number") return { state: "value", value: r.value, path: r.path };
  if (typeof r.value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(r.value)) {
    return { state: "value", value: Number(r.value), path: r.path };
  }
  return { state: "wrong-type", path: r.path };
}

/** Elements of an array property (absent → empty); opaque arrays are reported as such. */
export function readArray(root: PlainValue | undefined, steps: readonly PathStep[]): Read<readonly PlainValue[]> {
  const r = readPath(root, steps);
  if (r.state !== "value") return r;
  return Array.isArray(r.value) ? { state: "value", value: r.value, path: r.path } : { state: "wrong-type", path: r.path };
}

export function readObject(root: PlainValue | undefined, steps: readonly PathStep[]): Read<PlainObject> {
  const r = readPath(root, steps);
  if (r.state !== "value") return r;
  const v = r.value;
  return v !== null && typeof v === "object" && !Array.isArray(v) && !isOpaque(v)
    ? { state: "value", value: v, path: r.path }
    : { state: "wrong-type", path: r.path };
}

/**
 * Parses a JSON-string property (ECS `containerDefinitions`, Batch `containerProperties`).
 * Invalid JSON is "wrong-type", never an exception.
 */
export function readJsonString(root: PlainValue | undefined, steps: readonly PathStep[]): Read<PlainValue> {
  const r = readPath(root, steps);
  if (r.state !== "value") return r;
  if (typeof r.value !== "string") {
    // Some programs pass the already-parsed structure; accept it.
    return typeof r.value === "object" ? r : { state: "wrong-type", path: r.path };
  }
  if (r.value.length > 4_000_000) return { state: "wrong-type", path: r.path };
  try {
    const parsed: unknown = JSON.parse(r.value);
    return { state: "value", value: normalizeValue(parsed, 0, { seen: [], nodes: 0 }), path: r.path };
  } catch {
    return { state: "wrong-type", path: r.path };
  }
}

/**
 * `table[key]` for an own key only. Type tokens come from state files and programs: a type named
 * "constructor", "toString" or "__proto__" must find no entry in a dispatch table keyed by type.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/**
 * Quotes a token in a message only if it looks like an identifier the rule is about (a type name,
 * a region). Anything else might be a plaintext secret or a megabyte of garbage.
 */
export function quoteToken(value: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,79}$/.test(value) ? value : undefined;
}
