/**
 * GcpTraining: a GKE Standard cluster whose accelerator nodes exist only while training pods run.
 *
 * - Zonal cluster (one free-tier-eligible control plane), default node pool removed, workload identity,
 *   autoscaling profile OPTIMIZE_UTILIZATION (removes idle nodes sooner).
 * - A small on-demand CPU system pool for kube-system (1 node).
 * - A Spot accelerator pool with autoscaling from 0 (`minNodeCount: 0`, `initialNodeCount: 0`): the
 *   cluster autoscaler adds nodes for pending GPU/TPU pods and removes them when they are gone.
 *   `ignoreNodeCountChanges` and `ignoreChanges` keep `pulumi up` from fighting the autoscaler.
 * - A GCS bucket for datasets and checkpoints with lifecycle rules, uniform access, public access prevented.
 * - Least-privilege IAM: nodes run as a dedicated service account with the GKE node role and image
 *   pulls only; training pods use a Kubernetes service account bound (workload identity) to a Google
 *   service account that can use objects in this bucket, nothing else.
 * - Labels `ml-workload=training` and `team` on the cluster, pools (node VMs) and bucket.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_TEAM, accountId, gcpLabels, positiveInteger, regionOfZone } from "./common";

/**
 * Paris (europe-west9): 31 gCO2e/kWh (Electricity Maps 2025); zone c offers H100 (a3-highgpu-*) per
 * region-data/accelerators.json. A3 High with 1, 2 or 4 GPUs is sold as Spot or flex-start only
 * (GCP A3 documentation; verify for your zone), which is what a training pool should use anyway.
 */
export const GCP_TRAINING_DEFAULT_ZONE = "europe-west9-c";
export const GCP_TRAINING_DEFAULT_MACHINE_TYPE = "a3-highgpu-1g";
export const GCP_TRAINING_DEFAULT_ACCELERATOR = "nvidia-h100-80gb";

export interface GcpTrainingArgs {
  /** GCP project. Default: the provider's project (`gcp:project`). */
  project?: pulumi.Input<string>;
  /** Zone of the cluster and its pools. Default: europe-west9-c. */
  zone?: string;
  /** Team label. Default: `ml-platform`. */
  team?: string;
  /**
   * Accelerator node machine type. Default: a3-highgpu-1g (1× H100). TPU: e.g. `ct5lp-hightpu-4t`
   * (TPU v5e, offered in europe-north1 and northamerica-northeast1) with `acceleratorType` unset.
   */
  machineType?: string;
  /** GPU attached to each node (GKE installs the driver). Default: nvidia-h100-80gb; `null` for TPU machine types. */
  acceleratorType?: string | null;
  /** GPUs per node. Default: 1. */
  acceleratorCount?: number;
  /** Multi-host TPU slices: the TPU topology (e.g. `2x4`). */
  tpuTopology?: string;
  /** Most accelerator nodes the autoscaler may run. Default: 4. */
  maxNodes?: number;
  /** System pool machine type. Default: e2-standard-2. */
  systemMachineType?: string;
  /** Kubernetes namespace and service account of training pods (for workload identity). Default: `training` / `trainer`. */
  kubernetesNamespace?: string;
  kubernetesServiceAccount?: string;
  /** Days after which checkpoints are deleted. Default: 30. */
  checkpointRetentionDays?: number;
  /** Protect the cluster from deletion. Default: false (so an idle blueprint is easy to remove). */
  deletionProtection?: boolean;
  /** Extra labels for every resource. */
  labels?: Record<string, string>;
}

export class GcpTraining extends pulumi.ComponentResource {
  readonly zone: string;
  readonly region: string;
  readonly cluster: gcp.container.Cluster;
  readonly systemPool: gcp.container.NodePool;
  readonly acceleratorPool: gcp.container.NodePool;
  readonly bucket: gcp.storage.Bucket;
  readonly nodeServiceAccount: gcp.serviceaccount.Account;
  readonly trainerServiceAccount: gcp.serviceaccount.Account;

