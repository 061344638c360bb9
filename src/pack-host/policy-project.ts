// Reads a policy pack's PulumiPolicy.yaml the way the CLI needs it before booting the pack
// (sdk/go/common/resource/plugin/analyzer_plugin.go NewPolicyAnalyzer: workspace.LoadPolicyPack;
// the runtime name picks the booter, runtime options become `-key=value` arguments, and a
// `version` set there overrides the version the pack reports).

import * as fs from "node:fs";
import * as path from "node:path";

export interface PolicyProject {
    /** Absolute path of PulumiPolicy.yaml. */
    file: string;
    runtime: { name: string; options: Record<string, unknown> };
    version?: string;
    description?: string;
}

export class PolicyProjectError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "PolicyProjectError";
    }
}

/**
 * Load `<packDir>/PulumiPolicy.yaml`. `parseYaml` parses YAML (the host passes js-yaml from the
 * pack's @pulumi/pulumi installation). Errors use the CLI's wording:
 * `failed to load Pulumi policy project located at "<dir>": <reason>`.
 */
export function loadPolicyProject(packDir: string, parseYaml: (text: string, filename: string) => unknown): PolicyProject {
    const dir = path.resolve(packDir);
    const file = path.join(dir, "PulumiPolicy.yaml");
    const fail = (reason: string, cause?: unknown): never => {
        throw new PolicyProjectError(`failed to load Pulumi policy project located at ${JSON.stringify(dir)}: ${reason}`, { cause });
    };
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        const e = err as NodeJS.ErrnoException;
        return fail(e.code === "ENOENT" ? `open ${file}: no such file or directory` : e.message, err);
    }
    let doc: unknown;
    try {
        doc = parseYaml(text, file);
    } catch (err) {
        return fail(`could not parse ${file}: ${(err as Error).message}`, err);
    }
    if (doc === null || doc === undefined) {
        doc = {};
    }
    if (typeof doc !== "object" || Array.isArray(doc)) {
        return fail(`${file} must contain a YAML mapping`);
    }
    const obj = doc as Record<string, unknown>;
    const rt = obj["runtime"];
    let runtime: PolicyProject["runtime"];
    if (typeof rt === "string" && rt !== "") {
        runtime = { name: rt, options: {} };
    } else if (typeof rt === "object" && rt !== null && !Array.isArray(rt) &&
        typeof (rt as Record<string, unknown>)["name"] === "string") {
        const r = rt as Record<string, unknown>;
        const options = r["options"];
        runtime = {
            name: r["name"] as string,
            options: typeof options === "object" && options !== null && !Array.isArray(options) ? options as Record<string, unknown> : {},
        };
    } else {
        return fail("project is missing a 'runtime' attribute");
    }
    const project: PolicyProject = { file, runtime };
    const version = obj["version"];
    if (version !== undefined && version !== null && version !== "") {
        project.version = String(version);
    }
    const description = obj["description"];
    if (typeof description === "string") {
        project.description = description;
    }
    return project;
}

/**
 * The extra arguments the CLI passes to the booter for runtime options: `-<key>=<value>` for every
 * option whose printed value is not empty (Go `fmt.Sprintf("%v", v)`).
 */
export function runtimeOptionArgs(options: Record<string, unknown>): string[] {
    const args: string[] = [];
    for (const [k, v] of Object.entries(options)) {
        const s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
        if (s !== "") {
            args.push(`-${k}=${s}`);
        }
    }
    return args;
}
