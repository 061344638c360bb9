/**
 * fast-check generators for whole stacks: resources of the types the scale-to-zero joins read,
 * with hostile properties and random links (missing URNs, self-links, cycles, unknown ids).
 */
import fc from "fast-check";
import type { ResourceInput } from "../../src/engine/view";
import { PLANTED_SECRET, SECRET_SIG, SENTINELS } from "./arbitraries";

export const STACK_TYPES = [
  "aws:autoscaling/group:Group",
  "aws:eks/nodeGroup:NodeGroup",
  "aws:ec2/launchTemplate:LaunchTemplate",
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  "aws:sagemaker/endpoint:Endpoint",
  "aws-native:sagemaker:InferenceComponent",
  "aws:appautoscaling/target:Target",
  "aws:ecs/service:Service",
  "aws:ecs/taskDefinition:TaskDefinition",
  "gcp:compute/autoscaler:Autoscaler",
  "gcp:compute/regionAutoscaler:RegionAutoscaler",
  "gcp:compute/instanceGroupManager:InstanceGroupManager",
  "gcp:compute/instanceTemplate:InstanceTemplate",
  "gcp:compute/instance:Instance",
  "gcp:compute/resourcePolicy:ResourcePolicy",
  "gcp:container/nodePool:NodePool",
  "aws:batch/computeEnvironment:ComputeEnvironment",
];

/** Property names the joins and the rules read. */
const KEYS = [
  "minSize", "maxSize", "desiredCapacity", "scalingConfig", "launchTemplate", "id", "name", "version", "mixedInstancesPolicy",
  "launchTemplateSpecification", "launchTemplateId", "launchTemplateName", "overrides", "instanceType", "instanceTypes",
  "serviceNamespace", "scalableDimension", "resourceId", "minCapacity", "endpointConfigName", "productionVariants", "variantName",
  "modelName", "asyncInferenceConfig", "managedInstanceScaling", "status", "minInstanceCount", "initialInstanceCount",
  "endpointName", "inferenceComponentName", "runtimeConfig", "copyCount", "taskDefinition", "family", "revision", "arn",
  "desiredCount", "cluster", "schedulingStrategy", "containerDefinitions", "target", "autoscalingPolicy", "minReplicas", "mode",
  "versions", "instanceTemplate", "selfLink", "targetSize", "machineType", "resourcePolicies", "instanceSchedulePolicy",
  "vmStopSchedule", "schedule", "tags", "labels", "ml-workload", "key", "value", "capacityType", "instanceMarketOptions",
  "marketType", "region", "zone", "location", "autoscaling", "minNodeCount", "nodeConfig", "computeResources", "minVcpus",
  "type", "scheduling", "desiredStatus", "__proto__", "constructor",
];

const TOKENS = [
  "g6.xlarge", "ml.g5.xlarge", "p5.48xlarge", "m5.large", "g2-standard-8", "a3-highgpu-8g", "lt-1", "lt-2", "tmpl", "mig", "ep", "cfg",
  "main", "sagemaker", "ecs", "dynamodb", "sagemaker:variant:DesiredInstanceCount", "sagemaker:inference-component:DesiredCopyCount",
  "ecs:service:DesiredCount", "endpoint/ep/variant/main", "endpoint/ep/variant/other", "inference-component/ic", "service/ml/svc",
  "service//", "endpoint//variant/", "svc", "arn:aws:ecs:us-east-1:1:task-definition/f:1", "f", "f:1", "ENABLED", "OFF",
  "ONLY_SCALE_OUT", "DAEMON", "spot", "SPOT", "training", "inference", "0 20 * * *",
  "https://www.googleapis.com/compute/v1/projects/p/zones/z/instanceGroupManagers/mig", "projects/p/global/instanceTemplates/tmpl",
  "us-east-1", "us-central1-a", "0", "1", "-1", "3",
  JSON.stringify([{ resourceRequirements: [{ type: "GPU", value: "1" }] }]),
];

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 3, arbitrary: fc.constantFrom(...SENTINELS) },
  { weight: 3, arbitrary: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.constant(PLANTED_SECRET) },
  { weight: 1, arbitrary: fc.constant({ ...SECRET_SIG, value: PLANTED_SECRET }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

export const stackValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 5 }),
  ),
})).value;

export const stackProps = fc.dictionary(fc.constantFrom(...KEYS), stackValue, { maxKeys: 8 });

const LINK_PROPS = ["launchTemplate", "mixedInstancesPolicy", "resourceId", "endpointConfigName", "endpointName", "taskDefinition", "target", "versions", "resourcePolicies", "__proto__"];

