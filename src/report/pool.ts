/**
 * A small pool of worker threads that read and evaluate stack files in parallel
 * (src/report/worker.ts). Each job is one file; each worker holds one stack at a time (plus one
 * queued), so memory stays flat; results come back as small `StackReport`s.
 *
 * Only available when running compiled (the worker is dist/src/report/worker.js); from the
 * TypeScript sources (tests), `StackPool.script()` is undefined and reports run in-process.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { ResolvedPolicyConfig } from "../engine/policy-config";
import type { WaiverSet } from "../waivers";
import type { CacheSettings, CachedStack } from "./cache";
import type { StackReport } from "./model";

export interface PoolContext {
  readonly policyConfig: readonly (readonly [string, ResolvedPolicyConfig])[];
  readonly waivers: WaiverSet | undefined;
  /** ISO 8601. */
  readonly now: string;
  readonly groupBy: string;
  readonly utilization: number;
  readonly expectedUtilization: number;
  readonly sourceRoot: string;
  /** The report cache, opened by each worker too. */
  readonly cache: CacheSettings | undefined;
}

export interface JobRequest {
  readonly seq: number;
  readonly file: string;
  readonly inBackend: boolean;
}

export type JobResult =
  | { readonly seq: number; readonly kind: "stack"; readonly report: StackReport; readonly source: string; readonly warnings: readonly string[] }
  /** A report cache hit (src/report/cache.ts): the stack still serialized, with its digest. */
  | { readonly seq: number; readonly kind: "cached"; readonly stack: CachedStack; readonly source: string }
  | { readonly seq: number; readonly kind: "error"; readonly source: string; readonly problem: string };

/** Jobs queued per worker beyond the one it runs (keeps it busy while results are handled). */
const QUEUE_PER_WORKER = 2;

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, { job: JobRequest; resolve: (r: JobResult) => void }>;
  dead: boolean;
}

export class StackPool {
  private readonly slots: Slot[] = [];
  private seq = 0;

  /** The compiled worker script, when present. */
  static script(): string | undefined {
    const file = path.join(__dirname, "worker.js");
    return existsSync(file) ? file : undefined;
  }

  constructor(size: number, context: PoolContext, script: string) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: context });
      const slot: Slot = { worker, pending: new Map(), dead: false };
      worker.on("message", (r: JobResult) => {
        const p = slot.pending.get(r.seq);
        if (!p) return;
        slot.pending.delete(r.seq);
        p.resolve(r);
      });
      const fail = (why: string) => {
        slot.dead = true;
        for (const [, p] of slot.pending) p.resolve({ seq: p.job.seq, kind: "error", source: p.job.file, problem: `could not be evaluated (${why}); please report it` });
        slot.pending.clear();
      };
      worker.on("error", (e) => fail(`worker ${e instanceof Error ? e.name : "error"}`));
      worker.on("exit", (code) => {
        if (slot.pending.size > 0) fail(`worker exited with code ${code}`);
      });
      this.slots.push(slot);
    }
  }

  /** Whether a worker can take a job without queueing beyond `QUEUE_PER_WORKER`. */
  get hasRoom(): boolean {
    return this.slots.some((s) => !s.dead && s.pending.size < 1 + QUEUE_PER_WORKER);
  }

  /** Reads and evaluates one file on the least busy worker. Never rejects. */
  run(file: string, inBackend: boolean): Promise<JobResult> {
    const job: JobRequest = { seq: this.seq++, file, inBackend };
    const live = this.slots.filter((s) => !s.dead);
    const slot = live.sort((a, b) => a.pending.size - b.pending.size)[0];
    if (!slot) return Promise.resolve({ seq: job.seq, kind: "error", source: file, problem: "could not be evaluated (no worker left); please report it" });
    return new Promise((resolve) => {
      slot.pending.set(job.seq, { job, resolve });
      slot.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate().catch(() => 0)));
  }
}
