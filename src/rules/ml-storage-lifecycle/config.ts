/** ml-storage-lifecycle's options. */
import { applyConfigSchema } from "../../engine/config";

export interface LifecycleConfig {
  readonly requireNoncurrentExpiration: boolean;
  readonly reportReplication: boolean;
}

export const configSchema = {
  properties: {
    requireNoncurrentExpiration: {
      type: "boolean",
      default: true,
      description: "On a versioned bucket, also require a rule that expires or transitions noncurrent versions (otherwise every overwritten checkpoint is kept).",
    },
    reportReplication: {
      type: "boolean",
      default: true,
      description: "Report cross-region replication of buckets that hold ML checkpoints, outputs, model artifacts or datasets, with what it doubles.",
    },
  },
} as const;

export function parseConfig(raw: unknown): LifecycleConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return { requireNoncurrentExpiration: values["requireNoncurrentExpiration"] as boolean, reportReplication: values["reportReplication"] as boolean };
}
