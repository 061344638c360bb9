/**
 * accelerator-fits-model on capacity reached through joins (ECS services, Batch job definitions,
 * SageMaker inference components) and the tensor-parallel check, beyond the documented examples:
 * unknowns in preview, secrets, links made outside the stack, partial grants.
 */
import { describe, expect, it } from "vitest";
import { runExample, runStackExample } from "../../src/engine/examples";
import type { Finding, Outcome, StackRuleExample } from "../../src/engine/rule";
import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINELS } from "../../src/engine/values";
import { acceleratorFitsModel } from "../../src/rules/accelerator-fits-model";
import { capacityExampleParts as P } from "../../src/rules/accelerator-fits-model/examples-capacity";
import { longForm } from "./long-form";

const U = Object.keys(UNKNOWN_SENTINELS).find((k) => UNKNOWN_SENTINELS[k] === "string")!;
const secret = (value: string) => ({ [SIG_KEY]: SECRET_SIG, value });
type Res = StackRuleExample["resources"][number];

const run = (resources: readonly Res[]) => runStackExample(acceleratorFitsModel, { title: "t", verdict: "bad", resources });
const violations = (out: readonly Outcome[]) => out.filter((o): o is Finding => o.kind === "violation").map((f) => longForm(f));
const unknowns = (out: readonly Outcome[]) => out.filter((o) => o.kind === "unknown");
const with_ = (r: Res, props: Record<string, unknown>, extra: Partial<Res> = {}): Res => ({ ...r, ...extra, props: { ...(r.props as Record<string, unknown>), ...props } });

const LLAMA_8B = [{ name: "MODEL_ID", value: "meta-llama/Llama-3.1-8B-Instruct" }];
const strategy = (cp: string) => ({ capacityProviderStrategies: [{ capacityProvider: cp, weight: 1 }] });

function ecs(instanceType: string, gpus: number, container: Record<string, unknown> = { environment: LLAMA_8B }): Res[] {
  return [P.taskDefinition("llm", container, gpus), ...P.gpuCapacity("gpu", instanceType), P.service("llm", "llm", strategy("gpu-cp"), { capacityProviderStrategies: ["gpu-cp"] })];
}