  constructor(name: string, args: GcpTrainingArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("carbonguard:reference:GcpTraining", name, {}, opts);
    const zone = (this.zone = args.zone ?? GCP_TRAINING_DEFAULT_ZONE);
    const region = (this.region = regionOfZone(zone));
    const labels = gcpLabels("training", args.team ?? DEFAULT_TEAM, args.labels);
    const maxNodes = positiveInteger("maxNodes", args.maxNodes ?? 4);
    const checkpointDays = positiveInteger("checkpointRetentionDays", args.checkpointRetentionDays ?? 30);
    const acceleratorType = args.acceleratorType === undefined ? GCP_TRAINING_DEFAULT_ACCELERATOR : args.acceleratorType;
    const acceleratorCount = positiveInteger("acceleratorCount", args.acceleratorCount ?? 1);
    const namespace = args.kubernetesNamespace ?? "training";
    const ksa = args.kubernetesServiceAccount ?? "trainer";
    const project: pulumi.Input<string> = args.project ?? gcp.config.project ?? gcp.organizations.getClientConfigOutput({ parent: this }).project;
    const child = { parent: this };

    // --- Service accounts ---------------------------------------------------------------------------
    this.nodeServiceAccount = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      { project, accountId: accountId(name, "nodes"), displayName: `GKE nodes of ${name} (least privilege)` },
      child,
    );
    const nodeRoles = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"];
    for (const role of nodeRoles) {
      new gcp.projects.IAMMember(
        `${name}-nodes-${role.split("/")[1]!.replace(/\./g, "-")}`,
        { project, role, member: pulumi.interpolate`serviceAccount:${this.nodeServiceAccount.email}` },
        child,
      );
    }
    this.trainerServiceAccount = new gcp.serviceaccount.Account(
      `${name}-trainer`,
      { project, accountId: accountId(name, "trainer"), displayName: `Training pods of ${name} (bucket objects only)` },
      child,
    );

    // --- Storage ------------------------------------------------------------------------------------
    this.bucket = new gcp.storage.Bucket(
      `${name}-data`,
      {
        project,
        location: region.toUpperCase(),
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        // `ml-data` puts the bucket under ml-storage-lifecycle: the rules below expire old checkpoints.
        labels: { ...labels, "ml-data": "checkpoints" },
        lifecycleRules: [
          { action: { type: "Delete" }, condition: { age: checkpointDays, matchesPrefixes: ["checkpoints/"] } },
          { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 7 } },
        ],
      },
      child,
    );
    new gcp.storage.BucketIAMMember(
      `${name}-trainer-objects`,
      { bucket: this.bucket.name, role: "roles/storage.objectUser", member: pulumi.interpolate`serviceAccount:${this.trainerServiceAccount.email}` },
      child,
    );

    // --- Cluster ------------------------------------------------------------------------------------
    this.cluster = new gcp.container.Cluster(
      `${name}-gke`,
      {
        project,
        location: zone,
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        deletionProtection: args.deletionProtection ?? false,
        releaseChannel: { channel: "REGULAR" },
        workloadIdentityConfig: { workloadPool: pulumi.interpolate`${project}.svc.id.goog` },
        clusterAutoscaling: { autoscalingProfile: "OPTIMIZE_UTILIZATION" },
        resourceLabels: labels,
      },
      child,
    );

    const nodeBase = {
      serviceAccount: this.nodeServiceAccount.email,
      oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      workloadMetadataConfig: { mode: "GKE_METADATA" },
      resourceLabels: labels,
    };

    this.systemPool = new gcp.container.NodePool(
      `${name}-system`,
      {
        project,
        cluster: this.cluster.name,
        location: zone,
        nodeCount: 1,
        management: { autoRepair: true, autoUpgrade: true },
        nodeConfig: { ...nodeBase, machineType: args.systemMachineType ?? "e2-standard-2", diskSizeGb: 50 },
      },
      child,
    );

    this.acceleratorPool = new gcp.container.NodePool(
      `${name}-accel-spot`,
      {
        project,
        cluster: this.cluster.name,
        location: zone,
        initialNodeCount: 0,
        autoscaling: { minNodeCount: 0, maxNodeCount: maxNodes, locationPolicy: "ANY" },
        // The cluster autoscaler owns the node count.
        ignoreNodeCountChanges: true,
        management: { autoRepair: true, autoUpgrade: true },
        ...(args.tpuTopology ? { placementPolicy: { type: "COMPACT", tpuTopology: args.tpuTopology } } : {}),
        nodeConfig: {
          ...nodeBase,
          machineType: args.machineType ?? GCP_TRAINING_DEFAULT_MACHINE_TYPE,
          spot: true,
          gvnic: { enabled: true },
          labels: { "ml-workload": "training" },
          ...(acceleratorType
            ? { guestAccelerators: [{ type: acceleratorType, count: acceleratorCount, gpuDriverInstallationConfig: { gpuDriverVersion: "LATEST" } }] }
            : {}),
        },
      },
      { ...child, ignoreChanges: ["initialNodeCount", "nodeCount"] },
    );

    // Training pods (namespace/ksa) act as the trainer service account. Needs the cluster's identity pool.
    new gcp.serviceaccount.IAMMember(
      `${name}-trainer-workload-identity`,
      {
        serviceAccountId: this.trainerServiceAccount.name,
        role: "roles/iam.workloadIdentityUser",
        member: pulumi.interpolate`serviceAccount:${project}.svc.id.goog[${namespace}/${ksa}]`,
      },
      { ...child, dependsOn: [this.cluster] },
    );

    this.registerOutputs({
      clusterName: this.cluster.name,
      bucketName: this.bucket.name,
      trainerServiceAccount: this.trainerServiceAccount.email,
    });
  }
}
