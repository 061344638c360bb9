/**
 * Shared by the four accelerator policies (ml-workload-declared, accelerator-fits-workload,
 * accelerator-current-generation, accelerator-fits-model), which cite the same rows.
 *
 * The evidence behind the accelerator policies (rows of
 * the project's perf-per-watt evidence table (research data, not shipped), with the sources of SOURCES.md).
 *
 * Findings carry their evidence in words (`evidenceRefs`, in the report) and the policy's generated
 * docs render their "Evidence" table from here; messages quote neither ids nor numbers from these
 * rows (several are vendor claims without a dated measurement basis).
 */
import type { EvidenceRef } from "./rule";

export interface Evidence {
  readonly id: string;
  readonly claim: string;
  readonly kind: string;
  readonly source: string;
}

const SOURCES = {
  wa: "AWS Well-Architected Machine Learning Lens, MLSUS-12 \"Use efficient silicon\"",
  inf2Blog: "AWS Machine Learning Blog, \"AWS Inferentia2 builds on AWS Inferentia1 by delivering 4x higher throughput and 10x lower latency\"",
  nand: "NAND Research, research note on AWS Trainium2 (re:Invent 2023)",
  tpuv4: "Jouppi et al., \"TPU v4: An Optically Reconfigurable Supercomputer…\", ISCA 2023 (doi:10.1145/3579371.3589350)",
  trillium: "Google Cloud blog, \"Introducing Trillium\"",
  gcpTpu: "Cloud TPU v5e/v6e documentation (docs.cloud.google.com/tpu/docs)",
  mlEnergy: "ML.Energy Leaderboard data (ml-energy/leaderboard@0cd52dab, updated 2026-02-16)",
  vantageSmi: "nvidia-smi snapshots on idle EC2 instances (vantage-sh/ec2instances.info, Dec 2025 – Jan 2026)",
  joules: "Chung et al., \"Where Do the Joules Go? Diagnosing Inference Energy Consumption\", arXiv 2601.22076 (2026)",
  ckMlperf: "MLPerf Inference v1.x results (cKnowledge.io export)",
  dellMlperf: "Dell InfoHub, \"MLPerf Inference v2.1 with NVIDIA GPU-Based Benchmarks on Dell PowerEdge Servers\"",
} as const;

export const EVIDENCE: Readonly<Record<string, Evidence>> = Object.fromEntries(
  (
    [
      ["E01", "Inf2 instances offer up to 50% better performance per watt than comparable EC2 instances (DL inference).", "vendor claim", SOURCES.wa],
      ["E02", "A Trainium (trn1) cluster uses ~25% less energy to train BERT-Large than a same-sized cluster of comparable accelerated EC2 instances.", "vendor claim", SOURCES.wa],
      ["E05", "Inferentia1 gave up to 2.3× higher throughput and up to 70% lower cost per inference than comparable inference-optimized EC2 instances.", "vendor claim", SOURCES.inf2Blog],
      ["E06", "Inferentia2: 4× higher throughput and 10× lower latency than Inferentia1 (inf1 → inf2).", "vendor claim", SOURCES.inf2Blog],
      ["E07", "Using training instances for inference wastes resources: more expensive, more energy, networking and storage unused.", "vendor statement", SOURCES.inf2Blog],
      ["E08", "Trainium2 delivers up to 4× the training performance and up to 2× the energy efficiency of Trainium1.", "vendor claim (analyst report)", SOURCES.nand],
      ["E09", "TPU v4 outperforms TPU v3 by 2.1× and improves performance per watt by 2.7×.", "peer-reviewed", SOURCES.tpuv4],
      ["E11", "Trillium (TPU v6e) is over 67% more energy-efficient than TPU v5e.", "vendor claim", SOURCES.trillium],
      ["E12", "Expected performance per TCO: TPU v5e 0.65 relative to v6e 1.", "vendor documentation", SOURCES.gcpTpu],
      ["E13", "B200 vs H100: best-configuration energy per output token is lower on B200 (median 1.57×, range 0.47–6.95×, 39 model-task pairs).", "independent measurement", SOURCES.mlEnergy],
      ["E14", "B200 vs H100 for text-to-image: energy per image median 1.14× lower (7 models).", "independent measurement", SOURCES.mlEnergy],
      ["E15", "Under-batched serving wastes energy: H100 J/token at max_num_seqs=8 is a median 5.25× the best batch's (1.5–27.7×).", "independent measurement", SOURCES.mlEnergy],
      ["E16", "An H100 draws 231–505 W (median 428 W, TDP 700 W) even at low concurrency (max_num_seqs=8).", "independent measurement", SOURCES.mlEnergy],
      ["E18", "Idle GPU power per GPU: H100 ~68 W, H200 ~73 W, B200 ~139 W, L40S ~80 W, A10G ~58 W, L4 ~28 W.", "single uncontrolled snapshot", SOURCES.vantageSmi],
      ["E23", "Task type causes up to 25× energy differences between LLM tasks; GPU utilization differences cause 3–5× (H100/B200, 46 models).", "peer-reviewed preprint", SOURCES.joules],
      ["E24", "Inference ASICs are power-efficient: 16× Qualcomm Cloud AI 100 server, BERT-99 offline 6.19 samples/s/W (system power).", "audited benchmark", SOURCES.ckMlperf],
      ["E25", "Small low-TDP GPUs are efficient for small models: 1× NVIDIA A2, ResNet-50 offline 11.58 images/s/W (system power).", "audited benchmark", SOURCES.dellMlperf],
    ] as const
  ).map(([id, claim, kind, source]) => [id, { id, claim, kind, source }]),
);

/** A markdown "Evidence" section for a rule's rationale (rendered verbatim into its docs page). */
export function evidenceSection(ids: readonly string[]): string {
  const rows = ids.map((id) => EVIDENCE[id]).filter((e): e is Evidence => e !== undefined);
  return [
    "### Evidence",
    "",
    "Findings cite these by id (from `perf-per-watt-evidence.csv` in carbonguard's shared accelerator data). Vendor claims are marked as such; compare only like with like.",
    "",
    "| Id | Claim | Kind | Source |",
    "|---|---|---|---|",
    ...rows.map((e) => `| ${e.id} | ${e.claim.replace(/\|/g, "\\|")} | ${e.kind} | ${e.source.replace(/\|/g, "\\|")} |`),
  ].join("\n");
}

/** The evidence rows behind `ids`, in words (claim, kind, source), for a finding's `evidence`. */
export function evidenceRefs(ids: readonly string[]): EvidenceRef[] {
  return [...new Set(ids)].flatMap((id) => (EVIDENCE[id] ? [EVIDENCE[id]] : []));
}

/** One detail line per piece of evidence: "Evidence: <claim> (<kind>; <source>)." */
export function evidenceDetails(ids: readonly string[]): string[] {
  return evidenceRefs(ids).map((e) => `Evidence: ${e.claim} (${e.kind}; ${e.source}).`);
}
