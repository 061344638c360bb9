// Boot failures: every one must reject with an error naming what failed, and leave no process.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import {
    bootPack,
    FIXTURES_DIR,
    livePackPids,
    MINI_PACK_DIR,
    PackBootError,
    PackDependenciesError,
    PolicyConfigValidationError,
    PolicyProjectError,
    PROJECT_ROOT,
    startSession,
} from "./index";

function isAlive(pid: number | undefined): boolean {
    if (pid === undefined) {
        return false;
    }
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

async function bootError(promise: Promise<unknown>): Promise<Error> {
    const result = await promise.then(
        (v) => ({ ok: true as const, v }),
        (e: unknown) => ({ ok: false as const, e }),
    );
    if (result.ok) {
        // Never leave a process behind, even when the test is about to fail.
        await (result.v as { close?: () => Promise<void> }).close?.();
        throw new Error("expected the boot to fail");
    }
    return result.e as Error;
}

const tmpDirs: string[] = [];
function tmpDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "carbonguard-boot-"));
    tmpDirs.push(dir);
    return dir;
}

afterAll(() => {
    for (const d of tmpDirs) {
        fs.rmSync(d, { recursive: true, force: true });
    }
    expect(livePackPids()).toEqual([]);
});

describe("bootPack failures", () => {
    it("names a missing pack directory", async () => {
        const err = await bootError(bootPack(path.join(FIXTURES_DIR, "no-such-pack")));
        expect(err).toBeInstanceOf(PackBootError);
        expect(err.message).toContain("policy pack not found at");
        expect(err.message).toContain("no-such-pack");
    });

    it("says the dependencies are missing when @pulumi/pulumi cannot be resolved from the pack", async () => {
        const dir = tmpDir();
        fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
        const err = await bootError(bootPack(dir));
        expect(err).toBeInstanceOf(PackDependenciesError);
        expect(err.message).toContain("it looks like the policy pack's dependencies are not installed; try running npm install or yarn install in");
    });

    it("requires PulumiPolicy.yaml with a runtime", async () => {
        const dir = tmpDir();
        fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        const err = await bootError(bootPack(dir));
        expect(err).toBeInstanceOf(PolicyProjectError);
        expect(err.message).toBe(`failed to load Pulumi policy project located at ${JSON.stringify(dir)}: open ${path.join(dir, "PulumiPolicy.yaml")}: no such file or directory`);

        fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "description: no runtime\n");
        const err2 = await bootError(bootPack(dir));
        expect(err2.message).toContain("project is missing a 'runtime' attribute");
    });

    it("fails with what was printed when something writes to stdout before the port", async () => {
        const err = await bootError(bootPack(path.join(FIXTURES_DIR, "noisy-pack")));
        expect(err).toBeInstanceOf(PackBootError);
        expect(err.message).toContain('printed "hello from noisy-pack" to stdout before its gRPC port');
        expect(isAlive((err as PackBootError).pid)).toBe(false);
    });

    it("reports an early exit with the pack's stderr", async () => {
        const err = await bootError(bootPack(path.join(FIXTURES_DIR, "crash-pack")));
        expect(err).toBeInstanceOf(PackBootError);
        expect(err.message).toMatch(/exited with code \d+ before printing its gRPC port/);
        expect(err.message).toContain("crash-pack failed at load");
        expect((err as PackBootError).stderr).toContain("crash-pack failed at load");
    });

    it("names a node binary that cannot be started", async () => {
        const err = await bootError(bootPack(MINI_PACK_DIR, { nodePath: path.join(FIXTURES_DIR, "no-such-node") }));
        expect(err).toBeInstanceOf(PackBootError);
        expect(err.message).toContain("could not start the policy pack process for");
        expect(err.message).toContain("ENOENT");
    });

    it("times out clearly and kills the process", async () => {
        const err = await bootError(bootPack(path.join(FIXTURES_DIR, "silent-pack"), { timeoutMs: 2000 }));
        expect(err).toBeInstanceOf(PackBootError);
        expect(err.message).toContain("did not print its gRPC port within 2000 ms");
        expect(isAlive((err as PackBootError).pid)).toBe(false);
    });
});

describe("process lifetime", () => {
    it("close() stops the process and is idempotent; calls after close reject", async () => {
        const client = await bootPack(MINI_PACK_DIR);
        try {
            expect(isAlive(client.pid)).toBe(true);
            expect(livePackPids()).toContain(client.pid);
        } finally {
            await Promise.all([client.close(), client.close()]);
        }
        expect(client.running).toBe(false);
        expect(isAlive(client.pid)).toBe(false);
        expect(livePackPids()).not.toContain(client.pid);
        await expect(client.getPluginInfo()).rejects.toThrow("is closed");
    });

    it("names a pack process that died mid-session in the RPC error", async () => {
        const client = await bootPack(MINI_PACK_DIR);
        try {
            process.kill(client.pid, "SIGKILL");
            expect(await client.exited).toEqual({ code: null, signal: "SIGKILL" });
            const err = await client.getAnalyzerInfo().then(() => undefined, (e: unknown) => e as Error);
            expect(err?.message).toMatch(/^GetAnalyzerInfo failed \(UNAVAILABLE\): /);
            expect(err?.message).toContain(`the policy pack process (pid ${client.pid}) exited with signal SIGKILL`);
        } finally {
            await client.close();
        }
    });

    it("startSession rejects an invalid --policy-pack-config with the CLI's error and stops the pack", async () => {
        const before = livePackPids();
        const err = await bootError(startSession({ packDir: MINI_PACK_DIR, policyConfig: { "limit-check": { limit: "ten" } } }));
        expect(err).toBeInstanceOf(PolicyConfigValidationError);
        expect(err.message).toBe("validating policy config: mini-pack 0.0.1  limit-check: limit: Invalid type. Expected: number, given: string");
        expect(livePackPids()).toEqual(before);
    });

    it("startSession fails in Configure for a config entry without a level, as the CLI does", async () => {
        const err = await bootError(startSession({ packDir: MINI_PACK_DIR, policyConfig: { "not-a-policy": { x: 1 } } }));
        expect(err.message).toBe(`configuring policy pack "mini-pack" at ${JSON.stringify(MINI_PACK_DIR)}: invalid enforcement level ""`);
        expect(livePackPids()).toEqual([]);
    });
});
