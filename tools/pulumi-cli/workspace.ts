/**
 * Workspaces for the real Pulumi CLI (built from its Go module by `npm run pulumi:build` into
 * tools/pulumi-cli/bin), offline: stand-in aws/gcp providers installed into a fresh PULUMI_HOME, a
 * file:// backend and a passphrase, all in a temporary folder per workspace. Nothing here reaches a
 * network: plugin acquisition, update checks and registry resolution are off.
 *
 * Used by the real-CLI test tier (test/cli) and its benchmark (bench/cli).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { packageRoot } from "../../src/util/package-root";
import { sdkVersion, STANDIN_PACKAGES, type StandinName } from "../standin-provider";

export const PROJECT_ROOT = packageRoot();
export const CLI_BIN_DIR = path.join(PROJECT_ROOT, "tools", "pulumi-cli", "bin");
export const PULUMI = path.join(CLI_BIN_DIR, "pulumi");
export const POLICIES_DIR = path.join(PROJECT_ROOT, "policies");
export const STANDIN_PROVIDER = path.join(PROJECT_ROOT, "dist", "tools", "standin-provider", "index.js");
export const CARBONGUARD_BIN = path.join(PROJECT_ROOT, "bin", "carbonguard.js");
/** The passphrase of every test stack's secrets provider. */
export const PASSPHRASE = "carbonguard-cli-tests";
/** The project name of the root Pulumi.yaml (the reference stacks and the wasteful example). */
export const REFERENCE_PROJECT = "carbonguard-reference";

/** Each reference stack with the policy config its Pulumi.<stack>.yaml documents. */
export const REFERENCE_STACKS: readonly { stack: string; policyConfig?: string }[] = [
    { stack: "aws-training" },
    { stack: "aws-inference" },
    { stack: "gcp-training" },
    { stack: "gcp-inference", policyConfig: path.join(PROJECT_ROOT, "stacks", "policy-config", "gcp-inference.json") },
    { stack: "gke-inference" },
];

export function cliBuilt(): boolean {
    return fs.existsSync(PULUMI) && fs.existsSync(path.join(CLI_BIN_DIR, "pulumi-language-nodejs"));
}

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** One policy event as the CLI streams it (`policyEvent` of the engine's event stream). */
export interface PolicyEvent {
    resourceUrn?: string;
    message: string;
    policyName: string;
    policyPackName: string;
    policyPackVersion: string;
    enforcementLevel: string;
    severity?: string;
}

export interface PreviewResult extends CliResult {
    /** The engine events, one JSON document per line of stdout. */
    events: Record<string, unknown>[];
    policyEvents: PolicyEvent[];
}

export interface WorkspaceOptions {
    /** Files to copy into the project folder: name → content. Default: the reference project. */
    project?: "reference" | { files: Record<string, string>; nodeModules?: string } | { dir: string };
    /** node_modules whose @pulumi/aws and @pulumi/gcp versions the stand-ins report (default: ours). */
    providerVersionsFrom?: string;
}

export interface Workspace {
    root: string;
    home: string;
    backendDir: string;
    projectDir: string;
    env: NodeJS.ProcessEnv;
    /** Runs `pulumi <args>` in the project folder. */
    pulumi(args: string[], opts?: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult>;
    /** `pulumi stack init <stack>` plus `pulumi config set` of each entry. */
    initStack(stack: string, config?: Record<string, string>): Promise<void>;
    /** `pulumi preview --json` with streamed engine events (policy events included). */
    preview(stack: string, args?: string[], opts?: { env?: NodeJS.ProcessEnv }): Promise<PreviewResult>;
    /** Runs the carbonguard CLI (bin/carbonguard.js). */
    carbonguard(args: string[], opts?: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<CliResult>;
    dispose(): void;
}

/** Spawns a command and collects its output; never rejects for a non-zero exit. */
export function run(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 240_000);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
        });
    });
}

/** Installs the stand-in providers as `$PULUMI_HOME/plugins/resource-<name>-v<version>/`. */
export function installStandins(home: string, nodeModules: string): Record<string, string> {
    const versions: Record<string, string> = {};
    for (const name of Object.keys(STANDIN_PACKAGES) as StandinName[]) {
        if (!fs.existsSync(path.join(nodeModules, STANDIN_PACKAGES[name], "package.json"))) continue;
        // The version the stand-in itself will report (the CLI looks the plugin up by it).
        const version = sdkVersion(name, nodeModules);
        versions[name] = version;
        const dir = path.join(home, "plugins", `resource-${name}-v${version}`);
        fs.mkdirSync(dir, { recursive: true });
        const exe = path.join(dir, `pulumi-resource-${name}`);
        // The stand-in resolves @pulumi/<name> from the project's node_modules so it reports the
        // version the program's SDK asks for.
        fs.writeFileSync(exe, `#!/bin/sh\nNODE_PATH=${JSON.stringify(nodeModules)} exec ${JSON.stringify(process.execPath)} ${JSON.stringify(STANDIN_PROVIDER)} ${name} --version-from ${JSON.stringify(nodeModules)} "$@"\n`);
        fs.chmodSync(exe, 0o755);
    }
    return versions;
}

/** A program that registers the resources of a JSON spec (test/cli/fixtures/spec-program). */
export const SPEC_PROGRAM_DIR = path.join(PROJECT_ROOT, "test", "cli", "fixtures", "spec-program");

/** A stack spec for the spec program: providers and raw resources (see its index.js for special values). */
export interface StackSpec {
    providers?: { name: string; package: string; props: Record<string, unknown> }[];
    resources: { type: string; name: string; provider?: string; props: Record<string, unknown> }[];
}

