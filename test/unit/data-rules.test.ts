// ml-data-colocated and ml-storage-lifecycle beyond their documented examples, and the storage and
// network estimates: the numbers follow the CCF coefficients committed in region-data/coefficients.json.
import { describe, expect, it } from "vitest";
import { coefficients } from "../../src/data/coefficients";
import { runStackExample } from "../../src/engine/examples";
import type { Finding, Outcome, StackRuleExample } from "../../src/engine/rule";
import { buildStackView, buildView } from "../../src/engine/view";
import { estimateResource, estimateStack } from "../../src/estimate";
import { mlDataColocated } from "../../src/rules/ml-data-colocated";
import { externalBucketExample, stackExamples } from "../../src/rules/ml-data-colocated/examples";
import { mlStorageLifecycle } from "../../src/rules/ml-storage-lifecycle";
import { stackExamples as lifecycleExamples } from "../../src/rules/ml-storage-lifecycle/examples";

const violations = (os: readonly Outcome[]) => os.filter((o): o is Finding => o.kind === "violation");
const urn = (type: string, name: string) => `urn:pulumi:s::p::${type}::${name}`;

describe("the CCF storage and network coefficients", () => {
  it("are committed with the service replication factors and the network figure", () => {
    const c = coefficients();
    expect(c.networkKwhPerGb).toBe(0.001);
    expect(c.storageWhPerTbHour).toEqual({ ssd: 1.2, hdd: 0.65 });
    expect(c.replication).toMatchObject({ awsEbs: 2, awsS3: 6, awsEfs: 3, gcsSingleRegion: 2, gcpFilestore: 2, awsDefault: 1 });
  });
});

describe("ml-data-colocated", () => {
  it("a bucket outside the stack is a low-severity advisory note naming it, never a region guess", () => {
    const [f, ...rest] = violations(runStackExample(mlDataColocated, externalBucketExample));
    expect(rest).toEqual([]);
    expect(f!.messageId).toBe("bucketOutsideStack");
    expect(f!.level).toBe("advisory");
    expect(f!.severity).toBe("low");
    expect(f!.message).toContain("'someone-elses-bucket'");
    expect(f!.message).not.toMatch(/us-|eu-/);
  });

  it("prices one full read across regions from the bucket's declared size (CCF network coefficient × PUE × grid)", () => {
    const f = violations(runStackExample(mlDataColocated, stackExamples[0]!))[0]!;
    // 2,000 GB × 0.001 kWh/GB × eu-north-1 PUE 1.15 = 2.3 kWh.
    expect(f.suggestion?.["transferKwhPerFullRead"]).toBe(2.3);
    expect(f.figures.some((x) => x.label === "network energy" && x.value === 0.001 && x.year === 2024)).toBe(true);
    expect(f.fix).toEqual({ kind: "region", from: "us-east-1", to: ["eu-north-1"] });
  });

  it("moves the compute only where its accelerators are offered and the region is clean", () => {
    const f = violations(runStackExample(mlDataColocated, stackExamples[1]!))[0]!;
    expect(f.messageId).toBe("moveCompute");
    expect(f.fix).toEqual({ kind: "region", from: "us-east-1", to: ["eu-north-1"] });
    // With eu-north-1 over the limit, the data moves instead.
    const strict: StackRuleExample = { ...stackExamples[1]!, config: { maxGridIntensity: 10 } };
    expect(violations(runStackExample(mlDataColocated, strict)).map((x) => x.messageId)).toEqual(["moveData"]);
  });
});

