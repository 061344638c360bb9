// fast-check generator of plausible ML stacks for the spec program (test/cli/fixtures/spec-program):
// the resource types the rules read, with instance and machine types across generations and
// workloads, regions across grid intensities, workload tags present or not, capacity at zero or not,
// and some values unknown in preview or secret (both front ends must say "can't evaluate" for a
// secret a rule needs: docs/secrets.md).
import fc from "fast-check";

import type { StackSpec } from "./pulumi-cli";

type Props = Record<string, unknown>;
type Resource = StackSpec["resources"][number];

const AWS_REGIONS = ["us-east-1", "eu-north-1", "us-west-2", "ap-south-1", "ca-central-1"];
const GCP_REGIONS = ["europe-west1", "us-central1", "northamerica-northeast1", "asia-south1"];
const EC2_TYPES = ["g6.xlarge", "p4d.24xlarge", "p3.2xlarge", "g4dn.xlarge", "inf2.xlarge", "trn1.2xlarge", "m5.large", "g5.12xlarge"];
const SM_TYPES = ["ml.g6.xlarge", "ml.g5.xlarge", "ml.p4d.24xlarge", "ml.inf2.xlarge", "ml.m5.large", "ml.p3.2xlarge"];
const GKE_MACHINES: readonly { machineType: string; guestAccelerators?: Props[] }[] = [
    { machineType: "g2-standard-8" },
    { machineType: "a2-highgpu-1g" },
    { machineType: "a3-highgpu-8g" },
    { machineType: "n1-standard-4", guestAccelerators: [{ type: "nvidia-tesla-t4", count: 1 }] },
    { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-tesla-k80", count: 2 }] },
    { machineType: "e2-standard-4" },
];
const WORKLOADS = ["training", "inference", "batch-inference", "notebook", "development", "fine-tuning"];

const UNKNOWN = { $unknown: "string" };
const UNKNOWN_NUMBER = { $unknown: "number" };

/** Sometimes unknown in preview, sometimes a secret. */
const maybeUnknown = <T>(arb: fc.Arbitrary<T>, unknown: unknown = UNKNOWN): fc.Arbitrary<T | unknown> =>
    fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(unknown) }, { weight: 1, arbitrary: arb.map((v) => ({ $secret: v })) });

const workloadTags = fc.record(
    { "ml-workload": fc.constantFrom(...WORKLOADS), team: fc.constantFrom("ml", "vision") },
    { requiredKeys: [] },
);

/** A secret where no rule looks: the program must still not leak it anywhere. */
const secretNote = fc.option(fc.constant({ $secret: "s3cr3t-note-do-not-print" }), { nil: undefined });

const ec2Instance = (provider: string) =>
    fc.record({ instanceType: maybeUnknown(fc.constantFrom(...EC2_TYPES)), tags: workloadTags, userData: secretNote }).map(
        (p): Omit<Resource, "name"> => ({ type: "aws:ec2/instance:Instance", provider, props: { ami: "ami-0standin", ...clean(p) } }),
    );

const endpointConfig = (provider: string) =>
    fc
        .record({
            instanceType: maybeUnknown(fc.constantFrom(...SM_TYPES)),
            count: maybeUnknown(fc.integer({ min: 1, max: 3 }), UNKNOWN_NUMBER),
            async: fc.boolean(),
            tags: workloadTags,
        })
        .map(
            (p): Omit<Resource, "name"> => ({
                type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
                provider,
                props: {
                    productionVariants: [{ variantName: "main", modelName: "model", instanceType: p.instanceType, initialInstanceCount: p.count }],
                    ...(p.async ? { asyncInferenceConfig: { outputConfig: { s3OutputPath: "s3://standin/out" } } } : {}),
                    tags: p.tags,
                },
            }),
        );

const notebook = (provider: string) =>
    fc.record({ instanceType: fc.constantFrom(...SM_TYPES), tags: workloadTags, lifecycle: fc.boolean() }).map(
        (p): Omit<Resource, "name"> => ({
            type: "aws:sagemaker/notebookInstance:NotebookInstance",
            provider,
            props: { instanceType: p.instanceType, roleArn: "arn:aws:iam::123456789012:role/nb", tags: p.tags, ...(p.lifecycle ? { lifecycleConfigName: "idle-stop" } : {}) },
        }),
    );

