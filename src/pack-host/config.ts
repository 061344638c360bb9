// Policy pack config reconciliation and validation, reimplementing the Pulumi CLI:
//   - pkg/resource/analyzer/config.go (pulumi/pulumi): LoadPolicyPackConfigFromFile /
//     parsePolicyPackConfig / extractEnforcementLevel, createConfigWithDefaults, applyConfig,
//     ReconcilePolicyPackConfig, validatePolicyPackConfig / validatePolicyConfig / convertSchema;
//   - sdk/go/common/resource/plugin/analyzer_plugin.go GetAnalyzerInfo: when the pack supports
//     config, every policy gets a schema, with `enforcementLevel` injected as
//     {type: string, enum: [advisory, mandatory, remediate, disabled]}; policies sorted by name;
//   - pkg/engine/update.go installAndLoadPolicyPlugins: each validation error becomes the line
//     `validating policy config: <pack> <version>  <policy>: <error>` (two spaces), lines sorted,
//     printed as errors, and the operation fails with "validating policy config".
//
// Validation uses ajv in place of gojsonschema, with gojsonschema's messages (schema-validate.ts).

import * as fs from "node:fs";

import { SchemaCompileError, validateLikeGojsonschema, type SchemaObject } from "./schema-validate";
import {
    ENFORCEMENT_LEVELS,
    type AnalyzerInfo,
    type EnforcementLevel,
    type JSONSchema,
    type PolicyInfo,
} from "./types";

/** A policy's config as the CLI holds it (plugin.AnalyzerPolicyConfig). "" = not set. */
export interface PolicyConfigEntry {
    enforcementLevel: EnforcementLevel | "";
    /** undefined = none (Go nil map); Configure sends an empty Struct then. */
    properties: Record<string, unknown> | undefined;
}

/** Config keyed by policy name; may also hold "all" and names the pack does not know, as the CLI's does. */
export type PolicyPackConfig = Record<string, PolicyConfigEntry>;

/** The user's config file contents: `{"all": "advisory", "<policy>": "mandatory" | {enforcementLevel?, ...props}}`. */
export type UserPolicyConfig = Record<string, unknown>;

/** Invalid config file / config value (parsing, not schema validation). */
export class PolicyConfigError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "PolicyConfigError";
    }
}

/** The reconciled config does not satisfy the policies' schemas. */
export class PolicyConfigValidationError extends Error {
    /** Sorted lines exactly as the CLI prints them (after "error: "). */
    readonly lines: string[];
    /** The raw errors from validatePolicyPackConfig: "<policy>: <gojsonschema error>". */
    readonly errors: string[];
    readonly packName: string;
    readonly packVersion: string;
    constructor(packName: string, packVersion: string, errors: string[]) {
        const lines = errors.map((e) => `validating policy config: ${packName} ${packVersion}  ${e}`).sort();
        super(lines.join("\n"));
        this.name = "PolicyConfigValidationError";
        this.lines = lines;
        this.errors = errors;
        this.packName = packName;
        this.packVersion = packVersion;
    }
}

function isEnforcementLevel(v: unknown): v is EnforcementLevel {
    return typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);
}

/** Go's `%v` for a decoded JSON value (used in the CLI's parse error messages). */
function goV(v: unknown): string {
    if (v === null || v === undefined) {
        return "<nil>";
    }
    if (typeof v === "string") {
        return v;
    }
    if (typeof v === "number") {
        const abs = Math.abs(v);
        if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
            return v.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
        }
        return String(v);
    }
    if (typeof v === "boolean") {
        return String(v);
    }
    if (Array.isArray(v)) {
        return `[${v.map(goV).join(" ")}]`;
    }
    const obj = v as Record<string, unknown>;
    return `map[${Object.keys(obj).sort().map((k) => `${k}:${goV(obj[k])}`).join(" ")}]`;
}

function goJsonTypeName(v: unknown): string {
    if (Array.isArray(v)) {
        return "array";
    }
    switch (typeof v) {
        case "string": return "string";
        case "number": return "number";
        case "boolean": return "bool";
        default: return "object";
    }
}

/**
 * extractEnforcementLevel: take "enforcementLevel" out of `props` (validated), leaving the rest.
 */
function extractEnforcementLevel(props: Record<string, unknown>): EnforcementLevel | "" {
    if (!("enforcementLevel" in props)) {
        return "";
    }
    const v = props["enforcementLevel"];
    if (typeof v !== "string") {
        throw new PolicyConfigError(`${goV(v)} is not a valid enforcement level; must be a string`);
    }
    if (!isEnforcementLevel(v)) {
        throw new PolicyConfigError(`${JSON.stringify(v)} is not a valid enforcement level`);
    }
    delete props["enforcementLevel"];
    return v;
}

