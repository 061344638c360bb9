/**
 * Helpers shared by the renderers: escaping for each target syntax, locale-independent number
 * formatting, and the aggregations the charts and summaries need. Everything here is pure.
 */
import { type StackCounts, stackCounts } from "../digest";
import { byGroupEmissions, compareStrings } from "../group";
import type { BaselineComparison, EmissionsRange, Level, ProvenanceEntry, Report, ReportFinding, Severity, WaiverMark } from "../model";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/** The schema's page, shipped in the package (no web address until the project has a public home). */
export const SCHEMA_DOC_PATH = "docs/report-schema.md";

// ---------------------------------------------------------------------------------------------
// Escaping

const HTML_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML/SVG element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Escapes text for XML 1.0 attribute values (and character data). Characters XML 1.0 cannot carry
 * at all (most C0 controls, U+FFFE/U+FFFF, unpaired surrogates) become a visible `\uXXXX` instead;
 * tab, newline and carriage return become character references so attribute values keep them.
 */
export function escapeXml(text: string): string {
  return escapeXmlWith(text, true);
}

/** Like `escapeXml` for element content: tabs and newlines stay as they are (readable). */
export function escapeXmlText(text: string): string {
  return escapeXmlWith(text, false);
}

function escapeXmlWith(text: string, attribute: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i]! + text[i + 1]!;
        i++;
        continue;
      }
      out += visibleEscape(code);
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      out += visibleEscape(code);
      continue;
    }
    switch (code) {
      case 0x26: out += "&amp;"; continue;
      case 0x3c: out += "&lt;"; continue;
      case 0x3e: out += "&gt;"; continue;
      case 0x22: out += "&quot;"; continue;
      case 0x27: out += "&apos;"; continue;
      case 0x09: out += attribute ? "&#9;" : "\t"; continue;
      case 0x0a: out += attribute ? "&#10;" : "\n"; continue;
      case 0x0d: out += "&#13;"; continue;
    }
    if (code < 0x20 || code === 0xfffe || code === 0xffff) {
      out += visibleEscape(code);
      continue;
    }
    out += text[i]!;
  }
  return out;
}

function visibleEscape(code: number): string {
  return `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Makes text safe for a terminal: control characters (ANSI escape sequences included) are shown as
 * `\uXXXX` instead of being interpreted. Newlines become spaces unless `keepNewlines`.
 */
export function sanitizeTerminal(text: string, keepNewlines = false): string {
  // C0 controls, DEL, C1 controls, and the bidi overrides/isolates that can reorder what is shown.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === "\n") return keepNewlines ? "\n" : " ";
    if (c === "\t") return " ";
    return visibleEscape(c.charCodeAt(0));
  });
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** `1234567.891` → `1,234,567.9` with a fixed number of decimals; no locale dependence. */
export function formatNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const fixed = Math.abs(value).toFixed(decimals);
  const [int, frac] = fixed.split(".") as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = value < 0 && Number(fixed) !== 0 ? "-" : "";
  return sign + grouped + (frac !== undefined ? `.${frac}` : "");
}

/** A kgCO2e (or kWh) quantity with precision that suits its size. */
export function formatQuantity(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  if (abs < 10) return formatNumber(value, 2);
  if (abs < 1000) return formatNumber(value, 1);
  return formatNumber(value, 0);
}

/** A difference, always signed: `+12.3`, `-4.0`, `±0`. */
export function formatDelta(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value === 0) return "±0";
  return (value > 0 ? "+" : "-") + formatQuantity(Math.abs(value));
}

/** `floor–ceiling`, or a single number when they coincide. */
export function formatRange(floor: number, ceiling: number): string {
  const a = formatQuantity(floor);
  const b = formatQuantity(ceiling);
  return a === b ? a : `${a}–${b}`;
}

/**
 * The expected figure with its floor–ceiling range beside it: `310 (4.70–1,416)`, or one number
 * when the three coincide. The expected figure leads: a range of 300× is no answer on its own.
 */
export function formatEmissions(r: EmissionsRange): string {
  return formatExpected(r.floorKgCo2ePerMonth, r.expectedKgCo2ePerMonth, r.ceilingKgCo2ePerMonth);
}

/** The summary's emissions in words: the expected figure, the range beside it, and the assumption behind it. */
export function emissionsHeadline(s: EmissionsRange, expectedUtilization: number): string {
  const range = formatRange(s.floorKgCo2ePerMonth, s.ceilingKgCo2ePerMonth);
  const expected = `${formatQuantity(s.expectedKgCo2ePerMonth)} kgCO2e/month expected`;
  if (range === formatQuantity(s.expectedKgCo2ePerMonth)) return expected;
  return `${expected} · ${range} floor–ceiling (${expectedAssumption(expectedUtilization)})`;
}

/** The assumption behind every expected figure, in a few words. */
export function expectedAssumption(expectedUtilization: number): string {
  return `expected: declared sizes, else ${formatNumber(expectedUtilization * 100, 0)}% of the way from minimum to maximum`;
}

/** A baseline's emissions change in words: `expected +12.3, floor -4.0`, or the floor's alone against a 1.0 baseline. */
export function emissionsDeltaText(b: BaselineComparison): string {
  const floor = `floor ${formatDelta(b.floorKgCo2ePerMonthDelta)}`;
  return b.expectedKgCo2ePerMonthDelta === undefined ? floor : `expected ${formatDelta(b.expectedKgCo2ePerMonthDelta)}, ${floor}`;
}

/** `expected (floor–ceiling)` of any quantity (kWh too), or one number when they coincide. */
export function formatExpected(floor: number, expected: number, ceiling: number): string {
  const range = formatRange(floor, ceiling);
  const shown = formatQuantity(expected);
  return range === shown ? shown : `${shown} (${range})`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatNumber(count, 0)} ${count === 1 ? singular : pluralForm}`;
}

