// Tier 6: enforcement level `remediate` under the real CLI: `pulumi preview` shows the property the
// pack changed, and the plan carries the remediated value.
import * as fs from "node:fs";
import * as path from "node:path";

import { afterAll, beforeAll, expect, it } from "vitest";

import { createSpecWorkspace, describeCli, POLICIES_DIR, type StackSpec, type Workspace } from "./pulumi-cli";
import { alwaysOnGpuNodeGroup, AWS_EU_PROVIDER } from "./specs";

/** An EKS node group of L4 GPUs for inference that keeps one node on. */
const SPEC: StackSpec = { providers: [AWS_EU_PROVIDER], resources: [alwaysOnGpuNodeGroup("gpu-ng")] };

describeCli("enforcement level remediate (real CLI)", () => {
    let ws: Workspace;
    let configFile: string;

    beforeAll(async () => {
        const spec = createSpecWorkspace();
        ws = spec;
        await spec.specStack("remediate", SPEC);
        configFile = path.join(ws.root, "remediate.json");
        fs.writeFileSync(configFile, JSON.stringify({ "ml-autoscale-to-zero": "remediate" }));
    });
    afterAll(() => ws?.dispose());

    it("`pulumi preview --diff` shows the pack's change to scalingConfig.minSize and the remediated inputs", async () => {
        const r = await ws.pulumi(["preview", "--stack", "remediate", "--diff", "--policy-pack", POLICIES_DIR, "--policy-pack-config", configFile]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/carbonguard@v\d+\.\d+\.\d+ \[remediate\]\s+ml-autoscale-to-zero\s+\(aws:eks\/nodeGroup:NodeGroup: gpu-ng\)\n\s+~ scalingConfig: \{\n\s+~ minSize\s+: 1 => 0/);
    });

    it("the plan's inputs carry minSize 0; at the default level nothing is changed and the violation blocks", async () => {
        const remediated = await ws.pulumi(["preview", "--stack", "remediate", "--json", "--policy-pack", POLICIES_DIR, "--policy-pack-config", configFile]);
        const step = (JSON.parse(remediated.stdout) as { steps: { urn: string; newState?: { inputs: Record<string, unknown> } }[] }).steps.find((s) => s.urn.endsWith("::gpu-ng"));
        expect(step?.newState?.inputs.scalingConfig).toEqual({ minSize: 0, maxSize: 3, desiredSize: 1 });

        const plain = await ws.preview("remediate", ["--policy-pack", POLICIES_DIR]);
        expect(plain.policyEvents.map((e) => `${e.policyName} ${e.enforcementLevel}`)).toEqual(["ml-autoscale-to-zero mandatory"]);
        expect(plain.code).toBe(1);
    });
});
