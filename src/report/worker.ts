/**
 * A report worker thread (src/report/pool.ts): reads, evaluates and reduces one stack file at a
 * time and posts back its small `StackReport`. Only runs compiled (dist/src/report/worker.js).
 */
import { parentPort, workerData } from "node:worker_threads";
import { type InputFile, readInputFile } from "../inputs";
import { RULES } from "../rules";
import { Grader } from "./grade";
import { parseGroupBy } from "./group";
import type { JobRequest, JobResult, PoolContext } from "./pool";
import { buildStackReport } from "./stack";

const data = workerData as PoolContext;
const utilization = data.utilization;
const ctx = {
  rules: RULES,
  config: new Map(data.policyConfig),
  waivers: data.waivers,
  now: new Date(data.now),
  groupBy: parseGroupBy(data.groupBy) ?? { kind: "tag" as const, key: "team", label: "team" },
  utilization,
  grader: new Grader(utilization),
};

async function run(job: JobRequest): Promise<JobResult> {
  const input: InputFile = { kind: "file", file: job.file, inBackend: job.inBackend };
  const item = await readInputFile(input);
  if (item.kind === "error") return { seq: job.seq, kind: "error", source: item.error.source, problem: item.error.problem };
  const s = item.snapshot;
  try {
    return { seq: job.seq, kind: "stack", report: buildStackReport(s, `${s.project}/${s.stack}`, ctx), source: s.source, warnings: [...s.warnings] };
  } catch (error) {
    return { seq: job.seq, kind: "error", source: s.source, problem: `could not be evaluated (internal ${error instanceof Error ? error.name : "error"}); please report it` };
  }
}

parentPort?.on("message", (job: JobRequest) => {
  void run(job).then(
    (result) => parentPort?.postMessage(result),
    () => parentPort?.postMessage({ seq: job.seq, kind: "error", source: job.file, problem: "could not be evaluated (internal error); please report it" } satisfies JobResult),
  );
});