// ---------------------------------------------------------------------------------------------
// Model helpers

export function isActive(f: ReportFinding): boolean {
  return f.waived === undefined;
}

/** What a waiver mark makes of a finding: `waived`, or `mitigated`. */
export function waiverWord(w: WaiverMark): "waived" | "mitigated" {
  return w.category === "mitigated" ? "mitigated" : "waived";
}

/** The level a finding is shown at: its own while active, else `waived` or `mitigated`. */
export function shownLevel(f: ReportFinding): string {
  return f.waived === undefined ? f.level : waiverWord(f.waived);
}

/** `<reason> (approved by …) [<ticket>]`: a waiver in plain text. */
export function waiverText(w: WaiverMark): string {
  return `${w.reason}${w.approvedBy ? ` (approved by ${w.approvedBy})` : ""}${w.ticket ? ` [${w.ticket}]` : ""}`;
}

/** A stack at a glance: any active mandatory finding, else any other active one, else clean. */
export function stackState(c: StackCounts): "failed" | "warned" | "clean" {
  return c.mandatory > 0 ? "failed" : c.advisory + c.other > 0 ? "warned" : "clean";
}

const LEVEL_RANK: Readonly<Record<Level, number>> = { mandatory: 0, advisory: 1, remediate: 2, disabled: 3 };
const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Findings in reading order: active before waived, mandatory first, then severity, policy, URN. */
export function sortFindings(findings: readonly ReportFinding[]): ReportFinding[] {
  return [...findings].sort(
    (a, b) =>
      Number(!isActive(a)) - Number(!isActive(b)) ||
      LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      compareStrings(a.policy, b.policy) ||
      compareStrings(a.urn, b.urn) ||
      compareStrings(a.id, b.id),
  );
}

export { type StackCounts, stackCounts };
export { byGroupEmissions, compareStrings };

/**
 * `value` as `JSON.stringify(value, null, 2)` writes it at a depth whose lines start with `by`:
 * lets a renderer stream a big JSON document piece by piece, byte for byte as one stringify would
 * (no JSON string holds a raw newline, so indenting after each newline is safe).
 */
