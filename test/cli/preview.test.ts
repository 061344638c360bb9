// Tier 6: `pulumi preview --policy-pack ./policies` under the real Pulumi CLI on the four reference
// stacks (no policy event, exit 0) and on the wasteful example (exactly its mistakes, exit 1).
import { afterAll, beforeAll, expect, it } from "vitest";

import { ruleByName } from "../../src/rules";
import { WASTEFUL_RESOURCES as W } from "../../stacks/examples/wasteful";
import { createWorkspace, describeCli, eventKey, POLICIES_DIR, REFERENCE_STACKS, type Workspace } from "./pulumi-cli";

/** One finding per mistake of the example, at each policy's default level. */
const WASTEFUL_EXPECTED: readonly [policy: string, resource: string][] = [
    ["ml-clean-energy-region", W.dirtyRegion],
    ["ml-workload-declared", W.untagged],
    ["accelerator-fits-workload", W.inferenceOnTrainingNode],
    ["accelerator-current-generation", W.legacyGpu],
    ["ml-autoscale-to-zero", W.alwaysOn],
    ["ml-notebook-idle-shutdown", W.notebook],
    ["ml-training-guardrails", W.unboundedTraining],
    ["accelerator-fits-model", W.oversizedForModel],
    ["ml-data-colocated", W.dataElsewhere],
    ["ml-storage-lifecycle", W.checkpointsKeptForever],
    ["ml-autoscale-to-zero", W.hpaGpuDeployment],
];

describeCli("pulumi preview --policy-pack (real CLI)", () => {
    let ws: Workspace;

    beforeAll(async () => {
        ws = createWorkspace();
        for (const { stack } of REFERENCE_STACKS) await ws.initStack(stack);
        await ws.initStack("wasteful", { "carbonguard:blueprint": "wasteful", "aws:region": "eu-north-1" });
    });
    afterAll(() => ws?.dispose());

    it.each(REFERENCE_STACKS)("$stack: every policy passes, exit 0", async ({ stack, policyConfig }) => {
        const args = ["--policy-pack", POLICIES_DIR, ...(policyConfig ? ["--policy-pack-config", policyConfig] : [])];
        const result = await ws.preview(stack, args);
        const diagnostics = result.events.filter((e) => (e.diagnosticEvent as { severity?: string } | undefined)?.severity === "error");
        expect(diagnostics, result.stderr).toEqual([]);
        expect(result.policyEvents.map((e) => `${eventKey(e)}: ${e.message}`)).toEqual([]);
        expect(result.code, result.stderr).toBe(0);
        // The pack really ran: the engine reported it loaded and analyzed resources.
        expect(result.events.some((e) => e.resourcePreEvent !== undefined)).toBe(true);
    });

    it("the wasteful example: exactly one finding per mistake at its default level, exit 1", async () => {
        const result = await ws.preview("wasteful", ["--policy-pack", POLICIES_DIR]);
        const expected = WASTEFUL_EXPECTED.map(([policy, resource]) =>
            eventKey({ policyName: policy, resourceUrn: `urn:pulumi:wasteful::x::t::${resource}`, enforcementLevel: ruleByName(policy)!.meta.defaultLevel }),
        );
        expect(result.policyEvents.map(eventKey).sort()).toEqual([...expected].sort());
        for (const e of result.policyEvents) {
            expect(e.policyPackName).toBe("carbonguard");
            expect(e.message.length).toBeGreaterThan(20);
        }
        expect(result.code).toBe(1);
    });

    it("the wasteful example's human output lists the pack, each violation and its message", async () => {
        const result = await ws.pulumi(["preview", "--stack", "wasteful", "--policy-pack", POLICIES_DIR]);
        expect(result.code).toBe(1);
        const out = result.stdout;
        expect(out).toMatch(/Policies:\n\s+❌ carbonguard@v\d+\.\d+\.\d+/);
        for (const [policy, resource] of WASTEFUL_EXPECTED) {
            const level = ruleByName(policy)!.meta.defaultLevel;
            expect(out).toMatch(new RegExp(`- \\[${level}\\] \\[severity: \\w+\\]\\s+${policy}\\s+\\([^)]*: ${resource}\\)\\n\\s+\\S`));
        }
    });
});
