// The view is the one place that reads a resource's tags/labels, whatever shape the provider uses.
import { describe, expect, it } from "vitest";
import { buildView } from "../../src/engine/view";
import { ownWorkload } from "../../src/engine/workload";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("resource tags in the view", () => {
  it("reads Auto Scaling group tags given as a list of {key, value}", () => {
    const view = buildView({ urn: "u", type: "aws:autoscaling/group:Group", name: "g", props: { tags: [{ key: "ml-workload", value: "inference", propagateAtLaunch: true }, { key: "team", value: "vision" }] } });
    expect(view.tags.get("team")).toEqual({ state: "value", value: "vision" });
    expect(ownWorkload(view)).toEqual({ state: "declared", workload: "inference", source: "resource" });
  });

  it("treats an Auto Scaling tag list with a key unknown in preview as unknown, not absent", () => {
    const view = buildView({ urn: "u", type: "aws:autoscaling/group:Group", name: "g", props: { tags: [{ key: UNKNOWN, value: "training" }] } });
    expect(view.tagsUnknown).toBe(true);
    expect(ownWorkload(view)).toEqual({ state: "unknown" });
  });

  it("reads GKE cluster resourceLabels and lets resource tags override provider defaults", () => {
    const cluster = buildView({ urn: "u", type: "gcp:container/cluster:Cluster", name: "c", props: { resourceLabels: { "ml-workload": "training" } } });
    expect(ownWorkload(cluster)).toMatchObject({ state: "declared", workload: "training" });
    const ec2 = buildView({ urn: "u", type: "aws:ec2/instance:Instance", name: "i", props: { tags: { team: "a" } }, providerProps: { defaultTags: { tags: { team: "b", owner: "x" } } } });
    expect(ec2.tags.get("team")).toEqual({ state: "value", value: "a" });
    expect(ec2.tags.get("owner")).toEqual({ state: "value", value: "x" });
  });

  it("reports an invalid workload value as invalid, keeping it for the message", () => {
    const view = buildView({ urn: "u", type: "aws:ec2/instance:Instance", name: "i", props: { tags: { "ml-workload": "serving" } } });
    expect(ownWorkload(view)).toEqual({ state: "invalid", source: "resource", value: "serving" });
  });
});

describe("provider default tags", () => {
  it("reads defaultTags kept as a JSON string, as state files and the engine store provider config", () => {
    const view = buildView({
      urn: "u",
      type: "aws:ec2/instance:Instance",
      name: "i",
      props: { instanceType: "g6.xlarge" },
      providerProps: { region: "eu-north-1", defaultTags: JSON.stringify({ tags: { "ml-workload": "inference", team: "vision" } }) },
    });
    expect(view.tags.get("team")).toEqual({ state: "value", value: "vision" });
    expect(ownWorkload(view)).toMatchObject({ state: "declared", workload: "inference" });
  });

  it("ignores a defaultTags string that is not JSON", () => {
    const view = buildView({ urn: "u", type: "aws:ec2/instance:Instance", name: "i", props: {}, providerProps: { defaultTags: "{oops" } });
    expect(view.tags.size).toBe(0);
  });
});

describe("a property named __proto__ (valid JSON, hostile input)", () => {
  it("stays data: it neither hides the other properties nor becomes the prototype", async () => {
    const { normalizeProps } = await import("../../src/engine/values");
    const { recordProps } = await import("../../src/inputs");
    const raw = JSON.parse('{"__proto__": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "c"}, "region": "eu-north-1", "tags": {"ml-workload": "training"}}') as Record<string, unknown>;
    const merged = recordProps({ inputs: {}, outputs: raw });
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(["__proto__", "region", "tags"]);
    const n = normalizeProps(merged);
    expect(Object.getPrototypeOf(n)).toBe(Object.prototype);
    expect(n["region"]).toBe("eu-north-1");
    expect(Object.keys(n)).toEqual(["__proto__", "region", "tags"]);
    const v = buildView({ urn: "urn:pulumi:s::p::aws:ec2/instance:Instance::r", type: "aws:ec2/instance:Instance", name: "r", props: n });
    expect(v.tags.get("ml-workload")).toEqual({ state: "value", value: "training" });
    expect(v.region).toMatchObject({ state: "known", region: "eu-north-1" });
  });
});

describe("string values named like Object.prototype members", () => {
  it("are plain strings, not unknowns (the sentinel lookup is own-keys only)", async () => {
    const { normalizeProps, isOpaque } = await import("../../src/engine/values");
    const n = normalizeProps({ a: "constructor", b: "toString", c: "__proto__", d: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
    expect(n["a"]).toBe("constructor");
    expect(n["b"]).toBe("toString");
    expect(n["c"]).toBe("__proto__");
    expect(isOpaque(n["d"])).toBe(true);
  });
});
