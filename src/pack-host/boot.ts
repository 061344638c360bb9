// Boots a Node.js policy pack the way the Pulumi CLI does, and connects an Analyzer client to it.
//
// What the CLI does (sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer, and the
// `pulumi-analyzer-policy` shim in sdk/nodejs/dist):
//   - load <pack>/PulumiPolicy.yaml (runtime nodejs -> the legacy `pulumi-analyzer-policy` booter);
//   - run `node <require.resolve('@pulumi/pulumi/cmd/run-policy-pack')> <engineAddress> .
//     [-<opt>=<value> for each runtime option]` with the pack directory as working directory;
//   - environment (constructEnv): the CLI's own environment plus PULUMI_CONFIG (JSON map of the
//     stack config), PULUMI_NODEJS_{ORGANIZATION,PROJECT,STACK,DRY_RUN} and
//     PULUMI_{ORGANIZATION,PROJECT,STACK,DRY_RUN}, each only when non-empty;
//   - read the port from the first line of the plugin's stdout and dial 127.0.0.1:<port>;
//   - Handshake (UNIMPLEMENTED is fine: the Node SDK does not implement it).

import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { AnalyzerClient } from "./client";
import { loadPolicyProject, runtimeOptionArgs, type PolicyProject } from "./policy-project";
import { resolvePackRuntime, type PackRuntime } from "./runtime";

export interface BootOptions {
    /** Stack config for PULUMI_CONFIG, e.g. `{"aws:region": "us-east-1"}`. Non-strings are JSON-encoded. */
    stackConfig?: Record<string, unknown>;
    organization?: string;
    project?: string;
    stack?: string;
    /** Sets PULUMI_NODEJS_DRY_RUN / PULUMI_DRY_RUN (default true: a preview). */
    dryRun?: boolean;
    /** Extra environment for the pack process (applied last). */
    env?: Record<string, string | undefined>;
    /** The engine address argument; the Node runtime ignores it (default "127.0.0.1:1"). */
    engineAddress?: string;
    /** The node binary (default: the running one, process.execPath). */
    nodePath?: string;
    /** Give up waiting for the port line after this many ms (default 60000). */
    timeoutMs?: number;
    /** Deadline of each gRPC call in ms (default 120000). */
    callTimeoutMs?: number;
    /** Skip the Handshake call the CLI makes after boot (default false). */
    skipHandshake?: boolean;
}

export interface PackExit {
    code: number | null;
    signal: NodeJS.Signals | null;
}

/** A running policy pack process plus a connected Analyzer client. */
export class PackClient extends AnalyzerClient {
    readonly packDir: string;
    readonly project: PolicyProject;
    readonly port: number;
    readonly pid: number;
    /** Milliseconds from spawn to the port line. */
    readonly bootMs: number;
    /** Resolves when the process has exited. */
    readonly exited: Promise<PackExit>;
    private readonly child: ChildProcess;
    private readonly output: OutputBuffer;
    private closing: Promise<void> | undefined;

    /** @internal */
    constructor(args: {
        packDir: string;
        project: PolicyProject;
        runtime: PackRuntime;
        port: number;
        child: ChildProcess;
        output: OutputBuffer;
        exited: Promise<PackExit>;
        bootMs: number;
        callTimeoutMs?: number;
    }) {
        const output = args.output;
        const child = args.child;
        super(`127.0.0.1:${args.port}`, args.runtime, {
            ...(args.callTimeoutMs !== undefined ? { callTimeoutMs: args.callTimeoutMs } : {}),
            describeFailure: (code) => {
                const parts: string[] = [];
                const dead = child.exitCode !== null || child.signalCode !== null;
                if (dead) {
                    parts.push(`the policy pack process (pid ${child.pid}) exited with ${describeExit({ code: child.exitCode, signal: child.signalCode })}`);
                }
                // The stderr tail helps when the transport failed (no connection, deadline, crash);
                // a policy's own error (UNKNOWN) already carries its message and stack.
                const err = output.stderrTail();
                if (err && (dead || code === undefined || code === 1 || code === 4 || code === 14)) {
                    parts.push(`policy pack stderr:\n${err}`);
                }
                return parts.length ? parts.join("\n") : undefined;
            },
        });
        this.packDir = args.packDir;
        this.project = args.project;
        this.port = args.port;
        this.pid = child.pid ?? -1;
        this.bootMs = args.bootMs;
        this.exited = args.exited;
        this.child = child;
        this.output = output;
    }

