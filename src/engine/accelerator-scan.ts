/**
 * Finds the accelerators a resource carries, from the property paths each service uses
 * (the SCANNERS table below; Kubernetes workloads add theirs from src/engine/kubernetes/).
 *
 * One table, keyed by Pulumi type token, says where to look. A value that is unknown in preview is
 * recorded as such, never guessed; a type the catalog does not know but that looks accelerated is
 * reported as unrecognized, never treated as CPU.
 */
import type { Cloud } from "../data/types";
import {
  type GcpAcceleratorInfo,
  type InstanceTypeInfo,
  lookupGcpAccelerator,
  lookupInstanceType,
  lookupTpuType,
  looksAccelerated,
} from "../data/accelerators";
import {
  type PathStep,
  type PlainObject,
  type PlainValue,
  formatPath,
  ownEntry,
  quoteToken,
  readArray,
  readJsonString,
  readNumber,
  readPath,
  readString,
} from "./values";
import { KUBERNETES_SCANNERS } from "./kubernetes/accelerators";

export type AcceleratorVia =
  | "instance-type"
  | "gcp-accelerator"
  | "tpu-type"
  | "gpu-resource"
  | "ami-type"
  | "instance-requirements"
  /** A Kubernetes extended resource (`google.com/tpu`, `aws.amazon.com/neuron`) with no node type selected. */
  | "device-resource";

export interface AcceleratorUse {
  /** Property path the accelerator was found at, e.g. `productionVariants[0].instanceType`. */
  readonly path: string;
  readonly via: AcceleratorVia;
  /** The type or token, only when it is safe to quote (an identifier-like string). */
  readonly token?: string;
  /** Accelerators per instance/node/replica, when the resource says. */
  readonly count?: number;
  readonly instanceType?: InstanceTypeInfo & { readonly sagemakerUpperBound?: boolean };
  readonly gcpAccelerator?: GcpAcceleratorInfo;
  /** Found but not in the catalog (new or misspelt type). */
  readonly recognized: boolean;
  /** EC2 attribute-based selection: the `acceleratorNames` listed (lowercase, name-shaped only). */
  readonly acceleratorNames?: readonly string[];
}

export interface AcceleratorScan {
  readonly uses: readonly AcceleratorUse[];
  /** Paths that could hold an accelerator but are unknown (preview) or secret. */
  readonly unknownPaths: readonly string[];
}

export type Scanner = (props: PlainObject, out: ScanBuilder) => void;

export class ScanBuilder {
  readonly uses: AcceleratorUse[] = [];
  readonly unknownPaths: string[] = [];
  constructor(readonly cloud: Cloud) {}

  /** An instance/machine type field: adds a use only if the type is accelerated. */
  instanceType(root: PlainValue, steps: readonly PathStep[]): void {
    const r = readString(root, steps);
    if (r.state === "opaque") this.unknownPaths.push(r.path);
    if (r.state !== "value") return;
    this.instanceTypeValue(r.path, r.value);
  }

  /** An instance/machine type already read (e.g. a Kubernetes node selector's value). */
  instanceTypeValue(path: string, value: string): void {
    const info = lookupInstanceType(this.cloud, value);
    // A catalogued type is safe to quote; an unknown one only if it has the shape of a type name.
    const token = info ? quoteToken(value.trim()) : typeShapedToken(this.cloud, value);
    if (info) {
      this.uses.push({ path, via: info.kind === "tpu" ? "tpu-type" : "instance-type", ...(token ? { token } : {}), count: info.acceleratorCount, instanceType: info, recognized: true });
    } else if (looksAccelerated(this.cloud, stripSageMaker(value))) {
      this.uses.push({ path, via: "instance-type", ...(token ? { token } : {}), recognized: false });
    }
  }

  /** A GCP accelerator token (`nvidia-l4`, `NVIDIA_L4`) with an optional count path. */
  gcpAccelerator(root: PlainValue, typeSteps: readonly PathStep[], countSteps?: readonly PathStep[]): void {
    const r = readString(root, typeSteps);
    if (r.state === "opaque") this.unknownPaths.push(r.path);
    if (r.state !== "value" || r.value.trim() === "") return;
    const count = countSteps ? readNumber(root, countSteps) : undefined;
    this.gcpAcceleratorValue(r.path, r.value, count?.state === "value" ? count.value : undefined);
  }

