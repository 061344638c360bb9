/** The rule registry: every rule the pack and the reports run, in documentation order. */
import type { AnyRule } from "../engine/rule";
import { mlCleanEnergyRegion } from "./ml-clean-energy-region";

export const RULES: readonly AnyRule[] = [mlCleanEnergyRegion];

export function ruleByName(name: string): AnyRule | undefined {
  return RULES.find((r) => r.meta.name === name);
}