    /** Everything the pack wrote to stderr so far. */
    get stderr(): string {
        return this.output.stderr;
    }

    /** Whatever the pack wrote to stdout after the port line. */
    get stdout(): string {
        return this.output.stdoutAfterPort;
    }

    /** True while the process is running. */
    get running(): boolean {
        return this.child.exitCode === null && this.child.signalCode === null;
    }

    /**
     * Close the channel and stop the process: SIGTERM, then SIGKILL after `graceMs` (default 2000).
     * Idempotent; resolves once the process has exited.
     */
    override close(graceMs = 2000): Promise<void> {
        if (!this.closing) {
            super.close();
            this.closing = stopChild(this.child, this.exited, graceMs);
        }
        return this.closing;
    }
}

/** Boot failure (bad pack, early exit, stdout noise, timeout). The message names what failed. */
export class PackBootError extends Error {
    readonly packDir: string;
    readonly stderr: string;
    /** The pack process id, when one was started (it has been stopped). */
    pid: number | undefined;
    constructor(packDir: string, message: string, stderr: string, options?: { cause?: unknown }) {
        super(stderr.trim() ? `${message}\npolicy pack stderr:\n${tail(stderr)}` : message, options);
        this.name = "PackBootError";
        this.packDir = packDir;
        this.stderr = stderr;
    }
}

/** Process ids of pack processes started by this process that are still running. */
export function livePackPids(): number[] {
    return [...liveChildren].map((c) => c.pid).filter((p): p is number => p !== undefined);
}

/**
 * Spawn the policy pack in `packDir` as the CLI's Node language host does, wait for its gRPC port,
 * connect, and Handshake. The caller must `close()` the returned client; processes still running
 * when this Node process exits are killed.
 */
export async function bootPack(packDir: string, opts: BootOptions = {}): Promise<PackClient> {
    const absDir = path.resolve(packDir);
    let stat: fs.Stats;
    try {
        stat = fs.statSync(absDir);
    } catch {
        throw new PackBootError(absDir, `policy pack not found at ${JSON.stringify(absDir)}`, "");
    }
    if (!stat.isDirectory()) {
        throw new PackBootError(absDir, `policy pack path ${JSON.stringify(absDir)} is not a directory`, "");
    }
    const runtime = resolvePackRuntime(absDir);
    const project = loadPolicyProject(absDir, runtime.parseYaml);
    if (project.runtime.name.toLowerCase() !== "nodejs") {
        throw new PackBootError(absDir, `policy pack at ${absDir} has runtime ${JSON.stringify(project.runtime.name)}; the pack host only runs nodejs packs`, "");
    }

    const engineAddress = opts.engineAddress ?? "127.0.0.1:1";
    const args = [runtime.runPolicyPack, engineAddress, ".", ...runtimeOptionArgs(project.runtime.options)];
    const env = packEnv(opts);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const output = new OutputBuffer();

    const started = performance.now();
    const child = spawn(opts.nodePath ?? process.execPath, args, {
        cwd: absDir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
        windowsHide: true,
    });
    liveChildren.add(child);
    ensureExitHook();
    const exited = new Promise<PackExit>((resolve) => {
        child.once("exit", (code, signal) => {
            liveChildren.delete(child);
            resolve({ code, signal });
        });
        // A process that could not be spawned never emits "exit".
        child.once("error", () => {
            if (child.pid === undefined) {
                liveChildren.delete(child);
                resolve({ code: null, signal: null });
            }
        });
    });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (s: string) => output.addStderr(s));
    // Keep later process errors (e.g. a failed kill) from becoming uncaught exceptions.
    child.on("error", (err) => output.addStderr(`[pack-host] ${err.message}\n`));

    let port: number;
    try {
        port = await waitForPort(child, output, exited, timeoutMs, absDir);
    } catch (err) {
        await stopChild(child, exited, 500);
        if (err instanceof PackBootError) {
            err.pid = child.pid;
        }
        throw err;
    }
    const bootMs = performance.now() - started;

    const client = new PackClient({
        packDir: absDir, project, runtime, port, child, output, exited, bootMs,
        ...(opts.callTimeoutMs !== undefined ? { callTimeoutMs: opts.callTimeoutMs } : {}),
    });
    try {
        if (!opts.skipHandshake) {
            await client.handshake({ engineAddress, rootDirectory: absDir, programDirectory: absDir });
        } else {
            await client.waitForReady(Math.min(timeoutMs, 30_000));
        }
    } catch (err) {
        await client.close(500);
        const bootErr = new PackBootError(absDir, `failed to handshake with the policy pack at ${absDir} (port ${port}): ${(err as Error).message}`, output.stderr, { cause: err });
        bootErr.pid = child.pid;
        throw bootErr;
    }
    return client;
}