describe("ECS services", () => {
  it("judges the GPUs the task gets: 2 of g6.12xlarge's 4 L4s for an 8B model is oversized, with no saving claimed for a shared instance", () => {
    const [f, ...rest] = violations(run(ecs("g6.12xlarge", 2)));
    expect(rest).toEqual([]);
    expect(f!.messageId).toBe("oversized");
    expect(f!.message).toMatch(/^g6\.12xlarge \(2 of 4×L4, 48 GB\) is oversized for the served model \(≈19\.2 GB\): use g6\.xlarge/);
    expect(f!.message).toContain("the deployment gets 2 of its 4 accelerators");
    expect(f!.saving).toBeUndefined();
    expect(f!.suggestion).toMatchObject({ devicesGranted: 2, providedGb: 48 });
    expect(f!.urn).toContain("aws:ecs/service:Service::llm");
  });

  it("one GPU of the same type fits: no finding", () => {
    expect(violations(run(ecs("g6.12xlarge", 1)))).toEqual([]);
  });

  it("a 70B model on the one L4 its task gets can't load", () => {
    const out = violations(run(ecs("g6.12xlarge", 1, { command: ["--model-id", "meta-llama/Llama-3.1-70B-Instruct"] })));
    expect(out.map((f) => f.messageId)).toEqual(["cannotLoad"]);
  });

  it("a type with fewer GPUs than the task requests never places it: no claim", () => {
    expect(run(ecs("g6.xlarge", 4)).filter((o) => o.kind !== "not-applicable")).toEqual([]);
  });

  it("placement constraints `in [..]` pin several types; each is judged", () => {
    const out = run([
      P.taskDefinition("llm", { environment: LLAMA_8B }, 1),
      P.service("llm", "llm", { launchType: "EC2", placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type in [g6.xlarge, p4d.24xlarge]" }] }),
    ]);
    // One A100 (40 GB) of a p4d for 19 GB is not twice too much memory nor twice too many devices: nothing on either.
    expect(violations(out)).toEqual([]);
    const oversized = run([
      P.taskDefinition("llm", { environment: LLAMA_8B }, 8),
      P.service("llm", "llm", { launchType: "EC2", placementConstraints: [{ type: "memberOf", expression: "attribute:ecs.instance-type in [g6.48xlarge, p4d.24xlarge]" }] }),
    ]);
    expect(violations(oversized).map((f) => f.data?.["type"])).toEqual(["g6.48xlarge", "p4d.24xlarge"]);
  });

  it("preview: a capacity provider unknown with nothing to follow can't be evaluated for a known model; an unknown model makes no claim", () => {
    const unresolved = [P.taskDefinition("llm", { environment: LLAMA_8B }, 8), ...P.gpuCapacity("gpu", "p4d.24xlarge"), P.service("llm", "llm", { capacityProviderStrategies: [{ capacityProvider: U, weight: 1 }] })];
    const out = run(unresolved);
    expect(violations(out)).toEqual([]);
    expect(unknowns(out)).toEqual([expect.objectContaining({ path: expect.stringContaining("capacityProviderStrategies") })]);
    const unknownModel = run([with_(P.taskDefinition("llm", {}, 8), { containerDefinitions: U }), ...ecs("p4d.24xlarge", 8).slice(1)]);
    expect(unknownModel.filter((o) => o.kind !== "not-applicable")).toEqual([]);
  });

  it("preview: the launch template's instance type unknown can't be evaluated", () => {
    const [td, lt, ...rest] = ecs("p4d.24xlarge", 8);
    const out = run([td!, with_(lt!, { instanceType: U }), ...rest]);
    expect(unknowns(out)).toEqual([expect.objectContaining({ path: expect.stringMatching(/^instanceType of launch template 'gpu-lt'/) })]);
  });

  it("a capacity provider, group or template created elsewhere, attribute-based selection, or an EC2 launch type: no claim", () => {
    const [td, lt, asg, cp, svc] = ecs("p4d.24xlarge", 8);
    const quiet = (rs: Res[]) => expect(run(rs).filter((o) => o.kind !== "not-applicable")).toEqual([]);
    quiet([td!, lt!, asg!, cp!, P.service("llm", "llm", strategy("elsewhere-cp"))]);
    quiet([td!, lt!, asg!, with_(cp!, { autoScalingGroupProvider: { autoScalingGroupArn: "arn:aws:autoscaling:us-east-1:1:autoScalingGroup:x:autoScalingGroupName/other" } }, { dependencies: [], propertyDependencies: {} }), svc!]);
    quiet([td!, with_(lt!, { instanceType: undefined, instanceRequirements: { vcpuCount: { min: 4 }, memoryMib: { min: 16384 }, acceleratorCount: { min: 1 } } }), asg!, cp!, svc!]);
    quiet([td!, P.service("llm", "llm", { launchType: "EC2" })]);
    quiet([td!, P.service("llm", "llm", { launchType: "FARGATE" })]);
  });

  it("a mixed-instances group's overrides name the types (over its template's); attribute-based overrides make no claim", () => {
    const [td, lt, asg, cp, svc] = ecs("g6.xlarge", 8);
    const overrides = (o: unknown[]) => with_(asg!, { mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-gpu" }, overrides: o } } });
    const out = violations(run([td!, lt!, overrides([{ instanceType: "g6.48xlarge" }, { instanceType: "p4d.24xlarge" }]), cp!, svc!]));
    expect(out.map((f) => f.data?.["type"])).toEqual(["g6.48xlarge", "p4d.24xlarge"]);
    expect(run([td!, lt!, overrides([{ instanceType: "p4d.24xlarge" }, { instanceRequirements: { vcpuCount: { min: 8 } } }]), cp!, svc!]).filter((o) => o.kind !== "not-applicable")).toEqual([]);
  });

  it("the cluster's default strategy applies only without a strategy or launch type of the service", () => {
    const [td, lt, asg, cp] = ecs("p4d.24xlarge", 8);
    const cluster: Res = { type: "aws:ecs/cluster:Cluster", name: "ml", props: { name: "ml", arn: "arn:aws:ecs:us-east-1:123456789012:cluster/ml" }, providerProps: { region: "us-east-1" } };
    const defaults: Res = {
      type: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
      name: "ml-defaults",
      props: { clusterName: "ml", defaultCapacityProviderStrategies: [{ capacityProvider: "gpu-cp", weight: 1 }] },
      providerProps: { region: "us-east-1" },
      propertyDependencies: { clusterName: ["ml"], defaultCapacityProviderStrategies: ["gpu-cp"] },
    };
    expect(violations(run([td!, lt!, asg!, cp!, cluster, defaults, P.service("llm", "llm", {}, { cluster: ["ml"] })])).map((f) => f.messageId)).toEqual(["oversized"]);
    expect(violations(run([td!, lt!, asg!, cp!, cluster, defaults, P.service("llm", "llm", { launchType: "EC2" }, { cluster: ["ml"] })]))).toEqual([]);
  });

  it("a model id in `secrets` (Secrets Manager) is never read: no claim; in plain `environment` it is judged and never quoted", () => {
    const hidden = { secrets: [{ name: "MODEL_ID", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:model-Zephyrine-8B" }] };
    expect(run(ecs("p4d.24xlarge", 8, hidden)).filter((o) => o.kind !== "not-applicable")).toEqual([]);
    const plain = violations(run(ecs("p4d.24xlarge", 8, { environment: [{ name: "MODEL_ID", value: "acme-private/Zephyrine-8B" }] })));
    expect(plain).toHaveLength(1);
    expect(JSON.stringify(plain)).not.toContain("Zephyrine");
  });

  it("a secret model id still counts as a served model: with its size declared by tag it is judged, the id never read", () => {
    const [td, ...rest] = ecs("g6.12xlarge", 1, { secrets: [{ name: "MODEL_ID", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:Zephyrine" }] });
    const out = violations(run([with_(td!, { tags: { "ml-model-params-b": "70" } }), ...rest]));
    expect(out.map((f) => f.messageId)).toEqual(["cannotLoad"]);
    expect(out[0]!.suggestion).toMatchObject({ paramsFrom: "tag" });
    expect(JSON.stringify(out)).not.toContain("Zephyrine");
  });

  it("container definitions kept in a secret are not read: no claim", () => {
    const [td, ...rest] = ecs("p4d.24xlarge", 8);
    const out = run([with_(td!, { containerDefinitions: secret(JSON.stringify([{ name: "s", environment: LLAMA_8B, resourceRequirements: [{ type: "GPU", value: "8" }] }])) }), ...rest]);
    expect(out.filter((o) => o.kind !== "not-applicable")).toEqual([]);
  });

  it("a container that requests no GPU runs on CPU: no claim", () => {
    const td: Res = { ...P.taskDefinition("llm", {}, 1), props: { family: "llm", containerDefinitions: JSON.stringify([{ name: "s", environment: LLAMA_8B }]) } };
    expect(run([td, ...ecs("p4d.24xlarge", 8).slice(1)]).filter((o) => o.kind !== "not-applicable")).toEqual([]);
  });
});

describe("Batch job definitions", () => {
  const job = (gpus = 1, cmd = ["--model-id", "meta-llama/Llama-3.1-70B-Instruct"]) => P.jobDefinition("j", { command: cmd }, gpus);

  it("no queue in the stack, a queue's environment created elsewhere, or a family name (`g5`): no claim", () => {
    const quiet = (rs: Res[]) => expect(run(rs).filter((o) => o.kind !== "not-applicable")).toEqual([]);
    quiet([P.computeEnvironment("l4", ["g6.xlarge"]), job()]);
    quiet([P.computeEnvironment("l4", ["g6.xlarge"]), { ...P.jobQueue("q", ["other"]), dependencies: [], propertyDependencies: {} }, job()]);
    quiet([P.computeEnvironment("l4", ["g6"]), P.jobQueue("q", ["l4"]), job()]);
    quiet([{ ...P.computeEnvironment("l4", ["g6.xlarge"]), props: { type: "UNMANAGED" } }, P.jobQueue("q", ["l4"]), job()]);
  });

  it("CPU environments in the queues don't count; Fargate ones neither", () => {
    const out = run([P.computeEnvironment("l4", ["g6.xlarge", "c6i.large"]), P.computeEnvironment("cpu", ["optimal"]), P.jobQueue("q", ["l4", "cpu"]), job()]);
    expect(violations(out).map((f) => f.messageId)).toEqual(["cannotLoad"]);
  });

  it("preview: an environment's instance types unknown can't be evaluated for a known model", () => {
    const out = run([{ ...P.computeEnvironment("l4", []), props: { type: "MANAGED", computeResources: { type: "EC2", instanceTypes: U } } }, P.jobQueue("q", ["l4"]), job()]);
    expect(violations(out)).toEqual([]);
    expect(unknowns(out)).toEqual([expect.objectContaining({ path: expect.stringContaining("computeResources.instanceTypes of Batch compute environment 'l4'") })]);
  });

  it("a model id in `secrets` is never read: no claim (the same id in `command` is judged)", () => {
    const stack = (container: Record<string, unknown>) => [P.computeEnvironment("l4", ["g6.xlarge"]), P.jobQueue("q", ["l4"]), P.jobDefinition("j", container, 1)];
    expect(run(stack({ secrets: [{ name: "HF_MODEL_ID", valueFrom: "arn:aws:ssm:us-east-1:123456789012:parameter/model" }] })).filter((o) => o.kind !== "not-applicable")).toEqual([]);
    expect(violations(run(stack({ environment: [{ name: "HF_MODEL_ID", value: "meta-llama/Llama-3.1-70B-Instruct" }] }))).map((f) => f.messageId)).toEqual(["cannotLoad"]);
  });

  it("a job asking for more GPUs than any type has is never placed: no claim", () => {
    expect(run([P.computeEnvironment("l4", ["g6.xlarge"]), P.jobQueue("q", ["l4"]), job(4)]).filter((o) => o.kind !== "not-applicable")).toEqual([]);
  });
});

describe("SageMaker inference components", () => {
  const component = (stack: Res[], spec: Record<string, unknown>) => stack.map((r) => (r.type === "aws-native:sagemaker:InferenceComponent" ? with_(r, { specification: { ...((r.props as Record<string, unknown>)["specification"] as object), ...spec } }) : r));

  it("no accelerator count, or an adapter on a base component: no claim", () => {
    const quiet = (rs: Res[]) => expect(run(rs).filter((o) => o.kind !== "not-applicable")).toEqual([]);
    quiet(component(P.componentStack(4, "ml.g6.12xlarge"), { computeResourceRequirements: { minMemoryRequiredInMb: 1024 } }));
    quiet(component(P.componentStack(4, "ml.g6.12xlarge"), { baseInferenceComponentName: "base" }));
  });

  it("preview: the accelerator count unknown can't be evaluated", () => {
    const out = run(component(P.componentStack(4, "ml.g6.12xlarge"), { computeResourceRequirements: { numberOfAcceleratorDevicesRequired: U } }));
    expect(unknowns(out)).toEqual([expect.objectContaining({ path: expect.stringContaining("numberOfAcceleratorDevicesRequired") })]);
  });

  it("the component's own container names the model (it wins over the Model's)", () => {
    const out = violations(run(component(P.componentStack(1, "ml.g6.12xlarge"), { container: { image: "x", environment: { HF_MODEL_ID: "meta-llama/Llama-3.1-70B-Instruct" } } })));
    expect(out.map((f) => f.messageId)).toEqual(["cannotLoad"]);
  });

  it("a model id in a secret container environment value is never read: no claim, never quoted", () => {
    const hidden = run(component(P.componentStack(1, "ml.g6.12xlarge"), { container: { image: "x", environment: { HF_MODEL_ID: secret("acme-private/Zephyrine-70B") } } }));
    expect(hidden.filter((o) => o.kind !== "not-applicable")).toEqual([]);
    expect(JSON.stringify(hidden)).not.toContain("Zephyrine");
  });

  it("a variant name that matches no variant: no claim", () => {
    const stack = P.componentStack(4, "ml.g6.12xlarge").map((r) => (r.type === "aws-native:sagemaker:InferenceComponent" ? with_(r, { variantName: "other" }) : r));
    expect(run(stack).filter((o) => o.kind !== "not-applicable")).toEqual([]);
  });
});

describe("more shards than accelerators (shardsExceedDevices)", () => {
  const cloudRun = (args: string[]) =>
    runExample(acceleratorFitsModel, {
      title: "t",
      verdict: "bad",
      resource: {
        type: "gcp:cloudrunv2/service:Service",
        name: "llm",
        props: { location: "europe-west4", template: { nodeSelector: { accelerator: "nvidia-l4" }, containers: [{ image: "vllm", resources: { limits: { "nvidia.com/gpu": "1" } }, args }] } },
      },
    });

  it("is reported even when the model can't be sized (a local path): the count alone decides", () => {
    const out = violations(cloudRun(["--model", "/models/current", "--tensor-parallel-size", "2"]));
    expect(out.map((f) => f.messageId)).toEqual(["shardsExceedDevices"]);
    expect(out[0]!.message).toMatch(/^The served model is sharded over 2 accelerators but nvidia-l4 gives it 1: it will fail to start/);
  });

  it("a size at most the device count is no finding of its own", () => {
    expect(violations(cloudRun(["--model", "/models/current", "--tensor-parallel-size", "1"]))).toEqual([]);
  });

  it("ECS: the task's GPUs are what counts, not the instance's", () => {
    const out = violations(run(ecs("g6.12xlarge", 2, { command: ["vllm", "serve", "Qwen/Qwen3-8B", "-tp", "4"] })));
    expect(out.map((f) => f.messageId)).toEqual(["shardsExceedDevices"]);
    expect(out[0]!.message).toContain("gives it 2 of its 4 accelerators");
  });
});
