/**
 * How messages name a resource: "node pool 'gpu'", "SageMaker endpoint configuration 'llm'", and a
 * resource named in a stack check's can't-evaluate path. A name is quoted only when it looks like an
 * identifier. Used by every rule.
 */
import { typeLabel } from "./format";
import { ownEntry } from "./values";
import type { ResourceView } from "./view";

const SUBJECTS: Readonly<Record<string, string>> = {
  "aws:autoscaling/group:Group": "Auto Scaling group",
  "aws:eks/nodeGroup:NodeGroup": "EKS node group",
  "aws:batch/computeEnvironment:ComputeEnvironment": "Batch compute environment",
  "aws:batch/jobDefinition:JobDefinition": "Batch job definition",
  "aws:ec2/launchTemplate:LaunchTemplate": "launch template",
  "aws:ecs/service:Service": "ECS service",
  "aws:ecs/taskDefinition:TaskDefinition": "ECS task definition",
  "aws:ecs/capacityProvider:CapacityProvider": "ECS capacity provider",
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "ECS cluster capacity providers",
  "aws:batch/jobQueue:JobQueue": "Batch job queue",
  "aws:appautoscaling/target:Target": "scaling target",
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": "SageMaker endpoint configuration",
  "aws:sagemaker/endpoint:Endpoint": "SageMaker endpoint",
  "aws-native:sagemaker:InferenceComponent": "SageMaker inference component",
  "aws:sagemaker/trainingJob:TrainingJob": "SageMaker training job",
  "aws:sagemaker/notebookInstance:NotebookInstance": "SageMaker notebook instance",
  "aws:sagemaker/domain:Domain": "SageMaker Studio domain",
  "aws:sagemaker/userProfile:UserProfile": "SageMaker Studio user profile",
  "aws:sagemaker/space:Space": "SageMaker Studio space",
  "gcp:container/nodePool:NodePool": "node pool",
  "gcp:container/cluster:Cluster": "GKE cluster",
  "gcp:compute/instance:Instance": "VM",
  "gcp:compute/instanceTemplate:InstanceTemplate": "instance template",
  "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate": "instance template",
  "gcp:compute/autoscaler:Autoscaler": "autoscaler",
  "gcp:compute/regionAutoscaler:RegionAutoscaler": "autoscaler",
  "gcp:compute/instanceGroupManager:InstanceGroupManager": "managed instance group",
  "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": "managed instance group",
  "gcp:cloudrunv2/service:Service": "Cloud Run service",
  "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool": "Vertex AI deployment resource pool",
  "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment": "Vertex AI Model Garden deployment",
  "gcp:tpu/v2Vm:V2Vm": "TPU VM",
  "gcp:workbench/instance:Instance": "Vertex AI Workbench instance",
  "gcp:colab/runtimeTemplate:RuntimeTemplate": "Colab Enterprise runtime template",
  "gcp:dataproc/cluster:Cluster": "Dataproc cluster",
};

/** A name is quoted only when it looks like an identifier (names are chosen by the program, but still). */
export function safeName(name: string): string {
  return /^[\w.:/-]{1,100}$/.test(name) ? name : "(unnamed)";
}

/** "node pool 'gpu'" */
export function subjectOf(view: ResourceView): string {
  return `${ownEntry(SUBJECTS, view.type) ?? typeLabel(view.type)} '${safeName(view.name)}'`;
}

/** A path for a can't-evaluate outcome in a stack check: names the resource the unknown sits on. */
export function stackPath(view: ResourceView, path: string): string {
  return `${path} of ${ownEntry(SUBJECTS, view.type) ?? typeLabel(view.type)} '${safeName(view.name)}'`;
}

/** "EC2 instance 'trainer'": the resource's type label and its name. */
export function resourceSubject(view: ResourceView): string {
  return `${typeLabel(view.type)} '${safeName(view.name)}'`;
}
