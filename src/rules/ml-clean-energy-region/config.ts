/** ml-clean-energy-region's options: the intensity limit, allow/deny lists, scope and where suggestions may be. */
import { applyConfigSchema } from "../../engine/config";

export type Residency = "country" | "continent" | "any";

export interface CleanRegionConfig {
  readonly maxGridIntensity: number;
  readonly minCfePercent: number | undefined;
  readonly allowedRegions: readonly string[];
  readonly deniedRegions: readonly string[];
  readonly scope: "ml" | "all";
  readonly residency: Residency;
}

export const configSchema = {
  properties: {
    maxGridIntensity: {
      type: "number",
      minimum: 0,
      default: 150,
      description:
        "Highest grid carbon intensity (gCO2e/kWh, Electricity Maps 2025 location-based lifecycle yearly average) a region may have.",
    },
    minCfePercent: {
      type: "number",
      minimum: 0,
      maximum: 100,
      description:
        "GCP only: a region whose Google carbon-free energy share (CFE%, Google 2024) is at least this passes even above maxGridIntensity. Unset by default.",
    },
    allowedRegions: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Regions that always pass (e.g. where a data-residency duty leaves no choice).",
    },
    deniedRegions: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Regions that always fail, whatever their intensity.",
    },
    scope: {
      type: "string",
      enum: ["ml", "all"],
      default: "ml",
      description:
        "`ml`: accelerator resources, SageMaker/Vertex AI/Workbench/Colab/TPU resources and resources tagged `ml-workload`. `all`: every regional AWS and GCP resource.",
    },
    residency: {
      type: "string",
      enum: ["country", "continent", "any"],
      default: "continent",
      description:
        "Where suggested regions may be: the same `country` (EU/EEA counts as one), the same `continent`, or `any` region.",
    },
  },
} as const;

export function parseConfig(raw: unknown): CleanRegionConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return {
    maxGridIntensity: values["maxGridIntensity"] as number,
    minCfePercent: values["minCfePercent"] as number | undefined,
    allowedRegions: (values["allowedRegions"] as string[]).map((r) => r.trim().toLowerCase()),
    deniedRegions: (values["deniedRegions"] as string[]).map((r) => r.trim().toLowerCase()),
    scope: values["scope"] as "ml" | "all",
    residency: values["residency"] as Residency,
  };
}