const eksNodeGroup = (provider: string) =>
    fc.record({ instanceType: fc.constantFrom(...EC2_TYPES), min: maybeUnknown(fc.integer({ min: 0, max: 2 }), UNKNOWN_NUMBER), tags: workloadTags, spot: fc.boolean() }).map(
        (p): Omit<Resource, "name"> => ({
            type: "aws:eks/nodeGroup:NodeGroup",
            provider,
            props: {
                clusterName: "ml",
                nodeRoleArn: "arn:aws:iam::123456789012:role/nodes",
                subnetIds: ["subnet-1"],
                instanceTypes: [p.instanceType],
                scalingConfig: { minSize: p.min, maxSize: 4, desiredSize: 1 },
                ...(p.spot ? { capacityType: "SPOT" } : {}),
                tags: p.tags,
            },
        }),
    );

const gkeNodePool = (provider: string, region: string) =>
    fc
        .record({
            machine: fc.constantFrom(...GKE_MACHINES),
            min: fc.option(maybeUnknown(fc.integer({ min: 0, max: 2 }), UNKNOWN_NUMBER), { nil: undefined }),
            labels: workloadTags,
            spot: fc.boolean(),
        })
        .map(
            (p): Omit<Resource, "name"> => ({
                type: "gcp:container/nodePool:NodePool",
                provider,
                props: {
                    cluster: "ml",
                    location: `${region}-b`,
                    nodeConfig: { ...p.machine, resourceLabels: p.labels, ...(p.spot ? { spot: true } : {}) },
                    ...(p.min !== undefined ? { autoscaling: { minNodeCount: p.min, maxNodeCount: 4 } } : { nodeCount: 1 }),
                },
            }),
        );

const gceInstance = (provider: string, region: string) =>
    fc.record({ machine: fc.constantFrom(...GKE_MACHINES), labels: workloadTags, preemptible: fc.boolean() }).map(
        (p): Omit<Resource, "name"> => ({
            type: "gcp:compute/instance:Instance",
            provider,
            props: {
                zone: `${region}-b`,
                machineType: p.machine.machineType,
                ...(p.machine.guestAccelerators ? { guestAccelerators: p.machine.guestAccelerators } : {}),
                bootDisk: { initializeParams: { image: "debian-cloud/debian-12" } },
                networkInterfaces: [{ network: "default" }],
                labels: p.labels,
                scheduling: p.preemptible ? { preemptible: true, automaticRestart: false } : {},
            },
        }),
    );

/** Drops undefined fields (the spec is JSON). */
function clean(p: Record<string, unknown>): Props {
    return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}

/** A stack of 1–5 ML resources behind one AWS and one GCP provider. */
export const generatedStack: fc.Arbitrary<StackSpec> = fc
    .record({ awsRegion: fc.constantFrom(...AWS_REGIONS), gcpRegion: fc.constantFrom(...GCP_REGIONS) })
    .chain(({ awsRegion, gcpRegion }) =>
        fc
            .array(
                fc.oneof(
                    ec2Instance("aws-p"),
                    endpointConfig("aws-p"),
                    notebook("aws-p"),
                    eksNodeGroup("aws-p"),
                    gkeNodePool("gcp-p", gcpRegion),
                    gceInstance("gcp-p", gcpRegion),
                ),
                { minLength: 1, maxLength: 5 },
            )
            .map(
                (resources): StackSpec => ({
                    providers: [
                        { name: "aws-p", package: "aws", props: { region: awsRegion } },
                        { name: "gcp-p", package: "gcp", props: { project: "standin-project", region: gcpRegion } },
                    ],
                    resources: resources.map((r, i) => ({ ...r, name: `gen-${i}-${r.type.split(":").pop()!.toLowerCase()}` })),
                }),
            ),
    );
