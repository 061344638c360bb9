// Generates a self-managed Pulumi backend with realistic ML stacks for the report benchmark:
// `.pulumi/meta.yaml`, `.pulumi/stacks/<project>/<stack>.json` checkpoints (written as Pulumi
// writes them: 4-space indented JSON) and, for some stacks, `<stack>.pulumi-tags`.
//
// Each stack has a provider, GPU capacity (SageMaker endpoint configs, EKS/GKE node pools, GPU
// instances, notebooks, an ASG through a launch template) and the long tail real stacks carry
// (buckets, IAM, log groups, security groups, functions, volumes, KMS keys, secrets), with the
// fat outputs providers report (ARNs, tagsAll, timestamps…). Deterministic for a given seed.

import * as fs from "node:fs";
import * as path from "node:path";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

export interface GenerateOptions {
    readonly stacks: number;
    readonly resourcesPerStack: number;
    readonly seed?: number;
}

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const AWS_REGIONS = ["us-east-1", "us-west-2", "eu-north-1", "eu-west-1", "ca-central-1", "ap-northeast-1", "eu-central-1"];
const GCP_REGIONS = ["us-central1", "europe-west4", "europe-north1", "us-west1", "asia-northeast1", "northamerica-northeast1"];
const TEAMS = ["vision", "nlp", "recsys", "platform", "speech", "search", "ads", "research"];
const WORKLOADS = ["training", "inference", "batch-inference", "notebook", "dev"];

interface Res {
    urn: string;
    custom: boolean;
    id?: string;
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
    provider?: string;
    propertyDependencies?: Record<string, string[]>;
    created?: string;
    modified?: string;
}

function hex(r: () => number, n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
    return s;
}

function pick<T>(r: () => number, list: readonly T[]): T {
    return list[Math.floor(r() * list.length)] as T;
}

function secret(r: () => number): Record<string, string> {
    return { [SIG]: SECRET, ciphertext: `v1:${hex(r, 24)}:${hex(r, 96)}` };
}

