// Plain-JS shapes of the Analyzer protocol (proto/pulumi/analyzer.proto as shipped in
// @pulumi/pulumi/proto/analyzer_pb.js), as the pack host exposes them.

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** "" when the pack did not set one (POLICY_SEVERITY_UNSPECIFIED). */
export type PolicySeverity = "" | "low" | "medium" | "high" | "critical";
export type PolicyType = "unknown" | "resource" | "stack";

/** A JSON schema object (one property's schema in a policy's configSchema). */
export type JSONSchema = Record<string, unknown>;

export interface PolicyConfigSchema {
    /** `configSchema.properties` of the policy (the SDK sends only `properties` and `required`). */
    properties: Record<string, JSONSchema>;
    required: string[];
}

export interface PolicyComplianceFramework {
    name: string;
    version: string;
    reference: string;
    specification: string;
}

export interface PolicyInfo {
    name: string;
    displayName: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevel;
    /** Absent when the policy declares no configSchema. */
    configSchema?: PolicyConfigSchema;
    policyType: PolicyType;
    severity: PolicySeverity;
    framework?: PolicyComplianceFramework;
    tags: string[];
    remediationSteps: string;
    url: string;
}

/** One policy's configuration as sent by Configure: an enforcement level plus properties. */
export interface PolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

export interface AnalyzerInfo {
    name: string;
    displayName: string;
    version: string;
    supportsConfig: boolean;
    description: string;
    readme: string;
    provider: string;
    tags: string[];
    repository: string;
    policies: PolicyInfo[];
    /** Config the pack sets programmatically (`new PolicyPack(name, args, initialConfig)`). */
    initialConfig: Record<string, PolicyConfig>;
}

export interface AnalyzeDiagnostic {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevel;
    urn: string;
    severity: PolicySeverity;
}

export interface PolicyNotApplicable {
    policyName: string;
    reason: string;
}

export interface AnalyzeResult {
    diagnostics: AnalyzeDiagnostic[];
    notApplicable: PolicyNotApplicable[];
}

export interface Remediation {
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    description: string;
    /** The remediated property bag (wire form: secrets stay wrapped), when the policy changed it. */
    properties?: Record<string, unknown>;
    /** Set instead of properties when the remediation could not run (e.g. unknowns in preview). */
    diagnostic: string;
}

export interface RemediateResult {
    remediations: Remediation[];
    notApplicable: PolicyNotApplicable[];
}

/** The provider of a resource (the SDK exposes it as `args.provider`; AWS region often lives here). */
export interface ProviderResource {
    urn: string;
    type?: string;
    name?: string;
    properties?: Record<string, unknown>;
}

export interface ResourceOptions {
    protect?: boolean;
    ignoreChanges?: string[];
    /** Leave undefined for "not set" (the engine sends deleteBeforeReplaceDefined=false). */
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    aliases?: string[];
    customTimeouts?: { create?: number; update?: number; delete?: number };
    parent?: string;
}

/** A resource as Analyze / Remediate receive it. `type` and `name` default to the URN's. */
export interface AnalyzeResource {
    urn: string;
    type?: string;
    name?: string;
    /** Plain JS; use `unknown(...)` and `secret(...)` for special values. */
    properties?: Record<string, unknown>;
    provider?: ProviderResource;
    options?: ResourceOptions;
}

/** A resource as AnalyzeStack receives it. */
export interface StackResource extends AnalyzeResource {
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface ConfigureStackArgs {
    stack?: string;
    project?: string;
    organization?: string;
    dryRun?: boolean;
    /** Stack config, e.g. `{"aws:region": "us-east-1"}` (values are strings on the wire). */
    config?: Record<string, string>;
    /** Keys of `config` that are secrets. */
    configSecretKeys?: string[];
    /** Stack tags (the SDK exposes them as `args.stackTags`). */
    tags?: Record<string, string>;
}

export interface PluginInfo {
    version: string;
}

/**
 * Split a Pulumi URN (`urn:pulumi:<stack>::<project>::<qualified type>::<name>`) into the
 * resource type (the last `$`-separated part of the qualified type) and name. Returns undefined
 * parts when the URN is malformed.
 */
export function parseUrn(urn: string): { type?: string; name?: string } {
    const parts = urn.split("::");
    if (parts.length < 4 || !parts[0]?.startsWith("urn:pulumi:")) {
        return {};
    }
    const qualifiedType = parts[2] ?? "";
    const typeParts = qualifiedType.split("$");
    return { type: typeParts[typeParts.length - 1], name: parts.slice(3).join("::") };
}
