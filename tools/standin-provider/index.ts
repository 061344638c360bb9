/**
 * A stand-in for the `aws`, `gcp` and `kubernetes` resource provider plugins, for running the real Pulumi CLI where
 * no cloud is reachable (test/cli, bench/cli).
 *
 * It is what the engine needs from a provider and nothing more: it reports the installed
 * `@pulumi/aws` / `@pulumi/gcp` version (so the CLI's exact-version plugin lookup finds it), echoes
 * inputs on check, answers create with a deterministic id and the inputs as outputs (plus the few
 * computed outputs the reference stacks read), and answers the data-source invokes they call. It
 * never opens a network connection.
 *
 * Usage (the CLI starts it as a plugin):
 *   node dist/tools/standin-provider/index.js <aws|gcp|kubernetes> [--version-from <node_modules>] <engine>
 * `--version-from` names the node_modules folder whose @pulumi/<name> version to report (default:
 * the one this file resolves).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import * as provider from "@pulumi/pulumi/provider";

/** The providers this stand-in can be, with the npm package whose version it reports. */
export const STANDIN_PACKAGES = { aws: "@pulumi/aws", gcp: "@pulumi/gcp", kubernetes: "@pulumi/kubernetes" } as const;
export type StandinName = keyof typeof STANDIN_PACKAGES;

/** The version of the installed SDK package for `name`, as its package.json `pulumi.version` says. */
export function sdkVersion(name: StandinName, nodeModules?: string): string {
    const pkgJson = nodeModules
        ? path.join(nodeModules, STANDIN_PACKAGES[name], "package.json")
        : require.resolve(`${STANDIN_PACKAGES[name]}/package.json`);
    const pkg = JSON.parse(fs.readFileSync(pkgJson, "utf8")) as { version: string; pulumi?: { version?: string } };
    return pkg.pulumi?.version ?? pkg.version;
}

/** The deterministic id of a created resource: its name and a short hash of its URN. */
export function standinId(urn: string): string {
    const name = urn.slice(urn.lastIndexOf("::") + 2);
    return `${name}-${createHash("sha256").update(urn).digest("hex").slice(0, 8)}`;
}

const ACCOUNT = "123456789012";

/** Outputs a real provider computes that the reference stacks read back (ARNs, names, links). */
function computedOutputs(name: StandinName, urn: string, id: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const type = urn.split("::")[2] ?? "";
    const resourceName = typeof inputs.name === "string" ? inputs.name : id;
    if (name === "aws") {
        const service = type.split(":")[1]?.split("/")[0] ?? "resource";
        const region = typeof inputs.region === "string" ? inputs.region : "eu-north-1";
        const outputs: Record<string, unknown> = { name: resourceName, arn: `arn:aws:${service}:${region}:${ACCOUNT}:${resourceName}`, tagsAll: inputs.tags ?? {} };
        // An S3 bucket's name, as AWS names an auto-named bucket: the stacks build s3:// URIs from it (ml-data-colocated joins them).
        const own = type.slice(type.lastIndexOf("$") + 1); // the URN's type segment starts with its parents' types
        if (own === "aws:s3/bucket:Bucket" || own === "aws:s3/bucketV2:BucketV2") outputs["bucket"] = typeof inputs.bucket === "string" ? inputs.bucket : id.toLowerCase();
        return outputs;
    }
    // Kubernetes objects report what they were given (their names are set in metadata).
    if (name === "kubernetes") return {};
    const project = typeof inputs.project === "string" ? inputs.project : "standin-project";
    return { name: resourceName, project, selfLink: `https://standin.invalid/projects/${project}/${resourceName}` };
}

/** Answers to the data sources the reference stacks call. */
function invokeResult(token: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    switch (token) {
        case "aws:ec2/getVpc:getVpc":
            return { id: "vpc-standin", arn: `arn:aws:ec2:eu-north-1:${ACCOUNT}:vpc/vpc-standin`, cidrBlock: "10.0.0.0/16", default: true, region: inputs.region };
        case "aws:ec2/getSubnets:getSubnets":
            return { id: "standin-subnets", ids: ["subnet-standin-a", "subnet-standin-b"], region: inputs.region };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { id: ACCOUNT, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/standin`, userId: "STANDIN" };
        case "aws:index/getPartition:getPartition":
            return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com" };
        case "aws:index/getRegion:getRegion":
            return { id: "eu-north-1", name: "eu-north-1", region: "eu-north-1" };
        case "gcp:organizations/getClientConfig:getClientConfig":
            return { id: "standin", project: "standin-project", region: "europe-west1", zone: "europe-west1-b", accessToken: "" };
        default:
            return undefined;
    }
}

/** The provider object `pulumi.provider.main` serves. */
export function standinProvider(name: StandinName, version: string): provider.Provider {
    return {
        version,
        async check(_urn: string, _olds: unknown, news: unknown) {
            return { inputs: news };
        },
        async diff(_id: string, _urn: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
            // Outputs are the inputs plus computed fields: compare only what the inputs set.
            const changed = Object.keys({ ...news }).some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
            return { changes: changed };
        },
        async create(urn: string, inputs: Record<string, unknown>) {
            const id = standinId(urn);
            return { id, outs: { ...computedOutputs(name, urn, id, inputs), ...inputs } };
        },
        async read(id: string, _urn: string, props?: unknown) {
            return { id, props };
        },
        async update(id: string, urn: string, _olds: unknown, news: Record<string, unknown>) {
            return { outs: { ...computedOutputs(name, urn, id, news), ...news } };
        },
        async delete() {
            return;
        },
        async invoke(token: string, inputs: Record<string, unknown>) {
            const outputs = invokeResult(token, inputs ?? {});
            if (outputs === undefined) {
                return { failures: [{ property: "", reason: `the ${name} stand-in provider does not answer ${token}` }] };
            }
            return { outputs };
        },
    };
}

function isStandinName(value: string | undefined): value is StandinName {
    return value !== undefined && Object.prototype.hasOwnProperty.call(STANDIN_PACKAGES, value);
}

if (require.main === module) {
    const [which, ...rest] = process.argv.slice(2);
    if (!isStandinName(which)) {
        process.stderr.write(`usage: ${path.basename(process.argv[1] ?? "standin")} <aws|gcp|kubernetes> [--version-from <node_modules>] <engine address>\n`);
        process.exit(2);
    }
    const at = rest.indexOf("--version-from");
    const versionFrom = at >= 0 ? rest.splice(at, 2)[1] : undefined;
    void provider.main(standinProvider(which, sdkVersion(which, versionFrom)), rest);
}
