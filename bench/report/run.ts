// Benchmark: `carbonguard report` over a generated self-managed backend (N stacks × 100
// realistic ML resources) against a floor that only reads and JSON.parses the same files
// (bench/report/floor.ts). Wall time and peak RSS of each, as spawned child processes (peak RSS
// from `/usr/bin/time -v` when present, else reported by the child itself through a --require
// hook), median of N runs after one warm-up each, alternating order. Run at several sizes
// (default 100 and 1,000 stacks) to show that peak RSS does not grow with the number of stacks.
//
//   npm run build && node dist/bench/report/run.js [--stacks 100,1000] [--resources 100] [--runs 3] [--json] [--keep] [--jobs N] [--cache]
//
// Targets: ours ≤ 1.5× the floor in time; peak RSS flat in the number of stacks.
//
// With --cache, "ours" is a warm `report --cache DIR`: one untimed run fills the cache, then
// before each timed run 1% of the state files change (a different 1% each time: their bytes
// change, so they miss and are parsed and evaluated in full). Target: ≤ 1.2× the floor.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { packageRoot } from "../../src/util/package-root";
import { arg, median } from "../args";
import { generateBackend } from "./generate";

interface Sample {
    readonly ms: number;
    readonly rssKb: number;
    /** User + system CPU time (all threads), when /usr/bin/time reports it. */
    readonly cpuMs: number;
}

interface Summary {
    readonly medianMs: number;
    readonly medianRssKb: number;
    readonly medianCpuMs: number;
    readonly samples: readonly Sample[];
}

function summarise(samples: readonly Sample[]): Summary {
    return { medianMs: median(samples.map((s) => s.ms)), medianRssKb: median(samples.map((s) => s.rssKb)), medianCpuMs: median(samples.map((s) => s.cpuMs)), samples };
}

interface SizeResult {
    readonly stacks: number;
    readonly resourcesPerStack: number;
    readonly stateMb: number;
    readonly floor: Summary;
    readonly ours: Summary;
    readonly timeRatio: number;
}

const TIME = "/usr/bin/time";
const hasTime = fs.existsSync(TIME);

function measure(nodeArgs: readonly string[], hook: string): Sample {
    const start = process.hrtime.bigint();
    const res = hasTime
        ? spawnSync(TIME, ["-v", process.execPath, ...nodeArgs], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 })
        : spawnSync(process.execPath, ["--require", hook, ...nodeArgs], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.error) throw res.error;
    if (res.status !== 0 && res.status !== 1) throw new Error(`child exited ${res.status}: ${res.stderr.slice(-2000)}`);
    const rss = hasTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr)?.[1] : /CG_MAXRSS_KB=(\d+)/.exec(res.stderr)?.[1];
    const user = /User time \(seconds\): ([\d.]+)/.exec(res.stderr)?.[1];
    const system = /System time \(seconds\): ([\d.]+)/.exec(res.stderr)?.[1];
    const cpuMs = user !== undefined && system !== undefined ? (Number(user) + Number(system)) * 1000 : NaN;
    return { ms, rssKb: rss ? Number(rss) : NaN, cpuMs };
}

/** The backend's state files, sorted. */
function stateFiles(dir: string): string[] {
    const stacksDir = path.join(dir, ".pulumi", "stacks");
    return fs.readdirSync(stacksDir).sort().flatMap((p) => fs.readdirSync(path.join(stacksDir, p)).filter((f) => f.endsWith(".json")).sort().map((f) => path.join(stacksDir, p, f)));
}

/** Changes the bytes of `share` of the files (a different slice each round): trailing whitespace, so the stack parses the same. */
function touchShare(files: readonly string[], share: number, round: number): void {
    const n = Math.max(1, Math.round(files.length * share));
    for (let i = 0; i < n; i++) {
        const file = files[(round * n + i) % files.length] as string;
        fs.appendFileSync(file, " ");
    }
}

