/**
 * The served model's size and precision, from the most trustworthy place that says it: a declared
 * tag/label, then the committed table of well-known models (exact ids whose names do not state
 * their total size, or state it wrongly: `gpt-oss-120b` has 117B, `Llama-4-Scout-17B-16E` 109B),
 * then the model id's name. Anything else is unknown: no claim.
 */
import type { FigureRef } from "../../engine/rule";
import { type KnownModel, lookupKnownModel, modelSource } from "../../data/models";
import { type Precision, SIXTEEN_BIT, precisionFromHint, precisionFromModelId, sizeFromModelId } from "./model-size";
import type { Known, ServedModel } from "./serving";

export type ParamsFrom = "tag" | "table" | "model id";
export type PrecisionFrom = "quantization setting" | "dtype setting" | "model id" | "published checkpoint" | "16-bit default";

export interface ModelFacts {
  readonly paramsB: number;
  readonly activeB: number | undefined;
  readonly paramsFrom: ParamsFrom;
  readonly precision: Precision;
  readonly precisionFrom: PrecisionFrom;
  /** The table entry, when the id is a well-known model (measured energy). */
  readonly known: KnownModel | undefined;
  readonly figures: readonly FigureRef[];
}

export type FactsResolution =
  | { readonly state: "known"; readonly facts: ModelFacts }
  /** Nothing names a model, or what names it can't be read or sized: no claim. */
  | { readonly state: "unknown"; readonly reason: string };

/**
 * A declared parameter count in billions: `8`, `1.5`; GCP label values can't hold a dot, so `1_5`
 * and `1-5` mean 1.5 there.
 */
export function parseParamsTag(value: string): number | undefined {
  const m = /^\s*(\d{1,5})(?:[._-](\d{1,3}))?\s*[bB]?\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(`${m[1]}${m[2] !== undefined ? `.${m[2]}` : ""}`);
  return n > 0 && n <= 10_000 ? n : undefined;
}

function unknown(reason: string): FactsResolution {
  return { state: "unknown", reason };
}

function precisionOf(served: ServedModel, id: string | undefined, known: KnownModel | undefined): { precision: Precision; from: PrecisionFrom } | "unknown" {
  const quant = served.quantization;
  if (quant.state === "opaque") return "unknown";
  if (quant.state === "value" && quant.value.trim() !== "") {
    const p = precisionFromHint(quant.value);
    return p ? { precision: p, from: "quantization setting" } : "unknown";
  }
  if (id !== undefined) {
    const fromId = precisionFromModelId(id);
    if (fromId) return { precision: fromId, from: "model id" };
  }
  if (known?.nativeBytesPerParam !== undefined) {
    return { precision: { bytesPerParam: known.nativeBytesPerParam, label: known.nativePrecision ?? `${known.nativeBytesPerParam * 8}-bit` }, from: "published checkpoint" };
  }
  const dtype = served.dtype;
  if (dtype.state === "opaque") return "unknown";
  if (dtype.state === "value" && dtype.value.trim() !== "") {
    const p = precisionFromHint(dtype.value);
    return p ? { precision: p, from: "dtype setting" } : "unknown";
  }
  // Serving engines load a checkpoint in the dtype it was published in; current open LLMs are
  // published in BF16/FP16 (2 bytes per parameter).
  return { precision: SIXTEEN_BIT, from: "16-bit default" };
}

/** `tag`: the declared parameter count (resource, then related resource), as read. */
export function resolveModelFacts(served: ServedModel, tag: Known<string>): FactsResolution {
  if (tag.state === "opaque") return unknown("the declared parameter count is not known until the update runs");
  const id = served.id.state === "value" ? served.id.value.trim() : undefined;
  if (tag.state === "absent" && served.id.state === "absent") return unknown("no served model is named on this resource");
  if (tag.state === "absent" && served.id.state === "opaque") return unknown("the served model can't be read (unknown in preview, or a secret)");

  const known = id !== undefined && id !== "" ? lookupKnownModel(id) : undefined;
  let paramsB: number | undefined;
  let activeB: number | undefined;
  let paramsFrom: ParamsFrom;
  const figures: FigureRef[] = [];
  if (tag.state === "value") {
    paramsB = parseParamsTag(tag.value);
    if (paramsB === undefined) return unknown("the declared parameter count is not a number of billions");
    paramsFrom = "tag";
  } else if (known) {
    paramsB = known.paramsBTotal;
    activeB = known.paramsBActive ?? undefined;
    paramsFrom = "table";
    const src = modelSource(known.paramsSource);
    figures.push({ label: "served model parameters", value: paramsB, unit: "billion parameters", source: src ? `${src.origin} @${src.commit}` : known.paramsSource, year: src ? Number(src.date.slice(0, 4)) : 0, basis: "parameter count of the well-known model (carbonguard model table, region-data/models.json)" });
  } else {
    const size = id !== undefined ? sizeFromModelId(id) : undefined;
    if (!size) return unknown("the served model's size can't be read from its id (declare it in the ml-model-params-b tag/label)");
    paramsB = size.totalB;
    activeB = size.activeB;
    paramsFrom = "model id";
  }
  const precision = precisionOf(served, id, known);
  if (precision === "unknown") return unknown("the served model's precision is not known (a quantization or dtype value carbonguard does not know, or unknown in preview)");
  if (precision.from === "published checkpoint" && known?.nativePrecisionSource) {
    const src = modelSource(known.nativePrecisionSource);
    if (src) figures.push({ label: "served model precision", value: precision.precision.bytesPerParam, unit: "bytes per parameter", source: src.origin, year: Number(src.date.slice(0, 4)), basis: src.title });
  }
  return { state: "known", facts: { paramsB, activeB, paramsFrom, precision: precision.precision, precisionFrom: precision.from, known, figures } };
}
