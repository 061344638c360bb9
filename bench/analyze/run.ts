// Benchmark: per-resource Analyze cost over gRPC, the way `pulumi preview --policy-pack` pays it,
// for three packs booted as the Pulumi CLI boots them (src/pack-host) and driven in the engine's
// order (Remediate, then Analyze, per resource):
//
//   floor     bench/pack-startup/floor-pack: one no-op policy (what any Node pack pays)
//   awsguard  @pulumi/awsguard 0.3.1, every policy mandatory (bench/analyze/anchor.ts installs it
//             into the git-ignored bench/.cache/ on first run)
//   ours      policies/ (carbonguard, all policies at their defaults)
//
// Two workloads (bench/analyze/workload.ts): a mixed AWS stack and an ML-heavy one, 2,000
// resources each. Resources go in batches of 100; in each batch every pack gets the same
// resources, in an order that rotates per batch, so load changes on a shared machine hit all three
// alike. Per-resource time = batch time / batch size; the median over batches is quoted. Then the
// packs' RSS (VmRSS from /proc) once each has analyzed at least 10,000 resources.
//
//   npm run build && node dist/bench/analyze/run.js [--rounds 3] [--json] [--profile DIR] [--before DIR]
//
// --before DIR: also measures another build's policies/ folder (an earlier commit's) in the same run.
// --profile DIR: runs carbonguard's pack under `node --cpu-prof` and writes its profile to DIR.
//
// Targets: ours per resource ≤ awsguard's; ours' RSS ≤ 1.2× the floor's.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { type AnalyzeResource, type Session, startSession } from "../../src/pack-host";
import { packageRoot } from "../../src/util/package-root";
import { arg, median } from "../args";
import { awsguardPack } from "./anchor";
import { type Workload, workload } from "./workload";

const BATCH = 100;
const STACK_SIZE = 2000;
const RSS_AFTER = 10_000;

interface Pack {
    readonly key: "floor" | "awsguard" | "ours" | "before";
    readonly dir: string;
    session?: Session;
    sent: number;
    violations: number;
    /** The pack process's CPU time (user + system) spent in timed batches, per workload. */
    cpuMs: Record<string, number>;
}

