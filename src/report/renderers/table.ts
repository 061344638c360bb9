/**
 * `--format table` (the default on a terminal): the summary first, then groups, then one compact
 * block per stack (stacks needing attention first), then unreadable inputs and data provenance.
 * Colour only when asked (the CLI asks when stdout is a TTY and NO_COLOR is unset); every string
 * from the model is stripped of control characters so a resource name cannot drive the terminal.
 */
import { byAttention } from "../digest";
import type { GroupSummary, MeasuredComparison, MeasuredSection, RenderInput, Renderer, ReportFinding, Sink, StackReport } from "../model";
import { budgetText, comparisonLine, kgLine } from "./measured-text";
import { defineRenderer } from "../render-input";
import {
  capitalise,
  formatNumber,
  formatQuantity,
  emissionsDeltaText,
  emissionsHeadline,
  formatEmissions,
  isActive,
  outcome,
  plural,
  sanitizeTerminal,
  severityCountsText,
  sortFindings,
  stackCounts,
  provenanceText,
  shownLevel,
  stackState,
  truncate,
  visibleLength,
  waiverText,
  waiverWord,
  wrapText as wrap,
} from "./util";

export interface TableOptions {
  readonly color: boolean;
  /** Terminal columns; lines are wrapped or cut to fit. */
  readonly width: number;
}

export const DEFAULT_TABLE_OPTIONS: TableOptions = { color: false, width: 100 };

type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";
const ANSI: Readonly<Record<Style, string>> = { bold: "1", dim: "2", red: "31", green: "32", yellow: "33", cyan: "36" };

export function createTableRenderer(options: Partial<TableOptions> = {}): Renderer {
  const opts: TableOptions = { ...DEFAULT_TABLE_OPTIONS, ...options };
  const width = Math.max(40, Math.floor(Number.isFinite(opts.width) ? opts.width : DEFAULT_TABLE_OPTIONS.width));
  const paint = (style: Style, text: string): string => (opts.color && text !== "" ? `\x1b[${ANSI[style]}m${text}\x1b[0m` : text);
  return defineRenderer("table", "txt", (input, sink) => writeTable(input, sink, width, paint));
}

type Paint = (style: Style, text: string) => string;

/** Width of the summary's labels. */
const LABEL = 11;

/** Model text made safe for a terminal line. */
function t(text: string): string {
  return sanitizeTerminal(text);
}

/**
 * Streams the report: the lines so far go to the sink before each stack and after it, so only one
 * stack is in memory at a time. Every line ends in a newline.
 */
function writeTable(input: RenderInput, sink: Sink, width: number, paint: Paint): void {
  let lines: string[] = [];
  const flush = (): void => {
    if (lines.length > 0) sink(`${lines.join("\n")}\n`);
    lines = [];
  };
  const s = input.summary;
  const result = outcome(input);

  lines.push(...wrap(`${paint("bold", "carbonguard report")} · ${plural(s.stacks, "stack")} · ${plural(s.resources, "resource")} · ${t(input.generatedAt)}`, width));
  lines.push("");
  const labelled = (name: string, text: string): string[] =>
    wrap(text, width - LABEL).map((line, i) => (i === 0 ? paint("bold", name.padEnd(LABEL)) : " ".repeat(LABEL)) + line);
  const resultStyle: Style = result.state === "failed" ? "red" : result.state === "incomplete" ? "yellow" : "green";
  const resultMark = result.state === "failed" ? "✗" : result.state === "incomplete" ? "⚠" : "✓";
  lines.push(...labelled("Result", paint(resultStyle, `${resultMark} ${capitalise(result.text)}`)));
  lines.push(...labelled("Emissions", `${emissionsHeadline(s, input.options.expectedUtilization)}`));
  lines.push(...labelled("Saving", `${formatQuantity(s.savingKgCo2ePerMonth)} kgCO2e/month if the quantified findings are fixed`));
  lines.push(
    ...labelled(
      "Findings",
      `${paint(s.findings.mandatory > 0 ? "red" : "green", `${formatNumber(s.findings.mandatory, 0)} mandatory`)} · ` +
      `${paint(s.findings.advisory > 0 ? "yellow" : "green", `${formatNumber(s.findings.advisory, 0)} advisory`)} · ` +
        `${formatNumber(s.findings.waived, 0)} waived ` +
        (s.findings.ruleErrors ? `${paint("red", `· ${formatNumber(s.findings.ruleErrors, 0)} rule error${s.findings.ruleErrors === 1 ? "" : "s"}`)} ` : "") +
        paint("dim", `(${severityCountsText(s.findings.bySeverity)})`),
    ),
  );
  if (input.baseline) {
    const b = input.baseline;
    lines.push(
      ...labelled(
        "Baseline",
        `vs ${t(b.source)}: ${paint(b.newFindings.length > 0 ? "red" : "green", `${formatNumber(b.newFindings.length, 0)} new`)} · ` +
          `${formatNumber(b.fixedFindings.length, 0)} fixed · ${formatNumber(b.unchangedFindings, 0)} unchanged · ` +
          `${emissionsDeltaText(b)} kgCO2e/month`,
      ),
    );
  }
  if (input.unreadable.length > 0) {
    lines.push(...labelled("Unreadable", paint("red", `${plural(input.unreadable.length, "input")} could not be read (listed below)`)));
  }

  if (input.groups.length > 0) {
    lines.push("", paint("bold", `Groups by ${t(input.options.groupBy)}`));
    lines.push(...groupTable(input.groups, width, paint));
  }

  if (input.digests.length > 0) {
    lines.push("", paint("bold", "Stacks"));
    flush();
    for (const stack of input.stacks({ order: byAttention })) {
      lines.push(...stackBlock(stack, input.options.groupBy, width, paint));
      flush();
    }
  }

  if (input.measured) lines.push(...measuredLines(input.measured, width, paint));

  if (input.baseline && input.baseline.newFindings.length > 0) {
    lines.push("", paint("bold", "New since the baseline"));
    for (const id of input.baseline.newFindings) lines.push(`  ${paint("red", "+")} ${cut(t(id), width - 4)}`);
  }

  if (input.unreadable.length > 0) {
    lines.push("", paint("bold", "Unreadable inputs"));
    for (const u of input.unreadable) {
      lines.push(...wrap(`${paint("red", "✗")} ${t(u.input)}`, width - 2).map((l) => `  ${l}`));
      for (const line of wrap(t(u.error), width - 6)) lines.push(`      ${line}`);
    }
  }

  if (input.provenance.length > 0) {
    lines.push("");
    const data = input.provenance.map((p) => t(provenanceText(p))).join(" · ");
    for (const line of wrap(`Data: ${data}`, width)) lines.push(paint("dim", line));
  }
  flush();
}

