/**
 * Judging one served model on the capacity that serves it, for every service the rule reads: the
 * tensor-parallel size against the accelerators there are (./tensor-parallel.ts), then the memory
 * the model needs against the memory they provide (./fit.ts).
 */
import type { AcceleratorSubject } from "../../engine/accelerator-classification";
import { resolveWorkload } from "../../engine/workload-resolution";
import { na, unknownAt } from "../../engine/outcomes";
import type { Outcome } from "../../engine/rule";
import type { ResourceView } from "../../engine/view";
import { availableDevices, judgeFit } from "./fit";
import { resolveModelFacts } from "./model-facts";
import type { ServedModel } from "./serving";
import { paramsTag } from "./sources";
import { shardsExceedDevices } from "./tensor-parallel";

export interface FitsModelConfig {
  readonly memoryOverhead: number;
  readonly paramsTagKey: string;
}

export interface Judged {
  /** The resource the finding is about: its workload tag, region and service decide. */
  readonly capacity: ResourceView;
  readonly subjects: readonly AcceleratorSubject[];
  /** Where the accelerators are unknown in preview (can't evaluate a known model), as the outcome names it. */
  readonly unknownPath: string | undefined;
  readonly served: ServedModel;
  readonly tagged: readonly ResourceView[];
  readonly modelWhere: string;
  /** Devices of each subject the deployment gets, when it asks for fewer than the type carries. */
  readonly granted?: number;
  /** Report stack-part findings on this resource. */
  readonly urn?: string;
  /** A path on `capacity` as an outcome names it (stack parts name the resource). */
  readonly pathOf: (path: string) => string;
}

export function judge(j: Judged, config: FitsModelConfig): Outcome[] {
  // Serving memory is what this rule sizes; training needs optimizer state and gradients on top.
  const workload = resolveWorkload(j.capacity);
  if (workload.state === "declared" && workload.workload === "training") return [na("training capacity (the rule sizes serving)")];
  const tp = j.served.tensorParallel.state === "value" ? j.served.tensorParallel.value : undefined;
  const at = (o: Outcome): Outcome => (j.urn && o.kind === "violation" ? { ...o, urn: j.urn } : o);
  // More shards than accelerators fails at start-up whatever the model's size: judged first.
  if (tp !== undefined) {
    const shards = j.subjects.flatMap((subject) => {
      const f = shardsExceedDevices({ subject, available: availableDevices(subject, j.granted), tensorParallel: tp, modelWhere: j.modelWhere });
      return f ? [at(f)] : [];
    });
    if (shards.length > 0) return shards;
  }
  const facts = resolveModelFacts(j.served, paramsTag(j.tagged, config.paramsTagKey));
  if (facts.state === "unknown") return [na(facts.reason)];
  if (j.subjects.length === 0) {
    return [j.unknownPath !== undefined ? unknownAt(j.unknownPath) : na("the accelerator type serving the model is not known to carbonguard")];
  }
  const out: Outcome[] = [];
  for (const subject of j.subjects) {
    const verdict = judgeFit({
      view: j.capacity,
      subject,
      facts: facts.facts,
      tensorParallel: tp,
      overhead: config.memoryOverhead,
      modelWhere: j.modelWhere,
      ...(j.granted !== undefined ? { granted: j.granted } : {}),
    });
    if (verdict.kind === "finding") out.push(at(verdict.finding));
    else if (verdict.kind === "region-unknown") out.push(unknownAt(j.pathOf(verdict.path)));
  }
  return out.length > 0 ? out : [na("the accelerators fit the served model")];
}
