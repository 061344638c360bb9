// The resources bench/analyze sends through Analyze: AWS resources' inputs as the Pulumi engine
// sends them (camelCase property bags, the provider with its region), deterministic.
//
// - mixed: the long tail of a real ML account — S3 buckets, IAM roles, security groups, EC2 with
//   CPU and GPU instance types, SageMaker endpoint configurations, Lambda functions;
// - ml: every resource an accelerator resource — GPU EC2 instances, SageMaker endpoint configs
//   and notebooks, EKS GPU node groups, GPU launch templates.

import { secret } from "../../src/pack-host";
import type { AnalyzeResource } from "../../src/pack-host";

const PROVIDER = { urn: "urn:pulumi:bench::ml::pulumi:providers:aws::default_7_48_0", type: "pulumi:providers:aws", name: "default_7_48_0", properties: { region: "us-east-1", version: "7.48.0" } };

const GPU_EC2 = ["g5.xlarge", "g6.4xlarge", "p4d.24xlarge", "g5.12xlarge", "p3.2xlarge", "trn1.32xlarge", "g6e.2xlarge", "inf2.xlarge"];
const CPU_EC2 = ["m6i.large", "c7i.2xlarge", "t3.medium", "r6i.xlarge"];
const SM = ["ml.g5.2xlarge", "ml.g6.xlarge", "ml.g5.12xlarge", "ml.p4d.24xlarge", "ml.inf2.xlarge"];
const WORKLOADS = ["training", "inference", "notebook", "batch-inference"];

function resource(type: string, name: string, properties: Record<string, unknown>): AnalyzeResource {
    return { urn: `urn:pulumi:bench::ml::${type}::${name}`, type, name, properties, provider: PROVIDER };
}

const tags = (i: number, ml: boolean): Record<string, string> => ({ Name: `r${i}`, env: "prod", team: `team-${i % 7}`, ...(ml ? { "ml-workload": WORKLOADS[i % WORKLOADS.length] as string } : {}) });

const MIXED: ((i: number) => AnalyzeResource)[] = [
    (i) => resource("aws:s3/bucket:Bucket", `bucket-${i}`, { bucket: `ml-artifacts-${i}`, forceDestroy: false, acl: "private", tags: tags(i, false) }),
    (i) => resource("aws:iam/role:Role", `role-${i}`, { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" }] }), tags: tags(i, false) }),
    (i) => resource("aws:ec2/securityGroup:SecurityGroup", `sg-${i}`, { vpcId: "vpc-0abc", description: "ML workers", ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] }], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }], tags: tags(i, false) }),
    (i) => resource("aws:ec2/instance:Instance", `vm-${i}`, { ami: "ami-0abcdef", instanceType: CPU_EC2[i % CPU_EC2.length], subnetId: "subnet-0a", rootBlockDevice: { volumeSize: 50, volumeType: "gp3", encrypted: true }, tags: tags(i, false) }),
    (i) => resource("aws:ec2/instance:Instance", `gpu-${i}`, { ami: "ami-0abcdef", instanceType: GPU_EC2[i % GPU_EC2.length], subnetId: "subnet-0a", userData: secret("#!/bin/sh\necho token"), tags: tags(i, true) }),
    (i) => resource("aws:sagemaker/endpointConfiguration:EndpointConfiguration", `epc-${i}`, { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: SM[i % SM.length], initialInstanceCount: 1 + (i % 3), initialVariantWeight: 1 }], tags: tags(i, true) }),
    (i) => resource("aws:lambda/function:Function", `fn-${i}`, { runtime: "python3.12", handler: "app.handler", role: "arn:aws:iam::123456789012:role/lambda", memorySize: 1024, timeout: 60, environment: { variables: { TABLE: "features", API_KEY: secret("k") } }, tags: tags(i, false) }),
];
/** Shares of the mixed stack, per block of 20: buckets, roles, SGs, CPU VMs, GPU VMs, endpoint configs, functions. */
const MIXED_SHARES = [4, 3, 3, 3, 2, 2, 3];

const ML: ((i: number) => AnalyzeResource)[] = [
    (i) => resource("aws:ec2/instance:Instance", `gpu-${i}`, { ami: "ami-0abcdef", instanceType: GPU_EC2[i % GPU_EC2.length], subnetId: "subnet-0a", tags: tags(i, true) }),
    (i) => resource("aws:sagemaker/endpointConfiguration:EndpointConfiguration", `epc-${i}`, { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: SM[i % SM.length], initialInstanceCount: 1 + (i % 3) }], tags: tags(i, true) }),
    (i) => resource("aws:sagemaker/notebookInstance:NotebookInstance", `nb-${i}`, { instanceType: ["ml.g4dn.xlarge", "ml.g5.xlarge", "ml.p3.2xlarge"][i % 3], roleArn: "arn:aws:iam::123456789012:role/sm", volumeSize: 50, tags: tags(i, true) }),
    (i) => resource("aws:eks/nodeGroup:NodeGroup", `ng-${i}`, { clusterName: "ml", nodeRoleArn: "arn:aws:iam::123456789012:role/node", subnetIds: ["subnet-0a"], instanceTypes: [GPU_EC2[(i + 3) % GPU_EC2.length]], capacityType: i % 2 ? "SPOT" : "ON_DEMAND", scalingConfig: { minSize: i % 2, desiredSize: 1, maxSize: 4 }, tags: tags(i, true) }),
    (i) => resource("aws:ec2/launchTemplate:LaunchTemplate", `lt-${i}`, { instanceType: GPU_EC2[(i + 5) % GPU_EC2.length], imageId: "ami-0abcdef", tags: tags(i, true) }),
];

export type Workload = "mixed" | "ml";

export function workload(kind: Workload, count: number): AnalyzeResource[] {
    const out: AnalyzeResource[] = [];
    if (kind === "ml") {
        for (let i = 0; i < count; i++) out.push((ML[i % ML.length] as (i: number) => AnalyzeResource)(i));
        return out;
    }
    const slots = MIXED_SHARES.flatMap((n, k) => Array.from({ length: n }, () => k));
    for (let i = 0; i < count; i++) out.push((MIXED[slots[i % slots.length] as number] as (i: number) => AnalyzeResource)(i));
    return out;
}
