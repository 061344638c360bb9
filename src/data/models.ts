/**
 * Well-known models: lazy lookups over the committed `region-data/models.json` (built by
 * `region-data/refresh/models.ts` from the ML.Energy Leaderboard summary; provenance in the file's
 * `sources`). Used by accelerator-fits-model when a model id does not say its size (or says it
 * wrongly), and to quote measured serving energy. Lookups never throw for any input.
 */
import * as path from "node:path";
import { isRecord } from "../engine/values";
import { deepFreeze, lazyDataFile } from "./load";

export interface ModelSource {
  readonly title: string;
  readonly origin: string;
  readonly commit: string;
  readonly date: string;
  readonly licence: string;
}

/** Best measured configuration on one GPU model: energy per output token and the GPU count that gave it. */
export interface MeasuredBest {
  readonly jPerToken: number;
  readonly gpus: number;
}

export interface ModelEnergy {
  /** ML.Energy task: lm-arena-chat, gpqa, sourcegraph-fim, image-chat, video-chat. */
  readonly task: string;
  readonly h100: MeasuredBest | null;
  readonly b200: MeasuredBest | null;
}

export interface KnownModel {
  /** The id as the source writes it (Hugging Face `org/name`). */
  readonly id: string;
  readonly paramsBTotal: number;
  /** Mixture-of-experts: parameters active per token; null for dense models. */
  readonly paramsBActive: number | null;
  readonly paramsSource: string;
  readonly nativeBytesPerParam?: number;
  readonly nativePrecision?: string;
  readonly nativePrecisionSource?: string;
  readonly energy: readonly ModelEnergy[];
}

export interface ModelsData {
  readonly schemaVersion: 1;
  readonly sources: Readonly<Record<string, ModelSource>>;
  /** By lowercase id. */
  readonly models: Readonly<Record<string, KnownModel>>;
}

export const MODELS_DATA_RELATIVE_PATH = path.join("region-data", "models.json");

const load = lazyDataFile(MODELS_DATA_RELATIVE_PATH, "the model table", (parsed, file) => {
  if (!isRecord(parsed) || parsed["schemaVersion"] !== 1 || !isRecord(parsed["models"]) || !isRecord(parsed["sources"])) {
    throw new Error(`carbonguard: ${file} is not a model table (schemaVersion 1 with models and sources)`);
  }
  return deepFreeze(parsed as unknown as ModelsData);
});

export function modelsData(): ModelsData {
  return load();
}

/**
 * The table entry for a model id: `org/name` as Hugging Face writes it, case-insensitive; a bare
 * `name` matches when exactly one entry has it.
 */
export function lookupKnownModel(id: string): KnownModel | undefined {
  if (typeof id !== "string") return undefined;
  const key = id.trim().toLowerCase();
  if (key === "" || key.length > 200) return undefined;
  const models = load().models;
  if (Object.prototype.hasOwnProperty.call(models, key)) return models[key];
  if (key.includes("/")) return undefined;
  const hits = Object.keys(models).filter((k) => k.slice(k.indexOf("/") + 1) === key);
  return hits.length === 1 ? models[hits[0] as string] : undefined;
}

export function modelSource(key: string): ModelSource | undefined {
  const sources = load().sources;
  return Object.prototype.hasOwnProperty.call(sources, key) ? sources[key] : undefined;
}
