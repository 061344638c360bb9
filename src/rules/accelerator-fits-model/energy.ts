/**
 * Measured serving energy for well-known models (ML.Energy Leaderboard data, via region-data/models.json):
 * the best energy per output token on H100, the GPU count that achieved it, and whether the
 * deployment's GPU count matches it. Only H100 and B200 were measured: on other accelerators the
 * figure is a reference, not a comparison.
 */
import type { AcceleratorSubject } from "../../engine/accelerator-classification";
import type { FigureRef } from "../../engine/rule";
import { modelSource } from "../../data/models";
import type { ModelFacts } from "./model-facts";

export interface EnergyNote {
  readonly text: string;
  readonly figures: readonly FigureRef[];
  readonly record: Readonly<Record<string, unknown>>;
}

/** The chat task when measured (what most deployments serve), else the first measured task. */
function pick(facts: ModelFacts, gpu: "h100" | "b200"): { task: string; jPerToken: number; gpus: number } | undefined {
  const rows = facts.known?.energy ?? [];
  const measured = rows.filter((r) => r[gpu] !== null);
  const row = measured.find((r) => r.task === "lm-arena-chat") ?? measured[0];
  const best = row?.[gpu];
  return row && best ? { task: row.task, jPerToken: best.jPerToken, gpus: best.gpus } : undefined;
}

export function energyNote(facts: ModelFacts, s: AcceleratorSubject, devices: number): EnergyNote | undefined {
  if (!facts.known) return undefined;
  const onB200 = /\bB200\b/.test(s.model);
  const preferred = onB200 ? "b200" : "h100";
  const fallback = onB200 ? undefined : pick(facts, "b200");
  const m = pick(facts, preferred) ?? fallback;
  if (!m) return undefined;
  const measuredOn = m === fallback ? "B200" : preferred.toUpperCase();
  const src = modelSource("S-MLENERGY");
  const sameGpu = new RegExp(`\\b${measuredOn}\\b`).test(s.model);
  const comparison = sameGpu
    ? devices === m.gpus
      ? ` This deployment uses ${devices}, the measured best.`
      : ` This deployment uses ${devices}: ${devices > m.gpus ? "more" : "fewer"} than the measured best.`
    : ` Measured on ${measuredOn}, not on ${s.shortModel}: a reference, not a comparison.`;
  const text = `ML.Energy measured the served model at best ${m.jPerToken} J/token on ${m.gpus}×${measuredOn} (${m.task}, vLLM, data ${src?.date ?? "2026"}).${comparison}`;
  return {
    text,
    figures: [
      {
        label: `served model energy per output token (${measuredOn}, best configuration)`,
        value: m.jPerToken,
        unit: "J/token",
        source: src ? `ML.Energy Leaderboard (${src.origin} @${src.commit})` : "ML.Energy Leaderboard",
        year: src ? Number(src.date.slice(0, 4)) : 2026,
        basis: `best measured configuration on ${m.gpus}×${measuredOn}, task ${m.task}, vLLM`,
      },
    ],
    record: { source: "ML.Energy Leaderboard", task: m.task, gpu: measuredOn, jPerToken: m.jPerToken, bestGpuCount: m.gpus, deploymentGpuCount: devices, matchesBest: sameGpu ? devices === m.gpus : null },
  };
}
