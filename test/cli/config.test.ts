// Tier 6: --policy-pack-config under the real CLI, and the same config through carbonguard's
// emulation (`carbonguard analyze --policy-config`): the same errors, word for word, and the same
// policy events when the config is accepted.
import * as fs from "node:fs";
import * as path from "node:path";

import { afterAll, beforeAll, expect, it } from "vitest";

import { createWorkspace, describeCli, eventKey, POLICIES_DIR, type PolicyEvent, type Workspace } from "./pulumi-cli";

describeCli("policy config (real CLI vs carbonguard analyze)", () => {
    let ws: Workspace;
    let planFile: string;

    beforeAll(async () => {
        ws = createWorkspace();
        await ws.initStack("wasteful", { "carbonguard:blueprint": "wasteful", "aws:region": "eu-north-1" });
        const plan = await ws.pulumi(["preview", "--stack", "wasteful", "--json"]);
        expect(plan.code, plan.stderr).toBe(0);
        planFile = path.join(ws.root, "plan.json");
        fs.writeFileSync(planFile, plan.stdout);
    });
    afterAll(() => ws?.dispose());

    const writeConfig = (name: string, config: unknown) => {
        const file = path.join(ws.root, `${name}.json`);
        fs.writeFileSync(file, JSON.stringify(config));
        return file;
    };
    const both = async (file: string) => {
        const cli = await ws.preview("wasteful", ["--policy-pack", POLICIES_DIR, "--policy-pack-config", file]);
        const emulated = await ws.carbonguard(["analyze", planFile, "--policy-config", file, "--json"]);
        return { cli, emulated };
    };
    const cliError = (r: { stdout: string; stderr: string }, marker: string) => {
        const all = `${r.stdout}\n${r.stderr}`;
        // --json puts diagnostics in events; the error text is the same in either place.
        const line = all.split("\n").find((l) => l.includes(marker)) ?? "";
        return line.slice(line.indexOf(marker)).replace(/\\n.*$/, "").replace(/["}\]]+$/, "").trim();
    };

    it.each([
        ["a property of the wrong type", { "ml-clean-energy-region": { maxGridIntensity: "high" } }, "validating policy config: "],
        ["a number out of range", { "ml-clean-energy-region": { maxGridIntensity: -5 } }, "validating policy config: "],
        ["an invalid enforcement level", { "ml-clean-energy-region": "sometimes" }, "parsing enforcement level for "],
    ])("%s: both refuse it with the same message", async (_name, config, marker) => {
        const { cli, emulated } = await both(writeConfig(marker.slice(0, 8), config));
        expect(cli.code).not.toBe(0);
        expect(emulated.code).toBe(2);
        const expected = cliError(cli, marker);
        expect(expected.length).toBeGreaterThan(marker.length);
        expect(emulated.stderr).toContain(expected);
        expect(cli.policyEvents).toEqual([]);
    });

    it.each([
        ["an unknown property", { "ml-clean-energy-region": { notAnOption: 1 } }],
        ["an unknown policy", { "no-such-policy": "mandatory" }],
        ['"all": "mandatory"', { all: "mandatory" }],
        ['"all": "advisory" with one policy mandatory', { all: "advisory", "ml-notebook-idle-shutdown": "mandatory" }],
        ["a policy disabled", { "ml-clean-energy-region": "disabled" }],
    ])("%s: both accept it and report the same events", async (_name, config) => {
        const { cli, emulated } = await both(writeConfig("accepted", config));
        const stacks = (JSON.parse(emulated.stdout) as { stacks: { policyEvents: PolicyEvent[] }[] }).stacks;
        expect(stacks[0]!.policyEvents.map(eventKey).sort()).toEqual(cli.policyEvents.map(eventKey).sort());
        expect(cli.policyEvents.length).toBeGreaterThan(0);
        const mandatory = cli.policyEvents.some((e) => e.enforcementLevel === "mandatory");
        expect(cli.code).toBe(mandatory ? 1 : 0);
        expect(emulated.code).toBe(mandatory ? 1 : 0);
    });

    it('"all": "mandatory" makes every finding mandatory', async () => {
        const { cli } = await both(writeConfig("all", { all: "mandatory" }));
        expect(cli.policyEvents.length).toBe(11);
        expect(new Set(cli.policyEvents.map((e) => e.enforcementLevel))).toEqual(new Set(["mandatory"]));
    });
});
