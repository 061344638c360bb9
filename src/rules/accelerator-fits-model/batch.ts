/**
 * AWS Batch: the model is named in a job definition's `containerProperties` (environment, secrets,
 * command); the GPUs it gets are its GPU requirement. A job definition names no compute
 * environment (a job is submitted to a queue at run time), so the rule judges a job definition only
 * when every GPU type that any queue of the stack can run it on carries the same accelerator (model
 * and memory): then the fit is the same wherever it runs. Different accelerators, or any queue or
 * environment the stack does not fully describe: no claim (src/engine/batch-capacity.ts).
 */
import { batchInstanceTypes } from "../../engine/batch-capacity";
import { resourcesOfTypes } from "../../engine/stack-joins";
import type { Outcome } from "../../engine/rule";
import { readJsonString } from "../../engine/values";
import type { StackView } from "../../engine/view";
import type { FitsModelConfig } from "./judge";
import { capacitySubjects, judgeTask, servingTask } from "./task-capacity";

export const BATCH_JOB_DEFINITION = "aws:batch/jobDefinition:JobDefinition";

export function batchOutcomes(stack: StackView, config: FitsModelConfig): Outcome[] {
  const out: Outcome[] = [];
  for (const job of resourcesOfTypes(stack, [BATCH_JOB_DEFINITION])) {
    const container = readJsonString(job.props, ["containerProperties"]);
    if (container.state !== "value") continue; // multi-node, ECS-properties or unknown: no claim
    const task = servingTask([container.value], () => "containerProperties");
    if (!task) continue;
    const capacity = capacitySubjects(batchInstanceTypes(stack));
    if (capacity.state === "none") continue;
    let subjects = capacity.state === "known" ? capacity.subjects.filter((s) => s.count >= task.gpus) : [];
    const accelerators = new Set(subjects.map((s) => `${s.model}|${s.memoryGbPerDevice}`));
    if (accelerators.size > 1) continue; // the job may run on different accelerators: no claim
    // One accelerator everywhere: the fit is the same on each type, so the smallest that places the job speaks for all.
    const vcpu = (s: (typeof subjects)[number]) => s.use.instanceType?.vcpu ?? 0;
    subjects = [...subjects].sort((a, b) => a.count - b.count || vcpu(a) - vcpu(b) || a.label.localeCompare(b.label)).slice(0, 1);
    out.push(...judgeTask(job, task, capacity, subjects, [job], config));
  }
  return out;
}