/**
 * parsePolicyPackConfig: turn the user's config object into per-policy config, with the CLI's
 * error messages. Empty configs (`{}`) are dropped.
 */
export function parsePolicyPackConfig(config: UserPolicyConfig | null | undefined): PolicyPackConfig {
    const result: PolicyPackConfig = {};
    if (config === null || config === undefined) {
        return result;
    }
    if (typeof config !== "object" || Array.isArray(config)) {
        throw new PolicyConfigError(`json: cannot unmarshal ${goJsonTypeName(config)} into Go value of type map[string]interface {}`);
    }
    for (const [k, v] of Object.entries(config)) {
        let enforcementLevel: EnforcementLevel | "" = "";
        let properties: Record<string, unknown> | undefined;
        if (typeof v === "string") {
            if (!isEnforcementLevel(v)) {
                throw new PolicyConfigError(`parsing enforcement level for ${JSON.stringify(k)}: ${JSON.stringify(v)} is not a valid enforcement level`);
            }
            enforcementLevel = v;
        } else if (typeof v === "object" && v !== null && !Array.isArray(v)) {
            const val = { ...(v as Record<string, unknown>) };
            try {
                enforcementLevel = extractEnforcementLevel(val);
            } catch (err) {
                throw new PolicyConfigError(`parsing enforcement level for ${JSON.stringify(k)}: ${(err as Error).message}`);
            }
            if (Object.keys(val).length > 0) {
                properties = val;
            }
        } else {
            throw new PolicyConfigError(`parsing ${JSON.stringify(k)}: ${goV(v)} is not a valid value; must be a string or object`);
        }
        if (enforcementLevel === "" && properties === undefined) {
            continue; // Don't bother including empty configs.
        }
        result[k] = { enforcementLevel, properties };
    }
    return result;
}

/**
 * LoadPolicyPackConfigFromFile: read and parse a `--policy-pack-config` JSON file. An empty (or
 * whitespace-only) file means no config (undefined). Errors name the file.
 */
export function loadPolicyConfigFile(file: string): PolicyPackConfig | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new PolicyConfigError(
            e.code === "ENOENT" ? `open ${file}: no such file or directory` : `reading policy config file ${JSON.stringify(file)}: ${e.message}`,
            { cause: err },
        );
    }
    if (text.trim() === "") {
        return undefined;
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (err) {
        throw new PolicyConfigError(`parsing policy config file ${JSON.stringify(file)}: ${(err as Error).message}`, { cause: err });
    }
    try {
        return parsePolicyPackConfig(parsed as UserPolicyConfig);
    } catch (err) {
        throw new PolicyConfigError(`policy config file ${JSON.stringify(file)}: ${(err as Error).message}`, { cause: err });
    }
}

/** A policy as the CLI sees it after GetAnalyzerInfo (schema with enforcementLevel injected). */
export interface CliPolicy {
    name: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, JSONSchema>; required: string[] };
}

/** analyzer_plugin.go GetAnalyzerInfo: inject enforcementLevel into every schema; sort by name. */
export function cliPolicies(info: Pick<AnalyzerInfo, "supportsConfig" | "policies">): CliPolicy[] {
    const policies = info.policies.map((p: PolicyInfo): CliPolicy => {
        const out: CliPolicy = { name: p.name, enforcementLevel: p.enforcementLevel };
        if (info.supportsConfig) {
            out.configSchema = {
                properties: {
                    ...(p.configSchema?.properties ?? {}),
                    enforcementLevel: { type: "string", enum: [...ENFORCEMENT_LEVELS] },
                },
                required: p.configSchema?.required ?? [],
            };
        }
        return out;
    });
    return policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** createConfigWithDefaults: every policy's enforcement level plus its schema's `default`s. */
export function createConfigWithDefaults(policies: CliPolicy[]): PolicyPackConfig {
    const result: PolicyPackConfig = {};
    for (const policy of policies) {
        let props: Record<string, unknown> | undefined;
        for (const [k, v] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (v && typeof v === "object" && "default" in v) {
                props = props ?? {};
                props[k] = structuredClone(v["default"]);
            }
        }
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties: props };
    }
    return result;
}