function runSize(root: string, stacks: number, resourcesPerStack: number, runs: number, keep: boolean, extraArgs: readonly string[], cache: boolean): SizeResult {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cg-bench-report-${stacks}-`));
    const hook = path.join(dir, "rss-hook.js");
    fs.writeFileSync(hook, `process.on("exit", () => require("node:fs").writeSync(2, "CG_MAXRSS_KB=" + process.resourceUsage().maxRSS + "\\n"));\n`);
    try {
        process.stderr.write(`generating ${stacks} stacks × ${resourcesPerStack} resources in ${dir} … `);
        const bytes = generateBackend(dir, { stacks, resourcesPerStack });
        process.stderr.write(`${(bytes / 1048576).toFixed(0)} MiB\n`);
        const floorArgs = [path.join(root, "dist", "bench", "report", "floor.js"), dir];
        const cacheArgs = cache ? ["--cache", path.join(dir, "cache")] : [];
        const oursArgs = [path.join(root, "bin", "carbonguard.js"), "report", dir, "--format", "json", "--out", "/dev/null", "--quiet", ...cacheArgs, ...extraArgs];
        const files = cache ? stateFiles(dir) : [];
        let round = 0;
        const ours1 = () => {
            if (cache) touchShare(files, 0.01, round++);
            return measure(oursArgs, hook);
        };
        measure(floorArgs, hook); // warm-up (page cache, V8 code cache; with --cache, fills it)
        measure(oursArgs, hook);
        const floor: Sample[] = [];
        const ours: Sample[] = [];
        for (let i = 0; i < runs; i++) {
            if (i % 2 === 0) {
                floor.push(measure(floorArgs, hook));
                ours.push(ours1());
            } else {
                ours.push(ours1());
                floor.push(measure(floorArgs, hook));
            }
            process.stderr.write(`  run ${i + 1}/${runs}: floor ${(floor[i]!.ms / 1000).toFixed(2)} s ${(floor[i]!.rssKb / 1024).toFixed(0)} MiB · ours ${(ours[i]!.ms / 1000).toFixed(2)} s ${(ours[i]!.rssKb / 1024).toFixed(0)} MiB (CPU ${(ours[i]!.cpuMs / 1000).toFixed(2)} s)\n`);
        }
        const f = summarise(floor);
        const o = summarise(ours);
        return { stacks, resourcesPerStack, stateMb: bytes / 1048576, floor: f, ours: o, timeRatio: o.medianMs / f.medianMs };
    } finally {
        if (!keep) fs.rmSync(dir, { recursive: true, force: true });
        else process.stderr.write(`kept ${dir}\n`);
    }
}

function main(): void {
    const root = packageRoot();
    const sizes = arg("stacks", "100,1000").split(",").map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
    const resources = Number(arg("resources", "100"));
    const runs = Math.max(1, Number(arg("runs", "3")));
    const keep = process.argv.includes("--keep");
    if (!fs.existsSync(path.join(root, "dist", "src", "cli", "main.js"))) throw new Error("run `npm run build` first");
    const jobs = arg("jobs", "");
    const extraArgs = jobs !== "" ? ["--jobs", jobs] : [];
    const cache = process.argv.includes("--cache");
    const results = sizes.map((n) => runSize(root, n, resources, runs, keep, extraArgs, cache));
    const smallest = results[0];
    const largest = results[results.length - 1];
    const summary = {
        machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(2)}`,
        rssMeasuredBy: hasTime ? "/usr/bin/time -v" : "process.resourceUsage().maxRSS",
        results,
        rssGrowth: smallest && largest ? largest.ours.medianRssKb / smallest.ours.medianRssKb : undefined,
    };
    if (process.argv.includes("--json")) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
    }
    const lines = [`carbonguard report benchmark${cache ? " — warm --cache, 1% of the files changed before each run" : ""} (${summary.machine}; peak RSS by ${summary.rssMeasuredBy}; median of ${runs})`, ""];
    lines.push("stacks  state MiB  floor s  ours s  ours/floor  floor RSS MiB  ours RSS MiB  floor CPU s  ours CPU s");
    for (const r of results) {
        lines.push(
            `${String(r.stacks).padStart(6)}  ${r.stateMb.toFixed(0).padStart(9)}  ${(r.floor.medianMs / 1000).toFixed(2).padStart(7)}  ${(r.ours.medianMs / 1000).toFixed(2).padStart(6)}  ${r.timeRatio.toFixed(2).padStart(9)}×  ${(r.floor.medianRssKb / 1024).toFixed(0).padStart(13)}  ${(r.ours.medianRssKb / 1024).toFixed(0).padStart(12)}  ${(r.floor.medianCpuMs / 1000).toFixed(2).padStart(11)}  ${(r.ours.medianCpuMs / 1000).toFixed(2).padStart(10)}`,
        );
    }
    if (summary.rssGrowth !== undefined && results.length > 1) lines.push("", `ours peak RSS at ${largest!.stacks} stacks ÷ at ${smallest!.stacks}: ${summary.rssGrowth.toFixed(2)}×`);
    process.stdout.write(`${lines.join("\n")}\n`);
}

main();
