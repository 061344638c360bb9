// Tier 2: the mini-pack fixture booted as the Pulumi CLI boots it (one process for this file),
// driven over the Analyzer gRPC protocol.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { nameFromUrn, stateToWire } from "../../src/pack-host/analyze-stack";
import {
    AnalyzerRpcError,
    MINI_PACK_DIR,
    PolicyConfigError,
    PolicyConfigValidationError,
    reconcileConfig,
    SECRET_SIG,
    secret,
    SPECIAL_SIG_KEY,
    startSession,
    testUrn,
    unknown,
    type AnalyzeDiagnostic,
    type Session,
} from "./index";

let session: Session;

beforeAll(async () => {
    session = await startSession({
        packDir: MINI_PACK_DIR,
        stack: "dev",
        project: "carbonguard-test",
        organization: "acme",
        dryRun: true,
        stackConfig: { "aws:region": "us-east-1" },
        stackTags: { team: "ml-infra" },
    });
});

afterAll(async () => {
    await session?.close();
});

const thing = (name: string, properties: Record<string, unknown>) => ({ urn: testUrn("test:index:Thing", name), properties });
const byPolicy = (ds: AnalyzeDiagnostic[], name: string) => ds.filter((d) => d.policyName === name);

describe("boot", () => {
    it("reads the gRPC port from the first stdout line and serves the Analyzer service", async () => {
        const { client } = session;
        expect(client.port).toBeGreaterThan(0);
        expect(client.address).toBe(`127.0.0.1:${client.port}`);
        expect(client.running).toBe(true);
        expect(client.bootMs).toBeGreaterThan(0);
        expect((await client.getPluginInfo()).version).toMatch(/^\d+\.\d+\.\d+/);
        expect(session.info.name).toBe("mini-pack");
        expect(session.info.version).toBe("0.0.1");
        expect(session.info.supportsConfig).toBe(true);
        // Sorted by name, as the CLI holds them.
        expect(session.info.policies.map((p) => p.name)).toEqual(["env-probe", "limit-check", "nested-read", "stack-tags", "tag-fixer", "thrower"]);
        const limit = session.info.policies.find((p) => p.name === "limit-check");
        expect(limit).toMatchObject({
            policyType: "resource",
            severity: "medium",
            enforcementLevel: "advisory",
            configSchema: { properties: { limit: { type: "number", default: 5 } }, required: [] },
        });
        expect(session.info.policies.find((p) => p.name === "stack-tags")?.policyType).toBe("stack");
    });
});

