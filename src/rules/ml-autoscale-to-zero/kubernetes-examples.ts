/** Kubernetes examples of ml-autoscale-to-zero (stack part: the workload's cluster and scalers are joins). */
import type { StackRuleExample } from "../../engine/rule";
import { UNKNOWN_STRING, gpuDeployment, hpa, inferenceService, karpenterGpuPool, knativeService, onEks, onGke, scaledObject } from "../kubernetes-examples";

export const kubernetesExamples: readonly StackRuleExample[] = [
  { title: "Kubernetes: GPU Deployment of 3 replicas with no autoscaler", verdict: "bad", resources: onGke("europe-west4", gpuDeployment(3)), messageIds: ["workloadNoScaler"] },
  { title: "Kubernetes: GPU Deployment scaled by an HPA (minReplicas 1: an HPA cannot reach zero)", verdict: "bad", resources: onGke("europe-west4", gpuDeployment(1), hpa("llm", 1)), messageIds: ["hpaCannotReachZero"] },
  { title: "Kubernetes: GPU Deployment scaled by a KEDA ScaledObject with minReplicaCount 0", verdict: "good", resources: onGke("europe-west4", gpuDeployment(0), scaledObject("llm", 0)) },
  { title: "Kubernetes: KEDA ScaledObject with the default minReplicaCount (0)", verdict: "good", resources: onGke("europe-west4", gpuDeployment(1), scaledObject("llm", undefined)) },
  { title: "Kubernetes: KEDA ScaledObject with minReplicaCount 1", verdict: "bad", resources: onGke("europe-west4", gpuDeployment(1), scaledObject("llm", 1)), messageIds: ["kedaMinAboveZero"] },
  { title: "Kubernetes: KServe InferenceService without minReplicas (KServe's default is 1)", verdict: "bad", resources: onGke("europe-west4", inferenceService(undefined)), messageIds: ["kserveMinAboveZero"] },
  { title: "Kubernetes: KServe InferenceService with minReplicas 0", verdict: "good", resources: onGke("europe-west4", inferenceService(0)) },
  { title: "Kubernetes: Knative Service with min-scale 1", verdict: "bad", resources: onGke("europe-west4", knativeService("1")), messageIds: ["knativeMinScaleAboveZero"] },
  { title: "Kubernetes: Knative Service at the default min-scale (0)", verdict: "good", resources: onGke("europe-west4", knativeService(undefined)) },
  { title: "Kubernetes: Karpenter GPU NodePool with consolidateAfter Never", verdict: "bad", resources: onEks("us-west-2", karpenterGpuPool("Never")), messageIds: ["karpenterNeverConsolidates"] },
  { title: "Kubernetes: Karpenter GPU NodePool that consolidates empty nodes after 5 minutes", verdict: "good", resources: onEks("us-west-2", karpenterGpuPool("5m")) },
  {
    title: "Kubernetes, first preview: the cluster's location is unknown, the GPU Deployment still has no autoscaler",
    verdict: "bad",
    resources: onGke(UNKNOWN_STRING, gpuDeployment(2)),
    messageIds: ["workloadNoScaler"],
  },
  { title: "Kubernetes: training Deployment (label ml-workload: training) is left to ml-training-guardrails", verdict: "good", resources: onGke("europe-west4", gpuDeployment(2, { labels: { "ml-workload": "training" } })) },
];
