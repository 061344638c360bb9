// Benchmark: wall time of `pulumi preview` under the real Pulumi CLI (tools/pulumi-cli, built by
// `npm run pulumi:build`), on the wasteful example and on a generated stack of 1,000 resources,
// with the carbonguard pack, with a floor pack that only imports @pulumi/policy
// (bench/pack-startup/floor-pack), and with no pack, in one run. Median of N runs per cell after one
// warm-up each, the order of the three rotating every round. Stand-in providers, file:// backend,
// offline (tools/pulumi-cli/workspace.ts).
//
//   npm run build && npm run pulumi:build && node dist/bench/cli/run.js [--runs N] [--resources N] [--json]

import * as os from "node:os";
import * as path from "node:path";

import { cliBuilt, createSpecWorkspace, createWorkspace, POLICIES_DIR, PROJECT_ROOT, type StackSpec, type Workspace } from "../../tools/pulumi-cli/workspace";
import { arg, median } from "../args";

const FLOOR_PACK = path.join(PROJECT_ROOT, "bench", "pack-startup", "floor-pack");
const PACKS = [
    { key: "none", label: "no pack", args: [] as string[] },
    { key: "floor", label: "floor pack (@pulumi/policy only)", args: ["--policy-pack", FLOOR_PACK] },
    { key: "ours", label: "carbonguard", args: ["--policy-pack", POLICIES_DIR] },
] as const;

/**
 * A deterministic mixed stack: one resource in five an accelerator resource (GPU instances, EKS and
 * GKE GPU pools, SageMaker endpoint configs and notebooks), the rest buckets, roles and queues, over
 * two AWS regions and one GCP region.
 */
