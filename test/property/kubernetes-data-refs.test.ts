/**
 * Property-based tests for the Kubernetes data reader (src/engine/kubernetes/data-refs.ts): any pod
 * template reads without throwing; every bucket it names was written in plain text in the template
 * (never taken from a secret); a secret value only ever comes back as opaque; a FUSE mount holds
 * checkpoints only on a training workload.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kubernetesDataRefs } from "../../src/engine/kubernetes/data-refs";
import { normalizeProps } from "../../src/engine/values";
import { SECRET_SIG, hostileValue } from "./arbitraries";

const SECRET_BUCKET = "planted-secret-bucket";
const TYPES = ["kubernetes:batch/v1:Job", "kubernetes:apps/v1:DeploymentPatch", "kubernetes:core/v1:Pod", "kubernetes:batch/v1:CronJob", "kubernetes:serving.kserve.io/v1beta1:InferenceService"];

const uri = fc.oneof(
  fc.constantFrom("gs://team-data/x", "s3://team-out/y", "gs://Bad_Name/z", "team-data", "_", "gs://", "s3://a"),
  fc.constant({ ...SECRET_SIG, value: `gs://${SECRET_BUCKET}/k` }),
  fc.constant({ ...SECRET_SIG, value: SECRET_BUCKET }),
  hostileValue,
);
const envEntry = fc.record({ name: fc.oneof(fc.constantFrom("DATASET_URI", "CHECKPOINT_DIR", "MODEL", "HF_TOKEN"), hostileValue), value: uri }, { requiredKeys: [] });
const volume = fc.record(
  {
    name: fc.constantFrom("a", "b"),
    csi: fc.record({ driver: fc.oneof(fc.constant("gcsfuse.csi.storage.gke.io"), hostileValue), readOnly: fc.oneof(fc.boolean(), hostileValue), volumeAttributes: fc.record({ bucketName: uri }, { requiredKeys: [] }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const container = fc.record({ name: fc.constant("c"), env: fc.oneof(fc.array(envEntry, { maxLength: 4 }), hostileValue), volumeMounts: fc.array(fc.record({ name: fc.constantFrom("a", "b"), readOnly: fc.boolean() }), { maxLength: 2 }), storageUri: uri }, { requiredKeys: [] });
const podSpec = fc.record({ containers: fc.oneof(fc.array(container, { maxLength: 3 }), hostileValue), volumes: fc.oneof(fc.array(volume, { maxLength: 3 }), hostileValue), model: container }, { requiredKeys: [] });

function wrap(type: string, spec: unknown): unknown {
  if (type.includes("InferenceService")) return { spec: { predictor: spec } };
  if (type.includes("CronJob")) return { spec: { jobTemplate: { spec: { template: { spec } } } } };
  if (type.includes(":Pod")) return { spec };
  return { spec: { template: { spec } } };
}

/** Plain (non-secret) strings of a tree. */
function plainStrings(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof v === "string") out.add(v);
  else if (Array.isArray(v)) v.forEach((x) => plainStrings(x, out));
  else if (v && typeof v === "object" && !("4dabf18193072939515e22adb298388d" in v)) Object.values(v).forEach((x) => plainStrings(x, out));
  return out;
}

describe("kubernetesDataRefs (property)", () => {
  it("never throws, names only plain-text buckets, never a secret's, and checkpoints only when training", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), podSpec, fc.boolean(), fc.constantFrom("aws" as const, "gcp" as const, undefined), (type, spec, training, cloud) => {
        const raw = wrap(type, spec);
        const refs = kubernetesDataRefs(type, normalizeProps(raw), training, cloud);
        const plain = [...plainStrings(raw)];
        for (const r of refs) {
          expect(r.bucket === undefined).toBe(r.opaque !== undefined);
          if (r.bucket !== undefined) expect(plain.some((s) => s.toLowerCase().includes(r.bucket!))).toBe(true);
          // A FUSE mount holds checkpoints only on training; an env variable says so by its name (as for Batch).
          if (!training && r.path.includes("volumes")) expect(r.role).not.toBe("checkpoint");
        }
        expect(JSON.stringify(refs)).not.toContain(SECRET_BUCKET);
      }),
      { numRuns: 300 },
    );
  });
});