/** A process's CPU time so far (user + system), from /proc (clock ticks: 10 ms resolution, so summed over many batches). */
function cpuMs(pid: number): number {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** USER_HZ: 100 on Linux (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

function rssKb(pid: number): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : NaN;
}

async function send(pack: Pack, resources: readonly AnalyzeResource[], workloadKey?: string): Promise<number> {
    const session = pack.session as Session;
    const cpu0 = cpuMs(session.client.pid);
    const start = process.hrtime.bigint();
    for (const r of resources) {
        const res = await session.analyze(r);
        pack.violations += res.diagnostics.length;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (workloadKey) pack.cpuMs[workloadKey] = (pack.cpuMs[workloadKey] ?? 0) + cpuMs(session.client.pid) - cpu0;
    pack.sent += resources.length;
    return ms;
}

async function main(): Promise<void> {
    const root = packageRoot();
    const rounds = Math.max(1, Number(arg("rounds", "3")));
    const profileDir = arg("profile", "");
    const log = (s: string) => process.stderr.write(s);
    const packs: Pack[] = [
        { key: "floor", dir: path.join(root, "bench", "pack-startup", "floor-pack"), sent: 0, violations: 0, cpuMs: {} },
        { key: "awsguard", dir: awsguardPack(root, log), sent: 0, violations: 0, cpuMs: {} },
        { key: "ours", dir: path.join(root, "policies"), sent: 0, violations: 0, cpuMs: {} },
    ];
    // --before DIR: another build's policies/ folder (e.g. an earlier commit's), measured in the same run.
    const before = arg("before", "");
    if (before) packs.push({ key: "before", dir: path.resolve(before), sent: 0, violations: 0, cpuMs: {} });
    let hook: string | undefined;
    let wrapper: string | undefined;
    if (profileDir) {
        fs.mkdirSync(profileDir, { recursive: true });
        // The pack host stops packs with SIGTERM; exiting on it lets --cpu-prof write the profile.
        hook = path.join(os.tmpdir(), `cg-bench-exit-on-term-${process.pid}.js`);
        fs.writeFileSync(hook, `process.on("SIGTERM", () => process.exit(0));\n`);
        // --cpu-prof is refused in NODE_OPTIONS: the pack runs under a node wrapper instead.
        wrapper = path.join(os.tmpdir(), `cg-bench-node-prof-${process.pid}.sh`);
        fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --cpu-prof --cpu-prof-dir=${JSON.stringify(path.resolve(profileDir))} -r ${JSON.stringify(hook)} "$@"\n`, { mode: 0o700 });
    }
    try {
        for (const p of packs) {
            const nodePath = p.key === "ours" ? wrapper : undefined;
            p.session = await startSession({ packDir: p.dir, stack: "bench", project: "ml", stackConfig: { "aws:region": "us-east-1" }, boot: { timeoutMs: 120_000, ...(nodePath ? { nodePath } : {}) } });
            log(`${p.key}: ${p.session.info.policies.length} policies, booted in ${p.session.client.bootMs} ms\n`);
        }
        // Warm-up: JIT, lazy data loads, gRPC connections.
        for (const p of packs) await send(p, [...workload("mixed", 200), ...workload("ml", 200)]);
        const results: Record<string, Record<string, { msPerResource: number; samples: number[] }>> = {};
        for (const kind of ["mixed", "ml"] as Workload[]) {
            const resources = workload(kind, STACK_SIZE);
            const samples: Record<string, number[]> = Object.fromEntries(packs.map((p) => [p.key, []]));
            for (let round = 0; round < rounds; round++) {
                for (let b = 0; b * BATCH < resources.length; b++) {
                    const batch = resources.slice(b * BATCH, (b + 1) * BATCH);
                    const shift = (b + round) % packs.length;
                    for (const p of [...packs.slice(shift), ...packs.slice(0, shift)]) samples[p.key]?.push((await send(p, batch, kind)) / batch.length);
                }
                log(`${kind} round ${round + 1}/${rounds}: ${packs.map((p) => `${p.key} ${median(samples[p.key] ?? []).toFixed(3)} ms`).join(" · ")}\n`);
            }
            results[kind] = Object.fromEntries(packs.map((p) => [p.key, { msPerResource: median(samples[p.key] ?? []), samples: samples[p.key] ?? [] }]));
        }
        for (const p of packs) if (p.sent < RSS_AFTER) await send(p, workload("mixed", RSS_AFTER - p.sent));
        const rss = Object.fromEntries(packs.map((p) => [p.key, rssKb(p.session!.client.pid)]));
        const summary = {
            machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(2)}`,
            policies: Object.fromEntries(packs.map((p) => [p.key, p.session!.info.policies.length])),
            resourcesSent: Object.fromEntries(packs.map((p) => [p.key, p.sent])),
            diagnostics: Object.fromEntries(packs.map((p) => [p.key, p.violations])),
            results: Object.fromEntries(
                Object.entries(results).map(([kind, r]) => {
                    const floor = r["floor"]!.msPerResource;
                    const aws = r["awsguard"]!.msPerResource;
                    const ours = r["ours"]!.msPerResource;
                    // The pack processes' own CPU per resource: what load on a shared machine does not blur.
                    const cpu = Object.fromEntries(packs.map((p) => [p.key, (p.cpuMs[kind] ?? 0) / (rounds * STACK_SIZE)])) as Record<Pack["key"], number>;
                    return [kind, { floor, awsguard: aws, ours, oursOverAwsguard: ours / aws, awsguardAboveFloor: aws - floor, oursAboveFloor: ours - floor, cpu, cpuOursOverAwsguard: cpu.ours / cpu.awsguard }];
                }),
            ),
            rssKb: rss,
            rssOursOverFloor: (rss["ours"] as number) / (rss["floor"] as number),
        };
        if (process.argv.includes("--json")) {
            process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
            return;
        }
        const lines = [`Analyze per resource over gRPC (${summary.machine}; median of ${rounds} × ${STACK_SIZE / BATCH} batches of ${BATCH}, interleaved)`, ""];
        lines.push("workload  floor ms  awsguard ms  ours ms  ours/awsguard  awsguard−floor  ours−floor  │  pack CPU ms: floor  awsguard  ours  ours/awsguard");
        for (const [kind, r] of Object.entries(summary.results)) {
            lines.push(
                `${kind.padEnd(8)}  ${r.floor.toFixed(3).padStart(8)}  ${r.awsguard.toFixed(3).padStart(11)}  ${r.ours.toFixed(3).padStart(7)}  ${r.oursOverAwsguard.toFixed(2).padStart(12)}×  ${r.awsguardAboveFloor.toFixed(3).padStart(14)}  ${r.oursAboveFloor.toFixed(3).padStart(10)}  │  ${r.cpu.floor.toFixed(3).padStart(18)}  ${r.cpu.awsguard.toFixed(3).padStart(8)}  ${r.cpu.ours.toFixed(3).padStart(4)}  ${r.cpuOursOverAwsguard.toFixed(2).padStart(12)}×`,
            );
        }
        lines.push("", `RSS after ≥ ${RSS_AFTER.toLocaleString("en")} resources: floor ${(rss["floor"]! / 1024).toFixed(0)} MiB, awsguard ${(rss["awsguard"]! / 1024).toFixed(0)} MiB, ours ${(rss["ours"]! / 1024).toFixed(0)} MiB (ours/floor ${summary.rssOursOverFloor.toFixed(2)}×)`);
        if (before) {
            for (const [kind, r] of Object.entries(results)) {
                const cpuBefore = (packs.find((p) => p.key === "before")!.cpuMs[kind] ?? 0) / (rounds * STACK_SIZE);
                lines.push(`${kind}: before (${before}) ${r["before"]!.msPerResource.toFixed(3)} ms, CPU ${cpuBefore.toFixed(3)} ms per resource`);
            }
        }
        lines.push(`policies: ${JSON.stringify(summary.policies)}; diagnostics: ${JSON.stringify(summary.diagnostics)}`);
        process.stdout.write(`${lines.join("\n")}\n`);
    } finally {
        for (const p of packs) await p.session?.close();
        for (const f of [hook, wrapper]) if (f) fs.rmSync(f, { force: true });
    }
}

main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
});
