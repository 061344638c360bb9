/**
 * Renderers over in-memory reports: `fromReport` gives a `Report` the `RenderInput` shape, and
 * `defineRenderer` derives `render(report)` from a renderer's streaming `write`, so both paths run
 * the same code (the golden tests cover streaming too).
 */
import { type StackDigest, digestOf } from "./digest";
import type { RenderInput, Renderer, Report, Sink, StackReport, StackSelection } from "./model";

/** A report held in memory, as renderers read it. Stacks keep the report's own order by default. */
export function fromReport(report: Report): RenderInput {
  const { stacks, ...head } = report;
  const digests = stacks.map(digestOf);
  const byDigest = new Map<StackDigest, StackReport>(digests.map((d, i) => [d, stacks[i] as StackReport]));
  return {
    ...head,
    digests,
    stacks: (select: StackSelection = {}) => selectDigests(digests, select).map((d) => byDigest.get(d) as StackReport),
  };
}

/** The digests `select` asks for, in its order (stable: equal keys keep their order). */
export function selectDigests(digests: readonly StackDigest[], select: StackSelection): StackDigest[] {
  const chosen = select.filter ? digests.filter(select.filter) : [...digests];
  return select.order ? chosen.sort(select.order) : chosen;
}

/** Collects a streamed document into one string. */
export function renderToString(write: (input: RenderInput, sink: Sink) => void, input: RenderInput): string {
  const chunks: string[] = [];
  write(input, (chunk) => chunks.push(chunk));
  return chunks.join("");
}

export function defineRenderer(format: string, extension: string, write: (input: RenderInput, sink: Sink) => void): Renderer {
  return { format, extension, write, render: (report) => renderToString(write, fromReport(report)) };
}