/** Measured energy (CodeCarbon) beside the estimate, per stack and group, then unmatched runs. */
function measuredLines(m: MeasuredSection, width: number, paint: Paint): string[] {
  const lines: string[] = ["", ...wrap(paint("bold", `Measured energy (CodeCarbon, ${plural(m.runs, "run")} in ${plural(m.files.length, "file")}; finding beyond ${formatNumber(m.factor, 1)}× either way)`), width)];
  const block = (kind: string, c: MeasuredComparison) => {
    const mark = c.finding ? paint("yellow", "⚠") : paint("green", "✓");
    lines.push(...wrap(`${mark} ${kind} ${t(c.id)}: ${comparisonLine(c)}`, width - 2).map((l) => `  ${l}`));
    for (const line of wrap(`${plural(c.runs, "run")}, ${t(c.from)} – ${t(c.to)} (${formatQuantity(c.periodHours)} h); ${kgLine(c)}`, width - 6)) lines.push(`      ${line}`);
    const budget = budgetText(c);
    if (budget) for (const line of wrap(c.budget?.overBudget ? paint("yellow", budget) : budget, width - 6)) lines.push(`      ${line}`);
    for (const b of c.ourBasis) for (const line of wrap(paint("dim", `basis: ${t(b)}`), width - 6)) lines.push(`      ${line}`);
  };
  for (const c of m.groups) block("group", c);
  for (const c of m.stacks) block("stack", c);
  if (m.stacks.length === 0 && m.groups.length === 0) lines.push("  No run matched a stack or group of this report.");
  for (const u of m.unmatched) {
    lines.push(...wrap(`${paint("yellow", "?")} unmatched ${t(u.projectName)}: ${plural(u.runs, "run")}, ${formatQuantity(u.measuredKwh)} kWh, ${formatQuantity(u.codecarbonKgCo2e)} kgCO2e (CodeCarbon)`, width - 2).map((l) => `  ${l}`));
    for (const line of wrap(t(`${u.reason} (e.g. ${u.examples.join(", ")})`), width - 6)) lines.push(`      ${line}`);
  }
  for (const s of m.skipped) for (const line of wrap(paint("dim", `skipped ${t(s.input)}: ${t(s.error)}`), width - 2)) lines.push(`  ${line}`);
  return lines;
}