  /** A GCP accelerator token already read (a GKE `cloud.google.com/gke-accelerator` node selector), with the devices per unit. */
  gcpAcceleratorValue(path: string, value: string, countValue: number | undefined): void {
    if (value.trim() === "") return;
    const r = { path, value };
    if (countValue !== undefined && countValue <= 0) return;
    const tpu = lookupTpuType(r.value);
    const info = tpu ? undefined : lookupGcpAccelerator(r.value);
    // An unknown token is quoted only in the shape of Google's accelerator names, since any string
    // could stand there, a pasted secret included.
    const token = tpu || info ? quoteToken(r.value.trim()) : acceleratorShapedToken(r.value);
    if (tpu) {
      this.uses.push({ path: r.path, via: "tpu-type", ...(token ? { token } : {}), count: countValue ?? tpu.acceleratorCount, instanceType: tpu, recognized: true });
      return;
    }
    if (/^ACCELERATOR_TYPE_UNSPECIFIED$/i.test(r.value.trim())) return;
    this.uses.push({
      path: r.path,
      via: "gcp-accelerator",
      ...(token ? { token } : {}),
      ...(countValue !== undefined ? { count: countValue } : {}),
      ...(info ? { gcpAccelerator: info } : {}),
      recognized: info !== undefined,
    });
  }

  /** A TPU slice type (`v5litepod-8`). */
  tpuType(root: PlainValue, steps: readonly PathStep[]): void {
    const r = readString(root, steps);
    if (r.state === "opaque") this.unknownPaths.push(r.path);
    if (r.state !== "value" || r.value.trim() === "") return;
    const info = lookupTpuType(r.value);
    const token = info ? quoteToken(r.value.trim()) : acceleratorShapedToken(r.value);
    this.uses.push({ path: r.path, via: "tpu-type", ...(token ? { token } : {}), ...(info ? { instanceType: info, count: info.acceleratorCount } : {}), recognized: info !== undefined });
  }

  /** A bare GPU count (ECS/Batch resourceRequirements, Kubernetes `nvidia.com/gpu` limits). */
  gpuCount(path: string, count: number | undefined): void {
    if (count !== undefined && count <= 0) return;
    this.uses.push({ path, via: "gpu-resource", ...(count !== undefined ? { count } : {}), recognized: false });
  }

  opaque(path: string): void {
    this.unknownPaths.push(path);
  }

  /** Visits every element of an array property, recording an unknown array as such. */
  each(root: PlainValue, steps: readonly PathStep[], visit: (element: PlainValue, elementSteps: PathStep[]) => void): void {
    const r = readArray(root, steps);
    if (r.state === "opaque") this.unknownPaths.push(r.path);
    if (r.state !== "value") return;
    r.value.forEach((element, i) => visit(element, [...steps, i]));
  }
}

/**
 * Quotes an uncatalogued type only when it has the exact shape of the cloud's type names
 * (`p9.48xlarge`, `ml.g7.2xlarge`, `a5-highgpu-8g`), which a secret or free text almost never has.
 */
export function typeShapedToken(cloud: Cloud, value: string): string | undefined {
  const v = value.trim();
  const shape = cloud === "aws" ? /^(ml\.)?[a-z][a-z0-9-]{0,11}\.[0-9]{0,3}[a-z]{1,10}[0-9]{0,3}$/ : /^[a-z][a-z0-9]{0,5}-[a-z]{2,12}(-[0-9]{1,3}[a-z]{0,2})?$/;
  return shape.test(v) ? v : undefined;
}

/** `nvidia-h900`, `NVIDIA_H900`, `tpu7x`, `v9-8`: the shapes of GCP accelerator and TPU names. */
export function acceleratorShapedToken(value: string): string | undefined {
  const v = value.trim();
  return /^(nvidia-[a-z0-9]{1,12}(-[a-z0-9]{1,12}){0,3}|tpu[0-9]{1,2}[a-z]{0,3}|v[0-9]{1,2}[a-z]{0,8}(-[0-9]{1,5})?|(NVIDIA|TPU)_[A-Z0-9_]{2,30})$/.test(v) ? v : undefined;
}

function stripSageMaker(value: string): string {
  return value.trim().replace(/^ml\./i, "");
}

// ---------------------------------------------------------------------------------------------
// Per-service scanners

/** GCE-style `machineType` + `guestAccelerators[]` under `base`. */
function gceAccelerators(props: PlainObject, b: ScanBuilder, base: PathStep[]): void {
  b.instanceType(props, [...base, "machineType"]);
  b.each(props, [...base, "guestAccelerators"], (_el, steps) => b.gcpAccelerator(props, [...steps, "type"], [...steps, "count"]));
}

