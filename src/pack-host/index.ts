// Runs a Node.js policy pack exactly as the Pulumi CLI does and speaks the Analyzer gRPC protocol
// to it, without the Pulumi CLI. Used by `carbonguard analyze` and by test/harness.

export { bootPack, livePackPids, packEnv, PackBootError, PackClient, type BootOptions, type PackExit } from "./boot";
export { AnalyzerClient, AnalyzerRpcError, type AnalyzerClientOptions, type FlatPolicyConfig } from "./client";
export {
    applyConfig,
    cliPolicies,
    createConfigWithDefaults,
    flattenPolicyConfig,
    loadPolicyConfigFile,
    parsePolicyPackConfig,
    PolicyConfigError,
    PolicyConfigValidationError,
    policyConfigJsonSchema,
    reconcileConfig,
    validatePolicyPackConfig,
    type CliPolicy,
    type PolicyConfigEntry,
    type PolicyPackConfig,
    type ReconcileOptions,
    type UserPolicyConfig,
} from "./config";
export { loadPolicyProject, PolicyProjectError, type PolicyProject } from "./policy-project";
export { PackDependenciesError, resolvePackRuntime, type PackRuntime } from "./runtime";
export { goBigFloat, goJsonMarshal, SchemaCompileError, validateLikeGojsonschema } from "./schema-validate";
export { startSession, withSession, type AnalyzeOutcome, type Session, type SessionOptions } from "./session";
export * from "./types";
export {
    isSecret,
    isUnknown,
    marshalProperties,
    secret,
    SECRET_SIG,
    SPECIAL_SIG_KEY,
    unknown,
    UNKNOWN_SENTINELS,
    type SecretValue,
    type UnknownKind,
    type UnknownSentinel,
} from "./values";
