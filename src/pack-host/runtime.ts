// Locates the Pulumi Node.js SDK a policy pack uses, and loads the modules the host needs from
// that same installation, so that the gRPC stubs, protobuf classes and @grpc/grpc-js are the very
// instances the pack's own server code uses.
//
// The CLI's `pulumi-analyzer-policy` shim (sdk/nodejs/dist/pulumi-analyzer-policy in
// pulumi/pulumi) runs, with the pack directory as working directory,
//   node -e "require.resolve('@pulumi/pulumi/cmd/run-policy-pack')"
// i.e. plain Node resolution from the pack directory; `resolvePackRuntime` does the same.

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerGrpcTypes from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as analyzerPbTypes from "@pulumi/pulumi/proto/analyzer_pb";
import type * as emptyPbTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structPbTypes from "google-protobuf/google/protobuf/struct_pb";

export type GrpcModule = typeof grpcTypes;
export type AnalyzerPbModule = typeof analyzerPbTypes;
export type AnalyzerGrpcModule = typeof analyzerGrpcTypes;
export type StructPbModule = typeof structPbTypes;
export type EmptyPbModule = typeof emptyPbTypes;

interface JsYamlModule {
    load(text: string, opts?: { filename?: string }): unknown;
}

/** The modules of the @pulumi/pulumi installation a pack uses. */
export interface PackRuntime {
    packDir: string;
    /** Directory of the resolved @pulumi/pulumi package. */
    pulumiDir: string;
    pulumiVersion: string;
    /** Absolute path of `@pulumi/pulumi/cmd/run-policy-pack` (its index.js). */
    runPolicyPack: string;
    grpc: GrpcModule;
    analyzerPb: AnalyzerPbModule;
    analyzerGrpc: AnalyzerGrpcModule;
    structPb: StructPbModule;
    emptyPb: EmptyPbModule;
    parseYaml(text: string, filename: string): unknown;
}

/** Thrown when a pack's dependencies cannot be resolved (the CLI's errRunPolicyModuleNotFound). */
export class PackDependenciesError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "PackDependenciesError";
    }
}

const cache = new Map<string, PackRuntime>();

/**
 * Resolve `@pulumi/pulumi/cmd/run-policy-pack` and the protocol modules from `packDir` exactly as
 * Node would from a module in that directory. Cached per pulumi installation.
 */
export function resolvePackRuntime(packDir: string): PackRuntime {
    const absDir = path.resolve(packDir);
    const req = createRequire(path.join(absDir, "__carbonguard_pack_host__.js"));
    let runPolicyPack: string;
    let pulumiPkgJson: string;
    try {
        runPolicyPack = req.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [absDir] });
        pulumiPkgJson = req.resolve("@pulumi/pulumi/package.json", { paths: [absDir] });
    } catch (err) {
        // Same wording as the CLI (sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer).
        throw new PackDependenciesError(
            `it looks like the policy pack's dependencies are not installed; try running npm install or yarn install in ${JSON.stringify(absDir)} ` +
            `(cannot resolve @pulumi/pulumi/cmd/run-policy-pack from there: ${(err as Error).message.split("\n")[0]})`,
            { cause: err },
        );
    }
    const pulumiDir = path.dirname(pulumiPkgJson);
    const cached = cache.get(pulumiDir);
    if (cached) {
        return { ...cached, packDir: absDir, runPolicyPack };
    }
    const fromPulumi = createRequire(pulumiPkgJson);
    const load = <T>(id: string): T => {
        try {
            return fromPulumi(id) as T;
        } catch (err) {
            throw new PackDependenciesError(
                `cannot load ${id} from the @pulumi/pulumi installation at ${pulumiDir} used by the policy pack at ${absDir}: ${(err as Error).message.split("\n")[0]}`,
                { cause: err },
            );
        }
    };
    const pulumiVersion = (JSON.parse(fs.readFileSync(pulumiPkgJson, "utf8")) as { version?: string }).version ?? "";
    const jsYaml = load<JsYamlModule>("js-yaml");
    const runtime: PackRuntime = {
        packDir: absDir,
        pulumiDir,
        pulumiVersion,
        runPolicyPack,
        grpc: load<GrpcModule>("@grpc/grpc-js"),
        analyzerPb: load<AnalyzerPbModule>("./proto/analyzer_pb"),
        analyzerGrpc: load<AnalyzerGrpcModule>("./proto/analyzer_grpc_pb"),
        structPb: load<StructPbModule>("google-protobuf/google/protobuf/struct_pb"),
        emptyPb: load<EmptyPbModule>("google-protobuf/google/protobuf/empty_pb"),
        parseYaml: (text, filename) => jsYaml.load(text, { filename }),
    };
    cache.set(pulumiDir, runtime);
    return runtime;
}
