// Tier 6: waivers under the real engine's call order (Remediate before Analyze for each resource,
// resources in parallel), through the `carbonguard-waivers` config entry and through
// CARBONGUARD_WAIVERS: what docs/waivers.md says is what happens here.
import * as fs from "node:fs";
import * as path from "node:path";

import { afterAll, beforeAll, expect, it } from "vitest";

import { createSpecWorkspace, describeCli, POLICIES_DIR, type StackSpec, type Workspace } from "./pulumi-cli";
import { alwaysOnGpuNodeGroup, AWS_EU_PROVIDER } from "./specs";

/** Three always-on GPU node groups; the waivers below cover the two named reserved-*. */
const SPEC: StackSpec = {
    providers: [AWS_EU_PROVIDER],
    resources: [alwaysOnGpuNodeGroup("reserved-a"), alwaysOnGpuNodeGroup("reserved-b"), alwaysOnGpuNodeGroup("unwaived")],
};

const waiver = (expires: string) => ({
    policy: "ml-autoscale-to-zero",
    match: { name: "reserved-*" },
    reason: "Reserved capacity until the Q3 move.",
    expires,
    approvedBy: "jane@example.com",
});
/** Within the default horizon (180 days): a waiver expiring further ahead is not honoured. */
const FUTURE = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);

describeCli("waivers (real CLI)", () => {
    let ws: Workspace;
    const file = (name: string, content: unknown) => {
        const f = path.join(ws.projectDir, name);
        fs.writeFileSync(f, JSON.stringify(content));
        return f;
    };
    const minSizes = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
        const r = await ws.pulumi(["preview", "--stack", "waivers", "--json", "--policy-pack", POLICIES_DIR, ...args], { env });
        const steps = (JSON.parse(r.stdout) as { steps: { urn: string; newState?: { inputs: { scalingConfig?: { minSize?: number } } } }[] }).steps;
        return Object.fromEntries(steps.filter((s) => s.urn.includes("nodeGroup")).map((s) => [s.urn.split("::").pop()!, s.newState?.inputs.scalingConfig?.minSize]));
    };
    const levels = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
        const r = await ws.preview("waivers", ["--policy-pack", POLICIES_DIR, ...args], { env });
        return {
            code: r.code,
            events: Object.fromEntries(r.policyEvents.map((e) => [e.resourceUrn!.split("::").pop()!, { level: e.enforcementLevel, waived: e.message.startsWith("Waived until") }])),
        };
    };

    beforeAll(async () => {
        const spec = createSpecWorkspace();
        ws = spec;
        await spec.specStack("waivers", SPEC);
    });
    afterAll(() => ws?.dispose());

    it("config route: waived findings are advisory and say who waived them; the rest still blocks", async () => {
        const config = file("config-inline.json", { "carbonguard-waivers": { waivers: [waiver(FUTURE)] } });
        const r = await levels(["--policy-pack-config", config]);
        expect(r.events).toEqual({
            "reserved-a": { level: "advisory", waived: true },
            "reserved-b": { level: "advisory", waived: true },
            unwaived: { level: "mandatory", waived: false },
        });
        expect(r.code).toBe(1);
    });

    it("at level remediate, Remediate runs before Analyze, yet no waived resource is changed (the first one included)", async () => {
        const config = file("config-remediate.json", { "ml-autoscale-to-zero": "remediate", "carbonguard-waivers": { waivers: [waiver(FUTURE)] } });
        expect(await minSizes(["--policy-pack-config", config])).toEqual({ "reserved-a": 1, "reserved-b": 1, unwaived: 0 });
        const r = await levels(["--policy-pack-config", config]);
        expect(r.events["reserved-a"]).toEqual({ level: "advisory", waived: true });
        expect(r.events["reserved-b"]).toEqual({ level: "advisory", waived: true });
        // The remediated resource passes after its fix: no event at all.
        expect(r.events.unwaived).toBeUndefined();
        expect(r.code).toBe(0);
    });

    it("environment route: CARBONGUARD_WAIVERS with a path relative to $PWD (the shell's folder)", async () => {
        file("carbonguard-waivers.json", { version: 1, waivers: [waiver(FUTURE)] });
        const r = await levels([], { CARBONGUARD_WAIVERS: "carbonguard-waivers.json" });
        expect(r.events["reserved-a"]).toEqual({ level: "advisory", waived: true });
        expect(r.events.unwaived).toEqual({ level: "mandatory", waived: false });
    });

    it("config route with a file: the same waivers, and an expired waiver blocks again", async () => {
        file("expired.json", { version: 1, waivers: [waiver("2020-01-01")] });
        const config = file("config-file.json", { "carbonguard-waivers": { file: "expired.json" } });
        const r = await levels(["--policy-pack-config", config]);
        expect(r.events["reserved-a"]?.level).toBe("mandatory");
        expect(r.events["reserved-b"]?.level).toBe("mandatory");
        expect(r.code).toBe(1);
    });

    it("a waiver file that does not exist fails closed: nothing is waived, and the run says which path it tried", async () => {
        const missing = path.join(ws.projectDir, "no-such-waivers.yaml");
        const r = await ws.preview("waivers", ["--policy-pack", POLICIES_DIR], { env: { CARBONGUARD_WAIVERS: missing } });
        const levelsByName = Object.fromEntries(r.policyEvents.filter((e) => e.policyName === "ml-autoscale-to-zero").map((e) => [e.resourceUrn!.split("::").pop()!, e.enforcementLevel]));
        expect(levelsByName).toEqual({ "reserved-a": "mandatory", "reserved-b": "mandatory", unwaived: "mandatory" });
        expect(r.policyEvents.some((e) => e.policyName === "carbonguard-waivers" && e.message.includes(missing))).toBe(true);
        expect(r.code).toBe(1);
    });
});