export function jsonAt(value: unknown, by: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${by}`);
}

/** Entries sorted by value (largest first), ties by key. */
export function sortedEntries(values: Iterable<readonly [string, number]>): [string, number][] {
  return [...values].map(([k, v]) => [k, v] as [string, number]).sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]));
}

/** Keeps at most `max` code points, ending in `…` when cut. Never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return points.slice(0, Math.max(0, max - 1)).join("") + "…";
}

export type OutcomeState = "failed" | "incomplete" | "passed";

/**
 * A human headline for the outcome, shared by table, Markdown and HTML: failed (`--fail-on`
 * decided so), incomplete (not failed, but some input could not be read: the process exits 2),
 * or passed.
 */
export function outcome(report: Pick<Report, "options" | "summary" | "unreadable">): { readonly state: OutcomeState; readonly failed: boolean; readonly word: string; readonly text: string } {
  const failOn = report.options.failOn;
  const f = report.summary.findings;
  const unreadable = report.unreadable.length;
  const unread = unreadable > 0 ? `${plural(unreadable, "input")} could not be read` : "";
  if (report.summary.failed) {
    const what = failOn === "advisory" ? plural(f.mandatory + f.advisory, "mandatory or advisory finding") : plural(f.mandatory, "mandatory finding");
    return { state: "failed", failed: true, word: "failed", text: `failed: ${what} (--fail-on ${failOn})${unread !== "" ? `; ${unread}` : ""}` };
  }
  if (unreadable > 0) return { state: "incomplete", failed: false, word: "incomplete", text: `incomplete: ${unread}` };
  return { state: "passed", failed: false, word: "passed", text: `passed (--fail-on ${failOn})` };
}

/** `name version (year, licence)`, without repeating a year that is the version. */
export function provenanceText(p: ProvenanceEntry): string {
  const extra = [p.year !== undefined && String(p.year) !== p.version ? String(p.year) : "", p.licence ?? ""].filter((x) => x !== "");
  return `${p.name} ${p.version}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
}


export function severityCountsText(bySeverity: Readonly<Record<Severity, number>>): string {
  return SEVERITIES.map((s) => `${formatNumber(bySeverity[s] ?? 0, 0)} ${s}`).join(" · ");
}


/**
 * Word-wraps text to `width` visible code points per line; words longer than a line (URNs) are
 * split. Newlines in the text start new lines. ANSI colour codes (`ESC[…m`) take no width, so
 * painted text wraps like plain text.
 */
export function wrapText(text: string, width: number): string[] {
  const max = Math.max(8, width);
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    let used = 0;
    for (const word of paragraph.split(/[ \t]+/)) {
      if (word === "") continue;
      const visible = visibleLength(word);
      if (used > 0 && used + 1 + visible <= max) {
        line += ` ${word}`;
        used += 1 + visible;
        continue;
      }
      if (used > 0 || line !== "") out.push(line);
      line = "";
      used = 0;
      if (visible <= max) {
        line = word;
        used = visible;
        continue;
      }
      // Split a long word into chunks of `max` visible code points; codes stay with their text.
      for (const token of word.split(/(\x1b\[[0-9;]*m)/)) {
        if (token.startsWith("\x1b[")) {
          line += token;
          continue;
        }
        for (const ch of Array.from(token)) {
          if (used === max) {
            out.push(line);
            line = "";
            used = 0;
          }
          line += ch;
          used++;
        }
      }
    }
    out.push(line);
  }
  return closeStyles(out);
}

/** A style left open at the end of a line is closed there and reopened on the next line. */
function closeStyles(lines: string[]): string[] {
  let open = "";
  return lines.map((line) => {
    let current = open;
    for (const m of line.matchAll(/\x1b\[([0-9;]*)m/g)) current = m[1] === "0" || m[1] === "" ? "" : current + m[0];
    const out = (open !== "" ? open : "") + line + (current !== "" ? "\x1b[0m" : "");
    open = current;
    return out;
  });
}

/** Code points, not counting ANSI colour codes. */
export function visibleLength(text: string): number {
  return Array.from(text.replace(/\x1b\[[0-9;]*m/g, "")).length;
}

/** A copy of plain data with every object's keys sorted (code-unit order), for stable output. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  // fromEntries defines own properties, so a key named "__proto__" stays data.
  return Object.fromEntries(
    Object.keys(value)
      .sort(compareStrings)
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
