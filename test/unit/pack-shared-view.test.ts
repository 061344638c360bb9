/**
 * The pack's shared view (src/pack/shared-view.ts): the policies of one Analyze call, each handed
 * its own copy of the resource, get one view; any difference in content or stack context gets a
 * view of its own.
 */
import { describe, expect, it } from "vitest";
import * as policyProxy from "@pulumi/policy/proxy";
import { sharedView } from "../../src/pack/shared-view";
import type { StackContext } from "../../src/engine/view";

// The SDK's own proxy (what policies receive as props); its typings do not export it.
const { unknownCheckingProxy } = policyProxy as unknown as { unknownCheckingProxy: <T extends object>(o: T) => T };

const URN = "urn:pulumi:dev::ml::aws:ec2/instance:Instance::gpu";
const stack: StackContext = { stackTags: new Map(), stackConfig: { "aws:region": "us-east-1" } };
const copy = () => ({
  urn: URN,
  type: "aws:ec2/instance:Instance",
  name: "gpu",
  // As the SDK hands it to each policy: a fresh deserialized copy behind its proxy.
  props: unknownCheckingProxy({ instanceType: "p4d.24xlarge", tags: { "ml-workload": "inference" } }),
  providerProps: { region: "eu-north-1" },
});

describe("sharedView", () => {
  it("gives the policies of one call the same view, built from that content", () => {
    const a = sharedView(copy(), stack);
    const b = sharedView(copy(), { ...stack });
    expect(b).toBe(a);
    expect(a.region).toMatchObject({ state: "known", region: "eu-north-1" });
    expect(a.accelerators.uses.length).toBeGreaterThan(0);
  });

  it("builds a new view when anything differs: properties (a remediation), provider, name, type, stack tags", () => {
    const base = sharedView(copy(), stack);
    const remediated = sharedView({ ...copy(), props: { instanceType: "g6.xlarge", tags: { "ml-workload": "inference" } } }, stack);
    expect(remediated).not.toBe(base);
    expect(remediated.accelerators.uses[0]?.instanceType?.name).toBe("g6.xlarge");
    expect(sharedView({ ...copy(), providerProps: { region: "us-east-1" } }, stack).region).toMatchObject({ region: "us-east-1" });
    expect(sharedView({ ...copy(), name: "other" }, stack).name).toBe("other");
    expect(sharedView({ ...copy(), type: "aws:ec2/launchTemplate:LaunchTemplate" }, stack).type).toBe("aws:ec2/launchTemplate:LaunchTemplate");
    const tagged: StackContext = { stackTags: new Map([["ml-workload", "training"]]), stackConfig: stack.stackConfig };
    const withTags = sharedView(copy(), tagged);
    expect(withTags.stack.stackTags.get("ml-workload")).toBe("training");
    // Back to the first content: a fresh view equal to the first, never one of the others.
    const again = sharedView(copy(), stack);
    expect(again.props).toEqual(base.props);
    expect(again.stack.stackTags.size).toBe(0);
  });

  it("never shares a view of something that is not plain JSON", () => {
    const cyclic: Record<string, unknown> = { instanceType: "p4d.24xlarge" };
    cyclic["self"] = cyclic;
    const a = sharedView({ ...copy(), props: cyclic }, stack);
    const b = sharedView({ ...copy(), props: cyclic }, stack);
    expect(b).not.toBe(a);
  });
});
