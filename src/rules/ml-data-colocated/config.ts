/**
 * ml-data-colocated's options: which regions count as clean when choosing what to move. They are
 * ml-clean-energy-region's own options (same schema, same defaults), so the two policies agree.
 */
import { applyConfigSchema } from "../../engine/config";
import type { ConfigPropertySchema, RuleConfigSchema } from "../../engine/rule";
import { mlCleanEnergyRegion } from "../ml-clean-energy-region";

export interface ColocatedConfig {
  readonly maxGridIntensity: number;
  readonly allowedRegions: readonly string[];
}

const clean = mlCleanEnergyRegion.meta.configSchema.properties;

function cleanRegionOption(name: "maxGridIntensity" | "allowedRegions", why: string): ConfigPropertySchema {
  const option = clean[name];
  if (!option) throw new Error(`ml-clean-energy-region has no option ${name}`);
  return { ...option, description: `${option.description} ${why}` };
}

export const configSchema: RuleConfigSchema = {
  properties: {
    maxGridIntensity: cleanRegionOption("maxGridIntensity", "Used to choose between moving the data and moving the compute; keep it equal to ml-clean-energy-region's."),
    allowedRegions: cleanRegionOption("allowedRegions", "Keep it equal to ml-clean-energy-region's."),
  },
};

export function parseConfig(raw: unknown): ColocatedConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return {
    maxGridIntensity: values["maxGridIntensity"] as number,
    allowedRegions: (values["allowedRegions"] as string[]).map((r) => r.trim().toLowerCase()),
  };
}
