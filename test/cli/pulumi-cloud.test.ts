// Tier 6: team-wide enforcement through Pulumi Cloud. `pulumi login` and `pulumi policy publish` (the
// real CLI) against a loopback stand-in of the Cloud API; the uploaded tarball is then treated as
// enforcement treats it (unpack package/, `npm install` there, run it with `pulumi preview
// --policy-pack <folder>`) and must find on the wasteful example what the clone's pack finds.
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";

import { afterAll, beforeAll, expect, it } from "vitest";

import { startCloudStandin, STANDIN_ORG, type CloudStandin } from "./cloud-standin";
import { createWorkspace, describeCli, eventKey, POLICIES_DIR, PROJECT_ROOT, run, type CliResult, type Workspace } from "./pulumi-cli";

/** The files of a tar archive (ustar, as npm pack writes it): name → content. */
export function untar(tar: Buffer): Map<string, Buffer> {
    const files = new Map<string, Buffer>();
    let at = 0;
    let longName: string | undefined;
    while (at + 512 <= tar.length) {
        const header = tar.subarray(at, at + 512);
        if (header.every((b) => b === 0)) break;
        const field = (from: number, len: number) => header.subarray(from, from + len).toString("utf8").replace(/\0.*$/s, "");
        const size = parseInt(field(124, 12).trim() || "0", 8);
        const type = field(156, 1);
        const prefix = field(345, 155);
        const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
        longName = undefined;
        const body = tar.subarray(at + 512, at + 512 + size);
        if (type === "L") longName = body.toString("utf8").replace(/\0.*$/s, "");
        else if (type === "0" || type === "") files.set(name, Buffer.from(body));
        at += 512 + Math.ceil(size / 512) * 512;
    }
    return files;
}

describeCli("pulumi policy publish to Pulumi Cloud, then enforcement (real CLI, loopback Cloud stand-in)", () => {
    let cloud: CloudStandin;
    let ws: Workspace;
    let publish: CliResult;
    let files: Map<string, Buffer>;
    let enforced: string;

    beforeAll(async () => {
        cloud = await startCloudStandin();
        ws = createWorkspace();
        // Publish from a copy of the built pack folder, as a user does from theirs (npm pack writes its
        // tarball in the folder): a node_modules above it, as in a clone.
        const packDir = path.join(ws.root, "publish", "policies");
        fs.cpSync(POLICIES_DIR, packDir, { recursive: true, filter: (src) => !src.endsWith(".ts") });
        fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(ws.root, "publish", "node_modules"));
        // The Cloud stand-in instead of the workspace's file:// backend, for these two commands only.
        const env = { PULUMI_ACCESS_TOKEN: cloud.token, PULUMI_BACKEND_URL: cloud.url };
        const login = await ws.pulumi(["login", cloud.url], { env });
        expect(login.code, login.stdout + login.stderr).toBe(0);
        publish = await ws.pulumi(["policy", "publish", STANDIN_ORG], { env, cwd: packDir });
        const tarball = cloud.published[0]?.tarball;
        files = tarball ? untar(zlib.gunzipSync(tarball)) : new Map();
        // Enforcement: the tarball's package/ folder, unpacked alone, its dependencies installed from
        // the registry (here: npm's cache, offline) as the shrinkwrap pins them.
        enforced = path.join(ws.root, "enforced", STANDIN_ORG, "carbonguard", "0.1.0");
        for (const [name, content] of files) {
            if (!name.startsWith("package/")) continue;
            const out = path.join(enforced, name.slice("package/".length));
            fs.mkdirSync(path.dirname(out), { recursive: true });
            fs.writeFileSync(out, content);
        }
        await ws.initStack("wasteful", { "carbonguard:blueprint": "wasteful", "aws:region": "eu-north-1" });
    }, 600_000);
    afterAll(async () => {
        ws?.dispose();
        await cloud?.close();
    });

    it("publishes the pack: its name, version and every policy with its schema, then completes", () => {
        expect(publish.code, publish.stdout + publish.stderr).toBe(0);
        expect(cloud.unexpected).toEqual([]);
        expect(cloud.published).toHaveLength(1);
        const [pack] = cloud.published;
        expect(pack!.org).toBe(STANDIN_ORG);
        expect(pack!.request.name).toBe("carbonguard");
        expect(pack!.request.versionTag).toBe((JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }).version);
        expect(pack!.request.runtime).toBe("nodejs");
        expect(pack!.request.policies.map((p) => p.name)).toEqual(expect.arrayContaining(["carbonguard-waivers", "ml-clean-energy-region", "ml-autoscale-to-zero"]));
        expect(pack!.completed).toBe(true);
    });

    it("the tarball is self-contained: manifest, entry, engine, data, docs and the shrinkwrap; no sources or tests", () => {
        const names = [...files.keys()];
        for (const f of ["package/package.json", "package/PulumiPolicy.yaml", "package/npm-shrinkwrap.json", "package/lib/policies/index.js", "package/lib/src/engine/evaluate.js", "package/lib/region-data/regions.json", "package/lib/region-data/LICENSE-DATA.md", "package/lib/docs/rules/ml-clean-energy-region.md"]) {
            expect(names, f).toContain(f);
        }
        expect(names.filter((n) => n.endsWith(".ts") || n.includes("/test/") || n.includes("node_modules/"))).toEqual([]);
    });

    it("enforcement: npm install in the unpacked folder, then pulumi preview --policy-pack finds what the clone's pack finds", async () => {
        const install = await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--omit=dev"], { cwd: enforced, env: process.env });
        expect(install.code, install.stdout + install.stderr).toBe(0);
        expect(fs.existsSync(path.join(enforced, "node_modules", "@pulumi", "policy"))).toBe(true);
        const fromTarball = await ws.preview("wasteful", ["--policy-pack", enforced]);
        const fromClone = await ws.preview("wasteful", ["--policy-pack", POLICIES_DIR]);
        expect(fromTarball.policyEvents.map(eventKey).sort()).toEqual(fromClone.policyEvents.map(eventKey).sort());
        expect(fromTarball.policyEvents.map((e) => e.message).sort()).toEqual(fromClone.policyEvents.map((e) => e.message).sort());
        expect(fromTarball.policyEvents).toHaveLength(11);
        expect(fromTarball.code).toBe(1);
    });
});
