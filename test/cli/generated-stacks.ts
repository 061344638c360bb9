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

const K8S_SELECTORS: readonly Props[] = [
    { "cloud.google.com/gke-accelerator": "nvidia-l4" },
    { "cloud.google.com/gke-accelerator": "nvidia-tesla-t4" },
    { "cloud.google.com/gke-accelerator": "nvidia-h100-80gb", "cloud.google.com/gke-spot": "true" },
    { "node.kubernetes.io/instance-type": "a2-highgpu-8g" },
    {},
];

/**
 * A GPU workload through the Kubernetes provider (placed by its kubeconfig's GKE context), sometimes
 * with an HPA or a KEDA ScaledObject naming it.
 */
const k8sWorkload = (provider: string) =>
    fc
        .record({
            kind: fc.constantFrom("apps/v1:Deployment", "apps/v1:StatefulSet", "batch/v1:Job"),
            selector: fc.constantFrom(...K8S_SELECTORS),
            gpus: maybeUnknown(fc.integer({ min: 1, max: 2 }), UNKNOWN_NUMBER),
            replicas: maybeUnknown(fc.integer({ min: 0, max: 3 }), UNKNOWN_NUMBER),
            labels: workloadTags,
            scaler: fc.constantFrom("none", "hpa", "keda-0", "keda-1"),
            deadline: fc.option(fc.integer({ min: 3600, max: 400_000 }), { nil: undefined }),
        })
        .map((p): Omit<Resource, "name">[] => {
            const template = { metadata: { labels: { app: "gen" } }, spec: { nodeSelector: p.selector, containers: [{ name: "c", image: "vllm", resources: { limits: { "nvidia.com/gpu": p.gpus } } }] } };
            const job = p.kind === "batch/v1:Job";
            const spec = job ? { ...(p.deadline !== undefined ? { activeDeadlineSeconds: p.deadline } : {}), template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } } } : { replicas: p.replicas, template };
            const workload: Omit<Resource, "name"> = { type: `kubernetes:${p.kind}`, provider, props: { metadata: { name: "$self", labels: p.labels }, spec } };
            if (job || p.scaler === "none") return [workload];
            const kind = p.kind.split(":")[1];
            const scaler: Omit<Resource, "name"> =
                p.scaler === "hpa"
                    ? { type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", provider, props: { spec: { scaleTargetRef: { apiVersion: "apps/v1", kind, name: "$target" }, minReplicas: 1, maxReplicas: 3 } } }
                    : { type: "kubernetes:keda.sh/v1alpha1:ScaledObject", provider, props: { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", spec: { scaleTargetRef: { kind, name: "$target" }, minReplicaCount: p.scaler === "keda-0" ? 0 : 1, maxReplicaCount: 3 } } };
            return [workload, scaler];
        });

/** Names a resource, and fills in the names a Kubernetes workload and its scaler refer to each other by. */
function named(r: Omit<Resource, "name">, i: number, group: readonly Omit<Resource, "name">[]): Resource {
    const name = (j: number, t: string) => `gen-${j}-${t.split(":").pop()!.toLowerCase()}`;
    const self = name(i, r.type);
    const json = JSON.stringify(r.props).replace(/"\$self"/g, JSON.stringify(self)).replace(/"\$target"/g, JSON.stringify(name(i - 1, group[i - 1]?.type ?? "")));
    return { ...r, name: self, props: JSON.parse(json) as Props };
}

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
                ).map((r) => [r]),
                { minLength: 1, maxLength: 5 },
            )
            .chain((groups) =>
                fc.option(fc.array(k8sWorkload("k8s-p"), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 }).map((k8s) => {
                    const resources = [...groups, ...(k8s ?? [])].flat();
                    const providers: StackSpec["providers"] = [
                        { name: "aws-p", package: "aws", props: { region: awsRegion } },
                        { name: "gcp-p", package: "gcp", props: { project: "standin-project", region: gcpRegion } },
                    ];
                    // A kubeconfig of an existing GKE cluster: its context names the location the workloads run in.
                    if (k8s) providers.push({ name: "k8s-p", package: "kubernetes", props: { kubeconfig: `current-context: gke_standin-project_${gcpRegion}_ml\n` } });
                    return { providers, resources: resources.map((r, i) => named(r, i, resources)) };
                }),
            ),
    );
