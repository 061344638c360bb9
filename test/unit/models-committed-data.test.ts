/**
 * The committed region-data/models.json is what region-data/refresh/models.ts makes from
 * ../shared/data/accelerators/mlenergy-llm-energy-summary.csv (skipped when ../shared is absent), and
 * the lookups accelerator-fits-model relies on answer from it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

import { buildModels, MODELS_INPUT, MODELS_RELATIVE_PATH } from "../../region-data/refresh/models";
import { serializeCatalog } from "../../region-data/refresh/accelerators";
import { lookupKnownModel, modelSource } from "../../src/data/models";
import { packageRoot } from "../../src/util/package-root";

const root = packageRoot();
const input = path.resolve(root, "..", "shared", "data", MODELS_INPUT);

describe.skipIf(!fs.existsSync(input))("committed model table matches ../shared", () => {
  it("rebuilding gives the committed JSON, byte for byte", () => {
    expect(serializeCatalog(buildModels(fs.readFileSync(input, "utf8")))).toBe(fs.readFileSync(path.join(root, MODELS_RELATIVE_PATH), "utf8"));
  });
});

describe("model table lookups", () => {
  it("finds ids case-insensitively, with their total and active parameters and attributed source", () => {
    const scout = lookupKnownModel("META-LLAMA/Llama-4-Scout-17B-16E-Instruct");
    expect(scout).toMatchObject({ paramsBTotal: 109, paramsBActive: 17, paramsSource: "S-MLENERGY" });
    expect(modelSource("S-MLENERGY")).toMatchObject({ commit: "0cd52dab", date: "2026-02-16" });
    expect(lookupKnownModel("openai/gpt-oss-120b")).toMatchObject({ paramsBTotal: 117, nativeBytesPerParam: 0.5 });
  });

  it("merges a model's tasks and keeps only measured configurations", () => {
    const gemma = lookupKnownModel("google/gemma-3-12b-it")!;
    expect(gemma.energy.map((e) => e.task)).toEqual(["image-chat", "lm-arena-chat"]);
    const deepseek = lookupKnownModel("deepseek-ai/DeepSeek-V3.1")!;
    expect(deepseek.energy.every((e) => e.h100 === null)).toBe(true);
  });

  it("answers undefined for anything else, never throwing", () => {
    for (const id of ["", "gpt2", "meta-llama", "x".repeat(500), "org/unknown-7B"]) expect(lookupKnownModel(id)).toBeUndefined();
    // A bare name matches when exactly one entry has it.
    expect(lookupKnownModel("Qwen3-8B")?.id).toBe("Qwen/Qwen3-8B");
  });
});
