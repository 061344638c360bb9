/** ml-data-colocated's options: which regions count as clean when choosing what to move (as ml-clean-energy-region decides). */
import { applyConfigSchema } from "../../engine/config";

export interface ColocatedConfig {
  readonly maxGridIntensity: number;
  readonly allowedRegions: readonly string[];
}

export const configSchema = {
  properties: {
    maxGridIntensity: {
      type: "number",
      minimum: 0,
      default: 150,
      description:
        "The grid-intensity limit (gCO2e/kWh, Electricity Maps 2025) a region must meet to be suggested as the one to move to; keep it equal to ml-clean-energy-region's maxGridIntensity so the two policies agree.",
    },
    allowedRegions: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Regions that count as allowed whatever their intensity (as in ml-clean-energy-region's allowedRegions).",
    },
  },
} as const;

export function parseConfig(raw: unknown): ColocatedConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return {
    maxGridIntensity: values["maxGridIntensity"] as number,
    allowedRegions: (values["allowedRegions"] as string[]).map((r) => r.trim().toLowerCase()),
  };
}
