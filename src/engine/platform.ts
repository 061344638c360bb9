/**
 * The service a resource type runs on (EC2, SageMaker hosting/training/notebooks, GCE, GKE, Vertex
 * AI, TPU VMs, Cloud Run) and the workload the type implies: which catalog types can replace an
 * accelerator there (./accelerator-alternatives) and what "a SageMaker endpoint serves inference"
 * means for workload resolution (./workload-resolution).
 */
import type { Workload } from "./workload";

export type SageMakerUse = "hosting" | "training" | "notebook" | "studio";

export interface PlatformInfo {
  readonly platform: "ec2" | "sagemaker" | "gce" | "gke" | "vertex" | "tpu-vm" | "cloud-run" | "other";
  readonly sagemakerUse?: SageMakerUse;
  /** TPU host machine types (ct5lp-…) are valid machine types here (GKE node pools, Vertex). */
  readonly tpuHosts?: boolean;
  readonly implied?: Workload;
  readonly impliedBecause?: string;
}

export function platformOf(type: string): PlatformInfo {
  switch (type) {
    case "aws:sagemaker/endpointConfiguration:EndpointConfiguration":
      return { platform: "sagemaker", sagemakerUse: "hosting", implied: "inference", impliedBecause: "a SageMaker endpoint serves inference" };
    case "aws-native:sagemaker:InferenceComponent":
      return { platform: "sagemaker", sagemakerUse: "hosting", implied: "inference", impliedBecause: "a SageMaker inference component serves inference" };
    case "aws:sagemaker/trainingJob:TrainingJob":
      return { platform: "sagemaker", sagemakerUse: "training", implied: "training", impliedBecause: "a SageMaker training job trains" };
    case "aws:sagemaker/notebookInstance:NotebookInstance":
      return { platform: "sagemaker", sagemakerUse: "notebook", implied: "notebook", impliedBecause: "a SageMaker notebook instance is a notebook" };
    case "aws:sagemaker/domain:Domain":
    case "aws:sagemaker/userProfile:UserProfile":
    case "aws:sagemaker/space:Space":
      return { platform: "sagemaker", sagemakerUse: "studio", implied: "notebook", impliedBecause: "SageMaker Studio apps are notebooks" };
    case "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool":
    case "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment":
      return { platform: "vertex", tpuHosts: true, implied: "inference", impliedBecause: "a Vertex AI deployment serves inference" };
    case "gcp:workbench/instance:Instance":
      return { platform: "gce", implied: "notebook", impliedBecause: "a Vertex AI Workbench instance is a notebook" };
    case "gcp:colab/runtimeTemplate:RuntimeTemplate":
      return { platform: "gce", implied: "notebook", impliedBecause: "a Colab Enterprise runtime is a notebook" };
    case "gcp:cloudrunv2/service:Service":
      return { platform: "cloud-run", implied: "inference", impliedBecause: "a Cloud Run service serves requests" };
    case "gcp:cloudrunv2/job:Job":
    case "gcp:cloudrunv2/workerPool:WorkerPool":
      return { platform: "cloud-run" };
  }
  if (type.startsWith("aws:")) return { platform: "ec2" };
  if (type.startsWith("gcp:container/")) return { platform: "gke", tpuHosts: true };
  if (type.startsWith("gcp:tpu/")) return { platform: "tpu-vm" };
  if (type.startsWith("gcp:vertex/")) return { platform: "vertex", tpuHosts: true };
  if (type.startsWith("gcp:")) return { platform: "gce" };
  return { platform: "other" };
}