function groupTable(groups: readonly GroupSummary[], width: number, paint: Paint): string[] {
  const header = ["GROUP", "STACKS", "kgCO2e/MO (MIN–MAX)", "MAND", "ADV", "WAIVED", "SAVING", "TOP OFFENDER"];
  const rows = groups.map((g) => [
    t(g.group),
    formatNumber(g.stacks, 0),
    formatEmissions(g),
    formatNumber(g.findings.mandatory, 0),
    formatNumber(g.findings.advisory, 0),
    formatNumber(g.findings.waived, 0),
    formatQuantity(g.savingKgCo2ePerMonth),
    g.topOffenders[0] ? t(g.topOffenders[0].stack) : "",
  ]);
  const widths = header.map((h, i) => Math.max(length(h), ...rows.map((r) => length(r[i]!))));
  // Give the first and last columns what is left of the terminal width.
  const fixed = widths.slice(1, -1).reduce((a, b) => a + b, 0) + 2 * (header.length - 1) + 2;
  const room = Math.max(12, width - fixed);
  widths[0] = Math.min(widths[0]!, Math.max(8, Math.floor(room / 2)));
  widths[header.length - 1] = Math.min(widths[header.length - 1]!, Math.max(8, room - widths[0]!));
  if (fixed + 16 > width) {
    // Too narrow for columns: one wrapped line per group.
    return groups.flatMap((g, i) =>
      wrap(
        `  ${rows[i]![0]}: ${plural(g.stacks, "stack")} · ${rows[i]![2]} kgCO2e/month · ${rows[i]![3]} mandatory · ${rows[i]![4]} advisory · ${rows[i]![5]} waived · saving ${rows[i]![6]}` +
          (rows[i]![7] !== "" ? ` · top ${rows[i]![7]}` : ""),
        width,
      ),
    );
  }
  const numeric = new Set([1, 2, 3, 4, 5, 6]);
  const line = (cells: readonly string[]): string =>
    "  " +
    cells
      .map((c, i) => {
        const w = widths[i]!;
        const v = cut(c, w);
        return numeric.has(i) ? padStart(v, w) : i === cells.length - 1 ? v : padEnd(v, w);
      })
      .join("  ");
  return [paint("dim", line(header)), ...rows.map(line)];
}

function stackBlock(stack: StackReport, groupBy: string, width: number, paint: Paint): string[] {
  const state = stackState(stackCounts(stack));
  const mark = state === "failed" ? paint("red", "✗") : state === "warned" ? paint("yellow", "⚠") : paint("green", "✓");
  const grade = stack.grade.grade;
  const gradeStyle: Style = grade === "A" || grade === "B" ? "green" : grade === "C" || grade === "D" ? "yellow" : grade === "n/a" ? "dim" : "red";
  const facts = [
    `${t(groupBy)} ${t(stack.group)}`,
    paint(gradeStyle, `grade ${grade}`),
    `${formatEmissions(stack.estimate)} kgCO2e/month`,
    plural(stack.resourceCount, "resource"),
  ];
  if (stack.estimate.unknown.length > 0) facts.push(`${formatNumber(stack.estimate.unknown.length, 0)} not estimated`);
  if (stack.findings.length === 0) facts.push(paint("green", "no findings"));
  const lines = wrapSegments([`${mark} ${paint("bold", t(stack.id))}`, ...facts], paint("dim", " · "), width - 4).map((l, i) => (i === 0 ? l : `    ${l}`));
  for (const f of sortFindings(stack.findings)) lines.push(...findingLines(f, width, paint));
  return lines;
}

function findingLines(f: ReportFinding, width: number, paint: Paint): string[] {
  const active = isActive(f);
  const style: Style = !active ? "dim" : f.level === "mandatory" ? "red" : f.level === "advisory" ? "yellow" : "cyan";
  const symbol = !active ? "~" : f.level === "mandatory" ? "✗" : "⚠";
  const levelText = shownLevel(f).padEnd(9);
  const indent = "        ";
  const head = `${paint(style, `${symbol} ${levelText}`)} ${f.severity.padEnd(8)} ${paint("bold", t(f.policy))}  ${t(f.type)} ${t(f.name)}`;
  // Keep the columns aligned when the line fits; wrap (collapsing spaces) only when it does not.
  const lines = visibleLength(head) + 4 <= width ? [`    ${head}`] : wrap(head, width - indent.length).map((l, i) => (i === 0 ? `    ${l}` : indent + l));
  const body: string[] = [];
  if (f.kind === "cannot-evaluate") body.push(`(cannot evaluate) ${f.message}`);
  else if (f.kind === "rule-error") body.push(`(rule error) ${f.message}`);
  else body.push(f.message);
  if (f.waived) body.push(`${capitalise(waiverWord(f.waived))} until ${f.waived.expires}: ${waiverText(f.waived)}`);
  if (f.waiverProblem) body.push(`Waiver not applied: ${f.waiverProblem}`);
  if (f.savingKgCo2ePerMonth !== undefined && f.savingKgCo2ePerMonth > 0) body.push(`Fixing it saves about ${formatQuantity(f.savingKgCo2ePerMonth)} kgCO2e/month.`);
  for (const paragraph of body) {
    for (const line of wrap(t(paragraph), width - indent.length)) lines.push(indent + (active ? line : paint("dim", line)));
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Width helpers (code points; East Asian wide characters count as one, an accepted approximation).

function length(text: string): number {
  return Array.from(text).length;
}

function cut(text: string, max: number): string {
  return truncate(text, Math.max(1, max));
}

function padEnd(text: string, w: number): string {
  return text + " ".repeat(Math.max(0, w - length(text)));
}

function padStart(text: string, w: number): string {
  return " ".repeat(Math.max(0, w - length(text))) + text;
}

/** Joins segments with `sep`, breaking lines only between segments (a segment too long is wrapped). */
function wrapSegments(segments: readonly string[], sep: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const segment of segments) {
    const candidate = line === "" ? segment : line + sep + segment;
    if (visibleLength(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    const parts = wrap(segment, width);
    line = parts.pop() ?? "";
    lines.push(...parts);
  }
  lines.push(line);
  return lines;
}
