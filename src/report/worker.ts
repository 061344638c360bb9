/**
 * A report worker thread (src/report/pool.ts): reads, evaluates and reduces one stack file at a
 * time and posts back its small `StackReport`. Only runs compiled (dist/src/report/worker.js).
 */
import { parentPort, workerData } from "node:worker_threads";
import { RULES } from "../rules";
import { groupByOrDefault } from "./group";
import type { JobRequest, JobResult, PoolContext } from "./pool";
import { stackContext } from "./stack";
import { ReportCache } from "./cache";
import { evaluateFile } from "./evaluate-file";

const data = workerData as PoolContext;
const ctx = stackContext({
  rules: RULES,
  config: new Map(data.policyConfig),
  waivers: data.waivers,
  now: new Date(data.now),
  groupBy: groupByOrDefault(data.groupBy),
  utilization: data.utilization,
  expectedUtilization: data.expectedUtilization,
  sourceRoot: data.sourceRoot,
});

const cache = data.cache ? new ReportCache(data.cache) : undefined;

function run(job: JobRequest): Promise<JobResult> {
  return evaluateFile({ kind: "file", file: job.file, inBackend: job.inBackend }, ctx, cache, job.seq);
}

parentPort?.on("message", (job: JobRequest) => {
  void run(job).then(
    (result) => parentPort?.postMessage(result),
    () => parentPort?.postMessage({ seq: job.seq, kind: "error", source: job.file, problem: "could not be evaluated (internal error); please report it" } satisfies JobResult),
  );
});
