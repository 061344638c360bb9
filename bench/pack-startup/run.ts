// Benchmark: policy pack start-up, spawn -> gRPC port line, the way the Pulumi CLI boots a pack
// (src/pack-host/boot.ts). Compares our pack (policies/) with a floor pack that only imports
// @pulumi/policy (bench/pack-startup/floor-pack). Median of N runs (default 5) after one warm-up
// each, alternating which pack goes first in each round.
//
//   npm run bench                                  (builds, then runs this)
//   node dist/bench/pack-startup/run.js [--json] [--runs N]

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

import { bootPack } from "../../src/pack-host";

interface Subject {
    key: "floor" | "ours";
    label: string;
    dir: string;
    note?: string;
}

interface SubjectResult {
    key: string;
    label: string;
    dir: string;
    note?: string;
    samplesMs: number[];
    medianMs: number;
    minMs: number;
    maxMs: number;
}

function findProjectRoot(...starts: string[]): string {
    for (const start of starts) {
        const found = findProjectRootFrom(start);
        if (found !== undefined) {
            return found;
        }
    }
    throw new Error(`cannot find the carbonguard project root above ${starts.join(" or ")}`);
}

function findProjectRootFrom(start: string): string | undefined {
    let dir = start;
    for (;;) {
        const pkg = path.join(dir, "package.json");
        if (fs.existsSync(pkg)) {
            try {
                if ((JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "carbonguard") {
                    return dir;
                }
            } catch {
                // keep walking
            }
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            return undefined;
        }
        dir = parent;
    }
}

/** Our pack when it is built (PulumiPolicy.yaml and a resolvable entry), else the harness fixture. */
function oursSubject(root: string): Subject {
    const dir = path.join(root, "policies");
    let problem: string | undefined;
    if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
        problem = "policies/PulumiPolicy.yaml is missing";
    } else {
        try {
            createRequire(path.join(dir, "__bench__.js")).resolve(dir);
        } catch (err) {
            problem = `its entry does not resolve (${(err as Error).message.split("\n")[0]}); run npm run build`;
        }
    }
    if (problem === undefined) {
        return { key: "ours", label: "ours (policies/)", dir };
    }
    return {
        key: "ours",
        label: "mini-pack fixture (stand-in)",
        dir: path.join(root, "test", "harness", "fixtures", "mini-pack"),
        note: `policies/ not benchmarked: ${problem}; measured test/harness/fixtures/mini-pack instead`,
    };
}

async function bootOnce(dir: string): Promise<number> {
    const client = await bootPack(dir, { timeoutMs: 120_000, skipHandshake: true });
    const ms = client.bootMs;
    await client.close();
    return ms;
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function parseArgs(argv: string[]): { json: boolean; runs: number } {
    let json = false;
    let runs = 5;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") {
            json = true;
        } else if (a === "--runs") {
            runs = Number(argv[++i]);
        } else if (a?.startsWith("--runs=")) {
            runs = Number(a.slice("--runs=".length));
        } else {
            throw new Error(`unknown argument ${JSON.stringify(a)} (usage: run.js [--json] [--runs N])`);
        }
    }
    if (!Number.isInteger(runs) || runs < 1) {
        throw new Error("--runs must be a positive integer");
    }
    return { json, runs };
}

async function main(): Promise<void> {
    const { json, runs } = parseArgs(process.argv.slice(2));
    const root = findProjectRoot(__dirname, process.cwd());
    const subjects: [Subject, Subject] = [
        { key: "floor", label: "floor (@pulumi/policy only)", dir: path.join(root, "bench", "pack-startup", "floor-pack") },
        oursSubject(root),
    ];
    const log = (s: string) => {
        if (!json) {
            process.stderr.write(`${s}\n`);
        }
    };
    for (const s of subjects) {
        if (s.note) {
            log(`note: ${s.note}`);
        }
    }

    // One warm-up each (fills the OS file cache), not recorded.
    for (const s of subjects) {
        log(`warm-up: ${s.label}`);
        await bootOnce(s.dir);
    }
    const samples = new Map<string, number[]>(subjects.map((s) => [s.key, []]));
    for (let round = 0; round < runs; round++) {
        const order = round % 2 === 0 ? subjects : [subjects[1], subjects[0]];
        for (const s of order) {
            const ms = await bootOnce(s.dir);
            samples.get(s.key)?.push(ms);
            log(`round ${round + 1}/${runs}: ${s.label} ${(ms / 1000).toFixed(3)} s`);
        }
    }

    const results: SubjectResult[] = subjects.map((s) => {
        const xs = samples.get(s.key) ?? [];
        return {
            key: s.key,
            label: s.label,
            dir: path.relative(root, s.dir),
            ...(s.note ? { note: s.note } : {}),
            samplesMs: xs.map((x) => Math.round(x * 10) / 10),
            medianMs: Math.round(median(xs) * 10) / 10,
            minMs: Math.round(Math.min(...xs) * 10) / 10,
            maxMs: Math.round(Math.max(...xs) * 10) / 10,
        };
    });
    const [floor, ours] = results as [SubjectResult, SubjectResult];
    const ratio = Math.round((ours.medianMs / floor.medianMs) * 100) / 100;
    const meta = {
        benchmark: "pack-startup",
        measure: "spawn -> gRPC port line (ms)",
        date: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        runs,
        warmup: 1,
    };

    if (json) {
        process.stdout.write(`${JSON.stringify({ ...meta, results, ratioOursToFloor: ratio }, null, 2)}\n`);
        return;
    }
    const rows = results.map((r) => [r.label, fmt(r.medianMs), fmt(r.minMs), fmt(r.maxMs)]);
    const header = ["pack", "median", "min", "max"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
    const out = [
        `pack start-up: spawn -> gRPC port line; median of ${runs} (1 warm-up each, order alternating); node ${process.version}, ${os.cpus().length} CPUs`,
        line(header),
        line(widths.map((w) => "-".repeat(w))),
        ...rows.map(line),
        `ratio ours/floor: ${ratio.toFixed(2)}x`,
    ];
    process.stdout.write(`${out.join("\n")}\n`);
}

function fmt(ms: number): string {
    return `${(ms / 1000).toFixed(2)} s`;
}

main().catch((err: unknown) => {
    process.stderr.write(`bench/pack-startup failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
});