/** Stack config values as the engine holds them: strings, anything else JSON-encoded. */
export function stackConfigStrings(config: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
        out[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return out;
}

/** The environment the CLI gives the pack process (analyzer_plugin.go constructEnv). */
export function packEnv(opts: BootOptions): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (v !== undefined) {
            env[k] = v;
        }
    }
    const set = (k: string, v: string | undefined) => {
        if (v !== undefined && v !== "") {
            env[k] = v;
        }
    };
    if (opts.stackConfig !== undefined) {
        set("PULUMI_CONFIG", JSON.stringify(stackConfigStrings(opts.stackConfig)));
    }
    const dryRun = String(opts.dryRun ?? true);
    set("PULUMI_NODEJS_ORGANIZATION", opts.organization);
    set("PULUMI_NODEJS_PROJECT", opts.project);
    set("PULUMI_NODEJS_STACK", opts.stack);
    set("PULUMI_NODEJS_DRY_RUN", dryRun);
    set("PULUMI_ORGANIZATION", opts.organization);
    set("PULUMI_PROJECT", opts.project);
    set("PULUMI_STACK", opts.stack);
    set("PULUMI_DRY_RUN", dryRun);
    for (const [k, v] of Object.entries(opts.env ?? {})) {
        if (v === undefined) {
            delete env[k];
        } else {
            env[k] = v;
        }
    }
    return env;
}

// ---- internals --------------------------------------------------------------------------------

const STDERR_LIMIT = 256 * 1024;

class OutputBuffer {
    stderr = "";
    stdoutAfterPort = "";
    addStderr(s: string): void {
        this.stderr += s;
        if (this.stderr.length > STDERR_LIMIT) {
            this.stderr = this.stderr.slice(-STDERR_LIMIT);
        }
    }
    addStdoutAfterPort(s: string): void {
        this.stdoutAfterPort += s;
        if (this.stdoutAfterPort.length > STDERR_LIMIT) {
            this.stdoutAfterPort = this.stdoutAfterPort.slice(-STDERR_LIMIT);
        }
    }
    stderrTail(): string {
        return tail(this.stderr);
    }
}

