/**
 * The fit of a served model to the accelerators that serve it, and the finding when it does not fit.
 *
 * Needed memory = parameters × bytes per parameter × overhead (KV cache, activations, runtime;
 * default 1.2, the BentoML LLM Inference Handbook's 20%). Provided memory = memory per device ×
 * devices the model is sharded over (tensor-parallel size when set, else every device of the type).
 * Oversized: a type of the same service offered in the same region holds the needed memory with at
 * most half the accelerators or half the accelerator memory; the smallest such type (lowest
 * published accelerator TDP) is suggested with the saving from the estimator. Undersized: the
 * weights alone exceed the memory (the model can't load), or the weights fit but not the overhead.
 */
import { type AcceleratorSubject, describeAccelerator, tdpFigure } from "../../engine/accelerator-classification";
import { type Candidate, SAGEMAKER_UPPER_BOUND_NOTE, candidateRecord, describeCandidate, findCandidates, knownRegion, replacementSaving } from "../../engine/accelerator-alternatives";
import { platformOf } from "../../engine/platform";
import { evidenceDetails, evidenceRefs } from "../../engine/accelerator-evidence";
import { formatCount, listJoin } from "../../engine/format";
import { findingOf } from "../../engine/message";
import type { FigureRef, Finding } from "../../engine/rule";
import type { ResourceView } from "../../engine/view";
import { energyNote } from "./energy";
import type { ModelFacts } from "./model-facts";

/** BentoML LLM Inference Handbook, "Calculating GPU memory for serving LLMs": 20% overhead. */
export const DEFAULT_MEMORY_OVERHEAD = 1.2;
export const OVERHEAD_SOURCE = "BentoML LLM Inference Handbook, \"Calculating GPU memory for serving LLMs\" (Memory = P × Q/8 × (1 + overhead), 20% overhead)";
export const OVERHEAD_YEAR = 2025;

export interface MemoryNeed {
  readonly weightsGb: number;
  readonly neededGb: number;
}

export function memoryNeed(facts: Pick<ModelFacts, "paramsB" | "precision">, overhead: number): MemoryNeed {
  const weightsGb = facts.paramsB * facts.precision.bytesPerParam;
  return { weightsGb, neededGb: weightsGb * overhead };
}

function gb(n: number): string {
  if (n >= 100) return `${Math.round(n)} GB`;
  if (n >= 10) return `${Math.round(n * 10) / 10} GB`;
  return `${Math.round(n * 100) / 100} GB`;
}

function paramsText(facts: ModelFacts): string {
  const b = (n: number) => `${n >= 10 ? Math.round(n * 10) / 10 : Math.round(n * 100) / 100}B`;
  return facts.activeB !== undefined ? `${b(facts.paramsB)} parameters, ${b(facts.activeB)} active` : `${b(facts.paramsB)} parameters`;
}

const PARAMS_FROM: Readonly<Record<ModelFacts["paramsFrom"], string>> = {
  tag: "declared in its ml-model-params-b tag/label",
  table: "from carbonguard's table of well-known models, ML.Energy data",
  "model id": "read from the model id",
};

const PRECISION_FROM: Readonly<Record<ModelFacts["precisionFrom"], string>> = {
  "quantization setting": "from its quantization setting",
  "dtype setting": "from its dtype setting",
  "model id": "from the model id",
  "published checkpoint": "as the checkpoint is published",
  "16-bit default": "no quantization declared",
};

export interface FitInput {
  readonly view: ResourceView;
  readonly subject: AcceleratorSubject;
  readonly facts: ModelFacts;
  /** Devices the model is sharded over, when the serving engine says. */
  readonly tensorParallel: number | undefined;
  /**
   * Devices of the type the deployment gets, when fewer than the type carries can be granted (an ECS
   * task's or Batch job's GPU requirement, an inference component's accelerator count).
   */
  readonly granted?: number;
  readonly overhead: number;
  /** Where the model was read (for the message): "its model 'x'" is never quoted; only the resource kind. */
  readonly modelWhere: string;
}

export type FitVerdict =
  | { readonly kind: "fits" }
  /** Whether a smaller type is offered depends on a region that is unknown until the update runs. */
  | { readonly kind: "region-unknown"; readonly path: string }
  | { readonly kind: "no-memory-data" }
  | { readonly kind: "finding"; readonly finding: Finding };

/** Devices of the type the deployment gets: its grant when that is fewer than the type carries. */
export function availableDevices(subject: Pick<AcceleratorSubject, "count">, granted: number | undefined): number {
  return granted !== undefined && granted >= 1 && granted < subject.count ? granted : subject.count;
}

