// ml-data-colocated and ml-storage-lifecycle on Kubernetes workloads, beyond their documented
// examples: placement unknown in preview, buckets outside the stack, secret env values, the
// read-only/read-write rule for GCS FUSE mounts, Patch variants and KServe on EKS (s3://).
import { describe, expect, it } from "vitest";
import { runStackExample } from "../../src/engine/examples";
import type { Finding, Outcome, StackRuleExample } from "../../src/engine/rule";
import { kubernetesDataRefs } from "../../src/engine/kubernetes/data-refs";
import { normalizeProps } from "../../src/engine/values";
import { UNKNOWN_STRING, fuseTrainingJob, gcsFuseVolume, inferenceService, onEks, onGke } from "../../src/rules/kubernetes-examples";
import { mlDataColocated } from "../../src/rules/ml-data-colocated";
import { mlStorageLifecycle } from "../../src/rules/ml-storage-lifecycle";

const violations = (os: readonly Outcome[]) => os.filter((o): o is Finding => o.kind === "violation");
const unknowns = (os: readonly Outcome[]) => os.filter((o) => o.kind === "unknown");
const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
const gcsBucket = (name: string, location: string) => ({ type: "gcp:storage/bucket:Bucket", name, props: { name, location } });
type Resource = StackRuleExample["resources"][number];

function stack(...resources: Resource[]): StackRuleExample {
  return { title: "t", verdict: "bad", resources };
}

function withLabels(r: Resource, labels: Record<string, string>): Resource {
  const props = r.props as { metadata: Record<string, unknown> };
  return { ...r, props: { ...props, metadata: { ...props.metadata, labels } } };
}