describe("config reconciliation", () => {
    it("sends every policy with its level and the schema defaults; getConfig() sees the default", async () => {
        expect(session.config["limit-check"]).toEqual({ enforcementLevel: "advisory", properties: { limit: 5 } });
        expect(Object.keys(session.config).sort()).toEqual(["env-probe", "limit-check", "nested-read", "stack-tags", "tag-fixer", "thrower"]);

        const over = await session.analyze(thing("over", { count: 6 }));
        const [d] = byPolicy(over.diagnostics, "limit-check");
        expect(d).toMatchObject({
            policyPackName: "mini-pack",
            policyPackVersion: "0.0.1",
            enforcementLevel: "advisory",
            severity: "medium",
            message: "Count must not exceed the configured limit.\ncount 6 exceeds limit=5",
        });
        const within = await session.analyze(thing("within", { count: 5 }));
        expect(byPolicy(within.diagnostics, "limit-check")).toEqual([]);
    });

    it('applies {"all": "mandatory"} to every policy, and per-policy properties over defaults', async () => {
        try {
            const config = await session.reconfigure({ all: "mandatory" });
            expect(config["all"]).toEqual({ enforcementLevel: "mandatory", properties: undefined });
            expect(config["limit-check"]).toEqual({ enforcementLevel: "mandatory", properties: { limit: 5 } });
            const res = await session.analyze(thing("over", { count: 6, spec: { instanceType: unknown("string") } }));
            expect(byPolicy(res.diagnostics, "limit-check")[0]?.enforcementLevel).toBe("mandatory");
            // The SDK always reports an unknown read as advisory, whatever the policy's level.
            expect(byPolicy(res.diagnostics, "nested-read")[0]?.enforcementLevel).toBe("advisory");

            await session.reconfigure({ all: "advisory", "limit-check": { enforcementLevel: "mandatory", limit: 10 } });
            const raised = await session.analyze(thing("over", { count: 6 }));
            expect(byPolicy(raised.diagnostics, "limit-check")).toEqual([]);
            const way = await session.analyze(thing("way-over", { count: 11 }));
            expect(byPolicy(way.diagnostics, "limit-check")[0]).toMatchObject({
                enforcementLevel: "mandatory",
                message: "Count must not exceed the configured limit.\ncount 11 exceeds limit=10",
            });

            await session.reconfigure({ "limit-check": "disabled" });
            expect(byPolicy((await session.analyze(thing("off", { count: 99 }))).diagnostics, "limit-check")).toEqual([]);
        } finally {
            await session.reconfigure(undefined);
        }
    });

    it("rejects a config value of the wrong type with the CLI's error text", async () => {
        const bad = { "limit-check": { limit: "ten" } };
        expect(() => reconcileConfig(session.info, bad)).toThrow(PolicyConfigValidationError);
        expect(() => reconcileConfig(session.info, bad)).toThrow(
            "validating policy config: mini-pack 0.0.1  limit-check: limit: Invalid type. Expected: number, given: string",
        );
        // Through the session too; the previous config stays in force.
        await expect(session.reconfigure(bad)).rejects.toThrow(
            /^validating policy config: mini-pack 0\.0\.1 {2}limit-check: limit: Invalid type\. Expected: number, given: string$/,
        );
        expect(session.config["limit-check"]?.properties).toEqual({ limit: 5 });

        expect(() => reconcileConfig(session.info, { "limit-check": "strict" })).toThrow(
            new PolicyConfigError('parsing enforcement level for "limit-check": "strict" is not a valid enforcement level'),
        );
        expect(() => reconcileConfig(session.info, { "limit-check": 3 })).toThrow(
            'parsing "limit-check": 3 is not a valid value; must be a string or object',
        );
    });

    it("reads --policy-pack-config files and names the file when its JSON is bad", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "carbonguard-harness-"));
        try {
            const good = path.join(dir, "good.json");
            fs.writeFileSync(good, JSON.stringify({ all: "mandatory", "limit-check": { limit: 7 } }));
            expect(reconcileConfig(session.info, good)["limit-check"]).toEqual({ enforcementLevel: "mandatory", properties: { limit: 7 } });

            const bad = path.join(dir, "bad.json");
            fs.writeFileSync(bad, "{ not json");
            expect(() => reconcileConfig(session.info, bad)).toThrow(`parsing policy config file ${JSON.stringify(bad)}:`);

            const empty = path.join(dir, "empty.json");
            fs.writeFileSync(empty, "  \n");
            expect(reconcileConfig(session.info, empty)["limit-check"]).toEqual({ enforcementLevel: "advisory", properties: { limit: 5 } });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("remediation", () => {
    it("runs Remediate before Analyze and analyzes the remediated properties, as the engine does", async () => {
        const tagged = { urn: testUrn("test:index:Tagged", "t"), properties: { tagged: false, token: secret("x") } };
        const plain = await session.analyze(tagged);
        expect(plain.remediations).toEqual([]);
        expect(byPolicy(plain.diagnostics, "tag-fixer")[0]?.message).toBe("Things must be tagged.\nnot tagged");
        try {
            await session.reconfigure({ "tag-fixer": "remediate" });
            const fixed = await session.analyze(tagged);
            expect(fixed.remediations).toEqual([
                expect.objectContaining({ policyName: "tag-fixer", policyPackVersion: "0.0.1", diagnostic: "" }),
            ]);
            // Remediation results keep secrets in wire form.
            expect(fixed.properties).toEqual({ tagged: true, token: secret("x") });
            expect(byPolicy(fixed.diagnostics, "tag-fixer")).toEqual([]);
        } finally {
            await session.reconfigure(undefined);
        }
    });
});

describe("stack", () => {
    it("passes the stack tags from ConfigureStack to stack policies", async () => {
        const res = await session.analyzeStack([
            { urn: testUrn("test:index:Thing", "a"), properties: { count: 1 } },
            { urn: testUrn("test:index:Thing", "b"), properties: { count: 2 }, parent: testUrn("test:index:Thing", "a"), dependencies: [testUrn("test:index:Thing", "a")] },
        ]);
        expect(byPolicy(res.diagnostics, "stack-tags")).toEqual([
            expect.objectContaining({
                message: "The stack must carry a team tag.\nteam tag is ml-infra (2 resources)",
                enforcementLevel: "advisory",
                severity: "low",
            }),
        ]);
    });
});

describe("values", () => {
    it("turns a read of an unknown sentinel into the SDK's advisory preview diagnostic", async () => {
        const res = await session.analyze(thing("computed", { spec: { instanceType: unknown("string") } }));
        expect(byPolicy(res.diagnostics, "nested-read")).toEqual([
            {
                policyName: "nested-read",
                policyPackName: "mini-pack",
                policyPackVersion: "0.0.1",
                description: "The instance type must not be 'forbidden'.",
                message: "can't run policy 'nested-read' from policy pack 'mini-pack@v0.0.1' during preview: string value at .spec.instanceType can't be known during preview",
                enforcementLevel: "advisory",
                urn: "",
                severity: "high",
            },
        ]);
        // A known value runs the policy normally.
        const known = await session.analyze(thing("known", { spec: { instanceType: "forbidden" } }));
        expect(byPolicy(known.diagnostics, "nested-read")[0]?.message).toBe("The instance type must not be 'forbidden'.\ninstance type is forbidden");
    });

    it("delivers secret-wrapped values to the policy as plaintext, and stack config through PULUMI_CONFIG", async () => {
        const res = await session.analyze({
            urn: testUrn("test:index:Probe", "probe"),
            properties: { token: secret("s3cr3t"), nested: { key: secret("k") } },
            provider: {
                urn: testUrn("pulumi:providers:aws", "default_7_0_0"),
                properties: { region: "eu-north-1", __internal: "dropped" },
            },
        });
        const [d] = byPolicy(res.diagnostics, "env-probe");
        expect(d).toBeDefined();
        const seen = JSON.parse((d as AnalyzeDiagnostic).message.split("\n")[1] ?? "{}") as Record<string, unknown>;
        expect(seen).toEqual({
            awsRegion: "us-east-1",
            providerRegion: "eu-north-1",
            providerType: "pulumi:providers:aws",
            tokenType: "string",
            tokenIsExpectedPlaintext: true,
            nestedSecretIsPlaintext: true,
            stack: "dev",
            project: "carbonguard-test",
            organization: "acme",
        });
    });
});

describe("errors", () => {
    it("surfaces a throwing policy as a rejected promise carrying the gRPC error and the policy's message", async () => {
        const err = await session.analyze({ urn: testUrn("test:index:Bomb", "bomb") }).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(AnalyzerRpcError);
        const rpcErr = err as AnalyzerRpcError;
        expect(rpcErr.code).toBe(2);
        expect(rpcErr.rpc).toBe("Analyze");
        expect(rpcErr.message).toContain("Error validating resource with policy 'thrower' from policy pack 'mini-pack@v0.0.1'");
        expect(rpcErr.message).toContain("boom from thrower");
        // The pack keeps serving.
        expect(session.client.running).toBe(true);
        expect((await session.analyze(thing("after", { count: 1 }))).diagnostics).toEqual([]);
    });
});

describe("recorded state as the engine sends it (src/pack-host/analyze-stack.ts)", () => {
    it("a resource's name is the URN's text after its type, `::` included, as the engine splits it", () => {
        expect(nameFromUrn(testUrn("aws:s3/bucket:Bucket", "data::v2"))).toBe("data::v2");
        expect(nameFromUrn("not-a-urn")).toBe("not-a-urn");
    });

    it("an encrypted secret goes over the wire as the unknown string; a plaintext one stays a secret", () => {
        expect(stateToWire({ a: { [SPECIAL_SIG_KEY]: SECRET_SIG, ciphertext: "v1:abc" }, b: [secret("x")] })).toEqual({ a: unknown("string"), b: [secret("x")] });
    });
});
