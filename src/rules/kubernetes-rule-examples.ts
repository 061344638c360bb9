/**
 * Kubernetes examples of the resource rules that check Kubernetes resources in their stack part
 * (placed on the cluster their provider points at): run as tests, rendered into docs/rules.
 */
import type { StackRuleExample } from "../engine/rule";
import { gpuDeployment, gpuJob, onEks, onGke } from "./kubernetes-examples";

const EKS_KUBECONFIG = "clusters:\n- cluster:\n    server: https://EXAMPLE0123.gr7.eu-north-1.eks.amazonaws.com\n  name: gpu";
const T4 = { "cloud.google.com/gke-accelerator": "nvidia-tesla-t4" };
const P4D = { "node.kubernetes.io/instance-type": "p4d.24xlarge" };

export const cleanRegionKubernetesExamples: readonly StackRuleExample[] = [
  { title: "Kubernetes: GPU Deployment on a GKE cluster in us-east1 (region from the cluster the provider's kubeconfig comes from)", verdict: "bad", resources: onGke("us-east1", gpuDeployment(1)), messageIds: ["aboveLimit"] },
  { title: "Kubernetes: the same Deployment on a GKE cluster in europe-north1", verdict: "good", resources: onGke("europe-north1", gpuDeployment(1)) },
  {
    title: "Kubernetes: cluster outside the stack, region from the provider's plain kubeconfig (EKS endpoint in eu-north-1)",
    verdict: "good",
    resources: [{ ...gpuDeployment(1, { nodeSelector: { "node.kubernetes.io/instance-type": "g6.xlarge" } }), providerProps: { kubeconfig: EKS_KUBECONFIG } }],
  },
];

export const workloadDeclaredKubernetesExamples: readonly StackRuleExample[] = [
  { title: "Kubernetes: GPU Deployment without an ml-workload label", verdict: "bad", resources: onGke("europe-north1", gpuDeployment(1, { labels: {} })), messageIds: ["workloadMissing"] },
  { title: "Kubernetes: GPU Deployment labelled ml-workload: inference", verdict: "good", resources: onGke("europe-north1", gpuDeployment(1)) },
];

export const fitsWorkloadKubernetesExamples: readonly StackRuleExample[] = [
  { title: "Kubernetes: inference Deployment pinned to p4d.24xlarge nodes (8×A100, training class)", verdict: "bad", resources: onEks("us-west-2", gpuDeployment(1, { nodeSelector: P4D })), messageIds: ["trainingNode"] },
  { title: "Kubernetes: inference Deployment on GKE L4 nodes", verdict: "good", resources: onGke("europe-north1", gpuDeployment(1)) },
];

export const currentGenerationKubernetesExamples: readonly StackRuleExample[] = [
  { title: "Kubernetes: Deployment selecting T4 nodes on GKE", verdict: "bad", resources: onGke("europe-north1", gpuDeployment(1, { nodeSelector: T4 })), messageIds: ["outdated"] },
  { title: "Kubernetes: Deployment selecting L4 nodes on GKE", verdict: "good", resources: onGke("europe-north1", gpuDeployment(1)) },
];

export const trainingGuardrailsKubernetesExamples: readonly StackRuleExample[] = [
  { title: "Kubernetes: training Job on 8×H100 with no deadline, the default backoffLimit and on-demand nodes", verdict: "bad", resources: onGke("europe-north1", gpuJob()), messageIds: ["kubernetesJobGaps"] },
  { title: "Kubernetes: training Job with a 24 h deadline, backoffLimit 2, on GKE Spot nodes", verdict: "good", resources: onGke("europe-north1", gpuJob({ activeDeadlineSeconds: 86_400, backoffLimit: 2, spot: true })) },
];

const LLAMA_8B = { args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"] };

export const fitsModelKubernetesExamples: readonly StackRuleExample[] = [
  {
    title: "Kubernetes: vLLM serving an 8B model from pods that each take all 8 L4s of a g6.48xlarge node (192 GB)",
    verdict: "bad",
    resources: onEks("us-west-2", gpuDeployment(1, { gpus: 8, nodeSelector: { "node.kubernetes.io/instance-type": "g6.48xlarge" }, containerExtra: LLAMA_8B })),
    messageIds: ["oversized"],
  },
  { title: "Kubernetes: the same model on one L4 per pod on GKE", verdict: "good", resources: onGke("europe-north1", gpuDeployment(1, { containerExtra: LLAMA_8B })) },
  {
    title: "Kubernetes: the same model on pods that take one L4 each of g6.48xlarge nodes (the other seven serve other pods)",
    verdict: "good",
    resources: onEks("us-west-2", gpuDeployment(1, { nodeSelector: { "node.kubernetes.io/instance-type": "g6.48xlarge" }, containerExtra: LLAMA_8B })),
  },
  {
    title: "Kubernetes: a 70B model on one L4 per pod",
    verdict: "bad",
    resources: onGke("europe-north1", gpuDeployment(1, { containerExtra: { args: ["--model", "meta-llama/Llama-3.1-70B-Instruct"] } })),
    messageIds: ["cannotLoad"],
  },
];
