// Tier 6: the published package as a user meets it. `npm pack`, install the tarball into a Pulumi
// TypeScript project on other @pulumi/pulumi 3.x and @pulumi/aws 7.x versions than ours (no ERESOLVE:
// published ranges are ^), then `pulumi preview --policy-pack node_modules/carbonguard/policies`
// under the real CLI. The consumer project is installed from the registry by
// test/cli/consumer/prepare.sh (.ci/run runs it); the tarball is installed here offline.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, beforeAll, expect, it } from "vitest";

import { createWorkspace, describeCli, eventKey, PROJECT_ROOT, run, type Workspace } from "./pulumi-cli";

const CONSUMER = path.join(__dirname, ".consumer");
const prepared = fs.existsSync(path.join(CONSUMER, ".stamp"));
const version = (dir: string, pkg: string) => (JSON.parse(fs.readFileSync(path.join(dir, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
const ours = (pkg: string) => version(PROJECT_ROOT, pkg);

describeCli("the published package in a user's project (real CLI)", () => {
    let tmp: string;
    let project: string;
    let ws: Workspace;
    let install: { code: number; stdout: string; stderr: string };

    beforeAll(async () => {
        if (!prepared) throw new Error(`${CONSUMER} is not prepared: run bash test/cli/consumer/prepare.sh (network, once)`);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "carbonguard-consumer-"));
        const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], { cwd: PROJECT_ROOT, encoding: "utf8" })) as { filename: string }[];
        const tarball = path.join(tmp, packed[0]!.filename);
        project = path.join(tmp, "project");
        // Hard links: a fresh copy of the prepared project in a second.
        execFileSync("cp", ["-al", CONSUMER, project]);
        install = await run("npm", ["install", "--save-dev", "--offline", "--no-audit", "--no-fund", tarball], { cwd: project, env: process.env });
        ws = createWorkspace({ project: { dir: project } });
        await ws.initStack("prod");
    }, 300_000);
    afterAll(() => {
        ws?.dispose();
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("the project runs other @pulumi/pulumi and @pulumi/aws versions than carbonguard's own", () => {
        expect(version(project, "@pulumi/pulumi")).not.toBe(ours("@pulumi/pulumi"));
        expect(version(project, "@pulumi/aws")).not.toBe(ours("@pulumi/aws"));
        expect(version(project, "@pulumi/aws").split(".")[0]).toBe("7");
    });

    it("`npm install --save-dev carbonguard` resolves (no ERESOLVE) and leaves the user's versions alone", () => {
        expect(install.code, install.stderr).toBe(0);
        expect(install.stderr).not.toMatch(/ERESOLVE|peer dep/i);
        expect(version(project, "@pulumi/pulumi")).toBe("3.246.0");
        expect(version(project, "@pulumi/aws")).toBe("7.45.0");
        // One @pulumi/pulumi: carbonguard uses the project's.
        expect(fs.existsSync(path.join(project, "node_modules", "carbonguard", "node_modules", "@pulumi", "pulumi"))).toBe(false);
    });

    it("`pulumi preview --policy-pack node_modules/carbonguard/policies` blocks the real-time endpoint in us-east-1 and passes the async one in eu-north-1", async () => {
        const result = await ws.preview("prod", ["--policy-pack", "node_modules/carbonguard/policies"]);
        // A real-time endpoint in N. Virginia: a dirty grid, and it can never scale to zero. The async one
        // passes every mandatory policy; its output bucket is declared outside the stack, which
        // ml-data-colocated notes (advisory: it can't see that bucket's region).
        expect(result.policyEvents.map(eventKey).sort()).toEqual([
            "ml-autoscale-to-zero @ ranker-us-east-1 [mandatory]",
            "ml-clean-energy-region @ ranker-us-east-1 [mandatory]",
            "ml-data-colocated @ ranker-eu-north-1 [advisory]",
        ]);
        expect(result.policyEvents[0]!.policyPackName).toBe("carbonguard");
        expect(result.code).toBe(1);
    });
});
