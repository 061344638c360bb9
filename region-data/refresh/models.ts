/**
 * Builds region-data/models.json: the small table of well-known models accelerator-fits-model falls
 * back on (parameter counts the model id does not say, or says wrongly), with their measured serving
 * energy, from the shared research folder:
 *
 * - `<shared>/data/accelerators/mlenergy-llm-energy-summary.csv`, itself derived from the ML.Energy
 *   Leaderboard data (ml-energy/leaderboard `public/data/tasks/*.json`, commit 0cd52dab, data
 *   last updated 2026-02-16; key S-MLENERGY in ../shared/data/accelerators/SOURCES.md, which records
 *   no licence for it; the repository declared Apache-2.0, see region-data/MODELS-SOURCES.md). Only
 *   facts are kept, attributed: per model, its total and active parameter
 *   count and, per task, the best measured energy per output token on H100 and B200 with the GPU
 *   count that achieved it. Measured with vLLM.
 * - Plus the few native precisions that are ours to record (`NATIVE_PRECISION`, each with its source):
 *   checkpoints published in a low precision, whose size a 16-bit default would overstate.
 *
 * Deterministic: sorted keys, no timestamps; re-running yields no diff.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import type { KnownModel, ModelEnergy, ModelsData } from "../../src/data/models";
import { serializeCatalog } from "./accelerators";
import { parseCsvRecords } from "./csv";

export const MODELS_RELATIVE_PATH = path.join("region-data", "models.json");
export const MODELS_INPUT = "accelerators/mlenergy-llm-energy-summary.csv";

export const MODEL_SOURCES: ModelsData["sources"] = {
  "S-MLENERGY": {
    title: "ML.Energy Leaderboard data (best-configuration energy per output token, vLLM; ml-energy/leaderboard public/data/tasks, commit 0cd52dab)",
    origin: "ml-energy/leaderboard public/data/tasks/*.json",
    commit: "0cd52dab",
    date: "2026-02-16",
    licence:
      "Apache-2.0 as far as found: the repository's README declared Apache-2.0 with a LICENSE file (ml-energy/leaderboard README.md @297391f; the Hugging Face Space mirror's LICENSE history: 'Attach Apache-2.0 LICENSE', 2023-06-18); the README at the data's commit 0cd52dab states none and no separate data licence was found. Only facts (parameter counts, measured J/token and GPU counts) are kept, attributed",
  },
  "S-GPT-OSS-CARD": {
    title: "OpenAI gpt-oss model card: the mixture-of-experts weights are published quantized to MXFP4 (4-bit), so the 117B model runs on one 80 GB GPU",
    origin: "OpenAI, gpt-oss-120b & gpt-oss-20b model card",
    commit: "",
    date: "2025-08",
    licence: "facts only",
  },
  "S-DEEPSEEK-V3": {
    title: "DeepSeek-V3 technical report (arXiv 2412.19437): weights trained and published in FP8",
    origin: "DeepSeek-AI, arXiv 2412.19437",
    commit: "",
    date: "2024-12",
    licence: "facts only",
  },
};

/** Checkpoints published in a precision below 16 bits (bytes per parameter), with the source that says so. */
const NATIVE_PRECISION: Readonly<Record<string, { readonly bytesPerParam: number; readonly precision: string; readonly source: string }>> = {
  "openai/gpt-oss-120b": { bytesPerParam: 0.5, precision: "MXFP4 (MoE weights)", source: "S-GPT-OSS-CARD" },
  "openai/gpt-oss-20b": { bytesPerParam: 0.5, precision: "MXFP4 (MoE weights)", source: "S-GPT-OSS-CARD" },
  "deepseek-ai/deepseek-v3.1": { bytesPerParam: 1, precision: "FP8", source: "S-DEEPSEEK-V3" },
  "deepseek-ai/deepseek-r1-0528": { bytesPerParam: 1, precision: "FP8", source: "S-DEEPSEEK-V3" },
};

function num(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function measured(jPerToken: number | undefined, gpus: number | undefined): ModelEnergy["h100"] {
  return jPerToken !== undefined && gpus !== undefined && jPerToken > 0 && Number.isInteger(gpus) && gpus > 0 ? { jPerToken, gpus } : null;
}

export function buildModels(csvText: string): ModelsData {
  const models: Record<string, KnownModel> = {};
  for (const row of parseCsvRecords(csvText, MODELS_INPUT)) {
    const id = (row["model_id"] ?? "").trim();
    const total = num(row["params_b_total"]);
    const active = num(row["params_b_active"]);
    if (id === "" || total === undefined || !(total > 0)) continue;
    const key = id.toLowerCase();
    const prev = models[key];
    const energy: ModelEnergy = {
      task: (row["task"] ?? "").trim(),
      h100: measured(num(row["h100_best_j_per_token"]), num(row["h100_best_num_gpus"])),
      b200: measured(num(row["b200_best_j_per_token"]), num(row["b200_best_num_gpus"])),
    };
    const native = NATIVE_PRECISION[key];
    models[key] = {
      id,
      paramsBTotal: total,
      paramsBActive: active !== undefined && active > 0 && active < total ? active : null,
      paramsSource: "S-MLENERGY",
      ...(native ? { nativeBytesPerParam: native.bytesPerParam, nativePrecision: native.precision, nativePrecisionSource: native.source } : {}),
      energy: [...(prev?.energy ?? []), energy].sort((a, b) => a.task.localeCompare(b.task)),
    };
  }
  const sorted: Record<string, KnownModel> = {};
  for (const key of Object.keys(models).sort()) sorted[key] = models[key] as KnownModel;
  return { schemaVersion: 1, sources: MODEL_SOURCES, models: sorted };
}

function readInput(sharedDataDir: string): string {
  return fs.readFileSync(path.join(sharedDataDir, MODELS_INPUT), "utf8");
}

export function refreshModels(projectRoot: string, sharedDataDir: string): void {
  const text = serializeCatalog(buildModels(readInput(sharedDataDir)));
  const out = path.join(projectRoot, MODELS_RELATIVE_PATH);
  if (fs.existsSync(out) && fs.readFileSync(out, "utf8") === text) return;
  fs.writeFileSync(out, text);
}

export function modelsUpToDate(projectRoot: string, sharedDataDir: string): boolean {
  const out = path.join(projectRoot, MODELS_RELATIVE_PATH);
  return fs.existsSync(out) && fs.readFileSync(out, "utf8") === serializeCatalog(buildModels(readInput(sharedDataDir)));
}
