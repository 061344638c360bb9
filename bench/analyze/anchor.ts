// The awsguard anchor for bench/analyze: `@pulumi/awsguard` with every policy mandatory, as a
// policy pack folder the pack host boots like the Pulumi CLI does.
//
// awsguard cannot be a dev dependency here: it needs `@pulumi/aws` ^4 (this project pins 7.x for
// its reference stacks) and the AWS SDK v2. So on first use it is installed, at pinned versions,
// into the git-ignored `bench/.cache/awsguard-pack/` with npm, with the same `@pulumi/pulumi` and
// `@pulumi/policy` as carbonguard (one gRPC runtime for all three packs). It never becomes a
// dependency of carbonguard.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** `npm view @pulumi/awsguard versions` lists only 0.3.1 (checked 2026-12-07). */
export const AWSGUARD_VERSION = "0.3.1";

function pinned(root: string, name: string): string {
    const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
    const v = lock.packages[`node_modules/${name}`]?.version;
    if (!v) throw new Error(`${name} is not in package-lock.json`);
    return v;
}

/** The awsguard pack folder, installing it first when needed. */
export function awsguardPack(root: string, log: (s: string) => void): string {
    const dir = path.join(root, "bench", ".cache", "awsguard-pack");
    const marker = path.join(dir, "node_modules", "@pulumi", "awsguard", "package.json");
    const pkg = {
        name: "awsguard-anchor",
        version: "0.0.1",
        private: true,
        description: "bench/analyze anchor: @pulumi/awsguard with every policy mandatory",
        main: "index.js",
        dependencies: {
            "@pulumi/awsguard": AWSGUARD_VERSION,
            "@pulumi/policy": pinned(root, "@pulumi/policy"),
            "@pulumi/pulumi": pinned(root, "@pulumi/pulumi"),
        },
    };
    fs.mkdirSync(dir, { recursive: true });
    const pkgText = `${JSON.stringify(pkg, null, 2)}\n`;
    const fresh = fs.existsSync(marker) && fs.existsSync(path.join(dir, "package.json")) && fs.readFileSync(path.join(dir, "package.json"), "utf8") === pkgText;
    if (!fresh) {
        fs.writeFileSync(path.join(dir, "package.json"), pkgText);
        log(`installing @pulumi/awsguard ${AWSGUARD_VERSION} into ${dir} (first run only) …\n`);
        const r = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--omit=dev", "--loglevel=error"], { cwd: dir, stdio: ["ignore", "inherit", "inherit"] });
        if (r.status !== 0) throw new Error(`npm install in ${dir} failed (exit ${r.status})`);
    }
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: bench/analyze anchor - @pulumi/awsguard, every policy mandatory.\n");
    fs.writeFileSync(
        path.join(dir, "index.js"),
        `"use strict";\n// @pulumi/awsguard with every policy mandatory (bench/analyze).\nconst { AwsGuard } = require("@pulumi/awsguard");\nnew AwsGuard({ all: "mandatory" });\n`,
    );
    return dir;
}