/** One stack's checkpoint document. */
export function generateStack(project: string, stack: string, index: number, resourcesPerStack: number, seed = 1): { doc: unknown; tags?: Record<string, string> } {
    const r = rng(seed * 100_003 + index);
    const cloud = r() < 0.7 ? "aws" : "gcp";
    const region = cloud === "aws" ? pick(r, AWS_REGIONS) : pick(r, GCP_REGIONS);
    const team = pick(r, TEAMS);
    const workload = pick(r, WORKLOADS);
    const time = "2026-05-04T10:00:00.000000000Z";
    const prefix = `urn:pulumi:${stack}::${project}::`;
    const stackUrn = `${prefix}pulumi:pulumi:Stack::${project}-${stack}`;
    const account = String(100000000000 + Math.floor(r() * 899999999999));
    const resources: Res[] = [];
    // Every resource: Name and env; ML resources also ml-workload. The team comes from resource
    // tags/labels on odd stacks and from a stack tag (<stack>.pulumi-tags) on even ones.
    const teamTag: Record<string, string> = index % 2 === 0 ? {} : { team };
    const tags = (extra: Record<string, string> = {}): Record<string, string> => ({ Name: `${project}-${stack}`, env: stack, ...teamTag, ...extra });
    const mlTags = () => tags({ "ml-workload": workload });
    resources.push({ urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: { endpoint: `https://${project}.example.com`, bucket: `${project}-${stack}-artifacts` }, created: time, modified: time });

    const providerType = cloud === "aws" ? "pulumi:providers:aws" : "pulumi:providers:gcp";
    const providerUrn = `${prefix}${providerType}::default_7_0_0`;
    const providerId = `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-8${hex(r, 3)}-${hex(r, 12)}`;
    const providerProps =
        cloud === "aws"
            ? { region, version: "7.0.0", skipCredentialsValidation: "false", skipMetadataApiCheck: "true", defaultTags: JSON.stringify({ tags: { costCenter: `cc-${Math.floor(r() * 900 + 100)}` } }) }
            : { project: `${project}-prod`, region, version: "9.0.0", defaultLabels: JSON.stringify({ "cost-center": `cc-${Math.floor(r() * 900 + 100)}` }) };
    resources.push({ urn: providerUrn, custom: true, id: providerId, type: providerType, inputs: providerProps, outputs: providerProps, created: time, modified: time });
    const provider = `${providerUrn}::${providerId}`;

    let n = 0;
    const add = (type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown>, deps: string[] = []): string => {
        const urn = `${prefix}${type}::${name}`;
        const id = typeof outputs["id"] === "string" ? (outputs["id"] as string) : `${name}-${hex(r, 8)}`;
        resources.push({
            urn,
            custom: true,
            id,
            type,
            inputs,
            outputs: { ...inputs, ...outputs, id },
            parent: stackUrn,
            dependencies: deps,
            provider,
            propertyDependencies: Object.fromEntries(Object.keys(inputs).map((k) => [k, deps.length > 0 && r() < 0.3 ? [deps[0] as string] : []])),
            created: time,
            modified: time,
        });
        n++;
        return urn;
    };

    if (cloud === "aws") {
        const arn = (service: string, what: string) => `arn:aws:${service}:${region}:${account}:${what}`;
        const tagOut = (t: Record<string, string>) => ({ tags: t, tagsAll: { ...t, costCenter: "cc-100" } });
        const role = add("aws:iam/role:Role", "sagemaker-exec", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" }] }), tags: tags() }, { arn: `arn:aws:iam::${account}:role/sagemaker-exec-${hex(r, 7)}`, createDate: "2026-01-02T03:04:05Z", maxSessionDuration: 3600, path: "/", uniqueId: `AROA${hex(r, 17).toUpperCase()}`, ...tagOut(tags()) });
        const model = add("aws:sagemaker/model:Model", "llm", { executionRoleArn: `arn:aws:iam::${account}:role/sagemaker-exec`, primaryContainer: { image: `${account}.dkr.ecr.${region}.amazonaws.com/llm:latest`, modelDataUrl: `s3://${project}-models/llm/model.tar.gz`, environment: { HF_MODEL_ID: "meta-llama/Llama-3.1-8B", SM_NUM_GPUS: "1" } }, tags: mlTags() }, { arn: arn("sagemaker", "model/llm"), ...tagOut(mlTags()) }, [role]);
        const variants = [{ variantName: "main", modelName: "llm", instanceType: pick(r, ["ml.g5.2xlarge", "ml.g6.xlarge", "ml.g5.12xlarge", "ml.p4d.24xlarge", "ml.inf2.xlarge"]), initialInstanceCount: 1 + Math.floor(r() * 3), initialVariantWeight: 1 }];
        const config = add("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "llm-config", { productionVariants: variants, kmsKeyArn: secret(r), tags: mlTags() }, { arn: arn("sagemaker", "endpoint-config/llm-config"), ...tagOut(mlTags()) }, [model]);
        add("aws:sagemaker/endpoint:Endpoint", "llm", { endpointConfigName: "llm-config", tags: mlTags() }, { arn: arn("sagemaker", "endpoint/llm"), ...tagOut(mlTags()) }, [config]);
        const cluster = add("aws:eks/cluster:Cluster", "ml", { name: `ml-${stack}`, roleArn: `arn:aws:iam::${account}:role/eks`, version: "1.31", vpcConfig: { subnetIds: ["subnet-0a", "subnet-0b"], endpointPrivateAccess: true, endpointPublicAccess: false }, tags: tags() }, { arn: arn("eks", `cluster/ml-${stack}`), endpoint: `https://${hex(r, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`, certificateAuthority: { data: hex(r, 200) }, platformVersion: "eks.12", status: "ACTIVE", ...tagOut(tags()) });
        add("aws:eks/nodeGroup:NodeGroup", "gpu", { clusterName: `ml-${stack}`, nodeRoleArn: `arn:aws:iam::${account}:role/node`, subnetIds: ["subnet-0a", "subnet-0b"], instanceTypes: [pick(r, ["g5.2xlarge", "g6.4xlarge", "p4d.24xlarge", "g6e.2xlarge", "p5.48xlarge"])], amiType: "AL2023_x86_64_NVIDIA", capacityType: "ON_DEMAND", scalingConfig: { minSize: Math.floor(r() * 3), desiredSize: 2, maxSize: 6 }, labels: { "nvidia.com/gpu": "true" }, tags: mlTags() }, { arn: arn("eks", `nodegroup/ml-${stack}/gpu/${hex(r, 8)}`), status: "ACTIVE", resources: [{ autoscalingGroups: [{ name: `eks-gpu-${hex(r, 12)}` }] }], ...tagOut(mlTags()) }, [cluster]);
        add("aws:eks/nodeGroup:NodeGroup", "system", { clusterName: `ml-${stack}`, nodeRoleArn: `arn:aws:iam::${account}:role/node`, subnetIds: ["subnet-0a", "subnet-0b"], instanceTypes: ["m6i.large"], scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 }, tags: tags() }, { arn: arn("eks", `nodegroup/ml-${stack}/system/${hex(r, 8)}`), status: "ACTIVE", ...tagOut(tags()) }, [cluster]);
        add("aws:ec2/instance:Instance", "trainer", { ami: `ami-${hex(r, 17)}`, instanceType: pick(r, ["p4d.24xlarge", "g5.12xlarge", "p3.2xlarge", "trn1.32xlarge", "g6.xlarge"]), subnetId: "subnet-0a", userData: secret(r), tags: mlTags() }, { arn: arn("ec2", `instance/i-${hex(r, 17)}`), privateIp: `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`, privateDns: `ip-10-0-1-2.${region}.compute.internal`, instanceState: "running", availabilityZone: `${region}a`, rootBlockDevice: { volumeSize: 200, volumeType: "gp3", iops: 3000, throughput: 125, encrypted: true }, ...tagOut(mlTags()) });
        add("aws:sagemaker/notebookInstance:NotebookInstance", "research", { instanceType: pick(r, ["ml.g4dn.xlarge", "ml.t3.medium", "ml.g5.xlarge"]), roleArn: `arn:aws:iam::${account}:role/sagemaker-exec`, volumeSize: 50, tags: mlTags() }, { arn: arn("sagemaker", "notebook-instance/research"), url: `research-${hex(r, 6)}.notebook.${region}.sagemaker.aws`, ...tagOut(mlTags()) }, [role]);
        const lt = add("aws:ec2/launchTemplate:LaunchTemplate", "batch-lt", { instanceType: pick(r, ["g6.xlarge", "g5.xlarge", "c7i.2xlarge"]), imageId: `ami-${hex(r, 17)}`, tags: mlTags() }, { arn: arn("ec2", `launch-template/lt-${hex(r, 17)}`), latestVersion: 3, defaultVersion: 1, id: `lt-${hex(r, 17)}`, ...tagOut(mlTags()) });
        add("aws:autoscaling/group:Group", "batch", { minSize: 0, maxSize: 8, desiredCapacity: 0, vpcZoneIdentifiers: ["subnet-0a"], launchTemplate: { id: resources[resources.length - 1]?.id, version: "$Latest" } }, { arn: arn("autoscaling", `autoScalingGroup:${hex(r, 8)}`), healthCheckType: "EC2", defaultCooldown: 300 }, [lt]);
        const filler: (() => void)[] = [
            () => {
                const b = `${project}-${stack}-${hex(r, 6)}`;
                add("aws:s3/bucket:Bucket", b, { bucket: b, forceDestroy: false, tags: tags() }, { arn: `arn:aws:s3:::${b}`, bucketDomainName: `${b}.s3.amazonaws.com`, bucketRegionalDomainName: `${b}.s3.${region}.amazonaws.com`, hostedZoneId: "Z3AQBSTGFYJSTF", region, requestPayer: "BucketOwner", serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true } }, versioning: { enabled: true, mfaDelete: false }, ...tagOut(tags()) });
            },
            () => {
                const name = `role-${hex(r, 6)}`;
                add("aws:iam/role:Role", name, { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }), tags: tags() }, { arn: `arn:aws:iam::${account}:role/${name}`, createDate: "2026-01-02T03:04:05Z", maxSessionDuration: 3600, path: "/", uniqueId: `AROA${hex(r, 17).toUpperCase()}`, managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"], ...tagOut(tags()) });
            },
            () => add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `attach-${hex(r, 6)}`, { role: `role-${hex(r, 6)}`, policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" }, {}),
            () => {
                const name = `/aws/lambda/fn-${hex(r, 6)}`;
                add("aws:cloudwatch/logGroup:LogGroup", `logs-${hex(r, 6)}`, { name, retentionInDays: 30, tags: tags() }, { arn: arn("logs", `log-group:${name}`), logGroupClass: "STANDARD", skipDestroy: false, ...tagOut(tags()) });
            },
            () => add("aws:ec2/securityGroup:SecurityGroup", `sg-${hex(r, 6)}`, { vpcId: `vpc-${hex(r, 17)}`, description: "ML workers", ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"], description: "https" }], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }], tags: tags() }, { arn: arn("ec2", `security-group/sg-${hex(r, 17)}`), ownerId: account, revokeRulesOnDelete: false, ...tagOut(tags()) }),
            () => {
                const name = `fn-${hex(r, 6)}`;
                add("aws:lambda/function:Function", name, { runtime: "python3.12", handler: "app.handler", role: `arn:aws:iam::${account}:role/lambda`, memorySize: 1024, timeout: 60, environment: { variables: { TABLE: "features", API_KEY: secret(r) } }, tags: tags() }, { arn: arn("lambda", `function:${name}`), invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${name}/invocations`, lastModified: "2026-05-04T10:00:00.000+0000", qualifiedArn: arn("lambda", `function:${name}:$LATEST`), sourceCodeHash: hex(r, 44), sourceCodeSize: 4096, version: "$LATEST", architectures: ["x86_64"], ephemeralStorage: { size: 512 }, tracingConfig: { mode: "PassThrough" }, ...tagOut(tags()) });
            },
            () => add("aws:ebs/volume:Volume", `data-${hex(r, 6)}`, { availabilityZone: `${region}a`, size: 100 + Math.floor(r() * 900), type: "gp3", encrypted: true, tags: tags() }, { arn: arn("ec2", `volume/vol-${hex(r, 17)}`), iops: 3000, throughput: 125, ...tagOut(tags()) }),
            () => add("aws:kms/key:Key", `key-${hex(r, 6)}`, { description: "ML artifacts", deletionWindowInDays: 30, enableKeyRotation: true, tags: tags() }, { arn: arn("kms", `key/${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`), keyId: hex(r, 32), keyUsage: "ENCRYPT_DECRYPT", customerMasterKeySpec: "SYMMETRIC_DEFAULT", policy: JSON.stringify({ Version: "2012-10-17", Id: "key-default-1", Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }] }), ...tagOut(tags()) }),
            () => add("aws:ssm/parameter:Parameter", `param-${hex(r, 6)}`, { name: `/ml/${stack}/${hex(r, 6)}`, type: "SecureString", value: secret(r), tags: tags() }, { arn: arn("ssm", `parameter/ml/${stack}`), version: 3, tier: "Standard", dataType: "text", ...tagOut(tags()) }),
            () => add("aws:ecr/repository:Repository", `repo-${hex(r, 6)}`, { name: `ml/${hex(r, 6)}`, imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, tags: tags() }, { arn: arn("ecr", `repository/ml/${hex(r, 6)}`), registryId: account, repositoryUrl: `${account}.dkr.ecr.${region}.amazonaws.com/ml/${hex(r, 6)}`, ...tagOut(tags()) }),
        ];
        while (n < resourcesPerStack - 2) pick(r, filler)();
    } else {
        const gproject = `${project}-prod`;
        const labels = () => ({ env: stack, ...teamTag });
        const mlLabels = () => ({ env: stack, ...teamTag, "ml-workload": workload });
        const selfLink = (what: string) => `https://www.googleapis.com/compute/v1/projects/${gproject}/${what}`;
        const cluster = add("gcp:container/cluster:Cluster", "ml", { location: region, removeDefaultNodePool: true, initialNodeCount: 1, resourceLabels: labels(), releaseChannel: { channel: "REGULAR" } }, { endpoint: `34.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`, masterVersion: "1.31.1-gke.100", selfLink: selfLink(`locations/${region}/clusters/ml`), masterAuth: { clusterCaCertificate: hex(r, 200), clientCertificate: "", clientKey: secret(r) }, labelFingerprint: hex(r, 16) });
        add("gcp:container/nodePool:NodePool", "gpu", { cluster: "ml", location: region, autoscaling: { minNodeCount: Math.floor(r() * 2), maxNodeCount: 4 }, nodeConfig: { machineType: pick(r, ["g2-standard-8", "a2-highgpu-1g", "n1-standard-8", "a3-highgpu-8g"]), guestAccelerators: [{ type: pick(r, ["nvidia-l4", "nvidia-tesla-t4", "nvidia-tesla-a100"]), count: 1 }], resourceLabels: mlLabels(), oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"] }, management: { autoRepair: true, autoUpgrade: true } }, { instanceGroupUrls: [selfLink(`zones/${region}-a/instanceGroupManagers/gke-ml-gpu-${hex(r, 8)}-grp`)], nodeCount: 1, version: "1.31.1-gke.100" }, [cluster]);
        add("gcp:container/nodePool:NodePool", "system", { cluster: "ml", location: region, nodeCount: 2, nodeConfig: { machineType: "e2-standard-4", resourceLabels: labels() } }, { nodeCount: 2, version: "1.31.1-gke.100" }, [cluster]);
        add("gcp:compute/instance:Instance", "trainer", { zone: `${region}-a`, machineType: pick(r, ["a2-highgpu-1g", "g2-standard-4", "n1-standard-16", "a3-highgpu-8g"]), bootDisk: { initializeParams: { image: "projects/deeplearning-platform-release/global/images/family/common-cu124", size: 200, type: "pd-ssd" } }, networkInterfaces: [{ network: "default" }], scheduling: { onHostMaintenance: "TERMINATE", automaticRestart: true }, labels: mlLabels(), metadata: { "startup-script": secret(r) } }, { selfLink: selfLink(`zones/${region}-a/instances/trainer`), instanceId: String(Math.floor(r() * 1e18)), cpuPlatform: "Intel Cascade Lake", currentStatus: "RUNNING", labelFingerprint: hex(r, 16) });
        const filler: (() => void)[] = [
            () => {
                const b = `${project}-${stack}-${hex(r, 6)}`;
                add("gcp:storage/bucket:Bucket", b, { name: b, location: region.toUpperCase(), storageClass: "STANDARD", uniformBucketLevelAccess: true, labels: labels(), versioning: { enabled: true } }, { selfLink: `https://www.googleapis.com/storage/v1/b/${b}`, url: `gs://${b}`, project: gproject, effectiveLabels: { ...labels(), "goog-terraform-provisioned": "true" }, pulumiLabels: labels(), publicAccessPrevention: "enforced", rpo: "DEFAULT" });
            },
            () => {
                const a = `sa-${hex(r, 6)}`;
                add("gcp:serviceaccount/account:Account", a, { accountId: a, displayName: "ML workload identity" }, { email: `${a}@${gproject}.iam.gserviceaccount.com`, member: `serviceAccount:${a}@${gproject}.iam.gserviceaccount.com`, uniqueId: String(Math.floor(r() * 1e20)), name: `projects/${gproject}/serviceAccounts/${a}@${gproject}.iam.gserviceaccount.com` });
            },
            () => add("gcp:projects/iAMMember:IAMMember", `member-${hex(r, 6)}`, { project: gproject, role: "roles/storage.objectViewer", member: `serviceAccount:sa-${hex(r, 6)}@${gproject}.iam.gserviceaccount.com` }, { etag: `BwY${hex(r, 10)}=` }),
            () => add("gcp:pubsub/topic:Topic", `topic-${hex(r, 6)}`, { name: `events-${hex(r, 6)}`, labels: labels(), messageRetentionDuration: "86600s" }, { effectiveLabels: labels(), pulumiLabels: labels() }),
            () => add("gcp:compute/disk:Disk", `data-${hex(r, 6)}`, { zone: `${region}-a`, size: 100 + Math.floor(r() * 900), type: "pd-balanced", labels: labels() }, { selfLink: selfLink(`zones/${region}-a/disks/data`), physicalBlockSizeBytes: 4096, labelFingerprint: hex(r, 16) }),
            () => add("gcp:secretmanager/secret:Secret", `secret-${hex(r, 6)}`, { secretId: `hf-token-${hex(r, 6)}`, replication: { auto: {} }, labels: labels() }, { name: `projects/${gproject}/secrets/hf-token`, createTime: "2026-01-02T03:04:05Z" }),
            () => add("gcp:secretmanager/secretVersion:SecretVersion", `secret-v-${hex(r, 6)}`, { secret: `projects/${gproject}/secrets/hf-token`, secretData: secret(r) }, { name: `projects/${gproject}/secrets/hf-token/versions/1`, version: "1", enabled: true }),
            () => add("gcp:artifactregistry/repository:Repository", `repo-${hex(r, 6)}`, { location: region, repositoryId: `ml-${hex(r, 6)}`, format: "DOCKER", labels: labels() }, { name: `projects/${gproject}/locations/${region}/repositories/ml`, createTime: "2026-01-02T03:04:05Z" }),
        ];
        while (n < resourcesPerStack - 2) pick(r, filler)();
    }
    const doc = {
        version: 3,
        checkpoint: {
            stack: `organization/${project}/${stack}`,
            latest: {
                manifest: { time, magic: hex(r, 64), version: "v3.170.0" },
                secrets_providers: { type: "passphrase", state: { salt: `v1:${hex(r, 12)}:v1:${hex(r, 16)}:${hex(r, 32)}` } },
                resources,
            },
        },
    };
    return { doc, ...(index % 2 === 0 ? { tags: { team, "pulumi:project": project } } : {}) };
}

/** Writes `options.stacks` stacks into `dir/.pulumi`; returns the total bytes of state written. */
export function generateBackend(dir: string, options: GenerateOptions): number {
    const root = path.join(dir, ".pulumi");
    fs.mkdirSync(path.join(root, "stacks"), { recursive: true });
    fs.writeFileSync(path.join(root, "meta.yaml"), "version: 1\n");
    let bytes = 0;
    for (let i = 0; i < options.stacks; i++) {
        const project = `ml-${["serving", "training", "research", "features", "batch"][i % 5]}-${Math.floor(i / 5) % 40}`;
        const stack = `s${String(i).padStart(4, "0")}`;
        const { doc, tags } = generateStack(project, stack, i, options.resourcesPerStack, options.seed ?? 1);
        const projectDir = path.join(root, "stacks", project);
        fs.mkdirSync(projectDir, { recursive: true });
        const text = JSON.stringify(doc, null, 4);
        bytes += Buffer.byteLength(text);
        fs.writeFileSync(path.join(projectDir, `${stack}.json`), text);
        if (tags) fs.writeFileSync(path.join(projectDir, `${stack}.pulumi-tags`), JSON.stringify({ version: 1, tags }, null, 4));
    }
    return bytes;
}