describe("ml-data-colocated on Kubernetes", () => {
  it("a cluster whose location is unknown in preview: can't evaluate, never a pass", () => {
    const os = runStackExample(mlDataColocated, stack(gcsBucket("team-datasets", "US-CENTRAL1"), ...onGke(UNKNOWN_STRING), fuseTrainingJob([gcsFuseVolume("d", "team-datasets", true)])));
    expect(violations(os)).toEqual([]);
    expect(unknowns(os).length).toBeGreaterThan(0);
    expect(JSON.stringify(unknowns(os))).toContain("kubeconfig");
  });

  it("a FUSE bucket declared outside the stack: the advisory note names it", () => {
    const [f, ...rest] = violations(runStackExample(mlDataColocated, stack(...onGke("europe-west4"), fuseTrainingJob([gcsFuseVolume("d", "shared-datasets", true)]))));
    expect(rest).toEqual([]);
    expect(f!.messageId).toBe("bucketOutsideStack");
    expect(f!.message).toContain("'shared-datasets'");
  });

  it("a gs:// env value is followed; a secret one with a data name is can't evaluate and never echoed; other secrets are not read", () => {
    const env = [
      { name: "DATASET_URI", value: "gs://team-datasets/train/" },
      { name: "CHECKPOINT_DIR", value: secret("gs://hidden-bucket-name/ckpt") },
      { name: "HF_TOKEN", value: secret("hf_planted_token_value") },
      { name: "OTHER", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
    ];
    const os = runStackExample(mlDataColocated, stack(gcsBucket("team-datasets", "US-CENTRAL1"), ...onGke("europe-west4"), fuseTrainingJob([], env)));
    expect(violations(os).map((f) => f.messageId)).toEqual(["moveData"]);
    const u = unknowns(os);
    expect(u).toHaveLength(1);
    expect(JSON.stringify(u)).toContain("env[1].value");
    const printed = JSON.stringify(os);
    expect(printed).not.toContain("hidden-bucket-name");
    expect(printed).not.toContain("hf_planted_token_value");
  });

  it("a DeploymentPatch's FUSE volume is read like a Deployment's", () => {
    const job = fuseTrainingJob([gcsFuseVolume("d", "team-datasets", true)]);
    const tpl = (job.props as { spec: { template: Record<string, unknown> } }).spec.template;
    const patch: Resource = { type: "kubernetes:apps/v1:DeploymentPatch", name: "srv", provider: "k8s", props: { metadata: { name: "srv", labels: { "ml-workload": "inference" } }, spec: { template: tpl } } };
    const os = runStackExample(mlDataColocated, stack(gcsBucket("team-datasets", "US-CENTRAL1"), ...onGke("europe-west4"), patch));
    expect(violations(os).map((f) => f.messageId)).toEqual(["moveData"]);
  });

  it("a KServe s3:// storageUri on EKS is joined to the S3 bucket", () => {
    const isvc = inferenceService(0);
    const props = isvc.props as { spec: { predictor: { model: Record<string, unknown> } } };
    const s3Isvc: Resource = { ...isvc, props: { ...props, spec: { predictor: { model: { ...props.spec.predictor.model, storageUri: "s3://team-models/llama/" } } } } };
    const os = runStackExample(
      mlDataColocated,
      stack({ type: "aws:s3/bucket:Bucket", name: "models", props: { bucket: "team-models", region: "us-east-1" } }, ...onEks("eu-north-1", s3Isvc)),
    );
    const [f] = violations(os);
    expect(f?.messageId).toBe("moveData");
    expect(f?.message).toContain("eu-north-1");
  });
});

describe("ml-storage-lifecycle on Kubernetes", () => {
  const rw = () => fuseTrainingJob([gcsFuseVolume("ckpt", "team-checkpoints")]);
  const run = (...rs: Resource[]) => violations(runStackExample(mlStorageLifecycle, stack(gcsBucket("team-checkpoints", "EUROPE-WEST4"), ...onGke("europe-west4"), ...rs)));

  it("a read-write FUSE mount of a training workload holds checkpoints", () => {
    expect(run(rw()).map((f) => f.messageId)).toEqual(["noLifecycle"]);
  });

  it("the same mount on an inference workload, or read-only through every volumeMount, is read: not in scope", () => {
    expect(run(withLabels(rw(), { "ml-workload": "inference" }))).toEqual([]);
    const ro = rw();
    const c = (ro.props as { spec: { template: { spec: { containers: { volumeMounts: Record<string, unknown>[] }[] } } } }).spec.template.spec.containers[0]!;
    c.volumeMounts = c.volumeMounts.map((m) => ({ ...m, readOnly: true }));
    expect(run(ro)).toEqual([]);
  });

  it("the stack's ml-workload tag counts when the workload declares none", () => {
    const unlabelled = withLabels(rw(), {});
    const ex: StackRuleExample = { ...stack(gcsBucket("team-checkpoints", "EUROPE-WEST4"), ...onGke("europe-west4"), unlabelled), stackTags: { "ml-workload": "training" } };
    expect(violations(runStackExample(mlStorageLifecycle, ex)).map((f) => f.messageId)).toEqual(["noLifecycle"]);
  });
});

describe("kubernetesDataRefs", () => {
  it("reads FUSE volumes only with the GCS FUSE driver, keeps only the bucket part of env URIs", () => {
    const props = normalizeProps({
      spec: {
        template: {
          spec: {
            containers: [{ name: "c", env: [{ name: "OUTPUT_URI", value: "s3://out-bucket/some/secret-ish/key" }, { name: "X", value: "not a uri" }] }],
            volumes: [
              { name: "a", csi: { driver: "gcsfuse.csi.storage.gke.io", volumeAttributes: { bucketName: "fuse-bucket" } } },
              { name: "b", csi: { driver: "other.csi.example", volumeAttributes: { bucketName: "not-this-one" } } },
            ],
          },
        },
      },
    });
    const refs = kubernetesDataRefs("kubernetes:batch/v1:Job", props, true, "gcp");
    expect(refs.map((r) => [r.bucket, r.role, r.scheme])).toEqual([
      ["fuse-bucket", "checkpoint", "gs"],
      ["out-bucket", "output", "s3"],
    ]);
    expect(JSON.stringify(refs)).not.toContain("secret-ish");
    expect(kubernetesDataRefs("kubernetes:core/v1:ConfigMap", props, true, "gcp")).toEqual([]);
  });
});