/** A workspace whose project is the spec program; `specStack` creates a stack from a spec. */
export function createSpecWorkspace(): Workspace & { specStack(stack: string, spec: StackSpec): Promise<void> } {
    const files: Record<string, string> = {};
    for (const f of fs.readdirSync(SPEC_PROGRAM_DIR)) files[f] = fs.readFileSync(path.join(SPEC_PROGRAM_DIR, f), "utf8");
    const ws = createWorkspace({ project: { files, nodeModules: path.join(PROJECT_ROOT, "node_modules") } });
    return Object.assign(ws, {
        async specStack(stack: string, spec: StackSpec) {
            const file = path.join(ws.root, "specs", `${stack}.json`);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, JSON.stringify(spec, null, 2));
            await ws.initStack(stack, { "spec:file": file });
        },
    });
}

/** The reference project (root Pulumi.yaml) laid out in `dir`: its files copied, dist and node_modules linked. */
function layReferenceProject(dir: string): void {
    for (const f of fs.readdirSync(PROJECT_ROOT)) {
        if (/^Pulumi(\..+)?\.yaml$/.test(f) || f === "package.json") fs.copyFileSync(path.join(PROJECT_ROOT, f), path.join(dir, f));
    }
    fs.symlinkSync(path.join(PROJECT_ROOT, "dist"), path.join(dir, "dist"));
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"));
}

export function createWorkspace(options: WorkspaceOptions = {}): Workspace {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "carbonguard-cli-"));
    const home = path.join(root, "pulumi-home");
    const backendDir = path.join(root, "backend");
    const projectDir = path.join(root, "project");
    for (const d of [home, backendDir, projectDir]) fs.mkdirSync(d, { recursive: true });

    let nodeModules = path.join(PROJECT_ROOT, "node_modules");
    const project = options.project ?? "reference";
    let projectDirUsed = projectDir;
    if (typeof project === "object" && "dir" in project) {
        projectDirUsed = project.dir;
        nodeModules = path.join(project.dir, "node_modules");
    } else if (project === "reference") {
        layReferenceProject(projectDir);
    } else {
        for (const [name, content] of Object.entries(project.files)) {
            fs.mkdirSync(path.dirname(path.join(projectDir, name)), { recursive: true });
            fs.writeFileSync(path.join(projectDir, name), content);
        }
        if (project.nodeModules) {
            nodeModules = project.nodeModules;
            if (!fs.existsSync(path.join(projectDir, "node_modules"))) fs.symlinkSync(nodeModules, path.join(projectDir, "node_modules"));
        }
    }
    installStandins(home, options.providerVersionsFrom ?? nodeModules);

    const env: NodeJS.ProcessEnv = {
        PATH: `${CLI_BIN_DIR}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
        HOME: root,
        TMPDIR: process.env.TMPDIR ?? os.tmpdir(),
        PULUMI_HOME: home,
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        NO_COLOR: "1",
        // As a shell would set it: carbonguard resolves relative waiver paths against $PWD.
        PWD: projectDir,
    };

    env.PWD = projectDirUsed;
    const ws: Workspace = {
        root,
        home,
        backendDir,
        projectDir: projectDirUsed,
        env,
        pulumi(args, opts = {}) {
            const cwd = opts.cwd ?? projectDirUsed;
            return run(PULUMI, [...args, "--color", "never"], { cwd, env: { ...env, PWD: cwd, ...opts.env } });
        },
        async initStack(stack, config = {}) {
            const init = await ws.pulumi(["stack", "init", stack]);
            if (init.code !== 0) throw new Error(`pulumi stack init ${stack} failed:\n${init.stdout}${init.stderr}`);
            for (const [key, value] of Object.entries(config)) {
                const set = await ws.pulumi(["config", "set", "--stack", stack, key, value]);
                if (set.code !== 0) throw new Error(`pulumi config set ${key} failed:\n${set.stdout}${set.stderr}`);
            }
        },
        async preview(stack, args = [], opts = {}) {
            const result = await ws.pulumi(["preview", "--stack", stack, "--json", ...args], {
                env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true", ...opts.env },
            });
            const events = parseEventLines(result.stdout);
            return { ...result, events, policyEvents: events.flatMap((e) => (e.policyEvent ? [e.policyEvent as PolicyEvent] : [])) };
        },
        carbonguard(args, opts = {}) {
            const cwd = opts.cwd ?? projectDirUsed;
            return run(process.execPath, [CARBONGUARD_BIN, ...args], { cwd, env: { ...process.env, ...env, PWD: cwd, ...opts.env } });
        },
        dispose() {
            fs.rmSync(root, { recursive: true, force: true });
        },
    };
    return ws;
}

/** Engine events streamed by `preview --json` with PULUMI_ENABLE_STREAMING_JSON_PREVIEW, one per line. */
export function parseEventLines(stdout: string): Record<string, unknown>[] {
    const events: Record<string, unknown>[] = [];
    for (const line of stdout.split("\n")) {
        const t = line.trim();
        if (!t.startsWith("{")) continue;
        try {
            events.push(JSON.parse(t) as Record<string, unknown>);
        } catch {
            // Not an event line (the CLI prints nothing else on stdout with --json, but be lenient).
        }
    }
    return events;
}

/** The resource name at the end of a URN, or "<stack>" for a stack-wide event. */
export function resourceName(urn: string | undefined): string {
    return urn ? urn.slice(urn.lastIndexOf("::") + 2) : "<stack>";
}

/** A stable key for comparing policy events: policy, resource URN, level. */
export function eventKey(e: Pick<PolicyEvent, "policyName" | "resourceUrn" | "enforcementLevel">): string {
    return `${e.policyName} @ ${resourceName(e.resourceUrn)} [${e.enforcementLevel}]`;
}
