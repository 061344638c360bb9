/** The rule registry: every rule the pack and the reports run, in documentation order. */
import type { AnyRule } from "../engine/rule";
import { mlCleanEnergyRegion } from "./ml-clean-energy-region";
import { mlWorkloadDeclared } from "./ml-workload-declared";
import { acceleratorFitsWorkload } from "./accelerator-fits-workload";
import { acceleratorCurrentGeneration } from "./accelerator-current-generation";
import { acceleratorFitsModel } from "./accelerator-fits-model";
import { mlStackCarbonBudget } from "./ml-stack-carbon-budget";
import { mlAutoscaleToZero } from "./ml-autoscale-to-zero";
import { mlNotebookIdleShutdown } from "./ml-notebook-idle-shutdown";
import { mlTrainingGuardrails } from "./ml-training-guardrails";
import { mlDataColocated } from "./ml-data-colocated";
import { mlStorageLifecycle } from "./ml-storage-lifecycle";

export const RULES: readonly AnyRule[] = [mlCleanEnergyRegion, mlWorkloadDeclared, acceleratorFitsWorkload, acceleratorCurrentGeneration, acceleratorFitsModel, mlAutoscaleToZero, mlNotebookIdleShutdown, mlTrainingGuardrails, mlDataColocated, mlStorageLifecycle, mlStackCarbonBudget];

export function ruleByName(name: string): AnyRule | undefined {
  return RULES.find((r) => r.meta.name === name);
}
