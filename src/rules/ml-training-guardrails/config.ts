/** ml-training-guardrails' options: the longest run time and warm-pool keep-alive allowed. */
import { applyConfigSchema } from "../../engine/config";

export interface TrainingGuardrailsConfig {
  readonly maxRuntimeHours: number;
  readonly maxKeepAliveMinutes: number;
}

export const configSchema = {
  properties: {
    maxRuntimeHours: {
      type: "number",
      minimum: 1,
      default: 72,
      description: "Longest a training job or training VM may run before it is stopped (SageMaker maxRuntimeInSeconds, Batch timeout, GCE/GKE maxRunDuration), in hours.",
    },
    maxKeepAliveMinutes: {
      type: "number",
      minimum: 0,
      maximum: 60,
      default: 30,
      description: "Longest a SageMaker training warm pool may keep instances after a job (resourceConfig.keepAlivePeriodInSeconds), in minutes (AWS allows up to 60).",
    },
  },
} as const;

export function parseConfig(raw: unknown): TrainingGuardrailsConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return { maxRuntimeHours: values["maxRuntimeHours"] as number, maxKeepAliveMinutes: values["maxKeepAliveMinutes"] as number };
}
