/**
 * A tensor-parallel size larger than the accelerators the deployment gets (`--tensor-parallel-size 8`
 * or `SM_NUM_GPUS=8` on a 1-GPU type): the serving engine does not start serving (vLLM raises "The
 * number of required GPUs exceeds the total number of available GPUs", or waits for them; TGI
 * launches one shard per GPU). Needs no model size: the count
 * alone decides, so it is judged even when the model can't be sized.
 */
import { type AcceleratorSubject, describeAccelerator } from "../../engine/accelerator-classification";
import { formatCount } from "../../engine/format";
import { findingOf } from "../../engine/message";
import type { Finding } from "../../engine/rule";
import { FITS_MODEL_MESSAGES } from "./fit";

export interface ShardCheck {
  readonly subject: AcceleratorSubject;
  /** Devices of the type the deployment gets (all of them unless a task/component grant says fewer). */
  readonly available: number;
  readonly tensorParallel: number;
  readonly modelWhere: string;
}

/** The finding when the model is sharded over more accelerators than there are; undefined otherwise. */
export function shardsExceedDevices(c: ShardCheck): Finding | undefined {
  if (!(c.tensorParallel > c.available) || !(c.available >= 1)) return undefined;
  const s = c.subject;
  const gets = c.available < s.count ? `${formatCount(c.available)} of its ${formatCount(s.count)} accelerators` : `${formatCount(c.available)} accelerator${c.available === 1 ? "" : "s"}`;
  return findingOf(FITS_MODEL_MESSAGES, {
    messageId: "shardsExceedDevices",
    data: { type: s.label, tp: c.tensorParallel, devices: formatCount(c.available) },
    fix: { kind: "action", text: `set the tensor-parallel size to at most ${formatCount(c.available)}, or use a type with ${c.tensorParallel} accelerators` },
    details: [
      `${c.modelWhere} is sharded over ${c.tensorParallel} accelerators (its tensor-parallel size: SM_NUM_GPUS, NUM_SHARD, OPTION_TENSOR_PARALLEL_DEGREE or the engine's flag), on ${describeAccelerator(s)}, which gives it ${gets}. The serving engine stops at start-up (or waits) when it finds fewer accelerators than shards, so the deployment never serves.`,
    ],
    figures: [],
    suggestion: { fit: "too-many-shards", tensorParallel: c.tensorParallel, devicesAvailable: c.available, current: { type: s.label, acceleratorModel: s.model, acceleratorCount: s.count } },
  });
}
