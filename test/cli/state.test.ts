// Tier 6: `pulumi up --yes` of each reference stack (and of the wasteful example, without the pack)
// with the stand-in providers into a file:// backend, a config secret encrypted by the passphrase
// provider; then carbonguard reads the state the real CLI wrote: `report <backend folder>`,
// `pulumi stack export` files and `pulumi preview --json` files, and finds what preview found.
import * as fs from "node:fs";
import * as path from "node:path";

import { afterAll, beforeAll, expect, it } from "vitest";

import { createWorkspace, describeCli, eventKey, POLICIES_DIR, REFERENCE_PROJECT, REFERENCE_STACKS, type PolicyEvent, type Workspace } from "./pulumi-cli";

/** A Hugging Face token as the aws-inference stack takes it (`carbonguard:hfToken`, a secret). */
const SECRET = "hf_Pl4ntedS3cretValue-never-print";

interface ReportFinding {
    policy: string;
    level: string;
    urn: string;
    message: string;
}
interface ReportStack {
    project: string;
    stack: string;
    findings: ReportFinding[];
}

const findingKey = (f: ReportFinding) => eventKey({ policyName: f.policy, resourceUrn: f.urn, enforcementLevel: f.level });

describeCli("state written by the real CLI, read by carbonguard", () => {
    let ws: Workspace;
    const ups: Record<string, { code: number; out: string }> = {};
    let wastefulPreview: PolicyEvent[] = [];

    beforeAll(async () => {
        ws = createWorkspace();
        for (const { stack } of REFERENCE_STACKS) await ws.initStack(stack);
        const secret = await ws.pulumi(["config", "set", "--stack", "aws-inference", "--secret", "carbonguard:hfToken", SECRET]);
        expect(secret.code, secret.stderr).toBe(0);
        for (const { stack, policyConfig } of REFERENCE_STACKS) {
            const args = ["up", "--yes", "--stack", stack, "--policy-pack", POLICIES_DIR, ...(policyConfig ? ["--policy-pack-config", policyConfig] : [])];
            const r = await ws.pulumi(args);
            ups[stack] = { code: r.code, out: r.stdout + r.stderr };
        }
        await ws.initStack("wasteful", { "carbonguard:blueprint": "wasteful", "aws:region": "eu-north-1" });
        wastefulPreview = (await ws.preview("wasteful", ["--policy-pack", POLICIES_DIR])).policyEvents;
        // The example is never meant to be deployed: here it is, to stand-in providers, without the pack,
        // so its state holds every mistake.
        const r = await ws.pulumi(["up", "--yes", "--stack", "wasteful"]);
        ups.wasteful = { code: r.code, out: r.stdout + r.stderr };
    }, 600_000);
    afterAll(() => ws?.dispose());

    it("`pulumi up --yes --policy-pack` deploys every reference stack, and the example deploys without the pack", () => {
        for (const [stack, up] of Object.entries(ups)) {
            expect(up.code, `${stack}:\n${up.out}`).toBe(0);
            expect(up.out, stack).not.toContain(SECRET);
        }
    });

    it("the backend holds the secret as ciphertext only", () => {
        const file = path.join(ws.backendDir, ".pulumi", "stacks", REFERENCE_PROJECT, "aws-inference.json");
        const state = fs.readFileSync(file, "utf8");
        expect(state).toContain("ciphertext");
        expect(state).not.toContain(SECRET);
        // …and the secret did reach a resource (the model container's HF_TOKEN).
        expect(state).toMatch(/"HF_TOKEN":\s*\{\s*"4dabf18193072939515e22adb298388d"/);
    });

    it("`carbonguard report <backend folder>` finds what preview found, and never prints the secret", async () => {
        const result = await ws.carbonguard(["report", ws.backendDir, "--format", "json"]);
        expect(result.stdout + result.stderr).not.toContain(SECRET);
        const report = JSON.parse(result.stdout) as { stacks: ReportStack[] };
        const byStack = new Map(report.stacks.map((s) => [s.stack, s]));
        expect([...byStack.keys()].sort()).toEqual([...REFERENCE_STACKS.map((s) => s.stack), "wasteful"].sort());
        for (const { stack } of REFERENCE_STACKS) {
            // gcp-inference runs in its documented policy exception's region: without the exception
            // (the report here has no --policy-config) the clean-region rule blocks it, as preview would.
            const expected = stack === "gcp-inference" ? ["ml-clean-energy-region"] : [];
            expect(byStack.get(stack)!.findings.map((f) => f.policy), stack).toEqual(expected);
        }
        expect(byStack.get("wasteful")!.findings.map(findingKey).sort()).toEqual(wastefulPreview.map(eventKey).sort());
        // The report exits 1 for the mandatory violations, as preview does.
        expect(result.code).toBe(1);
    });

    it("`pulumi stack export` and `pulumi preview --json` files are accepted by analyze and report", async () => {
        const exportFile = path.join(ws.root, "wasteful-export.json");
        const exported = await ws.pulumi(["stack", "export", "--stack", "wasteful", "--file", exportFile]);
        expect(exported.code, exported.stderr).toBe(0);
        const plan = await ws.pulumi(["preview", "--stack", "aws-inference", "--json"]);
        expect(plan.code, plan.stderr).toBe(0);
        const planFile = path.join(ws.root, "aws-inference-plan.json");
        fs.writeFileSync(planFile, plan.stdout);
        expect(plan.stdout).not.toContain(SECRET);

        const analyzed = await ws.carbonguard(["analyze", exportFile, planFile, "--json"]);
        expect(analyzed.stderr).toBe("");
        const stacks = (JSON.parse(analyzed.stdout) as { stacks: { stack: string; policyEvents: PolicyEvent[] }[] }).stacks;
        expect(stacks.map((s) => s.stack).sort()).toEqual(["aws-inference", "wasteful"]);
        expect(stacks.find((s) => s.stack === "wasteful")!.policyEvents.map(eventKey).sort()).toEqual(wastefulPreview.map(eventKey).sort());
        expect(stacks.find((s) => s.stack === "aws-inference")!.policyEvents).toEqual([]);
        expect(analyzed.code).toBe(1);

        const reported = await ws.carbonguard(["report", exportFile, planFile, "--format", "json"]);
        const report = JSON.parse(reported.stdout) as { stacks: ReportStack[] };
        expect(report.stacks.find((s) => s.stack === "wasteful")!.findings.map(findingKey).sort()).toEqual(wastefulPreview.map(eventKey).sort());
        expect(report.stacks.find((s) => s.stack === "aws-inference")!.findings).toEqual([]);
    });
});
