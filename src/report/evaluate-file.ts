/**
 * One listed state file through the report cache: the file's bytes are read and hashed; a hit
 * gives the stored `StackReport` without decompressing, parsing or evaluating; a miss parses the
 * same bytes (the file is read once), evaluates, and stores the result. The same in this thread
 * and in a worker (src/report/worker.ts).
 */
import { type InputFile, readInputFile, readStateBytes, stackTagsPath } from "../inputs/read";
import { type ReportCache, tagsFileBytes } from "./cache";
import type { JobResult } from "./pool";
import { type StackContextOptions, evaluateInput } from "./stack";

/** Reads and evaluates `item`, through `cache` when given. Never throws. */
export async function evaluateFile(item: InputFile, ctx: StackContextOptions, cache: ReportCache | undefined, seq = -1): Promise<JobResult> {
  if (!cache) return evaluateInput(await readInputFile(item), ctx, seq);
  const tags = item.inBackend ? tagsFileBytes(stackTagsPath(item.file)) : undefined;
  let bytes: Buffer;
  try {
    if (tags === null) throw new Error("tags file cannot be hashed");
    bytes = readStateBytes(item.file);
  } catch {
    // Unreadable: the uncached read names the problem.
    return evaluateInput(await readInputFile(item), ctx, seq);
  }
  const key = cache.keyOf(item.file, item.inBackend, bytes, tags);
  const hit = cache.get(key);
  if (hit) return { seq, kind: "cached", stack: hit, source: item.file };
  // `bytes` may be the reader's shared buffer: used before any other file is read.
  const result = evaluateInput(await readInputFile(item, {}, bytes), ctx, seq);
  // Stacks only: an unreadable file is cheap to find unreadable again, and its problem may be
  // the machine's (permissions) rather than the bytes'.
  if (result.kind === "stack") cache.put(key, result.report, result.warnings);
  return result;
}
