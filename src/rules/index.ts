/** The rule registry: every rule the pack and the reports run, in documentation order. */
import type { AnyResourceRule } from "../engine/rule";
import { mlCleanEnergyRegion } from "./ml-clean-energy-region";

export const RESOURCE_RULES: readonly AnyResourceRule[] = [mlCleanEnergyRegion];

export function ruleByName(name: string): AnyResourceRule | undefined {
  return RESOURCE_RULES.find((r) => r.meta.name === name);
}

export { mlCleanEnergyRegion };
