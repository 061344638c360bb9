// Special property values, encoded the way the Pulumi engine puts them on the wire for the Analyzer
// protocol (sdk/go/common/resource/plugin/rpc.go MarshalPropertyValue with KeepUnknowns and
// KeepSecrets), and decoded by @pulumi/policy (deserialize.js: a secret's `value` is unwrapped to
// plaintext; proxy.js: reading an unknown sentinel throws UnknownValueError).

/** The key that marks a special object (secret, asset, archive, resource reference). */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature value of a secret. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The signature value of an asset. */
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
/** The signature value of an archive. */
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

/** Unknown-value sentinels (preview: computed values), by the type of value they stand for. */
export const UNKNOWN_SENTINELS = {
    string: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    bool: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    number: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    array: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    object: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    asset: "030794c1-ac77-496b-92df-f27374a8bd58",
    archive: "e48ece36-62e2-4504-bad9-02848725956a",
} as const;

export type UnknownKind = keyof typeof UNKNOWN_SENTINELS;
export type UnknownSentinel = (typeof UNKNOWN_SENTINELS)[UnknownKind];

const SENTINEL_VALUES: ReadonlySet<string> = new Set(Object.values(UNKNOWN_SENTINELS));

/**
 * The sentinel the engine sends for a value that is not known yet (a computed value during
 * preview). Reading it inside a policy makes the SDK report an ADVISORY "can't run policy ...
 * during preview" diagnostic instead of running the policy.
 */
export function unknown(kind: UnknownKind = "string"): UnknownSentinel {
    const sentinel = UNKNOWN_SENTINELS[kind];
    if (sentinel === undefined) {
        throw new TypeError(`unknown(${JSON.stringify(kind)}): kind must be one of ${Object.keys(UNKNOWN_SENTINELS).join(", ")}`);
    }
    return sentinel;
}

/** True when `v` is one of the unknown sentinels. */
export function isUnknown(v: unknown): v is UnknownSentinel {
    return typeof v === "string" && SENTINEL_VALUES.has(v);
}

/** The wire form of a secret. @pulumi/policy hands policies the plaintext `value`, unmarked. */
export interface SecretValue<T = unknown> {
    [SPECIAL_SIG_KEY]: typeof SECRET_SIG;
    value: T;
}

/** Wrap a value as a secret, as the engine does with KeepSecrets. */
export function secret<T>(value: T): SecretValue<T> {
    return { [SPECIAL_SIG_KEY]: SECRET_SIG, value } as SecretValue<T>;
}

/** True when `v` is a secret in wire form. */
export function isSecret(v: unknown): v is SecretValue {
    return typeof v === "object" && v !== null && !Array.isArray(v) &&
        (v as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;
}

/**
 * Prepare a plain JS property bag for `Struct.fromJavaScript`, the way the engine's
 * MarshalProperties does (sdk/go/common/resource/plugin/rpc.go):
 *  - keys starting with "__" are internal (e.g. `__defaults` in checkpoint inputs) and are
 *    skipped at every level when `skipInternalKeys` (Analyze, AnalyzeStack, provider props);
 *  - `undefined` object members are dropped; `undefined` array elements become null;
 *  - secrets, assets and archives (objects carrying the signature key) are kept as they are,
 *    with their contents marshalled recursively;
 *  - anything that is not JSON-like (functions, symbols, bigints, class instances other than
 *    Date) is rejected with an error naming the property path.
 */
export function marshalProperties(
    props: Record<string, unknown> | undefined,
    opts: { skipInternalKeys: boolean },
): Record<string, unknown> {
    if (props === undefined || props === null) {
        return {};
    }
    if (typeof props !== "object" || Array.isArray(props)) {
        throw new TypeError(`properties must be an object, got ${describeType(props)}`);
    }
    return marshalObject(props, opts.skipInternalKeys, "");
}

function marshalObject(obj: Record<string, unknown>, skipInternal: boolean, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const special = SPECIAL_SIG_KEY in obj;
    for (const [k, v] of Object.entries(obj)) {
        if (!special && skipInternal && k.startsWith("__")) {
            continue;
        }
        if (v === undefined) {
            continue;
        }
        out[k] = marshalValue(v, skipInternal, path === "" ? k : `${path}.${k}`);
    }
    return out;
}

function marshalValue(v: unknown, skipInternal: boolean, path: string): unknown {
    if (v === null || typeof v === "string" || typeof v === "boolean") {
        return v;
    }
    if (typeof v === "number") {
        if (!Number.isFinite(v)) {
            throw new TypeError(`property ${path}: ${v} is not a finite number`);
        }
        return v;
    }
    if (Array.isArray(v)) {
        return v.map((e, i) => (e === undefined ? null : marshalValue(e, skipInternal, `${path}[${i}]`)));
    }
    if (v instanceof Date) {
        return v.toISOString();
    }
    if (typeof v === "object") {
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== Object.prototype && proto !== null) {
            throw new TypeError(`property ${path}: ${describeType(v)} is not a plain JSON value`);
        }
        return marshalObject(v as Record<string, unknown>, skipInternal, path);
    }
    throw new TypeError(`property ${path}: ${describeType(v)} is not a JSON value`);
}

function describeType(v: unknown): string {
    if (v === null) {
        return "null";
    }
    if (Array.isArray(v)) {
        return "an array";
    }
    if (typeof v === "object") {
        const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
        return ctor ? `an instance of ${ctor}` : "an object";
    }
    return `a ${typeof v}`;
}
