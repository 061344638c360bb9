/**
 * Storage in the estimate (CCF method: SSD 1.2 / HDD 0.65 Wh per TB-hour × the service's
 * replication factor, region-data/coefficients.json):
 *
 * - buckets and file systems whose size is known: a bucket's tag/label `ml-data-size-gb`, FSx
 *   `storageCapacity`, Filestore `fileShares.capacityGb`, EFS by the same tag;
 * - block storage attached to accelerator capacity (root and data volumes of GPU nodes, SageMaker
 *   `volumeSizeInGb`): a part of the resource's own estimate, running as many units and hours as its
 *   instances, so a stack's carbon budget includes it.
 *
 * Sizes are only what a resource declares: a provider default (a GKE node's 100 GB boot disk) is not
 * assumed. A bucket without a declared size is not estimated (its contents are not in the program).
 */
import { coefficients } from "../data/coefficients";
import type { Cloud } from "../data/types";
import { declaredSizeGb, DATA_SIZE_KEY } from "../engine/bucket-facts";
import { type PathStep, type PlainValue, readArray, readNumber, readString } from "../engine/values";
import type { ResourceView } from "../engine/view";
import type { CapacityPlan, PartPlan } from "./capacity";

/** Decimal GB in one GiB: sizes in GiB (EBS, FSx) are counted in the GB the coefficients use. */
export const GIB = 1.073741824;

function storagePlan(cloud: Cloud, label: string, sizeGb: number, ssd: boolean, replication: number, basis: string): CapacityPlan {
  return {
    kind: "parts",
    parts: [{ label, spec: { kind: "storage", cloud, label, sizeGb, ssd, replication }, units: { floor: 1, ceiling: 1 }, unitsBasis: basis }],
  };
}

/** A positive size read at `steps`; "unknown" when opaque (preview, secret). */
function size(root: PlainValue | undefined, steps: readonly PathStep[]): number | "unknown" | undefined {
  const r = readNumber(root, steps);
  if (r.state === "opaque") return "unknown";
  return r.state === "value" && Number.isFinite(r.value) && r.value > 0 ? Math.min(r.value, 1e9) : undefined;
}

function sized(view: ResourceView, what: string, build: (gb: number) => CapacityPlan): CapacityPlan {
  const tag = view.tags.get(DATA_SIZE_KEY);
  if (tag?.state === "opaque") return { kind: "unknown", reason: `tag/label ${DATA_SIZE_KEY} is unknown until the update runs (or secret)` };
  const gb = declaredSizeGb(view);
  return gb === undefined ? { kind: "not-applicable", reason: `${what}: size not declared (tag/label ${DATA_SIZE_KEY})` } : build(gb);
}

type StorageReader = (view: ResourceView) => CapacityPlan;

const s3Bucket: StorageReader = (view) =>
  sized(view, "S3 bucket", (gb) => storagePlan("aws", `S3 bucket ${gb.toLocaleString("en-US")} GB`, gb, false, coefficients().replication.awsS3, `one bucket, ${DATA_SIZE_KEY} ${gb}; object storage counted as HDD, CCF S3 replication factor`));

const gcsBucket: StorageReader = (view) =>
  sized(view, "Cloud Storage bucket", (gb) => {
    const loc = readString(view.props, ["location"]);
    const r = coefficients().replication;
    const multi = loc.state === "value" && !/\d/.test(loc.value);
    return storagePlan("gcp", `Cloud Storage bucket ${gb.toLocaleString("en-US")} GB`, gb, false, multi ? r.gcsMultiRegion : r.gcsSingleRegion, `one bucket, ${DATA_SIZE_KEY} ${gb}; object storage counted as HDD, CCF Cloud Storage ${multi ? "multi-region" : "single-region"} replication factor`);
  });

const efs: StorageReader = (view) =>
  sized(view, "EFS file system", (gb) => {
    const oneZone = readString(view.props, ["availabilityZoneName"]).state === "value";
    const r = coefficients().replication;
    return storagePlan("aws", `EFS ${gb.toLocaleString("en-US")} GB`, gb, true, oneZone ? r.awsS3OneZone : r.awsEfs, `one file system, ${DATA_SIZE_KEY} ${gb}; CCF EFS${oneZone ? " One Zone" : ""} replication factor`);
  });

