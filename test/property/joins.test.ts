/**
 * Property tests for src/engine/stack-joins.ts: every join survives missing links, cycles, self-links and
 * unknown ids without throwing, only ever returns resources of the stack, and a link that can't be
 * resolved in preview never turns a passing stack into a violation (it may only become "can't
 * evaluate").
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateStackRule } from "../../src/engine/evaluate";
import { GCE_AUTOSCALERS, GCE_MIGS, configOfEndpoint, endpointOfComponent, launchTemplatesOf, migOfAutoscaler, resolveLinks, resourcePoliciesOf, scalingTargets, targetsFor, taskDefinitionOf, templatesOfMig } from "../../src/engine/stack-joins";
import { UNKNOWN_SENTINELS } from "../../src/engine/values";
import { type ResourceInput, type StackView, buildStackView } from "../../src/engine/view";
import { mlAutoscaleToZero } from "../../src/rules/ml-autoscale-to-zero";
import { mlTrainingGuardrails } from "../../src/rules/ml-training-guardrails";
import { anyStack as hostileStack } from "./stack-arbitraries";

const U = Object.keys(UNKNOWN_SENTINELS).find((k) => UNKNOWN_SENTINELS[k] === "string")!;

describe("joins on hostile stacks", () => {
  it("never throw, and only return resources of the stack of the expected types, never the source", () => {
    fc.assert(
      fc.property(hostileStack, (inputs) => {
        const stack = buildStackView(inputs);
        const inStack = (v: unknown) => stack.resources.includes(v as never);
        for (const v of stack.resources) {
          const joins = [
            launchTemplatesOf(stack, v),
            configOfEndpoint(stack, v),
            endpointOfComponent(stack, v),
            taskDefinitionOf(stack, v),
            migOfAutoscaler(stack, v),
            templatesOfMig(stack, v),
            resourcePoliciesOf(stack, v),
          ];
          for (const j of joins) {
            for (const f of j.found) {
              expect(inStack(f)).toBe(true);
              expect(f).not.toBe(v);
            }
            expect(j.external).toBeGreaterThanOrEqual(0);
          }
          expect(launchTemplatesOf(stack, v).found.every((f) => f.type === "aws:ec2/launchTemplate:LaunchTemplate")).toBe(true);
          expect(migOfAutoscaler(stack, v).found.every((f) => GCE_MIGS.includes(f.type))).toBe(true);
        }
        const links = scalingTargets(stack);
        for (const l of links) {
          expect(l.target.type).toBe("aws:appautoscaling/target:Target");
          if (l.subjects !== "any") for (const u of l.subjects) expect(stack.byUrn(u)).toBeDefined();
        }
        for (const v of stack.resources) {
          for (const kind of ["sagemaker-variant", "sagemaker-component", "ecs-service"] as const) {
            const tf = targetsFor(links, kind, v, "main");
            for (const t of tf.targets) expect(t.kind).toBe(kind);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("the stack parts never throw or fail internally on hostile stacks, whatever the links", () => {
    fc.assert(
      fc.property(hostileStack, (inputs) => {
        const stack = buildStackView(inputs);
        for (const rule of [mlAutoscaleToZero, mlTrainingGuardrails]) {
          for (const o of evaluateStackRule(rule, stack, {})) {
            if (o.kind === "violation") {
              expect(o.ruleError, o.message).toBeUndefined();
              expect(o.urn && stack.byUrn(o.urn)).toBeTruthy();
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("terminates on cyclic and self links", () => {
    const t = "aws:appautoscaling/target:Target";
    const e = "aws:sagemaker/endpoint:Endpoint";
    const a = "urn:pulumi:s::p::" + t + "::a";
    const b = "urn:pulumi:s::p::" + e + "::b";
    const stack = buildStackView([
      { urn: a, type: t, name: "a", props: { serviceNamespace: "sagemaker", resourceId: U, minCapacity: 1 }, links: { dependencies: [a, b], propertyDependencies: { resourceId: [b, a] } } },
      { urn: b, type: e, name: "b", props: { name: "b", endpointConfigName: U }, links: { dependencies: [a, b], propertyDependencies: { endpointConfigName: [a, b] } } },
    ]);
    // evaluateStackRule never throws (it catches): a rule that threw shows as a ruleError finding.
    for (const o of evaluateStackRule(mlAutoscaleToZero, stack, {})) if (o.kind === "violation") expect(o.ruleError, o.message).toBeUndefined();
    expect(resolveLinks(stack, stack.resources[0]!, { properties: ["resourceId"], refs: [{ state: "opaque", path: "resourceId", reason: "unknown" }], targetTypes: [t, e], keys: () => [] }).found.map((v) => v.name)).toEqual(["b"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Metamorphic: passing stacks stay passing (or become "can't evaluate") when links become unknown.

interface Family {
  readonly name: string;
  readonly rule: typeof mlAutoscaleToZero | typeof mlTrainingGuardrails;
  readonly stackTags?: Record<string, string>;
  readonly resources: readonly ResourceInput[];
  /** Reference paths that may become unknown: [resource index, path steps]. */
  readonly refs: readonly (readonly [number, readonly (string | number)[]])[];
}

