/**
 * `--format markdown`: a pull-request comment (GitHub-flavoured Markdown). The summary comes first,
 * then a table per group, then one collapsible `<details>` per stack that has findings (stacks
 * needing attention first) and one for the stacks without findings.
 *
 * GitHub rejects comments longer than 65,536 characters, so the output is kept within
 * `maxChars` (default 65,000: room for a marker line a CI bot may add). What does not fit is left
 * out whole, stack by stack, and a notice near the top says how many stacks and findings are not
 * shown and how to get the full report.
 *
 * Escaping: text from the model goes into two kinds of places. In Markdown (table cells) it is
 * HTML-escaped and Markdown punctuation is backslash-escaped, so no pipe ends a cell and no `*`
 * starts emphasis; inside raw HTML blocks (`<summary>`), where Markdown is not processed, it is
 * only HTML-escaped. Either way `@name` and `#123` get a zero-width space after the sign so that a
 * resource name cannot mention people or link issues, and newlines become spaces.
 */
import { type StackDigest, byAttention, byEmissions, stackCounts } from "../digest";
import type { MeasuredSection, RenderInput, Renderer, ReportFinding, Sink, StackReport } from "../model";
import { budgetText, measuredFindingCount, ratioText } from "./measured-text";
import { defineRenderer, selectDigests } from "../render-input";
import {
  byGroupEmissions,
  capitalise,
  escapeHtml,
  formatNumber,
  formatQuantity,
  emissionsDeltaText,
  emissionsHeadline,
  formatEmissions,
  formatExpected,
  isActive,
  outcome,
  plural,
  provenanceText,
  severityCountsText,
  shownLevel,
  sortFindings,
  sortedEntries,
  stackState,
  truncate,
  waiverWord,
} from "./util";

export interface MarkdownOptions {
  /**
   * Upper bound on the output's size, measured in UTF-8 bytes: never less than its length in
   * characters or UTF-16 code units, so the bound holds however the receiving end counts.
   */
  readonly maxChars: number;
  /** Findings listed per stack before the rest are summarised in one line. */
  readonly maxFindingsPerStack: number;
}

/** GitHub's limit on a comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;
export const DEFAULT_MARKDOWN_OPTIONS: MarkdownOptions = { maxChars: 65_000, maxFindingsPerStack: 30 };

/** Longest model string shown in a cell, in code points (messages are allowed more). */
const MAX_CELL = 160;
const MAX_MESSAGE = 600;
const MAX_GROUP_ROWS = 50;
const MAX_LIST_ROWS = 50;

export function createMarkdownRenderer(options: Partial<MarkdownOptions> = {}): Renderer {
  const opts: MarkdownOptions = { ...DEFAULT_MARKDOWN_OPTIONS, ...options };
  return defineRenderer("markdown", "md", (input, sink) => writeMarkdown(input, sink, opts));
}

// ---------------------------------------------------------------------------------------------
// Escaping

const ZWSP = "\u200b";

function flatten(text: string): string {
  // Newlines and other controls would end a table row or a summary line.
  return text.replace(/\r\n?|\n/g, " ").replace(/[\u0000-\u001f\u007f]/g, " ");
}