export function generatedStack(resources: number): StackSpec {
    const out: StackSpec["resources"] = [];
    const tags = (i: number) => (i % 3 === 0 ? { team: "ml" } : { "ml-workload": ["training", "inference", "notebook"][i % 3]!, team: "ml" });
    for (let i = 0; i < resources; i++) {
        const provider = i % 7 === 0 ? "gcp-p" : i % 2 === 0 ? "aws-east" : "aws-north";
        const kind = i % 5;
        if (provider === "gcp-p") {
            out.push(kind === 0
                ? { type: "gcp:container/nodePool:NodePool", name: `pool-${i}`, provider, props: { cluster: "ml", location: "europe-west1-b", nodeConfig: { machineType: "g2-standard-8", resourceLabels: tags(i) }, autoscaling: { minNodeCount: i % 2, maxNodeCount: 4 } } }
                : { type: "gcp:storage/bucket:Bucket", name: `gcs-${i}`, provider, props: { location: "EU", labels: { team: "ml" } } });
            continue;
        }
        switch (kind) {
            case 0:
                out.push({ type: "aws:ec2/instance:Instance", name: `vm-${i}`, provider, props: { ami: "ami-0standin", instanceType: ["g6.xlarge", "p4d.24xlarge", "g4dn.xlarge"][i % 3], tags: tags(i) } });
                break;
            case 1:
                out.push({ type: "aws:s3/bucket:Bucket", name: `bucket-${i}`, provider, props: { tags: { team: "ml" } } });
                break;
            case 2:
                out.push({ type: "aws:iam/role:Role", name: `role-${i}`, provider, props: { assumeRolePolicy: "{}", tags: { team: "ml" } } });
                break;
            case 3:
                out.push({ type: "aws:sqs/queue:Queue", name: `queue-${i}`, provider, props: { tags: { team: "ml" } } });
                break;
            default:
                out.push({ type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", name: `epc-${i}`, provider, props: { productionVariants: [{ variantName: "main", modelName: "m", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }], tags: tags(i) } });
        }
    }
    return {
        providers: [
            { name: "aws-east", package: "aws", props: { region: "us-east-1" } },
            { name: "aws-north", package: "aws", props: { region: "eu-north-1" } },
            { name: "gcp-p", package: "gcp", props: { project: "standin-project", region: "europe-west1" } },
        ],
        resources: out,
    };
}


async function timePreview(ws: Workspace, stack: string, packArgs: readonly string[]): Promise<number> {
    const start = process.hrtime.bigint();
    const r = await ws.pulumi(["preview", "--stack", stack, ...packArgs]);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    // 1 = mandatory violations (expected with carbonguard on these stacks); anything else is a failure.
    if (r.code !== 0 && r.code !== 1) throw new Error(`pulumi preview ${stack} ${packArgs.join(" ")} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
    return ms;
}

async function main(): Promise<void> {
    if (!cliBuilt()) throw new Error("the Pulumi CLI is not built: npm run pulumi:build");
    const runs = Math.max(1, Number(arg("runs", "3")));
    const resources = Number(arg("resources", "1000"));
    const reference = createWorkspace();
    const spec = createSpecWorkspace();
    try {
        await reference.initStack("wasteful", { "carbonguard:blueprint": "wasteful", "aws:region": "eu-north-1" });
        await spec.specStack("generated", generatedStack(resources));
        const targets = [
            { key: "wasteful", label: "wasteful example (8 resources)", ws: reference as Workspace, stack: "wasteful" },
            { key: `generated-${resources}`, label: `generated stack (${resources} resources)`, ws: spec as Workspace, stack: "generated" },
        ];
        const results: { target: string; pack: string; samplesMs: number[]; medianMs: number }[] = [];
        for (const t of targets) {
            const samples: Record<string, number[]> = { none: [], floor: [], ours: [] };
            for (const p of PACKS) await timePreview(t.ws, t.stack, p.args); // warm-up
            for (let round = 0; round < runs; round++) {
                const order = [...PACKS.slice(round % PACKS.length), ...PACKS.slice(0, round % PACKS.length)];
                for (const p of order) samples[p.key]!.push(await timePreview(t.ws, t.stack, p.args));
            }
            for (const p of PACKS) results.push({ target: t.key, pack: p.key, samplesMs: samples[p.key]!, medianMs: median(samples[p.key]!) });
        }
        const at = (target: string, pack: string) => results.find((r) => r.target === target && r.pack === pack)!.medianMs;
        const summary = targets.map((t) => ({
            target: t.label,
            noneS: at(t.key, "none") / 1000,
            floorS: at(t.key, "floor") / 1000,
            oursS: at(t.key, "ours") / 1000,
            oursOverNone: at(t.key, "ours") / at(t.key, "none"),
            floorOverNone: at(t.key, "floor") / at(t.key, "none"),
            oursOverFloor: at(t.key, "ours") / at(t.key, "floor"),
        }));
        const meta = { date: new Date().toISOString().slice(0, 10), cpus: os.cpus().length, node: process.version, load: os.loadavg()[0]!.toFixed(2), runs };
        if (process.argv.includes("--json")) {
            process.stdout.write(JSON.stringify({ meta, summary, results }, null, 2) + "\n");
        } else {
            process.stdout.write(`pulumi preview wall time, median of ${runs} (${meta.date}, ${meta.cpus} CPUs, Node ${meta.node}, load ${meta.load})\n`);
            for (const s of summary) {
                process.stdout.write(
                    `${s.target}: no pack ${s.noneS.toFixed(2)} s, floor ${s.floorS.toFixed(2)} s, carbonguard ${s.oursS.toFixed(2)} s; ` +
                        `carbonguard/no pack ${s.oursOverNone.toFixed(2)}×, floor/no pack ${s.floorOverNone.toFixed(2)}×, carbonguard/floor ${s.oursOverFloor.toFixed(2)}×\n`,
                );
            }
        }
    } finally {
        reference.dispose();
        spec.dispose();
    }
}

if (require.main === module) {
    main().catch((e: unknown) => {
        process.stderr.write(`bench/cli: ${(e as Error).message}\n`);
        process.exit(1);
    });
}
