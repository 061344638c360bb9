/**
 * ml-data-colocated: ML resources read and write their data in the region they run in.
 *
 * Training reads its dataset every epoch; a bucket in another region turns every read into
 * inter-region transfer (CCF: 0.001 kWh per GB, plus the network's own latency and cost). The joins
 * are the engine's (src/engine/data-refs.ts): the properties that name data, followed to the
 * bucket of this stack by property dependency or name; a bucket outside the stack is a note, never a guess.
 */
import { docsPage } from "../docs-page";
import type { Rule } from "../../engine/rule";
import { type ColocatedConfig, configSchema, parseConfig } from "./config";
import { MESSAGES } from "./messages";
import { evaluateStack } from "./stack";
import { stackExamples } from "./examples";

const NAME = "ml-data-colocated";

export const mlDataColocated: Rule<ColocatedConfig> = {
  meta: {
    name: NAME,
    displayName: "ML data next to compute",
    description: "ML resources read and write S3/GCS data in the region they run in; names whether to move the data or the compute, whichever the clean-region limit allows.",
    rationale:
      "Moving data costs energy too: the Cloud Carbon Footprint method counts 0.001 kWh per GB moved between regions (CCF app constants 2024), and training reads its dataset once per epoch, so a 2 TB dataset read 20 times from another region moves 40 TB (≈ 40 kWh before PUE). Where the data sits is decided in the same infrastructure code as where the compute runs. " +
      "Read: SageMaker training jobs (`inputDataConfigs[].dataSource.s3DataSource.s3Uri`, `outputDataConfig.s3OutputPath`, `checkpointConfig.s3Uri`), models (`primaryContainer.modelDataUrl`, `modelDataSource`, `containers[].modelDataUrl`), endpoint configurations (`asyncInferenceConfig.outputConfig.s3OutputPath`/`s3FailurePath`), Batch job definitions (`parameters` and `containerProperties` environment values that are `s3://` URIs), Cloud Run services and jobs (`volumes[].gcs.bucket`), Vertex AI Model Garden deployments (container `env` values that are `gs://` URIs) and Vertex AI indexes (`metadata.contentsDeltaUri`). On Kubernetes workloads (Deployment, StatefulSet, Job, CronJob, Pod and the rest with pod templates, their Patch variants, and KServe InferenceServices): GKE Cloud Storage FUSE CSI volumes (`volumes[].csi`, driver `gcsfuse.csi.storage.gke.io`, `volumeAttributes.bucketName`), containers' `env[].value` that are `gs://`/`s3://` URIs (never `valueFrom`) and a KServe predictor's `storageUri`; the workload's region is its cluster's, through the Kubernetes provider's kubeconfig (unknown in preview: can't evaluate). A FUSE mount is read (datasets) unless it is read-write (neither `csi.readOnly` nor every `volumeMounts[].readOnly`) on a workload declaring `ml-workload: training`: then it holds checkpoints and outputs, which ml-storage-lifecycle checks. PersistentVolumes backed by the FUSE driver are not followed. " +
      "Each is followed to the bucket of this stack (`aws:s3/bucket`, `aws:s3/bucketV2`, `gcp:storage/bucket`) by the property's dependency, then by the bucket's name; the bucket's region comes from its own `region`/`location`, its provider or the stack config, and a GCS multi-region (`US`, `EU`, `ASIA`) counts as next to the regions it spans. " +
      "The fix moves the compute to the data's region when that region meets the clean-region limit (`maxGridIntensity`, as ml-clean-energy-region) and offers the resource's accelerators and the compute's region does not or is dirtier; otherwise it moves the data. With `ml-data-size-gb` on the bucket, the finding prices one full read across regions. A bucket declared outside the stack gives an advisory note naming it (can't evaluate its region); a reference unknown in preview with no dependency to follow, or a secret one, is \"can't evaluate\" and is never read.",
    kind: "stack",
    defaultLevel: "advisory",
    severity: "medium",
    tags: ["carbon", "energy", "data", "network", "ml"],
    remediationSteps:
      "Create the bucket in the region the compute runs in and copy the data once (S3 Batch Operations or `aws s3 sync`, `gcloud storage cp`/Storage Transfer Service), then point the URIs at it; or, where the message says so, run the compute in the data's cleaner region. For a bucket managed elsewhere, declare or import it in the stack so its region can be checked, or waive the note with a reason.",
    url: docsPage(NAME),
    messages: MESSAGES,
    configSchema,
  },
  parseConfig,
  evaluateStack,
  examples: [],
  stackExamples,
};