/** ECS / Batch `resourceRequirements: [{type: "GPU", value: "1"}]` inside container definitions. */
function gpuResourceRequirements(container: PlainValue, b: ScanBuilder, pathPrefix: string): void {
  const reqs = readArray(container, ["resourceRequirements"]);
  if (reqs.state === "opaque") b.opaque(`${pathPrefix}.resourceRequirements`);
  if (reqs.state !== "value") return;
  reqs.value.forEach((req, i) => {
    const type = readString(req, ["type"]);
    if (type.state === "opaque") b.opaque(`${pathPrefix}.resourceRequirements[${i}].type`);
    if (type.state !== "value" || type.value.toUpperCase() !== "GPU") return;
    const value = readNumber(req, ["value"]);
    if (value.state === "opaque") b.opaque(`${pathPrefix}.resourceRequirements[${i}].value`);
    b.gpuCount(`${pathPrefix}.resourceRequirements[${i}]`, value.state === "value" ? value.value : undefined);
  });
}

/** Kubernetes-style `resources.limits["nvidia.com/gpu"]` on each container. */
function containerGpuLimits(props: PlainObject, b: ScanBuilder, containersSteps: PathStep[]): void {
  b.each(props, containersSteps, (_el, steps) => {
    const limitSteps = [...steps, "resources", "limits", "nvidia.com/gpu"];
    const limit = readNumber(props, limitSteps);
    if (limit.state === "opaque") b.opaque(limit.path);
    if (limit.state === "value") b.gpuCount(formatPath(limitSteps), limit.value);
  });
}

/** EKS AMI types that only make sense on accelerated instances. */
const ACCELERATED_AMI = /(NVIDIA|NEURON|_GPU$|_GPU_)/i;

const SAGEMAKER_APP_SETTINGS = ["jupyterLabAppSettings", "jupyterServerAppSettings", "kernelGatewayAppSettings", "codeEditorAppSettings", "rSessionAppSettings", "rStudioServerProAppSettings"];

function sagemakerSettings(props: PlainObject, b: ScanBuilder, settingsKeys: readonly string[]): void {
  for (const settings of settingsKeys) {
    for (const app of SAGEMAKER_APP_SETTINGS) {
      b.instanceType(props, [settings, app, "defaultResourceSpec", "instanceType"]);
    }
  }
}