const u = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;
const T = {
  cfg: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  ep: "aws:sagemaker/endpoint:Endpoint",
  ic: "aws-native:sagemaker:InferenceComponent",
  target: "aws:appautoscaling/target:Target",
  td: "aws:ecs/taskDefinition:TaskDefinition",
  svc: "aws:ecs/service:Service",
  tmpl: "gcp:compute/instanceTemplate:InstanceTemplate",
  mig: GCE_MIGS[0]!,
  scaler: GCE_AUTOSCALERS[0]!,
  vm: "gcp:compute/instance:Instance",
  policy: "gcp:compute/resourcePolicy:ResourcePolicy",
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  asg: "aws:autoscaling/group:Group",
};

function r(type: string, name: string, props: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}, dependencies: string[] = []): ResourceInput {
  return { urn: u(type, name), type, name, props, links: { dependencies, propertyDependencies } };
}

const FAMILIES: readonly Family[] = [
  {
    name: "async SageMaker endpoint with a target at minCapacity 0",
    rule: mlAutoscaleToZero,
    resources: [
      r(T.cfg, "cfg", { name: "cfg", asyncInferenceConfig: { outputConfig: {} }, productionVariants: [{ variantName: "main", modelName: "m", instanceType: "ml.g5.xlarge" }] }),
      r(T.ep, "ep", { name: "ep", endpointConfigName: "cfg" }, { endpointConfigName: [u(T.cfg, "cfg")] }, [u(T.cfg, "cfg")]),
      r(T.target, "t", { serviceNamespace: "sagemaker", scalableDimension: "sagemaker:variant:DesiredInstanceCount", resourceId: "endpoint/ep/variant/main", minCapacity: 0 }, { resourceId: [u(T.ep, "ep")] }, [u(T.ep, "ep")]),
    ],
    refs: [[1, ["endpointConfigName"]], [2, ["resourceId"]], [2, ["serviceNamespace"]], [2, ["scalableDimension"]], [0, ["productionVariants", 0, "variantName"]]],
  },
  {
    name: "inference-component endpoint with a target at minCapacity 0",
    rule: mlAutoscaleToZero,
    resources: [
      r(T.cfg, "cfg", { name: "cfg", productionVariants: [{ variantName: "main", instanceType: "ml.g6.12xlarge", managedInstanceScaling: { status: "ENABLED", minInstanceCount: 0, maxInstanceCount: 2 } }] }),
      r(T.ep, "ep", { name: "ep", endpointConfigName: "cfg" }, { endpointConfigName: [u(T.cfg, "cfg")] }),
      r(T.ic, "ic", { inferenceComponentName: "ic", endpointName: "ep", variantName: "main" }, { endpointName: [u(T.ep, "ep")] }),
      r(T.target, "t", { serviceNamespace: "sagemaker", scalableDimension: "sagemaker:inference-component:DesiredCopyCount", resourceId: "inference-component/ic", minCapacity: 0 }, { resourceId: [u(T.ic, "ic")] }),
    ],
    refs: [[1, ["endpointConfigName"]], [2, ["endpointName"]], [2, ["variantName"]], [3, ["resourceId"]], [3, ["serviceNamespace"]]],
  },
  {
    name: "ECS GPU service with a target at minCapacity 0",
    rule: mlAutoscaleToZero,
    resources: [
      r(T.td, "td", { family: "f", revision: 1, arn: "arn:aws:ecs:us-east-1:1:task-definition/f:1", containerDefinitions: JSON.stringify([{ resourceRequirements: [{ type: "GPU", value: "1" }] }]) }),
      r(T.svc, "svc", { name: "svc", cluster: "arn:aws:ecs:us-east-1:1:cluster/ml", taskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/f:1", desiredCount: 2 }, { taskDefinition: [u(T.td, "td")] }),
      r(T.target, "t", { serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount", resourceId: "service/ml/svc", minCapacity: 0 }, { resourceId: [u(T.svc, "svc")] }),
    ],
    refs: [[1, ["taskDefinition"]], [2, ["resourceId"]], [2, ["serviceNamespace"]], [1, ["cluster"]]],
  },
  {
    name: "GCE group of GPU VMs with an autoscaler at minReplicas 0",
    rule: mlAutoscaleToZero,
    resources: [
      r(T.tmpl, "tmpl", { name: "tmpl", machineType: "g2-standard-8", selfLink: "https://www.googleapis.com/compute/v1/projects/p/global/instanceTemplates/tmpl" }),
      r(T.mig, "mig", { name: "mig", targetSize: 2, selfLink: "https://www.googleapis.com/compute/v1/projects/p/zones/z/instanceGroupManagers/mig", versions: [{ instanceTemplate: "projects/p/global/instanceTemplates/tmpl" }] }, { versions: [u(T.tmpl, "tmpl")] }),
      r(T.scaler, "scaler", { target: "https://www.googleapis.com/compute/v1/projects/p/zones/z/instanceGroupManagers/mig", autoscalingPolicy: { minReplicas: 0, maxReplicas: 3 } }, { target: [u(T.mig, "mig")] }),
    ],
    refs: [[1, ["versions", 0, "instanceTemplate"]], [1, ["versions"]], [2, ["target"]], [0, ["selfLink"]], [1, ["selfLink"]]],
  },
  {
    name: "GPU VM with a stop schedule",
    rule: mlAutoscaleToZero,
    resources: [
      r(T.policy, "stop", { name: "stop", selfLink: "https://www.googleapis.com/compute/v1/projects/p/regions/r/resourcePolicies/stop", instanceSchedulePolicy: { vmStopSchedule: { schedule: "0 20 * * *" } } }),
      r(T.vm, "vm", { machineType: "g2-standard-4", resourcePolicies: ["projects/p/regions/r/resourcePolicies/stop"] }, { resourcePolicies: [u(T.policy, "stop")] }),
    ],
    refs: [[1, ["resourcePolicies", 0]], [1, ["resourcePolicies"]], [0, ["selfLink"]], [0, ["name"]]],
  },
  {
    name: "training ASG launching Spot instances from its template",
    rule: mlTrainingGuardrails,
    stackTags: { "ml-workload": "training" },
    resources: [
      r(T.lt, "lt", { id: "lt-1", instanceType: "p4d.24xlarge", instanceMarketOptions: { marketType: "spot" } }),
      r(T.asg, "asg", { minSize: 0, maxSize: 2, launchTemplate: { id: "lt-1" } }, { launchTemplate: [u(T.lt, "lt")] }),
    ],
    refs: [[1, ["launchTemplate", "id"]], [1, ["launchTemplate"]], [0, ["id"]]],
  },
];

function setPath(root: Record<string, unknown>, steps: readonly (string | number)[], value: unknown): void {
  let node: unknown = root;
  for (let i = 0; i < steps.length - 1; i++) {
    if (node === null || typeof node !== "object") return;
    node = (node as Record<string | number, unknown>)[steps[i]!];
  }
  if (node !== null && typeof node === "object") (node as Record<string | number, unknown>)[steps[steps.length - 1]!] = value;
}

function mutate(family: Family, unknownRefs: readonly boolean[], dropPropDeps: readonly boolean[], dropDeps: readonly boolean[]): StackView {
  const inputs: ResourceInput[] = family.resources.map((res, i) => {
    const props = structuredClone(res.props) as Record<string, unknown>;
    const links = res.links!;
    return {
      ...res,
      props,
      links: {
        dependencies: dropDeps[i] ? [] : [...links.dependencies],
        propertyDependencies: dropPropDeps[i] ? {} : { ...links.propertyDependencies },
      },
    };
  });
  family.refs.forEach(([index, steps], k) => {
    if (unknownRefs[k]) setPath(inputs[index]!.props as Record<string, unknown>, steps, U);
  });
  return buildStackView(inputs, { stackTags: new Map(Object.entries(family.stackTags ?? {})), stackConfig: {} });
}

describe.each(FAMILIES.map((f) => [f.name, f] as const))("passing stack '%s'", (_name, family) => {
  it("passes as written", () => {
    const os = evaluateStackRule(family.rule, mutate(family, [], [], []), {});
    expect(os).toEqual([]);
  });

  it("never becomes a violation when links are unknown in preview or dependencies are missing", () => {
    const n = family.resources.length;
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: family.refs.length, maxLength: family.refs.length }),
        fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        (unknownRefs, dropPropDeps, dropDeps) => {
          const os = evaluateStackRule(family.rule, mutate(family, unknownRefs, dropPropDeps, dropDeps), {});
          expect(os.filter((o) => o.kind === "violation")).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
