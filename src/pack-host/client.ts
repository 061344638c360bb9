// Typed client for the Analyzer gRPC service a policy pack serves, built on the stubs of the
// pack's own @pulumi/pulumi installation (proto/analyzer_grpc_pb.js, proto/analyzer_pb.js) and
// its @grpc/grpc-js. Requests are built the way the CLI builds them
// (sdk/go/common/resource/plugin/analyzer_plugin.go: Analyze, AnalyzeStack, Remediate,
// GetAnalyzerInfo, Configure, and NewPolicyAnalyzer's Handshake / ConfigureStack calls).

import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type { JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";

import type { PackRuntime } from "./runtime";
import {
    ENFORCEMENT_LEVELS,
    parseUrn,
    type AnalyzeDiagnostic,
    type AnalyzeResource,
    type AnalyzeResult,
    type AnalyzerInfo,
    type ConfigureStackArgs,
    type EnforcementLevel,
    type PluginInfo,
    type PolicyConfig,
    type PolicyInfo,
    type PolicyNotApplicable,
    type PolicySeverity,
    type PolicyType,
    type ProviderResource,
    type RemediateResult,
    type ResourceOptions,
    type StackResource,
} from "./types";
import { marshalProperties } from "./values";

/** 400 MiB, as the CLI (rpcutil.GrpcChannelOptions) and the Node policy server configure. */
const MAX_RPC_MESSAGE_SIZE = 400 * 1024 * 1024;

/** gRPC status code names (grpc/status codes). */
const GRPC_CODE_NAMES: Record<number, string> = {
    0: "OK", 1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND",
    6: "ALREADY_EXISTS", 7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION",
    10: "ABORTED", 11: "OUT_OF_RANGE", 12: "UNIMPLEMENTED", 13: "INTERNAL", 14: "UNAVAILABLE",
    15: "DATA_LOSS", 16: "UNAUTHENTICATED",
};

/** A failed Analyzer RPC. `details` is the server's message (for a throwing policy: its stack). */
export class AnalyzerRpcError extends Error {
    readonly rpc: string;
    readonly code: number;
    readonly codeName: string;
    readonly details: string;
    constructor(rpc: string, code: number, details: string, extra?: string) {
        const codeName = GRPC_CODE_NAMES[code] ?? `code ${code}`;
        super(`${rpc} failed (${codeName}): ${details}${extra ? `\n${extra}` : ""}`);
        this.name = "AnalyzerRpcError";
        this.rpc = rpc;
        this.code = code;
        this.codeName = codeName;
        this.details = details;
    }
}

export interface AnalyzerClientOptions {
    /** Deadline for each call, in ms (default 120000). */
    callTimeoutMs?: number;
    /**
     * Called when a call fails (with the gRPC status code, or undefined when the connection could
     * not be made), to append context such as "the policy pack process exited with code 1" and its
     * stderr. Return undefined for nothing.
     */
    describeFailure?: (code: number | undefined) => string | undefined;
}

/** Per-policy config as Configure takes it: `{ enforcementLevel, ...properties }`. */
export type FlatPolicyConfig = Record<string, { enforcementLevel: EnforcementLevel | ""; [prop: string]: unknown }>;

type Unary<Req, Res> = (
    req: Req,
    metadata: grpcTypes.Metadata,
    options: Partial<grpcTypes.CallOptions>,
    cb: (err: grpcTypes.ServiceError | null, res: Res) => void,
) => grpcTypes.ClientUnaryCall;

export class AnalyzerClient {
    readonly address: string;
    readonly runtime: PackRuntime;
    private readonly stub: InstanceType<PackRuntime["analyzerGrpc"]["AnalyzerClient"]>;
    private readonly callTimeoutMs: number;
    private readonly describeFailure: ((code: number | undefined) => string | undefined) | undefined;
    private closed = false;

    constructor(address: string, runtime: PackRuntime, opts: AnalyzerClientOptions = {}) {
        this.address = address;
        this.runtime = runtime;
        this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
        this.describeFailure = opts.describeFailure;
        this.stub = new runtime.analyzerGrpc.AnalyzerClient(address, runtime.grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": MAX_RPC_MESSAGE_SIZE,
            "grpc.max_send_message_length": MAX_RPC_MESSAGE_SIZE,
        });
    }

    /** Wait until the channel is connected (or fail after `timeoutMs`). */
    waitForReady(timeoutMs: number): Promise<void> {
        return new Promise((resolve, reject) => {
            this.stub.waitForReady(Date.now() + timeoutMs, (err) => {
                if (err) {
                    const extra = this.describeFailure?.(undefined);
                    reject(new Error(`could not connect to the policy pack at ${this.address}: ${err.message}${extra ? `\n${extra}` : ""}`));
                } else {
                    resolve();
                }
            });
        });
    }

    private call<Req, Res>(rpc: string, fn: Unary<Req, Res>, req: Req): Promise<Res> {
        if (this.closed) {
            return Promise.reject(new Error(`${rpc}: the analyzer client for ${this.address} is closed`));
        }
        const metadata = new this.runtime.grpc.Metadata();
        return new Promise<Res>((resolve, reject) => {
            try {
                fn.call(this.stub, req, metadata, { deadline: Date.now() + this.callTimeoutMs }, (err, res) => {
                    if (err) {
                        const code = typeof err.code === "number" ? err.code : 2;
                        const details = err.details || err.message;
                        reject(new AnalyzerRpcError(rpc, code, details, code === 12 ? undefined : this.describeFailure?.(code)));
                    } else {
                        resolve(res);
                    }
                });
            } catch (err) {
                reject(new Error(`${rpc}: could not send the request: ${(err as Error).message}`, { cause: err }));
            }
        });
    }

    // ---- RPCs -------------------------------------------------------------------------------

    async getPluginInfo(): Promise<PluginInfo> {
        const res = await this.call("GetPluginInfo", this.stub.getPluginInfo, new this.runtime.emptyPb.Empty());
        return { version: res.getVersion() };
    }

    /**
     * Handshake, as the CLI sends it right after boot. Resolves "unimplemented" when the pack does
     * not implement it (the Node SDK does not; the CLI tolerates that).
     */
    async handshake(args: { engineAddress: string; rootDirectory?: string; programDirectory?: string }): Promise<"ok" | "unimplemented"> {
        const req = new this.runtime.analyzerPb.AnalyzerHandshakeRequest();
        req.setEngineAddress(args.engineAddress);
        if (args.rootDirectory !== undefined) {
            req.setRootDirectory(args.rootDirectory);
        }
        if (args.programDirectory !== undefined) {
            req.setProgramDirectory(args.programDirectory);
        }
        try {
            await this.call("Handshake", this.stub.handshake, req);
            return "ok";
        } catch (err) {
            if (err instanceof AnalyzerRpcError && err.code === 12) {
                return "unimplemented";
            }
            throw err;
        }
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const res = await this.call("GetAnalyzerInfo", this.stub.getAnalyzerInfo, new this.runtime.emptyPb.Empty());
        const initialConfig: Record<string, PolicyConfig> = {};
        res.getInitialconfigMap().forEach((v, k) => {
            initialConfig[k] = {
                enforcementLevel: this.levelFromProto(v.getEnforcementlevel()),
                properties: v.getProperties()?.toJavaScript() ?? {},
            };
        });
        return {
            name: res.getName(),
            displayName: res.getDisplayname(),
            version: res.getVersion(),
            supportsConfig: res.getSupportsconfig(),
            description: res.getDescription(),
            readme: res.getReadme(),
            provider: res.getProvider(),
            tags: res.getTagsList(),
            repository: res.getRepository(),
            policies: res.getPoliciesList().map((p) => this.policyFromProto(p)),
            initialConfig,
        };
    }

    async configureStack(args: ConfigureStackArgs): Promise<void> {
        const req = new this.runtime.analyzerPb.AnalyzerStackConfigureRequest();
        req.setStack(args.stack ?? "");
        req.setProject(args.project ?? "");
        req.setOrganization(args.organization ?? "");
        req.setDryRun(args.dryRun ?? false);
        const config = req.getConfigMap();
        for (const [k, v] of Object.entries(args.config ?? {})) {
            config.set(k, v);
        }
        req.setConfigSecretKeysList(args.configSecretKeys ?? []);
        const tags = req.getTagsMap();
        for (const [k, v] of Object.entries(args.tags ?? {})) {
            tags.set(k, v);
        }
        await this.call("ConfigureStack", this.stub.configureStack, req);
    }

    /**
     * Configure every policy: `{ "<policy>": { enforcementLevel, ...properties } }`. As in the CLI's
     * analyzer.Configure, an empty map sends nothing and an invalid level fails before sending.
     */
    async configure(config: FlatPolicyConfig): Promise<void> {
        const entries = Object.entries(config);
        if (entries.length === 0) {
            return;
        }
        const req = new this.runtime.analyzerPb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [name, entry] of entries) {
            const { enforcementLevel, ...props } = entry;
            if (!ENFORCEMENT_LEVELS.includes(enforcementLevel as EnforcementLevel)) {
                throw new Error(`invalid enforcement level ${JSON.stringify(enforcementLevel ?? "")}`);
            }
            const pc = new this.runtime.analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(this.levelToProto(enforcementLevel as EnforcementLevel));
            // Always set properties (the SDK's configure handler calls getProperties().toJavaScript()).
            pc.setProperties(this.toStruct(marshalProperties(props, { skipInternalKeys: false })));
            map.set(name, pc);
        }
        await this.call("Configure", this.stub.configure, req);
    }

    async analyze(resource: AnalyzeResource): Promise<AnalyzeResult> {
        const res = await this.call("Analyze", this.stub.analyze, this.analyzeRequest(resource, true));
        return this.resultFromProto(res);
    }

    async analyzeStack(resources: StackResource[]): Promise<AnalyzeResult> {
        const req = new this.runtime.analyzerPb.AnalyzeStackRequest();
        req.setResourcesList(resources.map((r) => {
            const pr = new this.runtime.analyzerPb.AnalyzerResource();
            const { type, name } = this.typeAndName(r);
            pr.setUrn(r.urn);
            pr.setType(type);
            pr.setName(name);
            pr.setProperties(this.toStruct(marshalProperties(r.properties, { skipInternalKeys: true })));
            pr.setOptions(this.optionsToProto(r.options));
            if (r.provider) {
                pr.setProvider(this.providerToProto(r.provider));
            }
            pr.setParent(r.parent ?? "");
            pr.setDependenciesList(r.dependencies ?? []);
            const deps = pr.getPropertydependenciesMap();
            for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
                if (urns.length === 0) {
                    continue; // the engine skips properties without dependencies
                }
                const pd = new this.runtime.analyzerPb.AnalyzerPropertyDependencies();
                pd.setUrnsList(urns);
                deps.set(k, pd);
            }
            return pr;
        }));
        const res = await this.call("AnalyzeStack", this.stub.analyzeStack, req);
        return this.resultFromProto(res);
    }

    /** Remediate (the engine keeps internal keys here: SkipInternalKeys=false). */
    async remediate(resource: AnalyzeResource): Promise<RemediateResult> {
        const res = await this.call("Remediate", this.stub.remediate, this.analyzeRequest(resource, false));
        return {
            remediations: res.getRemediationsList().map((r) => {
                const props = r.getProperties();
                return {
                    policyName: r.getPolicyname(),
                    policyPackName: r.getPolicypackname(),
                    policyPackVersion: r.getPolicypackversion(),
                    description: r.getDescription(),
                    ...(props ? { properties: props.toJavaScript() as Record<string, unknown> } : {}),
                    diagnostic: r.getDiagnostic(),
                };
            }),
            notApplicable: this.notApplicableFromProto(res.getNotApplicableList()),
        };
    }

    /** Close the channel (idempotent). Does not stop the pack process; see bootPack's close(). */
    close(): void {
        if (!this.closed) {
            this.closed = true;
            this.stub.close();
        }
    }

    get isClosed(): boolean {
        return this.closed;
    }

    // ---- conversions ------------------------------------------------------------------------

    private toStruct(obj: Record<string, unknown>) {
        return this.runtime.structPb.Struct.fromJavaScript(obj as Record<string, JavaScriptValue>);
    }

    private typeAndName(r: AnalyzeResource): { type: string; name: string } {
        const fromUrn = parseUrn(r.urn);
        const type = r.type ?? fromUrn.type;
        const name = r.name ?? fromUrn.name;
        if (type === undefined || name === undefined) {
            throw new TypeError(`resource ${JSON.stringify(r.urn)}: type and name are required when the URN is not of the form urn:pulumi:<stack>::<project>::<type>::<name>`);
        }
        return { type, name };
    }

    private analyzeRequest(r: AnalyzeResource, skipInternalKeys: boolean): analyzerPb.AnalyzeRequest {
        const req = new this.runtime.analyzerPb.AnalyzeRequest();
        const { type, name } = this.typeAndName(r);
        req.setUrn(r.urn);
        req.setType(type);
        req.setName(name);
        req.setProperties(this.toStruct(marshalProperties(r.properties, { skipInternalKeys })));
        // The engine always sends options; the SDK refuses requests without them.
        req.setOptions(this.optionsToProto(r.options));
        if (r.provider) {
            req.setProvider(this.providerToProto(r.provider));
        }
        return req;
    }

    private optionsToProto(o: ResourceOptions | undefined): analyzerPb.AnalyzerResourceOptions {
        const pb = new this.runtime.analyzerPb.AnalyzerResourceOptions();
        const opts = o ?? {};
        pb.setProtect(opts.protect ?? false);
        pb.setIgnorechangesList(opts.ignoreChanges ?? []);
        pb.setDeletebeforereplace(opts.deleteBeforeReplace ?? false);
        pb.setDeletebeforereplacedefined(opts.deleteBeforeReplace !== undefined);
        pb.setAdditionalsecretoutputsList(opts.additionalSecretOutputs ?? []);
        pb.setAliasesList(opts.aliases ?? []);
        const ct = new this.runtime.analyzerPb.AnalyzerResourceOptions.CustomTimeouts();
        ct.setCreate(opts.customTimeouts?.create ?? 0);
        ct.setUpdate(opts.customTimeouts?.update ?? 0);
        ct.setDelete(opts.customTimeouts?.delete ?? 0);
        pb.setCustomtimeouts(ct);
        pb.setParent(opts.parent ?? "");
        return pb;
    }

    private providerToProto(p: ProviderResource): analyzerPb.AnalyzerProviderResource {
        const pb = new this.runtime.analyzerPb.AnalyzerProviderResource();
        const fromUrn = parseUrn(p.urn);
        pb.setUrn(p.urn);
        pb.setType(p.type ?? fromUrn.type ?? "");
        pb.setName(p.name ?? fromUrn.name ?? "");
        pb.setProperties(this.toStruct(marshalProperties(p.properties, { skipInternalKeys: true })));
        return pb;
    }

    private levelToProto(el: EnforcementLevel): analyzerPb.EnforcementLevel {
        const E = this.runtime.analyzerPb.EnforcementLevel;
        switch (el) {
            case "advisory": return E.ADVISORY;
            case "mandatory": return E.MANDATORY;
            case "remediate": return E.REMEDIATE;
            case "disabled": return E.DISABLED;
        }
    }

    private levelFromProto(el: number): EnforcementLevel {
        const E = this.runtime.analyzerPb.EnforcementLevel;
        switch (el) {
            case E.ADVISORY: return "advisory";
            case E.MANDATORY: return "mandatory";
            case E.REMEDIATE: return "remediate";
            case E.DISABLED: return "disabled";
            default: throw new Error(`invalid enforcement level ${el}`);
        }
    }

    private severityFromProto(s: number): PolicySeverity {
        const S = this.runtime.analyzerPb.PolicySeverity;
        switch (s) {
            case S.POLICY_SEVERITY_LOW: return "low";
            case S.POLICY_SEVERITY_MEDIUM: return "medium";
            case S.POLICY_SEVERITY_HIGH: return "high";
            case S.POLICY_SEVERITY_CRITICAL: return "critical";
            default: return "";
        }
    }

    private policyTypeFromProto(t: number): PolicyType {
        const T = this.runtime.analyzerPb.PolicyType;
        switch (t) {
            case T.POLICY_TYPE_RESOURCE: return "resource";
            case T.POLICY_TYPE_STACK: return "stack";
            default: return "unknown";
        }
    }

    private policyFromProto(p: analyzerPb.PolicyInfo): PolicyInfo {
        const info: PolicyInfo = {
            name: p.getName(),
            displayName: p.getDisplayname(),
            description: p.getDescription(),
            message: p.getMessage(),
            enforcementLevel: this.levelFromProto(p.getEnforcementlevel()),
            policyType: this.policyTypeFromProto(p.getPolicyType()),
            severity: this.severityFromProto(p.getSeverity()),
            tags: p.getTagsList(),
            remediationSteps: p.getRemediationSteps(),
            url: p.getUrl(),
        };
        const schema = p.getConfigschema();
        if (schema) {
            info.configSchema = {
                properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
                required: schema.getRequiredList(),
            };
        }
        const fw = p.getFramework();
        if (fw) {
            info.framework = { name: fw.getName(), version: fw.getVersion(), reference: fw.getReference(), specification: fw.getSpecification() };
        }
        return info;
    }

    private resultFromProto(res: analyzerPb.AnalyzeResponse): AnalyzeResult {
        return {
            diagnostics: res.getDiagnosticsList().map((d): AnalyzeDiagnostic => ({
                policyName: d.getPolicyname(),
                policyPackName: d.getPolicypackname(),
                policyPackVersion: d.getPolicypackversion(),
                description: d.getDescription(),
                message: d.getMessage(),
                enforcementLevel: this.levelFromProto(d.getEnforcementlevel()),
                urn: d.getUrn(),
                severity: this.severityFromProto(d.getSeverity()),
            })),
            notApplicable: this.notApplicableFromProto(res.getNotApplicableList()),
        };
    }

    private notApplicableFromProto(list: analyzerPb.PolicyNotApplicable[]): PolicyNotApplicable[] {
        return list.map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() }));
    }
}
