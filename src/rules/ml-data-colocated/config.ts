/**
 * ml-data-colocated's options: which regions count as clean when choosing what to move. They are
 * ml-clean-energy-region's own options (same schema, same defaults, same compliance check), so the
 * two policies agree.
 */
import { applyConfigSchema } from "../../engine/config";
import type { ConfigPropertySchema, RuleConfigSchema } from "../../engine/rule";
import { type CleanRegionConfig, configSchema as cleanSchema, parseConfig as parseCleanConfig } from "../ml-clean-energy-region/config";

export interface ColocatedConfig {
  /** ml-clean-energy-region's config with these options (its defaults elsewhere), for its compliance check. */
  readonly clean: CleanRegionConfig;
}

function cleanRegionOption(option: ConfigPropertySchema, why: string): ConfigPropertySchema {
  return { ...option, description: `${option.description} ${why}` };
}

export const configSchema: RuleConfigSchema = {
  properties: {
    maxGridIntensity: cleanRegionOption(cleanSchema.properties.maxGridIntensity, "Used to choose between moving the data and moving the compute; keep it equal to ml-clean-energy-region's."),
    allowedRegions: cleanRegionOption(cleanSchema.properties.allowedRegions, "Keep it equal to ml-clean-energy-region's."),
  },
};

export function parseConfig(raw: unknown): ColocatedConfig {
  const { values } = applyConfigSchema(configSchema, raw);
  return { clean: parseCleanConfig({ maxGridIntensity: values["maxGridIntensity"], allowedRegions: values["allowedRegions"] }) };
}