const SCANNERS: Readonly<Record<string, Scanner>> = {
  // ---- AWS ----
  "aws:ec2/instance:Instance": (p, b) => b.instanceType(p, ["instanceType"]),
  "aws:ec2/launchTemplate:LaunchTemplate": (p, b) => {
    b.instanceType(p, ["instanceType"]);
    instanceRequirements(p, b, ["instanceRequirements"]);
  },
  "aws:ec2/spotFleetRequest:SpotFleetRequest": (p, b) => {
    b.each(p, ["launchSpecifications"], (_e, s) => b.instanceType(p, [...s, "instanceType"]));
    b.each(p, ["launchTemplateConfigs"], (_e, s) => b.each(p, [...s, "overrides"], (_o, os) => b.instanceType(p, [...os, "instanceType"])));
  },
  "aws:ec2/fleet:Fleet": (p, b) => {
    b.each(p, ["launchTemplateConfigs"], (_e, s) => b.each(p, [...s, "overrides"], (_o, os) => b.instanceType(p, [...os, "instanceType"])));
  },
  "aws:autoscaling/group:Group": (p, b) => {
    b.each(p, ["mixedInstancesPolicy", "launchTemplate", "overrides"], (_e, s) => {
      b.instanceType(p, [...s, "instanceType"]);
      instanceRequirements(p, b, [...s, "instanceRequirements"]);
    });
  },
  "aws:eks/nodeGroup:NodeGroup": (p, b) => {
    b.each(p, ["instanceTypes"], (_e, s) => b.instanceType(p, s));
    const ami = readString(p, ["amiType"]);
    if (ami.state === "opaque") b.opaque(ami.path);
    if (ami.state === "value" && ACCELERATED_AMI.test(ami.value)) {
      const token = quoteToken(ami.value);
      b.uses.push({ path: ami.path, via: "ami-type", ...(token ? { token } : {}), recognized: true });
    }
  },
  "aws:batch/computeEnvironment:ComputeEnvironment": (p, b) => {
    b.each(p, ["computeResources", "instanceTypes"], (_e, s) => b.instanceType(p, s));
  },
  "aws:batch/jobDefinition:JobDefinition": (p, b) => {
    const container = readJsonString(p, ["containerProperties"]);
    if (container.state === "opaque") b.opaque(container.path);
    if (container.state === "value") gpuResourceRequirements(container.value, b, "containerProperties");
    const node = readJsonString(p, ["nodeProperties"]);
    if (node.state === "opaque") b.opaque(node.path);
    if (node.state === "value") {
      const ranges = readArray(node.value, ["nodeRangeProperties"]);
      if (ranges.state === "value") {
        ranges.value.forEach((range, i) => {
          const c = readPath(range, ["container"]);
          if (c.state === "value") gpuResourceRequirements(c.value, b, `nodeProperties.nodeRangeProperties[${i}].container`);
        });
      }
    }
    const ecs = readJsonString(p, ["ecsProperties"]);
    if (ecs.state === "opaque") b.opaque(ecs.path);
    if (ecs.state === "value") {
      const tasks = readArray(ecs.value, ["taskProperties"]);
      if (tasks.state === "value") {
        tasks.value.forEach((task, t) => {
          const containers = readArray(task, ["containers"]);
          if (containers.state === "value") {
            containers.value.forEach((c, i) => gpuResourceRequirements(c, b, `ecsProperties.taskProperties[${t}].containers[${i}]`));
          }
        });
      }
    }
  },
  "aws:ecs/taskDefinition:TaskDefinition": (p, b) => {
    const defs = readJsonString(p, ["containerDefinitions"]);
    if (defs.state === "opaque") b.opaque(defs.path);
    if (defs.state !== "value" || !Array.isArray(defs.value)) return;
    defs.value.forEach((c, i) => gpuResourceRequirements(c, b, `containerDefinitions[${i}]`));
  },
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (p, b) => {
    for (const key of ["productionVariants", "shadowProductionVariants"]) {
      b.each(p, [key], (_e, s) => b.instanceType(p, [...s, "instanceType"]));
    }
  },
  "aws:sagemaker/trainingJob:TrainingJob": (p, b) => {
    b.instanceType(p, ["resourceConfig", "instanceType"]);
    b.each(p, ["resourceConfig", "instanceGroups"], (_e, s) => b.instanceType(p, [...s, "instanceType"]));
  },
  "aws:sagemaker/notebookInstance:NotebookInstance": (p, b) => b.instanceType(p, ["instanceType"]),
  "aws:sagemaker/domain:Domain": (p, b) => sagemakerSettings(p, b, ["defaultUserSettings", "defaultSpaceSettings"]),
  "aws:sagemaker/userProfile:UserProfile": (p, b) => sagemakerSettings(p, b, ["userSettings"]),
  "aws:sagemaker/space:Space": (p, b) => sagemakerSettings(p, b, ["spaceSettings"]),
  "aws-native:sagemaker:InferenceComponent": (p, b) => {
    const n = readNumber(p, ["specification", "computeResourceRequirements", "numberOfAcceleratorDevicesRequired"]);
    if (n.state === "opaque") b.opaque(n.path);
    if (n.state === "value") b.gpuCount(n.path, n.value);
  },

  // ---- GCP ----
  "gcp:compute/instance:Instance": (p, b) => gceAccelerators(p, b, []),
  "gcp:compute/instanceTemplate:InstanceTemplate": (p, b) => gceAccelerators(p, b, []),
  "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate": (p, b) => gceAccelerators(p, b, []),
  "gcp:container/nodePool:NodePool": (p, b) => gceAccelerators(p, b, ["nodeConfig"]),
  "gcp:container/cluster:Cluster": (p, b) => {
    gceAccelerators(p, b, ["nodeConfig"]);
    b.each(p, ["nodePools"], (_e, s) => gceAccelerators(p, b, [...s, "nodeConfig"]));
  },
  "gcp:cloudrunv2/service:Service": (p, b) => {
    b.gcpAccelerator(p, ["template", "nodeSelector", "accelerator"]);
    containerGpuLimits(p, b, ["template", "containers"]);
  },
  "gcp:cloudrunv2/job:Job": (p, b) => {
    b.gcpAccelerator(p, ["template", "template", "nodeSelector", "accelerator"]);
    containerGpuLimits(p, b, ["template", "template", "containers"]);
  },
  "gcp:cloudrunv2/workerPool:WorkerPool": (p, b) => {
    b.gcpAccelerator(p, ["template", "nodeSelector", "accelerator"]);
    containerGpuLimits(p, b, ["template", "containers"]);
  },
  "gcp:vertex/aiDeploymentResourcePool:AiDeploymentResourcePool": (p, b) => machineSpec(p, b, ["dedicatedResources", "machineSpec"]),
  "gcp:vertex/aiEndpointWithModelGardenDeployment:AiEndpointWithModelGardenDeployment": (p, b) =>
    machineSpec(p, b, ["deployConfig", "dedicatedResources", "machineSpec"]),
  "gcp:colab/runtimeTemplate:RuntimeTemplate": (p, b) => machineSpec(p, b, ["machineSpec"]),
  "gcp:workbench/instance:Instance": (p, b) => {
    b.instanceType(p, ["gceSetup", "machineType"]);
    b.each(p, ["gceSetup", "acceleratorConfigs"], (_e, s) => b.gcpAccelerator(p, [...s, "type"], [...s, "coreCount"]));
  },
  "gcp:tpu/v2Vm:V2Vm": (p, b) => {
    const type = readString(p, ["acceleratorType"]);
    if (type.state === "value" || type.state === "opaque") b.tpuType(p, ["acceleratorType"]);
    else b.tpuType(p, ["acceleratorConfig", "type"]);
  },
  "gcp:tpu/v2QueuedResource:V2QueuedResource": (p, b) => {
    b.each(p, ["tpu", "nodeSpecs"], (_e, s) => b.tpuType(p, [...s, "node", "acceleratorType"]));
  },
  // ---- Kubernetes (pod templates, KServe, Karpenter: src/engine/kubernetes) ----
  ...KUBERNETES_SCANNERS,
  "gcp:dataproc/cluster:Cluster": (p, b) => {
    for (const group of ["masterConfig", "workerConfig", "preemptibleWorkerConfig"]) {
      b.instanceType(p, ["clusterConfig", group, "machineType"]);
      b.each(p, ["clusterConfig", group, "accelerators"], (_e, s) =>
        b.gcpAccelerator(p, [...s, "acceleratorType"], [...s, "acceleratorCount"]),
      );
    }
  },
};