/** applyConfig: "all" sets every level so far; then each entry overrides level and merges props. */
export function applyConfig(result: PolicyPackConfig, configToApply: PolicyPackConfig): PolicyPackConfig {
    const all = configToApply["all"];
    if (all && isEnforcementLevel(all.enforcementLevel)) {
        for (const [k, v] of Object.entries(result)) {
            result[k] = { enforcementLevel: all.enforcementLevel, properties: v.properties };
        }
    }
    for (const [policy, given] of Object.entries(configToApply)) {
        let enforcementLevel: EnforcementLevel | "" = "";
        let properties: Record<string, unknown> | undefined;
        const existing = result[policy];
        if (existing) {
            enforcementLevel = existing.enforcementLevel;
            properties = existing.properties;
        }
        if (isEnforcementLevel(given.enforcementLevel)) {
            enforcementLevel = given.enforcementLevel;
        }
        const givenProps = given.properties ?? {};
        if (Object.keys(givenProps).length > 0) {
            properties = { ...(properties ?? {}) };
            for (const [k, v] of Object.entries(givenProps)) {
                properties[k] = v;
            }
        }
        result[policy] = { enforcementLevel, properties };
    }
    return result;
}

/** convertSchema: the object schema a policy's config is validated against. */
export function policyConfigJsonSchema(schema: { properties: Record<string, JSONSchema>; required: string[] }): SchemaObject {
    const result: SchemaObject = { type: "object" };
    if (Object.keys(schema.properties).length > 0) {
        result["properties"] = schema.properties;
    }
    if (schema.required.length > 0) {
        result["required"] = schema.required;
    }
    return result;
}

/** validatePolicyPackConfig: "<policy>: <error>" for each schema violation. */
export function validatePolicyPackConfig(policies: CliPolicy[], config: PolicyPackConfig): string[] {
    const errors: string[] = [];
    for (const policy of policies) {
        if (!policy.configSchema) {
            continue;
        }
        const props = config[policy.name]?.properties ?? {};
        for (const e of validateLikeGojsonschema(policyConfigJsonSchema(policy.configSchema), props)) {
            errors.push(`${policy.name}: ${e}`);
        }
    }
    return errors;
}

export interface ReconcileOptions {
    /** The pack's path, for error messages ("reconciling policy config for "<pack>" at "<path>""). */
    packPath?: string;
}

/**
 * Reconcile config as the CLI does for `--policy-pack <dir> [--policy-pack-config <file>]`:
 * defaults and levels from GetAnalyzerInfo, then the pack's initial config, then the user's config
 * (an object shaped like the config file, or the path of such a file), then schema validation.
 *
 * Returns the config to send with Configure (every policy; also "all" and unknown names when the
 * user config has them, as the CLI sends them). Throws PolicyConfigValidationError with the CLI's
 * lines when validation fails, PolicyConfigError for a malformed config.
 */
export function reconcileConfig(
    info: Pick<AnalyzerInfo, "name" | "version" | "supportsConfig" | "policies" | "initialConfig">,
    userConfig?: UserPolicyConfig | string | null,
    opts: ReconcileOptions = {},
): PolicyPackConfig {
    const where = opts.packPath !== undefined ? ` at ${JSON.stringify(opts.packPath)}` : "";
    let config: PolicyPackConfig | undefined;
    if (typeof userConfig === "string") {
        config = loadPolicyConfigFile(userConfig);
    } else if (userConfig !== undefined && userConfig !== null) {
        config = parsePolicyPackConfig(userConfig);
    }
    if (!info.supportsConfig) {
        if (config !== undefined) {
            throw new PolicyConfigError(`policy pack ${JSON.stringify(info.name)}${where} does not support config`);
        }
        return {};
    }
    const policies = cliPolicies(info);
    let result = createConfigWithDefaults(policies);
    const initial: PolicyPackConfig = {};
    for (const [k, v] of Object.entries(info.initialConfig)) {
        initial[k] = { enforcementLevel: v.enforcementLevel, properties: v.properties };
    }
    result = applyConfig(result, initial);
    if (config !== undefined) {
        result = applyConfig(result, config);
    }
    let errors: string[];
    try {
        errors = validatePolicyPackConfig(policies, result);
    } catch (err) {
        if (err instanceof SchemaCompileError) {
            throw new PolicyConfigError(`reconciling policy config for ${JSON.stringify(info.name)}${where}: ${err.message}`, { cause: err });
        }
        throw err;
    }
    if (errors.length > 0) {
        throw new PolicyConfigValidationError(info.name, info.version, errors);
    }
    return result;
}

/** The reconciled config in the shape Configure takes: `{ policy: { enforcementLevel, ...props } }`. */
export function flattenPolicyConfig(config: PolicyPackConfig): Record<string, { enforcementLevel: EnforcementLevel | ""; [prop: string]: unknown }> {
    const out: Record<string, { enforcementLevel: EnforcementLevel | ""; [prop: string]: unknown }> = {};
    for (const [k, v] of Object.entries(config)) {
        out[k] = { ...(v.properties ?? {}), enforcementLevel: v.enforcementLevel };
    }
    return out;
}
