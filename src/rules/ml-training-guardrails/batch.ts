/** AWS Batch: GPU compute environments on Spot, GPU job definitions with a timeout and retries. */
import { readCount, workloadOf } from "../../engine/capacity-readers";
import { na, noAccelerators, unknownAt } from "../../engine/outcomes";
import type { Outcome } from "../../engine/rule";
import { readNumber, readString } from "../../engine/values";
import type { ResourceView } from "../../engine/view";
import type { WorkloadDeclaration } from "../../engine/workload";
import type { TrainingGuardrailsConfig } from "./config";
import { type Gap, gaps, runtimeLimit } from "./gaps";

/** Batch is checked unless the workload is declared interactive or online serving. */
function batchInScope(w: WorkloadDeclaration): boolean | "unknown" {
  if (w.state === "unknown") return "unknown";
  return !(w.state === "declared" && (w.workload === "inference" || w.workload === "notebook" || w.workload === "dev"));
}

export function checkBatchEnvironment(view: ResourceView): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const scope = batchInScope(workloadOf(view));
  if (scope === false) return [na("declared for interactive or online serving")];
  const type = readString(view.props, ["computeResources", "type"]);
  if (type.state === "opaque") return [unknownAt(type.path)];
  if (type.state === "value" && /^(SPOT|FARGATE_SPOT)$/i.test(type.value)) return [];
  if (type.state === "value" && /^FARGATE$/i.test(type.value)) return [na("Fargate has no GPUs")];
  if (scope === "unknown") return [unknownAt("tags", "object")];
  const max = readCount(view.props, ["computeResources", "maxVcpus"]);
  const typed = uses.find((u) => u.instanceType?.vcpu);
  const count = max.state === "value" && typed?.instanceType?.vcpu ? Math.max(1, Math.floor(max.value / typed.instanceType.vcpu)) : 1;
  return gaps(
    "batchOnDemand",
    view,
    typed ? [typed] : uses,
    count,
    [
      {
        text: `runs accelerator jobs on on-demand capacity${count > 1 ? ` (up to ${count} instances)` : ""}; set computeResources.type to SPOT`,
        detail: "Set computeResources.type to SPOT with allocationStrategy SPOT_PRICE_CAPACITY_OPTIMIZED, and give GPU job definitions a retry strategy to absorb interruptions.",
      },
    ],
    { "computeResources.type": "SPOT", "computeResources.allocationStrategy": "SPOT_PRICE_CAPACITY_OPTIMIZED" },
  );
}

export function checkBatchJob(view: ResourceView, config: TrainingGuardrailsConfig): Outcome[] {
  const uses = view.accelerators.uses;
  if (uses.length === 0) return [noAccelerators(view)];
  const scope = batchInScope(workloadOf(view));
  if (scope === false) return [na("declared for interactive or online serving")];
  const problems: (string | Gap)[] = [];
  const suggestion: Record<string, unknown> = {};
  const timeout = runtimeLimit(view, ["timeout", "attemptDurationSeconds"], config, problems, suggestion, {
    missing: "a hung GPU job runs until someone cancels it",
    over: (runs) => `allows ${runs} per attempt (timeout.attemptDurationSeconds), above the limit of ${config.maxRuntimeHours} h`,
  });
  if (timeout) return [timeout];
  const attempts = readNumber(view.props, ["retryStrategy", "attempts"]);
  if (attempts.state === "opaque") return [unknownAt(attempts.path, "number")];
  if (!(attempts.state === "value" && attempts.value >= 2)) {
    problems.push({ text: "has no retry strategy, so a Spot interruption fails the job; set retryStrategy.attempts to 2 or more", detail: "Set retryStrategy.attempts (2 or more) and evaluateOnExits to retry on host interruptions." });
    suggestion["retryStrategy.attempts"] = 3;
  }
  if (problems.length > 0 && scope === "unknown") return [unknownAt("tags", "object")];
  return gaps("batchJobGaps", view, uses, 1, problems, suggestion);
}
