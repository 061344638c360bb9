// Resources the real-CLI tests put in front of the engine through the spec program.
import type { StackSpec } from "./pulumi-cli";

/** An AWS provider in Stockholm (clean grid): findings are about capacity, not region. */
export const AWS_EU_PROVIDER: NonNullable<StackSpec["providers"]>[number] = { name: "aws-eu", package: "aws", props: { region: "eu-north-1" } };

/** An EKS node group of L4 GPUs for inference that keeps one node on (ml-autoscale-to-zero fails it). */
export function alwaysOnGpuNodeGroup(name: string): StackSpec["resources"][number] {
    return {
        type: "aws:eks/nodeGroup:NodeGroup",
        name,
        provider: AWS_EU_PROVIDER.name,
        props: {
            clusterName: "ml",
            nodeRoleArn: "arn:aws:iam::123456789012:role/nodes",
            subnetIds: ["subnet-1"],
            instanceTypes: ["g6.xlarge"],
            scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 1 },
            tags: { "ml-workload": "inference", team: "ml" },
        },
    };
}