function fsx(kind: string): StorageReader {
  return (view) => {
    const gib = size(view.props, ["storageCapacity"]);
    if (gib === "unknown") return { kind: "unknown", reason: "storageCapacity is unknown until the update runs (or secret)" };
    if (gib === undefined) return { kind: "unknown", reason: "storageCapacity is not set" };
    const type = readString(view.props, ["storageType"]);
    const hdd = type.state === "value" && type.value.toUpperCase() === "HDD";
    // CCF has no FSx factor: its DEFAULT (1) is used and said so.
    return storagePlan("aws", `FSx for ${kind} ${gib} GiB`, gib * GIB, !hdd, coefficients().replication.awsDefault, `one file system, storageCapacity ${gib} GiB; CCF has no FSx replication factor, its default 1 is used`);
  };
}

const filestore: StorageReader = (view) => {
  const gb = size(view.props, ["fileShares", "capacityGb"]);
  if (gb === "unknown") return { kind: "unknown", reason: "fileShares.capacityGb is unknown until the update runs (or secret)" };
  if (gb === undefined) return { kind: "unknown", reason: "fileShares.capacityGb is not set" };
  const tier = readString(view.props, ["tier"]);
  const hdd = tier.state === "value" && /^(BASIC_HDD|STANDARD)$/i.test(tier.value);
  return storagePlan("gcp", `Filestore ${gb.toLocaleString("en-US")} GB`, gb, !hdd, coefficients().replication.gcpFilestore, `one instance, fileShares.capacityGb ${gb}; CCF Filestore replication factor`);
};

/** Storage resources the estimator sizes (merged into the estimator's readers). */
export const STORAGE_READERS: Readonly<Record<string, StorageReader>> = {
  "aws:s3/bucket:Bucket": s3Bucket,
  "aws:s3/bucketV2:BucketV2": s3Bucket,
  "gcp:storage/bucket:Bucket": gcsBucket,
  "aws:efs/fileSystem:FileSystem": efs,
  "aws:fsx/lustreFileSystem:LustreFileSystem": fsx("Lustre"),
  "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": fsx("OpenZFS"),
  "gcp:filestore/instance:Instance": filestore,
};

// ---------------------------------------------------------------------------------------------
// Block storage attached to accelerator capacity

interface Volume {
  readonly gb: number;
  readonly ssd: boolean;
}

/** Volumes per unit, as declared: `[path, GiB?]` sizes and the type path beside them. */
type VolumeReader = (props: PlainValue) => readonly (Volume | "unknown")[];

function vol(props: PlainValue, sizeSteps: readonly PathStep[], typeSteps: readonly PathStep[] | undefined, gib: boolean, hddTypes: RegExp): Volume | "unknown" | undefined {
  const s = size(props, sizeSteps);
  if (s === undefined || s === "unknown") return s;
  const t = typeSteps ? readString(props, typeSteps) : undefined;
  const ssd = !(t?.state === "value" && hddTypes.test(t.value.split("/").pop() ?? ""));
  return { gb: gib ? s * GIB : s, ssd };
}

const EBS_HDD = /^(st1|sc1|standard)$/i;
const PD_HDD = /^pd-standard$/i;

function eachVolume(props: PlainValue, arraySteps: readonly PathStep[], sizeKey: string, typeKey: string | undefined, gib: boolean, hdd: RegExp): (Volume | "unknown")[] {
  const arr = readArray(props, arraySteps);
  if (arr.state === "opaque") return ["unknown"];
  if (arr.state !== "value") return [];
  return arr.value.flatMap((_e, i) => vol(props, [...arraySteps, i, sizeKey], typeKey ? [...arraySteps, i, typeKey] : undefined, gib, hdd) ?? []);
}