// eslint-disable-next-line no-control-regex
const ANSI_ESCAPES = /\u001b\[[0-9;]*[A-Za-z]/g;

/** The last `maxLines` lines of `s`, without terminal colour codes. */
function tail(s: string, maxLines = 40): string {
    const lines = s.replace(ANSI_ESCAPES, "").trimEnd().split("\n");
    return lines.length > maxLines ? ["...", ...lines.slice(-maxLines)].join("\n") : lines.join("\n");
}

function describeExit(e: PackExit): string {
    return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}

function waitForPort(child: ChildProcess, output: OutputBuffer, exited: Promise<PackExit>, timeoutMs: number, packDir: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
        let stdout = "";
        let settled = false;
        const finish = (err: Error | undefined, port?: number) => {
            if (settled) {
                return;
            }
            settled = true;
            clearTimeout(timer);
            if (err) {
                reject(err);
            } else {
                resolve(port as number);
            }
        };
        const timer = setTimeout(() => {
            const seen = stdout.trim() ? ` (stdout so far: ${JSON.stringify(truncate(stdout.trim(), 500))})` : "";
            finish(new PackBootError(packDir, `policy pack at ${packDir} did not print its gRPC port within ${timeoutMs} ms${seen}`, output.stderr));
        }, timeoutMs);
        child.once("error", (err) => {
            finish(new PackBootError(packDir, `could not start the policy pack process for ${packDir}: ${err.message}`, output.stderr, { cause: err }));
        });
        child.stdout?.setEncoding("utf8");
        child.stdout?.on("data", (chunk: string) => {
            if (settled) {
                output.addStdoutAfterPort(chunk);
                return;
            }
            stdout += chunk;
            const nl = stdout.indexOf("\n");
            if (nl < 0) {
                return;
            }
            const line = stdout.slice(0, nl).replace(/\r$/, "");
            const rest = stdout.slice(nl + 1);
            const trimmed = line.trim();
            const port = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
            if (Number.isInteger(port) && port > 0 && port < 65536) {
                output.addStdoutAfterPort(rest);
                finish(undefined, port);
            } else {
                finish(new PackBootError(
                    packDir,
                    `policy pack at ${packDir} printed ${JSON.stringify(truncate(line, 500))} to stdout before its gRPC port; ` +
                    "nothing may write to stdout while the pack loads (the first stdout line must be the port)",
                    output.stderr,
                ));
            }
        });
        void exited.then((e) => {
            // Let pending stdout/stderr data drain before reporting.
            setImmediate(() => {
                const seen = stdout.trim() ? `; stdout: ${JSON.stringify(truncate(stdout.trim(), 500))}` : "";
                finish(new PackBootError(packDir, `policy pack at ${packDir} exited with ${describeExit(e)} before printing its gRPC port${seen}`, output.stderr));
            });
        });
    });
}

function truncate(s: string, n: number): string {
    return s.length > n ? `${s.slice(0, n)}...` : s;
}

async function stopChild(child: ChildProcess, exited: Promise<PackExit>, graceMs: number): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        await exited;
        return;
    }
    try {
        child.kill("SIGTERM");
    } catch {
        // already gone
    }
    let timer: NodeJS.Timeout | undefined;
    const killed = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), graceMs);
        }),
    ]);
    clearTimeout(timer);
    if (!killed) {
        try {
            child.kill("SIGKILL");
        } catch {
            // already gone
        }
        await exited;
    }
}

// Children still alive when this process exits are killed (synchronously, in the exit hook), so a
// crashed or aborted test run never leaves pack processes behind.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function killLiveChildren(): void {
    for (const child of liveChildren) {
        try {
            child.kill("SIGKILL");
        } catch {
            // ignore
        }
    }
}

function ensureExitHook(): void {
    if (exitHookInstalled) {
        return;
    }
    exitHookInstalled = true;
    process.once("exit", killLiveChildren);
    // On a terminating signal, kill the children too. When nobody else handles the signal,
    // re-raise it after removing our handler so the default behaviour (terminate) still applies.
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        const handler = () => {
            killLiveChildren();
            if (process.listenerCount(sig) === 1) {
                process.removeListener(sig, handler);
                process.kill(process.pid, sig);
            }
        };
        process.on(sig, handler);
    }
}
