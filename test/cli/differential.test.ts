// Tier 6, differential: the real CLI's policy events for a stack equal `carbonguard analyze` on the
// `pulumi preview --json` plan of the same stack (the emulation in src/pack-host): the same
// policies, URNs, levels and messages. Where they differ, the real CLI is right.
//
// Secrets: the pack keeps them marked (src/pack/secrets.ts) and a preview --json plan masks them as
// "[secret]" (src/inputs/plan-secrets.ts); both must say "can't evaluate" the same way, so the
// generated stacks put secrets in properties the rules read too.
import * as fs from "node:fs";
import * as path from "node:path";

import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";

import { generatedStack } from "./generated-stacks";
import {
    createSpecWorkspace,
    createWorkspace,
    describeCli,
    POLICIES_DIR,
    REFERENCE_STACKS,
    type PolicyEvent,
    type StackSpec,
    type Workspace,
} from "./pulumi-cli";

/** What must agree: policy, resource, level and message (the CLI ends messages with a newline). */
const comparable = (e: Pick<PolicyEvent, "policyName" | "resourceUrn" | "enforcementLevel" | "message">) =>
    `${e.policyName} | ${e.resourceUrn ?? ""} | ${e.enforcementLevel} | ${e.message.trim()}`;

async function cliAndEmulation(ws: Workspace, stack: string, policyConfig?: string) {
    const configArgs = policyConfig ? ["--policy-pack-config", policyConfig] : [];
    const cli = await ws.preview(stack, ["--policy-pack", POLICIES_DIR, ...configArgs]);
    const plan = await ws.pulumi(["preview", "--stack", stack, "--json"]);
    if (plan.code !== 0) throw new Error(`pulumi preview --json ${stack} failed:\n${plan.stderr}`);
    const planFile = path.join(ws.root, `${stack}-plan.json`);
    fs.writeFileSync(planFile, plan.stdout);
    const analyzed = await ws.carbonguard(["analyze", planFile, "--json", ...(policyConfig ? ["--policy-config", policyConfig] : [])]);
    if (analyzed.code === 2) throw new Error(`carbonguard analyze failed:\n${analyzed.stderr}`);
    const [emulated] = (JSON.parse(analyzed.stdout) as { stacks: { policyEvents: PolicyEvent[] }[] }).stacks;
    return {
        cli: cli.policyEvents.map(comparable).sort(),
        emulated: (emulated?.policyEvents ?? []).map(comparable).sort(),
        cliCode: cli.code,
        emulatedCode: analyzed.code,
    };
}

describeCli("differential: real CLI vs carbonguard analyze", () => {
    let reference: Workspace;
    let generated: ReturnType<typeof createSpecWorkspace>;
    let specFile: string;

    beforeAll(async () => {
        reference = createWorkspace();
        for (const { stack } of REFERENCE_STACKS) await reference.initStack(stack);
        await reference.initStack("wasteful", { "carbonguard:blueprint": "wasteful", "aws:region": "eu-north-1" });
        generated = createSpecWorkspace();
        // One stack whose spec file each generated case rewrites (previews persist nothing).
        await generated.specStack("generated", { resources: [] });
        specFile = path.join(generated.root, "specs", "generated.json");
    });
    afterAll(() => {
        reference?.dispose();
        generated?.dispose();
    });

    it.each([...REFERENCE_STACKS, { stack: "wasteful" }])("$stack: the same events and exit code", async ({ stack, policyConfig }: { stack: string; policyConfig?: string }) => {
        const r = await cliAndEmulation(reference, stack, policyConfig);
        expect(r.emulated).toEqual(r.cli);
        expect(r.emulatedCode).toBe(r.cliCode);
        if (stack === "wasteful") expect(r.cli.length).toBe(11);
    });

    it("generated stacks: the same events and exit code", async () => {
        let withEvents = 0;
        await fc.assert(
            fc.asyncProperty(generatedStack, async (spec: StackSpec) => {
                fs.writeFileSync(specFile, JSON.stringify(spec));
                const r = await cliAndEmulation(generated, "generated");
                expect(r.emulated).toEqual(r.cli);
                expect(r.emulatedCode).toBe(r.cliCode);
                if (r.cli.length > 0) withEvents++;
            }),
            { numRuns: 24, endOnFailure: true },
        );
        // The property compared something: most generated stacks have findings.
        expect(withEvents).toBeGreaterThan(12);
    }, 900_000);
});