/** Devices the model is spread over and the memory they provide. */
function provided(subject: AcceleratorSubject, tp: number | undefined, available: number): { devices: number; gb: number; perDevice: number } | undefined {
  const perDevice = subject.memoryGbPerDevice;
  if (perDevice === null || !(perDevice > 0) || !(available > 0)) return undefined;
  const devices = tp !== undefined && tp >= 1 && tp < available ? tp : available;
  return { devices, gb: perDevice * devices, perDevice };
}

export function judgeFit(input: FitInput): FitVerdict {
  const { view, subject: s, facts, overhead } = input;
  const available = availableDevices(s, input.granted);
  const partial = available < s.count;
  const have = provided(s, input.tensorParallel, available);
  if (!have) return { kind: "no-memory-data" };
  const need = memoryNeed(facts, overhead);
  const figures: FigureRef[] = [...facts.figures, overheadFigure(overhead)];
  const own = tdpFigure(s);
  if (own) figures.push(own);
  const grantText = partial ? ` (the deployment gets ${formatCount(available)} of its ${formatCount(s.count)} accelerators)` : "";
  const tpText = have.devices < available ? `${grantText} (tensor-parallel over ${have.devices} of ${partial ? "them" : `its ${formatCount(s.count)} accelerators`})` : grantText;
  const needText = `${paramsText(facts)} (${PARAMS_FROM[facts.paramsFrom]}) × ${facts.precision.bytesPerParam} bytes (${facts.precision.label}, ${PRECISION_FROM[facts.precisionFrom]}) × ${overhead} overhead ≈ ${gb(need.neededGb)}`;
  const suggestion: Record<string, unknown> = {
    paramsB: facts.paramsB,
    ...(facts.activeB !== undefined ? { activeParamsB: facts.activeB } : {}),
    paramsFrom: facts.paramsFrom,
    bytesPerParam: facts.precision.bytesPerParam,
    precisionFrom: facts.precisionFrom,
    overhead,
    weightsGb: round1(need.weightsGb),
    neededGb: round1(need.neededGb),
    providedGb: round1(have.gb),
    devicesUsed: have.devices,
    ...(partial ? { devicesGranted: available } : {}),
    current: { type: s.label, acceleratorModel: s.model, acceleratorCount: s.count, acceleratorMemoryGbPerDevice: have.perDevice, acceleratorTdpW: s.tdpWTotal },
  };

  if (need.neededGb > have.gb) {
    const cannotLoad = need.weightsGb > have.gb;
    const consequence = cannotLoad
      ? "It will fail to load, or spill weights to CPU memory and serve far slower per joule."
      : "The weights load, but the KV cache and runtime get less than the documented headroom: expect out-of-memory errors or tiny batches, which cost more energy per token (ML.Energy measurements).";
    const details = [`${input.modelWhere}: ${needText}, on ${describeAccelerator(s)}${tpText} with ${gb(have.gb)} of accelerator memory. ${consequence}`];
    const note = energyNote(facts, s, have.devices);
    if (note) {
      details.push(note.text);
      figures.push(...note.figures);
      suggestion["measured"] = note.record;
    }
    suggestion["fit"] = cannotLoad ? "cannot-load" : "no-headroom";
    const evidence = cannotLoad ? [] : ["E15"];
    return {
      kind: "finding",
      finding: findingOf(FITS_MODEL_MESSAGES, {
        messageId: cannotLoad ? "cannotLoad" : "noHeadroom",
        data: { type: s.label, params: paramsText(facts), weights: gb(need.weightsGb), needed: gb(need.neededGb), provided: gb(have.gb) },
        fix: { kind: "action", text: "use a type with more accelerator memory, or a quantized checkpoint" },
        evidence: evidenceRefs(evidence),
        details: [...details, ...evidenceDetails(evidence)],
        figures,
        suggestion,
      }),
    };
  }

  if (view.region.state === "unknown") return { kind: "region-unknown", path: view.region.path };
  const currentTotal = have.perDevice * available;
  const fitsSmaller = (c: Candidate) => {
    const mem = c.memoryGbPerDevice;
    if (mem === null || !(mem > 0)) return false;
    const total = mem * c.count;
    return total >= need.neededGb && (c.count <= available / 2 || total <= currentTotal / 2);
  };
  const result = findCandidates({
    cloud: s.cloud,
    platform: platformOf(view.type),
    role: "inference",
    sizing: "smallest",
    count: s.count,
    region: knownRegion(view),
    accept: (_names, c) => fitsSmaller(c),
    exclude: new Set([s.label]),
  });
  const best = result.ranked[0] ?? result.unpublished[0];
  if (!best) return { kind: "fits" };

  const bestMem = (best.memoryGbPerDevice ?? 0) * best.count;
  const where = result.regionChecked ? ` in ${knownRegion(view)}` : " (region not checked)";
  const parts = [`${input.modelWhere}: ${needText}, on ${describeAccelerator(s)}${tpText}.`];
  const ranked = result.ranked.map((c) => `${describeCandidate(c, s.tdpWTotal)}, ${gb((c.memoryGbPerDevice ?? 0) * c.count)}`);
  const unpublished = result.unpublished.map((c) => `${c.label}: ${formatCount(c.count)}×${c.shortModel}, ${gb((c.memoryGbPerDevice ?? 0) * c.count)} (no published TDP)`);
  parts.push(`Types that hold it with at most half the accelerators or memory, offered${where}, lowest published accelerator TDP first: ${listJoin([...ranked, ...unpublished], "or")}.`);
  for (const c of [...result.ranked, ...result.unpublished]) {
    const f = tdpFigure(c);
    if (f) figures.push(f);
  }
  // A deployment granted part of an instance shares it with others: replacing the instance is not its saving alone.
  const saving = result.ranked[0] && !partial ? replacementSaving(view, s, result.ranked[0]) : undefined;
  if (saving) {
    parts.push(saving.text);
    figures.push(...saving.figures);
    suggestion["estimatedKgCo2ePerMonthSaved"] = Math.round(saving.kgPerMonth * 10) / 10;
  }
  const alternatives = [...result.ranked, ...result.unpublished];
  const note = energyNote(facts, s, have.devices);
  if (note) {
    parts.push(note.text);
    figures.push(...note.figures);
    suggestion["measured"] = note.record;
  }
  if (result.sagemakerUpperBound) parts.push(SAGEMAKER_UPPER_BOUND_NOTE);
  suggestion["fit"] = "oversized";
  suggestion["region"] = knownRegion(view) ?? null;
  suggestion["regionChecked"] = result.regionChecked;
  suggestion["alternatives"] = alternatives.map((c) => ({ ...candidateRecord(c, s.tdpWTotal), acceleratorMemoryGb: (c.memoryGbPerDevice ?? 0) * c.count }));
  return {
    kind: "finding",
    finding: findingOf(FITS_MODEL_MESSAGES, {
      messageId: "oversized",
      data: {
        type: s.label,
        current: `${partial ? `${formatCount(available)} of ` : ""}${formatCount(s.count)}×${s.shortModel}, ${gb(currentTotal)}`,
        needed: gb(need.neededGb),
        better: best.label,
        betterDesc: `${formatCount(best.count)}×${best.shortModel}, ${gb(bestMem)}`,
      },
      fix: { kind: "type", from: s.label, to: alternatives.map((c) => c.label) },
      ...(saving ? { saving: { kgCo2ePerMonth: saving.kgPerMonth, basis: saving.basis } } : {}),
      details: parts,
      figures,
      suggestion,
    }),
  };
}

/** The rule's messages: the first sentence of each kind of finding (what is wrong and the fix). */
export const FITS_MODEL_MESSAGES = {
  cannotLoad: "{{type}} can't hold the served model: its {{params}} need ≈{{weights}} for weights alone, {{provided}} provided; use a larger type or quantize.",
  noHeadroom: "{{type}} is too small for the served model: ≈{{needed}} needed with KV cache, {{provided}} provided; use a larger type or quantize.",
  oversized: "{{type}} ({{current}}) is oversized for the served model (≈{{needed}}): use {{better}} ({{betterDesc}}).",
  shardsExceedDevices: "The served model is sharded over {{tp}} accelerators but {{type}} gives it {{devices}}: it will fail to start; set the tensor-parallel size to {{devices}} or use a larger type.",
} as const;

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function overheadFigure(overhead: number): FigureRef {
  return {
    label: "serving memory overhead",
    value: overhead,
    unit: "× weights",
    source: OVERHEAD_SOURCE,
    year: OVERHEAD_YEAR,
    basis: "KV cache, activations and runtime on top of the weights; a rule of thumb, configurable (memoryOverhead)",
    ...(overhead !== DEFAULT_MEMORY_OVERHEAD ? { estimate: "set in the policy config" } : {}),
  };
}