const ATTACHED: Readonly<Record<string, { readonly cloud: Cloud; readonly read: VolumeReader; readonly what: string }>> = {
  "aws:sagemaker/trainingJob:TrainingJob": { cloud: "aws", what: "resourceConfig.volumeSizeInGb", read: (p) => [vol(p, ["resourceConfig", "volumeSizeInGb"], undefined, false, EBS_HDD) ?? []].flat() },
  "aws:sagemaker/notebookInstance:NotebookInstance": { cloud: "aws", what: "volumeSize", read: (p) => [vol(p, ["volumeSize"], undefined, false, EBS_HDD) ?? []].flat() },
  "aws:ec2/instance:Instance": {
    cloud: "aws",
    what: "rootBlockDevice and ebsBlockDevices",
    read: (p) => [vol(p, ["rootBlockDevice", "volumeSize"], ["rootBlockDevice", "volumeType"], true, EBS_HDD) ?? [], ...eachVolume(p, ["ebsBlockDevices"], "volumeSize", "volumeType", true, EBS_HDD)].flat(),
  },
  "aws:eks/nodeGroup:NodeGroup": { cloud: "aws", what: "diskSize", read: (p) => [vol(p, ["diskSize"], undefined, true, EBS_HDD) ?? []].flat() },
  "gcp:container/nodePool:NodePool": { cloud: "gcp", what: "nodeConfig.diskSizeGb", read: (p) => [vol(p, ["nodeConfig", "diskSizeGb"], ["nodeConfig", "diskType"], false, PD_HDD) ?? []].flat() },
  "gcp:compute/instance:Instance": { cloud: "gcp", what: "bootDisk.initializeParams.size", read: (p) => [vol(p, ["bootDisk", "initializeParams", "size"], ["bootDisk", "initializeParams", "type"], false, PD_HDD) ?? []].flat() },
  "gcp:workbench/instance:Instance": {
    cloud: "gcp",
    what: "gceSetup boot and data disks",
    read: (p) => [vol(p, ["gceSetup", "bootDisk", "diskSizeGb"], ["gceSetup", "bootDisk", "diskType"], false, PD_HDD) ?? [], ...eachVolume(p, ["gceSetup", "dataDisks"], "diskSizeGb", "diskType", false, PD_HDD)].flat(),
  },
};

/**
 * Adds the declared root/data volumes of an accelerator resource to its plan, as one more part that
 * runs as many units and hours as its instances. Only when the plan has one part (the volumes belong
 * to it) and the resource carries accelerators; an unknown size leaves the plan as it is (the
 * volumes are a small share and the instances are still estimated) with a caveat.
 */
export function withAttachedStorage(view: ResourceView, plan: CapacityPlan): CapacityPlan {
  if (plan.kind !== "parts" || plan.parts.length !== 1 || !view.isAcceleratorResource) return plan;
  const spec = Object.prototype.hasOwnProperty.call(ATTACHED, view.type) ? ATTACHED[view.type] : undefined;
  if (!spec) return plan;
  const vols = spec.read(view.props);
  const base = plan.parts[0]!;
  if (vols.includes("unknown")) return { kind: "parts", parts: [{ ...base, caveats: [...(base.caveats ?? []), `attached volumes (${spec.what}) not counted: a size is unknown until the update runs`] }] };
  const known = vols.filter((v): v is Volume => v !== "unknown");
  if (known.length === 0) return plan;
  const out: PartPlan[] = [base];
  const replication = spec.cloud === "aws" ? coefficients().replication.awsEbs : 1;
  for (const ssd of [true, false]) {
    const gb = known.filter((v) => v.ssd === ssd).reduce((s, v) => s + v.gb, 0);
    if (gb <= 0) continue;
    const label = `attached ${ssd ? "SSD" : "HDD"} volumes ${Math.round(gb).toLocaleString("en-US")} GB per unit`;
    out.push({
      label,
      spec: { kind: "storage", cloud: spec.cloud, label, sizeGb: gb, ssd, replication },
      units: base.units,
      unitsBasis: `${spec.what}, one set per unit (${base.unitsBasis})`,
      ...(base.hoursPerUnit ? { hoursPerUnit: base.hoursPerUnit } : {}),
    });
  }
  return { kind: "parts", parts: out };
}
