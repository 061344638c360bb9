// A policy pack session in the engine's call order:
//   boot (+ Handshake) -> ConfigureStack -> GetAnalyzerInfo -> reconcile config -> Configure(all)
//   then per resource: Remediate, then Analyze (inputs); once per stack: AnalyzeStack (outputs).
// Sources: sdk/go/common/resource/plugin/analyzer_plugin.go (NewPolicyAnalyzer calls ConfigureStack
// right after boot; GetAnalyzerInfo; Configure; the PulumiPolicy.yaml version overrides the pack's
// version in the info and in every diagnostic; a diagnostic without severity takes its policy's),
// pkg/engine/update.go (installAndLoadPolicyPlugins: GetAnalyzerInfo -> ReconcilePolicyPackConfig ->
// Configure), pkg/resource/deploy/step_generator.go (Remediate before Analyze).

import * as path from "node:path";

import { bootPack, stackConfigStrings, type BootOptions, type PackClient } from "./boot";
import { flattenPolicyConfig, reconcileConfig, type PolicyPackConfig, type UserPolicyConfig } from "./config";
import type {
    AnalyzeDiagnostic,
    AnalyzeResource,
    AnalyzeResult,
    AnalyzerInfo,
    PolicyNotApplicable,
    Remediation,
    StackResource,
} from "./types";

export interface SessionOptions {
    packDir: string;
    stack?: string;
    project?: string;
    organization?: string;
    /** A preview (true, default) or an update (false). */
    dryRun?: boolean;
    /** Stack config, e.g. `{"aws:region": "us-east-1"}`: sent by ConfigureStack and as PULUMI_CONFIG. */
    stackConfig?: Record<string, unknown>;
    /** Keys of stackConfig that are secrets. */
    stackConfigSecretKeys?: string[];
    /** Stack tags (`args.stackTags` in policies). */
    stackTags?: Record<string, string>;
    /** `--policy-pack-config`: the file's contents as an object, or its path. */
    policyConfig?: UserPolicyConfig | string;
    /** Boot options (timeouts, extra env, node binary). */
    boot?: Omit<BootOptions, "stackConfig" | "organization" | "project" | "stack" | "dryRun">;
}

export interface AnalyzeOutcome extends AnalyzeResult {
    /** Remediations applied before Analyze (empty unless a policy is at "remediate"). */
    remediations: Remediation[];
    /** The properties Analyze saw (after remediations). */
    properties: Record<string, unknown>;
}

export interface Session {
    /** GetAnalyzerInfo as the CLI holds it: policies sorted by name, PulumiPolicy.yaml version applied. */
    readonly info: AnalyzerInfo;
    /** The reconciled config sent with Configure. */
    readonly config: PolicyPackConfig;
    /** The underlying client (process, port, stderr, raw RPCs). */
    readonly client: PackClient;
    /** Remediate then Analyze one resource (its inputs), as the engine does per resource step. */
    analyze(resource: AnalyzeResource): Promise<AnalyzeOutcome>;
    /** AnalyzeStack with all resources (their outputs), as the engine does at the end. */
    analyzeStack(resources: StackResource[]): Promise<AnalyzeResult>;
    /**
     * Reconcile another user config against the same info and Configure again (a new CLI run
     * would do the same from scratch). Throws like startSession on invalid config.
     */
    reconfigure(policyConfig?: UserPolicyConfig | string): Promise<PolicyPackConfig>;
    /** Stop the pack process (idempotent). */
    close(): Promise<void>;
}

/**
 * Boot the pack and bring it to the state the engine leaves it in before the first resource.
 * On any failure the pack process is stopped before the promise rejects.
 */
export async function startSession(opts: SessionOptions): Promise<Session> {
    const packDir = path.resolve(opts.packDir);
    const dryRun = opts.dryRun ?? true;
    const stackConfig = stackConfigStrings(opts.stackConfig ?? {});
    const client = await bootPack(packDir, {
        ...opts.boot,
        ...(opts.stackConfig !== undefined ? { stackConfig } : {}),
        ...(opts.organization !== undefined ? { organization: opts.organization } : {}),
        ...(opts.project !== undefined ? { project: opts.project } : {}),
        ...(opts.stack !== undefined ? { stack: opts.stack } : {}),
        dryRun,
    });
    try {
        await client.configureStack({
            stack: opts.stack ?? "",
            project: opts.project ?? "",
            organization: opts.organization ?? "",
            dryRun,
            config: stackConfig,
            configSecretKeys: opts.stackConfigSecretKeys ?? [],
            tags: opts.stackTags ?? {},
        });
        const raw = await client.getAnalyzerInfo();
        const info: AnalyzerInfo = {
            ...raw,
            version: client.project.version ?? raw.version,
            description: raw.description || client.project.description || "",
            policies: [...raw.policies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        };
        const configure = async (policyConfig: UserPolicyConfig | string | undefined): Promise<PolicyPackConfig> => {
            const config = reconcileConfig(info, policyConfig, { packPath: packDir });
            try {
                await client.configure(flattenPolicyConfig(config));
            } catch (err) {
                throw new Error(`configuring policy pack ${JSON.stringify(info.name)} at ${JSON.stringify(packDir)}: ${(err as Error).message}`, { cause: err });
            }
            return config;
        };
        let config = await configure(opts.policyConfig);

        const severityOf = new Map(info.policies.filter((p) => p.severity !== "").map((p) => [p.name, p.severity]));
        const fixDiagnostic = (d: AnalyzeDiagnostic): AnalyzeDiagnostic => ({
            ...d,
            policyPackVersion: client.project.version ?? d.policyPackVersion,
            severity: d.severity !== "" ? d.severity : severityOf.get(d.policyName) ?? "",
        });
        const fixResult = (r: { diagnostics: AnalyzeDiagnostic[]; notApplicable: PolicyNotApplicable[] }): AnalyzeResult => ({
            diagnostics: r.diagnostics.map(fixDiagnostic),
            notApplicable: r.notApplicable,
        });

        return {
            info,
            get config() {
                return config;
            },
            client,
            async analyze(resource) {
                const rem = await client.remediate(resource);
                let properties = resource.properties ?? {};
                const remediations = rem.remediations.map((r) => ({
                    ...r,
                    policyPackVersion: client.project.version ?? r.policyPackVersion,
                }));
                for (const r of remediations) {
                    if (r.properties) {
                        properties = r.properties;
                    }
                }
                const res = await client.analyze({ ...resource, properties });
                return { ...fixResult(res), remediations, properties };
            },
            async analyzeStack(resources) {
                return fixResult(await client.analyzeStack(resources));
            },
            async reconfigure(policyConfig) {
                config = await configure(policyConfig);
                return config;
            },
            close() {
                return client.close();
            },
        };
    } catch (err) {
        await client.close(500);
        throw err;
    }
}

/** Run `fn` with a started session and always stop the pack afterwards. */
export async function withSession<T>(opts: SessionOptions, fn: (session: Session) => Promise<T> | T): Promise<T> {
    const session = await startSession(opts);
    try {
        return await fn(session);
    } finally {
        await session.close();
    }
}
