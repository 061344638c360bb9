/** ml-autoscale-to-zero's options: which declared workloads the policy leaves alone. */
import { applyConfigSchema } from "../../engine/config";
import { WORKLOADS, type Workload } from "../../engine/workload";

export interface AutoscaleConfig {
  /** Workloads whose capacity may stay on (default: training, checked by ml-training-guardrails). */
  readonly exemptWorkloads: readonly Workload[];
}

export const configSchema = {
  properties: {
    exemptWorkloads: {
      type: "array",
      items: { type: "string", enum: [...WORKLOADS] },
      default: ["training"],
      description:
        "Declared workloads (tag/label or stack tag ml-workload) this policy leaves alone. Training capacity is checked by ml-training-guardrails instead; add e.g. \"inference\" only where warm capacity is a deliberate, stack-wide choice (prefer a waiver for single resources).",
    },
  },
} as const;

export function parseConfig(raw: unknown): AutoscaleConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return { exemptWorkloads: [...new Set(values["exemptWorkloads"] as Workload[])] };
}