function breakMentions(text: string): string {
  return text.replace(/([@#])(?=[\p{L}\p{N}_])/gu, `$1${ZWSP}`);
}

/**
 * Model text for a Markdown context (table cell, paragraph, list item). `mentions: false` for text
 * inside `<code>`, where GitHub links no mentions (and a zero-width space would spoil copying).
 */
export function mdText(text: string, max = MAX_CELL, mentions = true): string {
  return oneLine(text, max, mentions).replace(/[&<>\\`*_[\]|~]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : `\\${c}`));
}

/** Model text inside a raw HTML block (`<summary>`), where Markdown is not processed. */
export function mdHtml(text: string, max = MAX_CELL, mentions = true): string {
  return escapeHtml(oneLine(text, max, mentions));
}

/** Model text cut to `max` code points, on one line, mentions broken unless `mentions` is false. */
function oneLine(text: string, max: number, mentions: boolean): string {
  const flat = flatten(truncate(text, max));
  return mentions ? breakMentions(flat) : flat;
}

function code(text: string, max = MAX_CELL): string {
  return `<code>${mdText(text, max, false)}</code>`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** Size as budgeted: UTF-8 bytes, never fewer than code points or UTF-16 code units. */
function size(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** The longest prefix of `text` of at most `max` bytes, whole code points only. */
function fitTo(text: string, max: number): string {
  let bytes = 0;
  let out = "";
  for (const ch of text) {
    const n = size(ch);
    if (bytes + n > max) break;
    bytes += n;
    out += ch;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

interface Omitted {
  stacks: number;
  findings: number;
}

function hasFindings(d: StackDigest): boolean {
  return d.findings > 0;
}

function isClean(d: StackDigest): boolean {
  return d.findings === 0;
}

/**
 * Writes the comment in two passes over the stacks, keeping none of them: the first only sums the
 * size of every stack's details (to know whether they all fit), the second renders what is shown.
 * The output is bounded by `maxChars`, so it is built in memory and written at once.
 */
function writeMarkdown(input: RenderInput, sink: Sink, opts: MarkdownOptions): void {
  const head = summarySection(input);
  const tail = tailSections(input);

  const stackTotal = input.digests.length;
  let withFindings = 0;
  let totalFindings = 0;
  for (const d of input.digests) {
    if (hasFindings(d)) withFindings++;
    totalFindings += d.findings;
  }
  const clean = stackTotal - withFindings;
  // The notice's length cannot exceed the one with every count at its maximum.
  const noticeReserve = size(truncationNotice(stackTotal, totalFindings, stackTotal, opts)) + 2;
  const budget = opts.maxChars - noticeReserve - size(head) - size(tail) - 64;

  // First pass: the size of all the details together. Only whether it fits matters, so the order
  // does not (id order reads a spool front to back) and the pass stops once the sum is too big.
  let everything = 0;
  if (withFindings > 0) {
    for (const stack of input.stacks({ filter: hasFindings })) {
      everything += size(stackDetails(stack, input, opts).text) + 2;
      if (everything > budget) break;
    }
  }
  // When not everything fits, details take at most 60% of the room and the rest of the stacks
  // with findings get one summary row each, so a large report still lists as many as it can.
  const detailsBudget = everything <= budget ? budget : Math.floor(budget * 0.6);

  // Second pass: the stacks with findings (details while they fit, then summary rows), then the
  // clean stacks, each stack rendered when read and dropped.
  const omitted: Omitted = { stacks: 0, findings: 0 };
  const blocks: string[] = [];
  let used = 0;
  const pass = input.stacks({ order: findingsThenClean(input.digests) })[Symbol.iterator]();
  try {
    let next = pass.next();
    let shown = 0;
    let shownFindings = 0;
    for (; !next.done && next.value.findings.length > 0; next = pass.next()) {
      const block = stackDetails(next.value, input, opts);
      if (used + size(block.text) + 2 > detailsBudget) break;
      blocks.push(block.text);
      used += size(block.text) + 2;
      omitted.findings += block.omittedFindings;
      shownFindings += next.value.findings.length;
      shown++;
    }
    // `next` is now the first stack whose details did not fit (or the first clean stack).
    let full = false;
    if (shown < withFindings) {
      const rows = summaryRows(withFindings - shown, input, budget - used);
      while (!next.done && next.value.findings.length > 0 && rows.add(summaryRow(next.value))) next = pass.next();
      const summary = rows.finish();
      if (summary.text !== "") {
        blocks.push(summary.text);
        used += size(summary.text) + 2;
      }
      omitted.stacks += summary.omittedStacks;
      omitted.findings += totalFindings - shownFindings;
      full = summary.omittedStacks > 0;
    }
    if (clean > 0) {
      const rows = cleanStacksRows(clean, input, budget - used, full);
      while (!next.done && next.value.findings.length === 0 && rows.add(cleanRow(next.value))) next = pass.next();
      const cleanBlock = rows.finish();
      if (cleanBlock.text !== "") blocks.push(cleanBlock.text);
      omitted.stacks += cleanBlock.omittedStacks;
    }
  } finally {
    // Stopping early must still close the pass (a spool's file).
    pass.return?.();
  }

  const parts = [head];
  if (omitted.stacks > 0 || omitted.findings > 0) parts.push(truncationNotice(omitted.stacks, omitted.findings, stackTotal, opts));
  if (blocks.length > 0) parts.push("### Stacks", ...blocks);
  parts.push(tail);
  let out = `${parts.join("\n\n")}\n`;
  if (size(out) > opts.maxChars) {
    // Only reachable when the summary alone does not fit (a tiny maxChars): keep what fits of the
    // head at a line boundary, then the notice.
    const notice = truncationNotice(stackTotal, totalFindings, stackTotal, opts);
    const room = Math.max(0, opts.maxChars - size(notice) - 3);
    const kept = fitTo(head, room);
    out = fitTo(`${kept.slice(0, Math.max(0, kept.lastIndexOf("\n")))}\n\n${notice}\n`, opts.maxChars);
  }
  sink(out);
}

/**
 * The second pass's order: stacks with findings by attention, then the clean ones, biggest
 * emitters first. Each part is sorted on its own, exactly as two separate selections would be
 * (a comparator mixing both could order ties in non-finite emissions differently), and the pass
 * follows those ranks: one pass instead of two, and one number per stack.
 */
function findingsThenClean(digests: readonly StackDigest[]): (a: StackDigest, b: StackDigest) => number {
  const rank = new Map<StackDigest, number>();
  for (const d of selectDigests(digests, { filter: hasFindings, order: byAttention })) rank.set(d, rank.size);
  for (const d of selectDigests(digests, { filter: isClean, order: byEmissions })) rank.set(d, rank.size);
  return (a, b) => (rank.get(a) ?? rank.size) - (rank.get(b) ?? rank.size);
}

function truncationNotice(stacks: number, findings: number, total: number, opts: MarkdownOptions): string {
  const what = [findings > 0 ? `${plural(findings, "finding")} ${findings === 1 ? "is" : "are"} not listed` : "", stacks > 0 ? `${plural(stacks, "stack")} (of ${formatNumber(total, 0)}) ${stacks === 1 ? "is" : "are"} not shown` : ""]
    .filter((x) => x !== "")
    .join(" and ");
  return [
    "> [!WARNING]",
    `> **Truncated** to keep this comment under ${formatNumber(Math.min(opts.maxChars, GITHUB_COMMENT_LIMIT), 0)} characters: ${what}.`,
    "> The totals above cover everything. For the full report run `carbonguard report --format json` (or `--format html --out report.html`).",
  ].join("\n");
}

function summarySection(input: RenderInput): string {
  const s = input.summary;
  const result = outcome(input);
  const lines: string[] = [];
  const icon = result.state === "failed" ? "❌" : result.state === "incomplete" ? "⚠️" : "✅";
  lines.push(`## ${icon} carbonguard report: ${result.word}`);
  lines.push("");
  lines.push(row(["", ""]));
  lines.push(row(["---", "---"]));
  lines.push(row(["**Result**", `${icon} ${mdText(result.text)}`]));
  lines.push(row(["**Stacks**", `${formatNumber(s.stacks, 0)} (${plural(s.resources, "resource")})`]));
  lines.push(row(["**Emissions**", `${emissionsHeadline(s, input.options.expectedUtilization)}`]));
  lines.push(row(["**Saving potential**", `${formatQuantity(s.savingKgCo2ePerMonth)} kgCO2e/month if the quantified findings are fixed`]));
  lines.push(
    row([
      "**Findings**",
      `${formatNumber(s.findings.mandatory, 0)} mandatory · ${formatNumber(s.findings.advisory, 0)} advisory · ${formatNumber(s.findings.waived, 0)} waived${s.findings.ruleErrors ? ` · ${formatNumber(s.findings.ruleErrors, 0)} rule error${s.findings.ruleErrors === 1 ? "" : "s"}` : ""} (${severityCountsText(s.findings.bySeverity)})`,
    ]),
  );
  if (input.baseline) {
    const b = input.baseline;
    lines.push(
      row([
        "**Since baseline**",
        `${formatNumber(b.newFindings.length, 0)} new · ${formatNumber(b.fixedFindings.length, 0)} fixed · ${formatNumber(b.unchangedFindings, 0)} unchanged · ${emissionsDeltaText(b)} kgCO2e/month (vs ${code(b.source)})`,
      ]),
    );
  }
  if (input.unreadable.length > 0) lines.push(row(["**Unreadable inputs**", `⚠️ ${formatNumber(input.unreadable.length, 0)} (listed below)`]));

  const savings = sortedEntries(Object.entries(s.savingByPolicy).filter(([, v]) => v > 0));
  if (savings.length > 0) {
    lines.push("", "**Saving potential by policy:** " + savings.slice(0, 10).map(([p, v]) => `${code(p)} ${formatQuantity(v)}`).join(" · ") + " kgCO2e/month");
  }

  if (input.groups.length > 0) {
    const groupBy = mdText(input.options.groupBy, 40);
    lines.push("", `### By ${groupBy}`, "");
    lines.push(row([capitalise(groupBy), "Stacks", "kgCO2e/month expected (floor–ceiling)", "Mandatory", "Advisory", "Waived", "Saving", "Top offender"]));
    lines.push(row(["---", "--:", "--:", "--:", "--:", "--:", "--:", "---"]));
    const groups = [...input.groups].sort(byGroupEmissions);
    for (const g of groups.slice(0, MAX_GROUP_ROWS)) {
      const top = g.topOffenders[0];
      lines.push(
        row([
          mdText(g.group),
          formatNumber(g.stacks, 0),
          formatEmissions(g),
          formatNumber(g.findings.mandatory, 0),
          formatNumber(g.findings.advisory, 0),
          formatNumber(g.findings.waived, 0),
          formatQuantity(g.savingKgCo2ePerMonth),
          top ? `${code(top.stack)} (${formatQuantity(top.expectedKgCo2ePerMonth)})` : "",
        ]),
      );
    }
    if (groups.length > MAX_GROUP_ROWS) lines.push("", `…and ${plural(groups.length - MAX_GROUP_ROWS, "more group")}.`);
  }
  return lines.join("\n");
}

function stackSummaryLine(stack: StackReport, input: RenderInput): string {
  const c = stackCounts(stack);
  const state = stackState(c);
  const icon = state === "failed" ? "❌" : state === "warned" ? "⚠️" : "✅";
  const counts = [
    c.mandatory > 0 ? `${formatNumber(c.mandatory, 0)} mandatory` : "",
    c.advisory > 0 ? `${formatNumber(c.advisory, 0)} advisory` : "",
    c.other > 0 ? `${formatNumber(c.other, 0)} other` : "",
    c.waived > 0 ? `${formatNumber(c.waived, 0)} waived` : "",
  ].filter((x) => x !== "");
  return [
    `${icon} <code>${mdHtml(stack.id, MAX_CELL, false)}</code>`,
    `${mdHtml(input.options.groupBy, 40)} ${mdHtml(stack.group)}`,
    `grade ${mdHtml(stack.grade.grade)}`,
    `${formatEmissions(stack.estimate)} kgCO2e/month`,
    ...counts,
  ].join(" · ");
}

function stackDetails(stack: StackReport, input: RenderInput, opts: MarkdownOptions): { text: string; omittedFindings: number } {
  const lines = ["<details>", `<summary>${stackSummaryLine(stack, input)}</summary>`, ""];
  lines.push(row(["Level", "Severity", "Policy", "Resource", "Finding"]));
  lines.push(row(["---", "---", "---", "---", "---"]));
  const findings = sortFindings(stack.findings);
  const shown = findings.slice(0, opts.maxFindingsPerStack);
  for (const f of shown) lines.push(findingRow(f));
  const omittedFindings = findings.length - shown.length;
  if (omittedFindings > 0) lines.push("", `…and ${plural(omittedFindings, "more finding")} (see \`--format json\`).`);

  const facts: string[] = [];
  facts.push(`Source: ${code(stack.source)}`);
  facts.push(
    `${plural(stack.resourceCount, "resource")}; energy ${formatExpected(stack.estimate.floorKwhPerMonth, stack.estimate.expectedKwhPerMonth, stack.estimate.ceilingKwhPerMonth)} kWh/month; embodied ${formatQuantity(stack.estimate.embodiedKgCo2ePerMonth)} kgCO2e/month` +
      (stack.estimate.storage ? `; storage ${formatExpected(stack.estimate.storage.floorKgCo2ePerMonth, stack.estimate.storage.expectedKgCo2ePerMonth, stack.estimate.storage.ceilingKgCo2ePerMonth)} kgCO2e/month of it` : ""),
  );
  if (stack.grade.grade !== "n/a" && stack.grade.kgPerAcceleratorHour !== undefined) {
    const best = stack.grade.bestKgPerAcceleratorHour;
    facts.push(
      `Grade ${mdText(stack.grade.grade)}: ${formatNumber(stack.grade.kgPerAcceleratorHour, 3)} kgCO2e per accelerator-hour` +
        (best !== undefined ? ` (best achievable ${formatNumber(best, 3)})` : "") +
        ` — ${mdText(stack.grade.basis, 200)}`,
    );
  } else if (stack.grade.basis !== "") {
    facts.push(`Grade ${mdText(stack.grade.grade)}: ${mdText(stack.grade.basis, 200)}`);
  }
  const top = stack.estimate.topResources.slice(0, 3);
  if (top.length > 0) facts.push(`Top emitters: ${top.map((r) => `${code(r.name, 60)} ${formatQuantity(r.expectedKgCo2ePerMonth)}`).join(" · ")} kgCO2e/month expected`);
  if (stack.estimate.unknown.length > 0) {
    facts.push(`Not estimated: ${stack.estimate.unknown.slice(0, 3).map((u) => `${code(u.urn, 80)} (${mdText(u.reason, 80)})`).join(" · ")}${stack.estimate.unknown.length > 3 ? ` and ${formatNumber(stack.estimate.unknown.length - 3, 0)} more` : ""}`);
  }
  lines.push("", ...facts.map((f) => `- ${f}`));
  lines.push("", "</details>");
  return { text: lines.join("\n"), omittedFindings };
}

function findingRow(f: ReportFinding): string {
  const active = isActive(f);
  const level = active
    ? `${f.level === "mandatory" ? "❌" : f.level === "advisory" ? "⚠️" : "ℹ️"} ${f.level}`
    : `💤 ${shownLevel(f)}`;
  let text = mdText(f.message, MAX_MESSAGE);
  if (f.kind === "cannot-evaluate") text = `_Cannot evaluate:_ ${text}`;
  else if (f.kind === "rule-error") text = `_Rule error:_ ${text}`;
  if (f.savingKgCo2ePerMonth !== undefined && f.savingKgCo2ePerMonth > 0) text += ` <br>Saves ≈ ${formatQuantity(f.savingKgCo2ePerMonth)} kgCO2e/month.`;
  if (f.waived) {
    const w = f.waived;
    text +=
      ` <br>_${capitalise(waiverWord(w))} until ${mdText(w.expires, 40)}:_ ${mdText(w.reason, 300)}` +
      (w.approvedBy ? ` (approved by ${mdText(w.approvedBy, 60)})` : "") +
      (w.ticket ? ` ${code(w.ticket, 60)}` : "");
  }
  if (f.waiverProblem) text += ` <br>_Waiver not applied:_ ${mdText(f.waiverProblem, 300)}`;
  return row([level, mdText(f.severity), code(f.policy, 60), `${code(f.type, 80)} ${mdText(f.name, 80)}`, text]);
}

/**
 * A collapsed table of one row per stack, filled a stack at a time: rows are added while they fit
 * in `room` (keeping room for the closing lines) and the stacks left over are counted. `closed`
 * leaves the table out whole.
 */
interface Rows {
  /** Adds the row if it fits; false once one does not (no later row is tried). */
  add(line: string): boolean;
  finish(): { text: string; omittedStacks: number };
}

function rows(head: string, total: number, more: (n: number) => string, room: number, closed: boolean): Rows {
  const end = "\n\n</details>";
  const reserve = size(end) + size(more(total));
  const shownAtAll = !closed && size(head) + reserve <= room;
  let open = shownAtAll;
  let text = head;
  let shown = 0;
  return {
    add(line) {
      if (!open || size(text) + size(line) + reserve > room) {
        open = false;
        return false;
      }
      text += line;
      shown++;
      return true;
    },
    finish() {
      if (!shownAtAll) return { text: "", omittedStacks: total };
      if (shown < total) text += more(total - shown);
      return { text: text + end, omittedStacks: total - shown };
    },
  };
}

/** One row per stack with findings (no findings listed), as many as fit in `room`. */
function summaryRows(stacks: number, input: RenderInput, room: number): Rows {
  const head = [
    "<details>",
    `<summary>${plural(stacks, "more stack")} with findings (summary only)</summary>`,
    "",
    row(["", "Stack", capitalise(mdText(input.options.groupBy, 40)), "Grade", "kgCO2e/month expected (floor–ceiling)", "Mandatory", "Advisory", "Waived"]),
    row(["---", "---", "---", "---", "--:", "--:", "--:", "--:"]),
  ].join("\n");
  return rows(head, stacks, (n) => `\n\n…and ${plural(n, "more stack")} with findings.`, room, false);
}

function summaryRow(stack: StackReport): string {
  const c = stackCounts(stack);
  const icon = c.mandatory > 0 ? "❌" : "⚠️";
  return `\n${row([icon, code(stack.id), mdText(stack.group), mdText(stack.grade.grade), formatEmissions(stack.estimate), formatNumber(c.mandatory, 0), formatNumber(c.advisory + c.other, 0), formatNumber(c.waived, 0)])}`;
}

/** The stacks without findings; left out whole when `full` (stacks with findings were left out). */
function cleanStacksRows(clean: number, input: RenderInput, room: number, full: boolean): Rows {
  const head = [
    "<details>",
    `<summary>✅ ${plural(clean, "stack")} without findings</summary>`,
    "",
    row(["Stack", capitalise(mdText(input.options.groupBy, 40)), "Grade", "kgCO2e/month expected (floor–ceiling)", "Resources"]),
    row(["---", "---", "---", "--:", "--:"]),
  ].join("\n");
  return rows(head, clean, (n) => `\n\n…and ${plural(n, "more stack")} without findings.`, room, full);
}

function cleanRow(stack: StackReport): string {
  return `\n${row([code(stack.id), mdText(stack.group), mdText(stack.grade.grade), formatEmissions(stack.estimate), formatNumber(stack.resourceCount, 0)])}`;
}

/** Measured energy (CodeCarbon) beside the estimate: groups, stacks, then unmatched runs; bounded like every list here. */
function measuredSection(m: MeasuredSection): string {
  const findings = measuredFindingCount(m);
  const lines = [
    `### Measured energy (CodeCarbon)`,
    "",
    `${plural(m.runs, "run")} from ${plural(m.files.length, "file")}; ${findings > 0 ? `⚠️ ${plural(findings, "comparison")} differ${findings === 1 ? "s" : ""} from the estimate by more than ${formatNumber(m.factor, 1)}× either way` : `measured and estimated agree within ${formatNumber(m.factor, 1)}×`}. The estimate is the expected figure over the period the runs cover; kgCO2e both by CodeCarbon's own figures and on carbonguard's basis (the run's cloud region, else its country).`,
    "",
    row(["", "Stack or group", "Runs", "Period", "Measured kWh", "Estimated kWh", "Ratio", "kgCO2e (CodeCarbon)", "kgCO2e (carbonguard basis)"]),
    row(["---", "---", "---:", "---", "---:", "---:", "---:", "---:", "---:"]),
  ];
  const comparisons = [...m.groups.map((c) => ["group", c] as const), ...m.stacks.map((c) => ["stack", c] as const)];
  for (const [kind, c] of comparisons.slice(0, MAX_LIST_ROWS)) {
    lines.push(
      row([
        c.finding ? "⚠️" : "✅",
        `${kind} ${code(c.id, 120)}`,
        formatNumber(c.runs, 0),
        `${mdText(c.from, 30)} – ${mdText(c.to, 30)}`,
        formatQuantity(c.measuredKwh),
        formatQuantity(c.estimatedKwh),
        ratioText(c),
        formatQuantity(c.codecarbonKgCo2e),
        c.ourBasisKgCo2e === undefined ? "n/a" : formatQuantity(c.ourBasisKgCo2e),
      ]),
    );
  }
  if (comparisons.length > MAX_LIST_ROWS) lines.push("", `…and ${plural(comparisons.length - MAX_LIST_ROWS, "more comparison")}.`);
  if (comparisons.length === 0) lines.push("", "No run matched a stack or group of this report.");
  const budgets = m.stacks.filter((c) => c.budget).slice(0, MAX_LIST_ROWS);
  if (budgets.length > 0) lines.push("", ...budgets.map((c) => `- ${c.budget?.overBudget ? "⚠️" : "✅"} ${code(c.id, 120)}: ${mdText(budgetText(c) ?? "", 400)}`));
  const bases = [...new Set(comparisons.flatMap(([, c]) => c.ourBasis))].slice(0, 10);
  if (bases.length > 0) lines.push("", `<sub>carbonguard basis: ${bases.map((b) => mdText(b, 300)).join(" · ")}</sub>`);
  if (m.unmatched.length > 0) {
    lines.push("", "<details>", `<summary>${plural(m.unmatched.reduce((n, u) => n + u.runs, 0), "run")} matched no stack or group</summary>`, "", row(["CodeCarbon project", "Runs", "kWh", "Why", "Rows"]), row(["---", "---:", "---:", "---", "---"]));
    for (const u of m.unmatched.slice(0, MAX_LIST_ROWS)) lines.push(row([code(u.projectName, 120), formatNumber(u.runs, 0), formatQuantity(u.measuredKwh), mdText(u.reason, 300), u.examples.map((e) => code(e, 200)).join(" ")]));
    if (m.unmatched.length > MAX_LIST_ROWS) lines.push("", `…and ${plural(m.unmatched.length - MAX_LIST_ROWS, "more project")}.`);
    lines.push("", "</details>");
  }
  return lines.join("\n");
}

function tailSections(input: RenderInput): string {
  const parts: string[] = [];
  const b = input.baseline;
  if (b && (b.newFindings.length > 0 || b.fixedFindings.length > 0)) {
    const list = (ids: readonly string[]): string =>
      ids
        .slice(0, MAX_LIST_ROWS)
        .map((id) => `- ${code(id, 200)}`)
        .join("\n") + (ids.length > MAX_LIST_ROWS ? `\n- …and ${formatNumber(ids.length - MAX_LIST_ROWS, 0)} more` : "");
    const lines = ["<details>", `<summary>Since the baseline: ${formatNumber(b.newFindings.length, 0)} new, ${formatNumber(b.fixedFindings.length, 0)} fixed</summary>`, ""];
    if (b.newFindings.length > 0) lines.push("**New findings**", "", list(b.newFindings), "");
    if (b.fixedFindings.length > 0) lines.push("**Fixed findings**", "", list(b.fixedFindings), "");
    lines.push("</details>");
    parts.push(lines.join("\n"));
  }
  if (input.measured) parts.push(measuredSection(input.measured));
  if (input.unreadable.length > 0) {
    const lines = ["### ⚠️ Unreadable inputs", "", "These inputs are not in the report:", "", row(["Input", "Error"]), row(["---", "---"])];
    for (const u of input.unreadable.slice(0, MAX_LIST_ROWS)) lines.push(row([code(u.input, 200), mdText(u.error, 300)]));
    if (input.unreadable.length > MAX_LIST_ROWS) lines.push("", `…and ${plural(input.unreadable.length - MAX_LIST_ROWS, "more input")}.`);
    parts.push(lines.join("\n"));
  }
  const data = input.provenance
    .slice(0, 10)
    .map((p) => mdText(provenanceText(p), 160))
    .join(" · ");
  parts.push(
    `<sub>${mdText(input.tool.name, 40)} ${mdText(input.tool.version, 40)} · ${mdText(input.generatedAt, 40)}` +
      (data !== "" ? ` · Data: ${data}` : "") +
      ` · Estimates are ranges: floor with autoscaled capacity at its minimum, ceiling at its maximum. Grades compare kgCO2e per accelerator-hour with the cleanest achievable configuration.</sub>`,
  );
  return parts.join("\n\n");
}