describe("ml-storage-lifecycle", () => {
  it("prices the replica of a 500 GB checkpoint bucket as the saving (CCF HDD × S3 replication, eu-west-1 grid)", () => {
    const f = violations(runStackExample(mlStorageLifecycle, lifecycleExamples[5]!))[0]!;
    expect(f.messageId).toBe("replicated");
    expect(f.message).toContain("replicated to eu-west-1");
    // 0.5 TB × 0.65 Wh/TB-h × 6 = 1.95 W; × 730 h × PUE → kWh; × grid → kg. Small, but not zero.
    expect(f.saving!.kgCo2ePerMonth).toBeGreaterThan(0);
    expect(f.saving!.kgCo2ePerMonth).toBeLessThan(1);
  });

  it("a bucket whose tags are unknown in preview may be labelled ml-data: can't evaluate, never a pass", () => {
    const stack = buildStackView([{ urn: urn("aws:s3/bucket:Bucket", "b"), type: "aws:s3/bucket:Bucket", name: "b", props: { region: "eu-north-1", tags: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff" } }]);
    const outcomes = mlStorageLifecycle.evaluateStack!(stack, { config: mlStorageLifecycle.parseConfig({}), stack: stack.stack });
    expect(outcomes.map((o) => o.kind)).toEqual(["unknown"]);
  });

  it("a disabled lifecycle rule expires nothing", () => {
    const bad: StackRuleExample = {
      ...lifecycleExamples[1]!,
      resources: lifecycleExamples[1]!.resources.map((r) => (r.name === "checkpoints-lifecycle" ? { ...r, props: { ...r.props, rules: [{ id: "x", status: "Disabled", expiration: { days: 30 } }] } } : r)),
    };
    expect(violations(runStackExample(mlStorageLifecycle, bad)).map((f) => f.messageId)).toEqual(["noLifecycle"]);
  });
});

describe("storage in the estimate", () => {
  it("a bucket with ml-data-size-gb: 0.5 TB × 0.65 Wh/TB-h × S3 replication 6 = 1.95 W, 730 h, PUE 1.15", () => {
    const view = buildView({ urn: urn("aws:s3/bucket:Bucket", "b"), type: "aws:s3/bucket:Bucket", name: "b", props: { region: "eu-north-1", tags: { "ml-data-size-gb": "500" } } });
    const e = estimateResource(view);
    expect(e.status).toBe("estimated");
    if (e.status !== "estimated") return;
    expect(e.parts[0]!.power.watts).toBeCloseTo(1.95, 6);
    expect(e.energyKwh.ceiling).toBeCloseTo((1.95 * 730 * 1.15) / 1000, 6);
  });

  it("a bucket without a declared size is not estimated (not a guess, not an unknown)", () => {
    const view = buildView({ urn: urn("aws:s3/bucket:Bucket", "b"), type: "aws:s3/bucket:Bucket", name: "b", props: { region: "eu-north-1" } });
    expect(estimateResource(view).status).toBe("not-applicable");
  });

  it("the root/data volumes of GPU capacity count in its estimate, with its units and hours, and in the stack total", () => {
    const props = { region: "eu-north-1", instanceType: "g6.xlarge", rootBlockDevice: { volumeSize: 500, volumeType: "gp3" } };
    const withDisk = buildView({ urn: urn("aws:ec2/instance:Instance", "gpu"), type: "aws:ec2/instance:Instance", name: "gpu", props });
    const without = buildView({ urn: urn("aws:ec2/instance:Instance", "gpu"), type: "aws:ec2/instance:Instance", name: "gpu", props: { region: "eu-north-1", instanceType: "g6.xlarge" } });
    const a = estimateResource(withDisk);
    const b = estimateResource(without);
    if (a.status !== "estimated" || b.status !== "estimated") throw new Error("not estimated");
    expect(a.parts.map((p) => p.label)).toEqual([b.parts[0]!.label, "attached SSD volumes 537 GB per unit"]);
    // 500 GiB = 536.9 GB × 1.2 Wh/TB-h × EBS replication 2 ≈ 1.29 W.
    expect(a.parts[1]!.power.watts).toBeCloseTo(0.5368709 * 1.2 * 2, 4);
    expect(a.energyKwh.ceiling).toBeGreaterThan(b.energyKwh.ceiling);
    const stack = buildStackView([{ urn: withDisk.urn, type: withDisk.type, name: "gpu", props }]);
    expect(estimateStack(stack).energyKwh.ceiling).toBeCloseTo(a.energyKwh.ceiling, 6);
  });

  it("a CPU instance's disks are not attached to accelerator capacity: not added", () => {
    const view = buildView({ urn: urn("aws:ec2/instance:Instance", "web"), type: "aws:ec2/instance:Instance", name: "web", props: { region: "eu-north-1", instanceType: "m5.large", rootBlockDevice: { volumeSize: 500 } } });
    const e = estimateResource(view);
    expect(e.status).toBe("estimated");
    expect(e.status === "estimated" ? e.parts.length : 0).toBe(1);
  });

  it("FSx and Filestore capacity are estimated from their declared capacity", () => {
    const fsx = buildView({ urn: urn("aws:fsx/lustreFileSystem:LustreFileSystem", "f"), type: "aws:fsx/lustreFileSystem:LustreFileSystem", name: "f", props: { region: "eu-north-1", storageCapacity: 1200 } });
    const fs = buildView({ urn: urn("gcp:filestore/instance:Instance", "fs"), type: "gcp:filestore/instance:Instance", name: "fs", props: { location: "europe-north1-a", tier: "BASIC_HDD", fileShares: { name: "s", capacityGb: 1024 } } });
    const a = estimateResource(fsx);
    const b = estimateResource(fs);
    if (a.status !== "estimated" || b.status !== "estimated") throw new Error("not estimated");
    expect(a.parts[0]!.power.watts).toBeCloseTo(1200 * 1.073741824 / 1000 * 1.2 * 1, 4);
    expect(b.parts[0]!.power.watts).toBeCloseTo((1024 / 1000) * 0.65 * 2, 4);
  });
});
