/**
 * One data reference: an `s3://` / `gs://` URI (or a bare bucket name) read from a property, kept
 * to its bucket part. Shared by the per-service readers (./data-refs.ts) and the Kubernetes one
 * (./kubernetes/data-refs.ts).
 */
import { type PathStep, type PlainValue, type Read, readString } from "./values";

/** What the referenced data is to the resource. `data`: read and written (a mounted bucket, a Batch job's URI of unknown role). */
export type DataRole = "input" | "output" | "checkpoint" | "model" | "data";

export interface DataRef {
  /** Property path the reference was read from (for can't-evaluate and details). */
  readonly path: string;
  /** Top-level property whose propertyDependencies may name the bucket. */
  readonly property: string;
  readonly role: DataRole;
  readonly scheme: "s3" | "gs";
  /** The bucket name, when the reference is known. */
  readonly bucket?: string;
  /** Set when the reference is unknown in preview or secret: it is not read. */
  readonly opaque?: "unknown" | "secret";
}

export const S3_BUCKETS = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
export const GCS_BUCKETS = ["gcp:storage/bucket:Bucket"];
export const BUCKET_TYPES = [...S3_BUCKETS, ...GCS_BUCKETS];

/** Bucket names as S3 and GCS allow them; anything else is not quoted or joined. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/** The bucket of an `s3://` / `gs://` URI (or of a bare bucket name when `bare`); undefined when it is not one. */
export function bucketOfUri(value: string, scheme: "s3" | "gs", bare = false): string | undefined {
  const v = value.trim();
  const prefix = `${scheme}://`;
  const rest = v.toLowerCase().startsWith(prefix) ? v.slice(prefix.length) : bare ? v : undefined;
  if (rest === undefined) return undefined;
  const name = rest.split("/")[0] ?? "";
  return BUCKET_NAME.test(name) ? name : undefined;
}

export function refAt(root: PlainValue, steps: readonly PathStep[], role: DataRole, scheme: "s3" | "gs", bare = false): DataRef | undefined {
  const r = readString(root, steps);
  return refOf(r, String(steps[0]), role, scheme, bare);
}

export function refOf(r: Read<string>, property: string, role: DataRole, scheme: "s3" | "gs", bare = false): DataRef | undefined {
  if (r.state === "opaque") return { path: r.path, property, role, scheme, opaque: r.reason };
  if (r.state !== "value") return undefined;
  const bucket = bucketOfUri(r.value, scheme, bare);
  return bucket ? { path: r.path, property, role, scheme, bucket } : undefined;
}

/** A Batch parameter or environment variable's role, from its name (`checkpointUri` writes checkpoints). */
export function roleOfName(name: string): DataRole {
  if (/checkpoint/i.test(name)) return "checkpoint";
  if (/output|result|artifact/i.test(name)) return "output";
  if (/model/i.test(name)) return "model";
  if (/input|dataset|train|data/i.test(name)) return "input";
  return "data";
}