/** A random stack: resources, and links by index into the stack (or to URNs that don't exist, or to themselves). */
export const hostileStack: fc.Arbitrary<ResourceInput[]> = fc
  .array(
    fc.record({
      type: fc.constantFrom(...STACK_TYPES),
      props: stackProps,
      deps: fc.array(fc.integer({ min: -1, max: 9 }), { maxLength: 4 }),
      propDeps: fc.dictionary(fc.constantFrom(...LINK_PROPS), fc.array(fc.integer({ min: -1, max: 9 }), { maxLength: 3 }), { maxKeys: 3 }),
      id: fc.option(fc.constantFrom(...TOKENS, ...SENTINELS), { nil: undefined }),
      provider: fc.option(fc.record({ region: fc.constantFrom("us-east-1", "europe-west4", PLANTED_SECRET, SENTINELS[0]!) }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 9 },
  )
  .map((items) => {
    const urns = items.map((item, i) => `urn:pulumi:s::p::${item.type}::r${i}`);
    const toUrn = (i: number) => (i < 0 ? "urn:pulumi:s::p::missing::gone" : (urns[i % urns.length] ?? "urn:bogus"));
    return items.map((item, i) => ({
      urn: urns[i]!,
      type: item.type,
      name: `r${i}`,
      props: item.props,
      ...(item.provider ? { providerProps: item.provider } : {}),
      links: {
        ...(item.id !== undefined ? { id: item.id } : {}),
        dependencies: item.deps.map(toUrn),
        propertyDependencies: Object.fromEntries(Object.entries(item.propDeps).map(([k, v]) => [k, v.map(toUrn)])),
      },
    }));
  });

// ---------------------------------------------------------------------------------------------
// Shaped stacks: realistic resources (so joins and findings are reached) with hostile leaves.

/** A secret that looks like an identifier (lowercase, dashes): shape checks alone can't stop it. */
export const PLANTED_LOWERCASE_SECRET = "s3cr3t-planted-lower-v4lue";

const HOSTILE_LEAF: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...SENTINELS),
  fc.constant(PLANTED_SECRET),
  fc.constant(PLANTED_LOWERCASE_SECRET),
  fc.constant({ ...SECRET_SIG, value: PLANTED_SECRET }),
  fc.constant(null),
  fc.constantFrom(-1, 1e308, "", "x", true, [], {}),
);

/** Each leaf of `template` stays, becomes 0, or becomes something hostile. */
function mutated(template: unknown): fc.Arbitrary<unknown> {
  if (Array.isArray(template)) return fc.tuple(...template.map(mutated));
  if (template !== null && typeof template === "object") {
    const entries = Object.entries(template as Record<string, unknown>);
    return fc.tuple(...entries.map(([, v]) => fc.oneof({ weight: 12, arbitrary: mutated(v) }, { weight: 1, arbitrary: fc.constant(undefined) }))).map((values) => {
      const out: Record<string, unknown> = {};
      entries.forEach(([k], i) => {
        if (values[i] !== undefined) out[k] = values[i];
      });
      return out;
    });
  }
  return fc.oneof({ weight: 8, arbitrary: fc.constant(template) }, { weight: 2, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: HOSTILE_LEAF });
}

const workloadTags = fc.constantFrom({}, { "ml-workload": "training" }, { "ml-workload": "inference" });

interface Template {
  readonly type: string;
  readonly props: Record<string, unknown>;
  readonly linkProps: readonly string[];
}

const TEMPLATES: readonly Template[] = [
  { type: "aws:ec2/launchTemplate:LaunchTemplate", props: { id: "lt-1", name: "lt", instanceType: "g6.xlarge", instanceMarketOptions: { marketType: "spot" } }, linkProps: [] },
  { type: "aws:autoscaling/group:Group", props: { minSize: 1, maxSize: 3, desiredCapacity: 1, launchTemplate: { id: "lt-1" } }, linkProps: ["launchTemplate"] },
  { type: "aws:autoscaling/group:Group", props: { minSize: 2, maxSize: 3, mixedInstancesPolicy: { instancesDistribution: { onDemandPercentageAboveBaseCapacity: 0 }, launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-1" }, overrides: [{ instanceType: "g5.xlarge" }] } } }, linkProps: ["mixedInstancesPolicy"] },
  { type: "aws:eks/nodeGroup:NodeGroup", props: { instanceTypes: ["g6.xlarge"], capacityType: "ON_DEMAND", scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 } }, linkProps: [] },
  { type: "aws:eks/nodeGroup:NodeGroup", props: { launchTemplate: { name: "lt" }, scalingConfig: { minSize: 1, maxSize: 2 } }, linkProps: ["launchTemplate"] },
  { type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", props: { name: "cfg", asyncInferenceConfig: { outputConfig: {} }, productionVariants: [{ variantName: "main", modelName: "m", instanceType: "ml.g5.xlarge", initialInstanceCount: 1 }] }, linkProps: [] },
  { type: "aws:sagemaker/endpointConfiguration:EndpointConfiguration", props: { name: "cfg", productionVariants: [{ variantName: "main", instanceType: "ml.g6.12xlarge", managedInstanceScaling: { status: "ENABLED", minInstanceCount: 1 } }] }, linkProps: [] },
  { type: "aws:sagemaker/endpoint:Endpoint", props: { name: "ep", endpointConfigName: "cfg" }, linkProps: ["endpointConfigName"] },
  { type: "aws-native:sagemaker:InferenceComponent", props: { inferenceComponentName: "ic", endpointName: "ep", variantName: "main", runtimeConfig: { copyCount: 1 } }, linkProps: ["endpointName"] },
  { type: "aws:appautoscaling/target:Target", props: { serviceNamespace: "sagemaker", scalableDimension: "sagemaker:variant:DesiredInstanceCount", resourceId: "endpoint/ep/variant/main", minCapacity: 1 }, linkProps: ["resourceId"] },
  { type: "aws:appautoscaling/target:Target", props: { serviceNamespace: "sagemaker", scalableDimension: "sagemaker:inference-component:DesiredCopyCount", resourceId: "inference-component/ic", minCapacity: 1 }, linkProps: ["resourceId"] },
  { type: "aws:appautoscaling/target:Target", props: { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: "service/ml/svc", minCapacity: 1 }, linkProps: ["resourceId"] },
  { type: "aws:ecs/taskDefinition:TaskDefinition", props: { family: "f", revision: 1, containerDefinitions: JSON.stringify([{ resourceRequirements: [{ type: "GPU", value: "1" }] }]) }, linkProps: [] },
  { type: "aws:ecs/service:Service", props: { name: "svc", cluster: "ml", taskDefinition: "f:1", desiredCount: 2 }, linkProps: ["taskDefinition"] },
  { type: "gcp:compute/instanceTemplate:InstanceTemplate", props: { name: "tmpl", machineType: "g2-standard-8", scheduling: { provisioningModel: "SPOT" } }, linkProps: [] },
  { type: "gcp:compute/instanceGroupManager:InstanceGroupManager", props: { name: "mig", zone: "us-central1-a", targetSize: 2, versions: [{ instanceTemplate: "tmpl" }] }, linkProps: ["versions"] },
  { type: "gcp:compute/autoscaler:Autoscaler", props: { zone: "us-central1-a", target: "mig", autoscalingPolicy: { minReplicas: 1, maxReplicas: 3, mode: "ON" } }, linkProps: ["target"] },
  { type: "gcp:compute/instance:Instance", props: { zone: "us-central1-a", machineType: "g2-standard-4", resourcePolicies: ["stop"] }, linkProps: ["resourcePolicies"] },
  { type: "gcp:compute/resourcePolicy:ResourcePolicy", props: { name: "stop", instanceSchedulePolicy: { vmStopSchedule: { schedule: "0 20 * * *" } } }, linkProps: [] },
  { type: "gcp:container/nodePool:NodePool", props: { location: "us-central1-a", autoscaling: { minNodeCount: 1, maxNodeCount: 3 }, nodeConfig: { machineType: "g2-standard-8", spot: true } }, linkProps: [] },
  { type: "gcp:container/nodePool:NodePool", props: { location: "us-central1", nodeCount: 1, nodeConfig: { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-tesla-t4", count: 1 }] } }, linkProps: [] },
  { type: "gcp:container/cluster:Cluster", props: { location: "us-central1", nodePools: [{ name: "pool", nodeCount: 1, nodeConfig: { machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-l4", count: 1 }] } }] }, linkProps: [] },
  { type: "gcp:compute/instance:Instance", props: { zone: "us-central1-a", machineType: "n1-standard-8", guestAccelerators: [{ type: "nvidia-l4", count: 1 }] }, linkProps: [] },
  { type: "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool", props: { region: "us-central1", dedicatedResources: { machineSpec: { machineType: "n1-standard-8", acceleratorType: "NVIDIA_TESLA_T4", acceleratorCount: 1 }, minReplicaCount: 1 } }, linkProps: [] },
  { type: "aws:batch/computeEnvironment:ComputeEnvironment", props: { computeResources: { type: "EC2", minVcpus: 4, maxVcpus: 16, instanceTypes: ["g5.xlarge"] } }, linkProps: [] },
  { type: "aws:batch/jobDefinition:JobDefinition", props: { containerProperties: JSON.stringify({ resourceRequirements: [{ type: "GPU", value: "1" }] }), timeout: { attemptDurationSeconds: 3600 }, retryStrategy: { attempts: 1 } }, linkProps: [] },
  { type: "aws:sagemaker/trainingJob:TrainingJob", props: { enableManagedSpotTraining: true, checkpointConfig: { s3Uri: "s3://b/c" }, stoppingCondition: { maxRuntimeInSeconds: 900000, maxWaitTimeInSeconds: 900000 }, resourceConfig: { instanceType: "ml.p4d.24xlarge", instanceCount: 2, keepAlivePeriodInSeconds: 3600 } }, linkProps: [] },
  { type: "aws:sagemaker/notebookInstance:NotebookInstance", props: { instanceType: "ml.g5.xlarge", lifecycleConfigName: "auto-stop" }, linkProps: [] },
  { type: "aws:sagemaker/domain:Domain", props: { defaultUserSettings: { jupyterLabAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: "ENABLED", idleTimeoutInMinutes: 240, maxIdleTimeoutInMinutes: 600 } }, defaultResourceSpec: { instanceType: "ml.g5.xlarge" } } } }, linkProps: [] },
  { type: "aws:sagemaker/space:Space", props: { spaceSettings: { codeEditorAppSettings: { appLifecycleManagement: { idleSettings: { lifecycleManagement: "ENABLED", idleTimeoutInMinutes: 120 } } } } }, linkProps: [] },
  { type: "gcp:workbench/instance:Instance", props: { location: "us-central1-a", gceSetup: { machineType: "g2-standard-4", metadata: { "idle-timeout-seconds": "10800", "enable-guest-attributes": "true" } } }, linkProps: [] },
  { type: "gcp:colab/runtimeTemplate:RuntimeTemplate", props: { location: "us-central1", idleShutdownConfig: { idleTimeout: "3h" }, machineSpec: { machineType: "g2-standard-4", acceleratorType: "NVIDIA_L4", acceleratorCount: 1 } }, linkProps: [] },
  { type: "gcp:dataproc/cluster:Cluster", props: { region: "us-central1", clusterConfig: { lifecycleConfig: { idleStopTtl: "5h" }, workerConfig: { numInstances: 3, machineType: "n1-standard-8", accelerators: [{ acceleratorType: "nvidia-tesla-t4", acceleratorCount: 1 }] } } }, linkProps: [] },
  { type: "gcp:cloudrunv2/service:Service", props: { location: "us-central1", scaling: { minInstanceCount: 1, scalingMode: "MANUAL", manualInstanceCount: 2 }, template: { scaling: { minInstanceCount: 1 }, nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ resources: { limits: { "nvidia.com/gpu": "1" } } }] } }, linkProps: [] },
  { type: "gcp:tpu/v2Vm:V2Vm", props: { zone: "us-central1-a", acceleratorType: "v5litepod-8", schedulingConfig: { spot: false } }, linkProps: [] },
];

export const shapedStack: fc.Arbitrary<ResourceInput[]> = fc
  .array(
    fc.integer({ min: 0, max: TEMPLATES.length - 1 }).chain((t) =>
      fc.record({
        template: fc.constant(TEMPLATES[t]!),
        props: mutated(TEMPLATES[t]!.props),
        tags: workloadTags,
        links: fc.array(fc.integer({ min: -1, max: 11 }), { maxLength: 3 }),
        plain: fc.array(fc.integer({ min: -1, max: 11 }), { maxLength: 2 }),
      }),
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((items) => {
    const urns = items.map((item, i) => `urn:pulumi:s::p::${item.template.type}::r${i}`);
    const toUrn = (i: number) => (i < 0 ? "urn:pulumi:s::p::missing::gone" : urns[i % urns.length]!);
    return items.map((item, i) => {
      const props = item.props as Record<string, unknown>;
      if (Object.keys(item.tags).length > 0) {
        props[item.template.type === "aws:autoscaling/group:Group" ? "tags" : item.template.type.startsWith("gcp:") ? "labels" : "tags"] =
          item.template.type === "aws:autoscaling/group:Group" ? Object.entries(item.tags).map(([key, value]) => ({ key, value })) : item.tags;
      }
      const propertyDependencies: Record<string, string[]> = {};
      for (const p of item.template.linkProps) propertyDependencies[p] = item.links.map(toUrn);
      return { urn: urns[i]!, type: item.template.type, name: `r${i}`, props, links: { dependencies: item.plain.map(toUrn), propertyDependencies } };
    });
  });

/** Either kind of stack. */
export const anyStack: fc.Arbitrary<ResourceInput[]> = fc.oneof(hostileStack, shapedStack);
