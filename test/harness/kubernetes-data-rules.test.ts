// Tier 2 for ml-data-colocated and ml-storage-lifecycle on Kubernetes workloads: the real pack
// (policies/, compiled) over gRPC AnalyzeStack, the Job placed on its GKE cluster through the
// Kubernetes provider's kubeconfig. A FUSE-mounted dataset bucket in another region, the cluster's
// location unknown in preview (can't evaluate, never a pass), a secret env URI (never echoed), and a
// read-write FUSE checkpoint mount nothing expires.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnalyzeDiagnostic, POLICIES_DIR, type Session, type StackResource, secret, startSession, testUrn, unknown } from "./index";
import { gke, k8sProviderRef, provider, res } from "./kubernetes-stack";

const COLOCATED = "ml-data-colocated";
const LIFECYCLE = "ml-storage-lifecycle";
const HIDDEN = "very-private-fuse-bucket";
const of = (policy: string, ds: readonly AnalyzeDiagnostic[]) => ds.filter((d) => d.policyName === policy);

const bucket = (name: string, location: string) => res("gcp:storage/bucket:Bucket", name, { name, location });

function job(volumes: Record<string, unknown>[], env: Record<string, unknown>[] = []): StackResource {
  return res(
    "kubernetes:batch/v1:Job",
    "trainer",
    {
      metadata: { name: "trainer", labels: { "ml-workload": "training" } },
      spec: {
        template: {
          spec: {
            nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" },
            containers: [{ name: "train", image: "pytorch", env, resources: { limits: { "nvidia.com/gpu": 1 } }, volumeMounts: volumes.map((v) => ({ name: v["name"], mountPath: "/data" })) }],
            volumes,
          },
        },
      },
    },
    { provider: k8sProviderRef },
  );
}

const fuse = (name: string, bucketName: unknown, readOnly?: boolean) => ({ name, csi: { driver: "gcsfuse.csi.storage.gke.io", ...(readOnly ? { readOnly } : {}), volumeAttributes: { bucketName } } });

describe("data rules on Kubernetes workloads through gRPC (preview)", () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession({ packDir: POLICIES_DIR, stack: "dev", project: "ml", dryRun: true });
  });
  afterAll(async () => session?.close());

  it("a FUSE-mounted dataset bucket in another region than the Job's cluster: move the data", async () => {
    const cluster = gke("europe-west4");
    const { diagnostics } = await session.analyzeStack([bucket("team-datasets", "US-CENTRAL1"), cluster, provider(cluster), job([fuse("d", "team-datasets", true)])]);
    const [d, ...rest] = of(COLOCATED, diagnostics);
    expect(rest).toEqual([]);
    expect(d!.urn).toBe(testUrn("kubernetes:batch/v1:Job", "trainer"));
    expect(d!.message).toContain("europe-west4");
    expect(d!.message).toContain("team-datasets");
    expect(of(LIFECYCLE, diagnostics)).toEqual([]);
  });

  it("the cluster's location unknown in preview: can't evaluate, never a pass", async () => {
    const cluster = gke(unknown("string"));
    const { diagnostics } = await session.analyzeStack([bucket("team-datasets", "US-CENTRAL1"), cluster, provider(cluster), job([fuse("d", "team-datasets", true)])]);
    const [d] = of(COLOCATED, diagnostics);
    expect(d?.message).toMatch(/can't run policy 'ml-data-colocated' .*during preview/);
  });

  it("a secret env URI named as data: can't evaluate, its bucket never echoed", async () => {
    const cluster = gke("europe-west4");
    const { diagnostics } = await session.analyzeStack([cluster, provider(cluster), job([], [{ name: "DATASET_URI", value: secret(`gs://${HIDDEN}/train/`) }])]);
    expect(JSON.stringify(diagnostics)).not.toContain(HIDDEN);
    expect(of(COLOCATED, diagnostics)[0]?.message).toMatch(/can't run policy 'ml-data-colocated'/);
  });

  it("a read-write FUSE mount of a training Job is a checkpoint bucket: nothing expires it", async () => {
    const cluster = gke("europe-west4");
    const { diagnostics } = await session.analyzeStack([bucket("team-checkpoints", "EUROPE-WEST4"), cluster, provider(cluster), job([fuse("ckpt", "team-checkpoints")])]);
    const [d] = of(LIFECYCLE, diagnostics);
    expect(d?.message).toContain("Bucket 'team-checkpoints' holds checkpoints");
    expect(of(COLOCATED, diagnostics)).toEqual([]);
  });
});