function machineSpec(p: PlainObject, b: ScanBuilder, base: PathStep[]): void {
  b.instanceType(p, [...base, "machineType"]);
  b.gcpAccelerator(p, [...base, "acceleratorType"], [...base, "acceleratorCount"]);
}

/** EC2 attribute-based selection: `acceleratorCount.min > 0` or named accelerators. */
function instanceRequirements(p: PlainObject, b: ScanBuilder, base: PathStep[]): void {
  const min = readNumber(p, [...base, "acceleratorCount", "min"]);
  if (min.state === "opaque") b.opaque(min.path);
  const names = readArray(p, [...base, "acceleratorNames"]);
  if (names.state === "opaque") b.opaque(names.path);
  const types = readArray(p, [...base, "acceleratorTypes"]);
  const wantsGpu =
    (min.state === "value" && min.value > 0) ||
    (names.state === "value" && names.value.length > 0) ||
    (types.state === "value" && types.value.some((t) => typeof t === "string" && /gpu|inference/i.test(t)));
  if (wantsGpu) {
    const acceleratorNames =
      names.state === "value"
        ? [...new Set(names.value.flatMap((n) => (typeof n === "string" && /^\s*[A-Za-z0-9-]{1,32}\s*$/.test(n) ? [n.trim().toLowerCase()] : [])))]
        : [];
    b.uses.push({
      path: formatPath(base),
      via: "instance-requirements",
      ...(min.state === "value" && min.value > 0 ? { count: min.value } : {}),
      recognized: false,
      ...(acceleratorNames.length > 0 ? { acceleratorNames } : {}),
    });
  }
}

/** Resource types carbonguard knows where to look for accelerators in. */
export const SCANNED_TYPES: readonly string[] = Object.keys(SCANNERS).sort();

export function scanAccelerators(type: string, cloud: Cloud, props: PlainObject): AcceleratorScan {
  const scanner = ownEntry(SCANNERS, type);
  const builder = new ScanBuilder(cloud);
  if (scanner) scanner(props, builder);
  return { uses: builder.uses, unknownPaths: [...new Set(builder.unknownPaths)] };
}
