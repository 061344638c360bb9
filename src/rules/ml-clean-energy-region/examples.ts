/** Good and bad examples: run as tests (test/unit/rule-examples.test.ts) and rendered into docs/rules/ml-clean-energy-region.md. */
import type { RuleExample } from "../../engine/rule";

export const examples: readonly RuleExample[] = [
  {
    title: "SageMaker GPU endpoint in us-east-1 (provider region)",
    verdict: "bad",
    resource: {
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "llm-endpoint",
      props: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }] },
      providerProps: { region: "us-east-1" },
    },
    messageIds: ["aboveLimit"],
  },
  {
    title: "The same endpoint in eu-north-1 (Stockholm)",
    verdict: "good",
    resource: {
      type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      name: "llm-endpoint",
      props: { productionVariants: [{ variantName: "main", modelName: "llm", instanceType: "ml.g6.xlarge", initialInstanceCount: 1 }] },
      providerProps: { region: "eu-north-1" },
    },
  },
  {
    title: "Resource-level region (AWS provider v7) overrides the provider's",
    verdict: "bad",
    resource: {
      type: "aws:ec2/instance:Instance",
      name: "trainer",
      props: { instanceType: "p5.48xlarge", region: "us-east-1" },
      providerProps: { region: "eu-north-1" },
    },
    messageIds: ["aboveLimit"],
  },
  {
    title: "Cloud Run GPU service in us-east1",
    verdict: "bad",
    resource: {
      type: "gcp:cloudrunv2/service:Service",
      name: "vllm",
      props: {
        location: "us-east1",
        template: { nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ image: "vllm", resources: { limits: { "nvidia.com/gpu": "1" } } }] },
      },
    },
    messageIds: ["aboveLimitNoAlternative"],
  },
  {
    title: "GKE GPU node pool in a zone of a clean region (europe-north1-a)",
    verdict: "good",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "gpu-pool",
      props: { location: "europe-north1-a", nodeConfig: { machineType: "g2-standard-8" } },
    },
  },
  {
    title: "GKE GPU node pool in a zone of a high-carbon region (us-east1-b)",
    verdict: "bad",
    resource: {
      type: "gcp:container/nodePool:NodePool",
      name: "gpu-pool",
      props: { location: "us-east1-b", nodeConfig: { machineType: "g2-standard-8" } },
    },
    messageIds: ["aboveLimit"],
  },
  {
    title: "allowedRegions lets a region through whatever its intensity",
    verdict: "good",
    resource: {
      type: "aws:ec2/instance:Instance",
      name: "trainer",
      props: { instanceType: "p5.48xlarge" },
      providerProps: { region: "us-east-1" },
    },
    config: { allowedRegions: ["us-east-1"] },
  },
  {
    title: "deniedRegions blocks a region whatever its intensity",
    verdict: "bad",
    resource: {
      type: "aws:ec2/instance:Instance",
      name: "trainer",
      props: { instanceType: "p5.48xlarge" },
      providerProps: { region: "eu-north-1" },
    },
    config: { deniedRegions: ["eu-north-1"] },
    messageIds: ["deniedRegion"],
  },
  {
    title: "A CPU-only instance is not an ML resource under the default scope",
    verdict: "good",
    resource: { type: "aws:ec2/instance:Instance", name: "web", props: { instanceType: "m7g.large" }, providerProps: { region: "us-east-1" } },
  },
  {
    title: "A global resource (IAM role) tagged ml-workload is not region-checked",
    verdict: "good",
    resource: { type: "aws:iam/role:Role", name: "trainer-role", props: { assumeRolePolicy: "{}", tags: { "ml-workload": "training" } }, providerProps: { region: "us-east-1" } },
  },
  {
    title: "Region taken from stack config when neither resource nor provider has one",
    verdict: "bad",
    resource: { type: "aws:sagemaker/notebookInstance:NotebookInstance", name: "nb", props: { instanceType: "ml.g5.xlarge" } },
    stackConfig: { "aws:region": "ap-southeast-2" },
    messageIds: ["aboveLimit"],
  },
];
