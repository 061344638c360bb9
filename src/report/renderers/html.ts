/**
 * `--format html`: one self-contained page to open in a browser or attach to a CI run.
 *
 * - No external requests of any kind: the CSS is inline, the charts are inline SVG drawn here, the
 *   icon is a `data:` URL, there are no fonts, scripts or images by URL.
 * - Every string from the model is HTML-escaped, in text and in attributes (always double-quoted);
 *   links are emitted only for http(s) URLs.
 * - A Content-Security-Policy meta tag (`default-src 'none'`) forbids scripts and requests, so even
 *   a missed escape could not run script or load anything. The findings filter is therefore
 *   script-free: checkboxes, and CSS `:has()` rules that hide what is unchecked.
 * - Emissions lead with the expected figure and show the floor–ceiling range beside it (in charts
 *   as a whisker over the expected bar): a range alone can span 300×.
 */
import { byAttention, emissionsByRegion } from "../digest";
import type { EmissionsRange, MeasuredComparison, RenderInput, Renderer, ReportFinding, Severity, Sink, StackReport } from "../model";
import { budgetText, measuredFindingText, ratioText } from "./measured-text";
import { type ReadableFix, readableFix } from "./fix";
import { defineRenderer } from "../render-input";
import {
  SCHEMA_DOC_PATH,
  SEVERITIES,
  byGroupEmissions,
  capitalise,
  compareStrings,
  emissionsDeltaText,
  escapeHtml as h,
  expectedAssumption,
  formatEmissions,
  formatExpected,
  formatNumber,
  formatQuantity,
  formatRange,
  isActive,
  outcome,
  plural,
  provenanceText,
  sortFindings,
  sortedEntries,
  shownLevel,
  stackCounts,
  stackState,
  truncate,
  waiverWord,
} from "./util";

export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Rows a chart shows before the rest are summed into one "others" bar. */
const CHART_ROWS = 15;

export function createHtmlRenderer(): Renderer {
  return defineRenderer("html", "html", writeHtml);
}

/**
 * Streams the page: everything above the stacks, then one block per stack as it is read (stacks
 * needing attention first), then the sections below. The page is a list of parts on lines of
 * their own, empty parts (a section with nothing to show) leaving no line; it ends at `</html>`,
 * without a newline.
 */
function writeHtml(input: RenderInput, sink: Sink): void {
  let started = false;
  const emit = (...parts: string[]): void => {
    const text = parts.filter((part) => part !== "").join("\n");
    if (text === "") return;
    sink(started ? `\n${text}` : text);
    started = true;
  };
  const result = outcome(input);
  const title = `carbonguard report · ${plural(input.summary.stacks, "stack")} · ${result.word}`;
  const filters = findingFilters(input);
  emit(
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${h(HTML_CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="${h(`${input.tool.name} ${input.tool.version}`)}">`,
    '<link rel="icon" href="data:,">',
    `<title>${h(title)}</title>`,
    `<style>${CSS}${filters.css}</style>`,
    "</head>",
    "<body>",
    header(input),
    "<main>",
    summaryCards(input),
    charts(input),
    groupsSection(input),
  );
  writeStacksSection(input, filters, emit);
  emit(baselineSection(input), measuredSection(input), unreadableSection(input), rulesSection(input), "</main>", footer(input), "</body>", "</html>");
}

// ---------------------------------------------------------------------------------------------

function header(input: RenderInput): string {
  const result = outcome(input);
  const o = input.options;
  return [
    "<header>",
    '<h1>carbonguard report</h1>',
    `<p class="meta">Generated <time>${h(input.generatedAt)}</time> by ${h(input.tool.name)} ${h(input.tool.version)} · grouped by ${h(o.groupBy)} · fail-on ${h(o.failOn)} · utilization ${h(formatNumber(o.utilization * 100, 0))}% · expected utilization ${h(formatNumber(o.expectedUtilization * 100, 0))}%</p>`,
    `<p class="status ${result.state}" id="status">${result.state === "failed" ? "✗" : result.state === "incomplete" ? "⚠" : "✓"} ${h(capitalise(result.text))}</p>`,
    "</header>",
  ].join("\n");
}

function card(id: string, label: string, value: string, sub: string, tone = ""): string {
  return `<div class="card${tone !== "" ? ` ${tone}` : ""}" id="${id}"><div class="card-label">${label}</div><div class="card-value">${value}</div><div class="card-sub">${sub}</div></div>`;
}

function summaryCards(input: RenderInput): string {
  const s = input.summary;
  const f = s.findings;
  const cards = [
    card("summary-stacks", "Stacks", h(formatNumber(s.stacks, 0)), h(plural(s.resources, "resource"))),
    card(
      "summary-emissions",
      "Emissions",
      h(formatQuantity(s.expectedKgCo2ePerMonth)),
      `kgCO<sub>2</sub>e/month expected · <span class="range" id="summary-emissions-range">${h(formatRange(s.floorKgCo2ePerMonth, s.ceilingKgCo2ePerMonth))}</span> floor–ceiling<br><span class="assumption">${h(expectedAssumption(input.options.expectedUtilization))}</span>`,
    ),
    card("summary-saving", "Saving potential", h(formatQuantity(s.savingKgCo2ePerMonth)), "kgCO<sub>2</sub>e/month if the quantified findings are fixed", "good"),
    card(
      "summary-findings",
      "Findings",
      `<span class="n-mandatory">${h(formatNumber(f.mandatory, 0))}</span> / <span class="n-advisory">${h(formatNumber(f.advisory, 0))}</span> / <span class="n-waived">${h(formatNumber(f.waived, 0))}</span>`,
      "mandatory / advisory / waived",
      f.mandatory > 0 ? "bad" : "",
    ),
  ];
  if (input.baseline) {
    const b = input.baseline;
    cards.push(
      card(
        "summary-baseline",
        "Since baseline",
        `+${h(formatNumber(b.newFindings.length, 0))} / −${h(formatNumber(b.fixedFindings.length, 0))}`,
        `new / fixed findings; ${h(emissionsDeltaText(b))} kgCO<sub>2</sub>e/month`,
        b.newFindings.length > 0 ? "bad" : "good",
      ),
    );
  }
  if (input.unreadable.length > 0) {
    cards.push(card("summary-unreadable", "Unreadable inputs", h(formatNumber(input.unreadable.length, 0)), '<a href="#unreadable">not in this report</a>', "bad"));
  }
  return `<section id="summary" class="cards" aria-label="Summary">\n${cards.join("\n")}\n</section>`;
}

// ---------------------------------------------------------------------------------------------
// Charts: horizontal bar charts, one SVG each.

interface Bar {
  readonly label: string;
  /** The bar's length: the expected figure for emissions. */
  readonly value: number;
  /** A floor–ceiling range drawn as a whisker over the bar. */
  readonly range?: { readonly floor: number; readonly ceiling: number };
  readonly tone?: string;
}

interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly bars: readonly Bar[];
  readonly integer?: boolean;
}

const CHART_WIDTH = 640;
const LABEL_WIDTH = 190;
/** Room for "1,234 (12.3–12,345)" at 12px. */
const VALUE_WIDTH = 150;
const ROW_HEIGHT = 24;
const BAR_HEIGHT = 16;
/** Label characters that fit LABEL_WIDTH at 12px; longer labels end in … (the tooltip has all). */
const LABEL_CHARS = 26;

function charts(input: RenderInput): string {
  const emissionsBar = (label: string, r: EmissionsRange): Bar => ({
    label,
    value: r.expectedKgCo2ePerMonth,
    range: { floor: r.floorKgCo2ePerMonth, ceiling: r.ceilingKgCo2ePerMonth },
  });
  const byStack = topWithOthers(
    input.digests.map((d) => emissionsBar(d.id, d)),
    "stack",
  );
  const byGroup = topWithOthers(
    input.groups.map((g) => emissionsBar(g.group, g)),
    "group",
  );
  const byRegion = topWithOthers(
    [...emissionsByRegion(input.digests)].map(([label, r]) => ({ label, value: r.expected, range: { floor: r.floor, ceiling: r.ceiling } })),
    "region",
  );
  const savings = topWithOthers(
    sortedEntries(Object.entries(input.summary.savingByPolicy)).map(([label, value]) => ({ label, value, tone: "saving" })),
    "policy",
  );
  const severity = SEVERITIES.map((s: Severity) => ({ label: s, value: input.summary.findings.bySeverity[s] ?? 0, tone: `sev-${s}` }));
  const specs: ChartSpec[] = [
    { id: "chart-emissions-by-stack", title: "Emissions by stack", unit: EMISSIONS_UNIT, bars: byStack },
    { id: "chart-emissions-by-group", title: `Emissions by ${input.options.groupBy}`, unit: EMISSIONS_UNIT, bars: byGroup },
    { id: "chart-emissions-by-region", title: "Emissions by region", unit: EMISSIONS_UNIT, bars: byRegion },
    { id: "chart-savings-by-policy", title: "Saving potential by policy", unit: "kgCO₂e/month if fixed", bars: savings },
    { id: "chart-findings-by-severity", title: "Findings by severity", unit: "findings", bars: severity, integer: true },
  ];
  return `<section id="charts" class="charts" aria-label="Charts">\n${specs.map(barChart).join("\n")}\n</section>`;
}

const EMISSIONS_UNIT = "kgCO₂e/month: bar expected, whisker floor–ceiling";
/** A table column of `expected (floor–ceiling)` cells, on two short lines (headings do not wrap). */
const EMISSIONS_HEADING = "kgCO<sub>2</sub>e/month<br>expected (range)";

/** Biggest first; beyond CHART_ROWS the rest become one "N other …" bar. */
function topWithOthers(bars: readonly Bar[], noun: string): Bar[] {
  const sorted = [...bars].sort((a, b) => b.value - a.value || compareStrings(a.label, b.label));
  if (sorted.length <= CHART_ROWS) return sorted;
  const shown = sorted.slice(0, CHART_ROWS - 1);
  const rest = sorted.slice(CHART_ROWS - 1);
  const sum = (pick: (b: Bar) => number): number => rest.reduce((n, b) => n + (Number.isFinite(pick(b)) ? pick(b) : 0), 0);
  const hasRange = rest.some((b) => b.range !== undefined);
  const range = hasRange ? { floor: sum((b) => b.range?.floor ?? b.value), ceiling: sum((b) => b.range?.ceiling ?? b.value) } : undefined;
  return [...shown, { label: `${formatNumber(rest.length, 0)} other ${noun}s`, value: sum((b) => b.value), ...(range ? { range } : {}), tone: "others" }];
}

function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function barChart(spec: ChartSpec): string {
  const bars = spec.bars;
  const height = Math.max(1, bars.length) * ROW_HEIGHT + 8;
  // The "others" bar sums many items: it does not set the scale (it would flatten every other
  // bar) and is cut at the full width instead.
  const scaled = bars.some((b) => b.tone !== "others") ? bars.filter((b) => b.tone !== "others") : bars;
  const max = Math.max(0, ...scaled.map((b) => Math.max(finite(b.value), finite(b.range?.ceiling ?? 0))));
  const area = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH - 16;
  const scale = (v: number): number => (max > 0 ? Math.min(area, (Math.max(0, finite(v)) / max) * area) : 0);
  const rows: string[] = [];
  if (bars.length === 0) {
    rows.push(`<text class="empty" x="${CHART_WIDTH / 2}" y="${ROW_HEIGHT - 6}" text-anchor="middle">No data</text>`);
  }
  bars.forEach((bar, i) => {
    const y = 4 + i * ROW_HEIGHT;
    const barY = y + (ROW_HEIGHT - BAR_HEIGHT) / 2;
    const x0 = LABEL_WIDTH + 8;
    const w = scale(bar.value);
    const range = bar.range !== undefined && bar.range.ceiling > bar.range.floor ? bar.range : undefined;
    const value = spec.integer ? formatNumber(bar.value, 0) : range ? formatExpected(range.floor, bar.value, range.ceiling) : formatQuantity(bar.value);
    const tooltip = range ? `${bar.label}: ${formatQuantity(bar.value)} expected, ${formatRange(range.floor, range.ceiling)} floor–ceiling (kgCO₂e/month)` : `${bar.label}: ${value} ${spec.unit}`;
    const parts = [`<g class="row${bar.tone ? ` ${bar.tone}` : ""}">`, `<title>${h(tooltip)}</title>`];
    parts.push(`<text class="label" x="${LABEL_WIDTH}" y="${num(y + ROW_HEIGHT / 2 + 4)}" text-anchor="end">${h(truncate(bar.label, LABEL_CHARS))}</text>`);
    parts.push(`<rect class="bar" x="${num(x0)}" y="${num(barY)}" width="${num(bar.value > 0 ? Math.max(1, w) : 0)}" height="${BAR_HEIGHT}" rx="2"></rect>`);
    if (range) {
      // The whisker: floor to ceiling across the bar's middle, with end caps.
      const mid = barY + BAR_HEIGHT / 2;
      const a = x0 + scale(range.floor);
      const b = x0 + Math.max(1, scale(range.ceiling));
      parts.push(`<path class="range" d="M${num(a)} ${num(mid)}H${num(b)}M${num(a)} ${num(mid - 5)}V${num(mid + 5)}M${num(b)} ${num(mid - 5)}V${num(mid + 5)}"></path>`);
    }
    const valueX = x0 + Math.max(w, range ? scale(range.ceiling) : 0) + 6;
    parts.push(`<text class="value" x="${num(valueX)}" y="${num(y + ROW_HEIGHT / 2 + 4)}">${h(value)}</text>`);
    parts.push("</g>");
    rows.push(parts.join(""));
  });
  return [
    `<figure class="chart" id="${spec.id}">`,
    `<figcaption>${h(spec.title)} <span class="unit">${h(spec.unit)}</span></figcaption>`,
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${height}" width="100%" role="img" aria-label="${h(`${spec.title} (${spec.unit})`)}">`,
    ...rows,
    "</svg>",
    "</figure>",
  ].join("\n");
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

// ---------------------------------------------------------------------------------------------
// Tables

function groupsSection(input: RenderInput): string {
  if (input.groups.length === 0) return "";
  const groupBy = h(input.options.groupBy);
  const rows = [...input.groups]
    .sort(byGroupEmissions)
    .map((g) => {
      const top = g.topOffenders.map((t) => `${h(t.stack)} (${h(formatQuantity(t.expectedKgCo2ePerMonth))})`).join("<br>");
      return `<tr><th scope="row">${h(g.group)}</th><td class="num">${h(formatNumber(g.stacks, 0))}</td><td class="num">${h(formatEmissions(g))}</td><td class="num">${h(formatNumber(g.findings.mandatory, 0))}</td><td class="num">${h(formatNumber(g.findings.advisory, 0))}</td><td class="num">${h(formatNumber(g.findings.waived, 0))}</td><td class="num">${h(formatQuantity(g.savingKgCo2ePerMonth))}</td><td>${top}</td></tr>`;
    });
  return [
    `<section id="groups"><h2>By ${groupBy}</h2>`,
    '<div class="scroll"><table>',
    `<thead><tr><th scope="col">${h(capitalise(input.options.groupBy))}</th><th scope="col" class="num">Stacks</th><th scope="col" class="num">${EMISSIONS_HEADING}</th><th scope="col" class="num">Mandatory</th><th scope="col" class="num">Advisory</th><th scope="col" class="num">Waived</th><th scope="col" class="num">Saving</th><th scope="col">Top offenders</th></tr></thead>`,
    `<tbody>${rows.join("\n")}</tbody>`,
    "</table></div>",
    "</section>",
  ].join("\n");
}

function gradeBadge(grade: string): string {
  const cls = /^[A-G]$/.test(grade) ? `grade grade-${grade}` : "grade grade-na";
  return `<span class="${cls}" title="Efficiency grade">${h(grade)}</span>`;
}

// ---------------------------------------------------------------------------------------------
// Findings filter: one checkbox per level and per policy, and CSS that hides what is unchecked.
// Policies are numbered, so no model string ever reaches the CSS.

/** The level groups findings fall in, in reading order. */
const LEVEL_GROUPS = ["mandatory", "advisory", "other", "waived"] as const;
type LevelGroup = (typeof LEVEL_GROUPS)[number];

function levelGroupOf(f: ReportFinding): LevelGroup {
  if (f.waived !== undefined) return "waived";
  return f.level === "mandatory" ? "mandatory" : f.level === "advisory" ? "advisory" : "other";
}

interface FindingFilters {
  /** Each policy with findings, and its number in the page's classes and ids. */
  readonly policies: ReadonlyMap<string, number>;
  readonly levels: readonly { readonly level: LevelGroup; readonly count: number }[];
  readonly css: string;
}

function findingFilters(input: RenderInput): FindingFilters {
  const names = new Set<string>();
  let other = 0;
  for (const d of input.digests) {
    for (const p of d.findingPolicies) names.add(p);
    other += d.attention.other;
  }
  const policies = new Map([...names].sort(compareStrings).map((name, i) => [name, i]));
  const f = input.summary.findings;
  const counts: Record<LevelGroup, number> = { mandatory: f.mandatory, advisory: f.advisory, other, waived: f.waived };
  const levels = LEVEL_GROUPS.filter((level) => counts[level] > 0).map((level) => ({ level, count: counts[level] }));
  const rules: string[] = [];
  for (const { level } of levels) rules.push(`body:has(#filter-level-${level}:not(:checked)) .l-${level}{display:none}`);
  for (const i of policies.values()) rules.push(`body:has(#filter-policy-${i}:not(:checked)) .finding.p-${i}{display:none}`);
  return { policies, levels, css: rules.join("") };
}

function filterBar(filters: FindingFilters): string {
  if (filters.policies.size === 0) return "";
  const box = (id: string, label: string): string => `<label class="filter"><input type="checkbox" id="${id}" checked> ${label}</label>`;
  const levels = filters.levels.map(({ level, count }) => box(`filter-level-${level}`, `<span class="pill ${level}">${h(level)}</span> ${h(formatNumber(count, 0))}`));
  const policies = [...filters.policies].map(([name, i]) => box(`filter-policy-${i}`, `<code>${h(name)}</code>`));
  return [
    '<div class="filters" id="finding-filters" role="group" aria-label="Show findings">',
    `<div class="filter-row"><span class="filter-title">Level</span>${levels.join("")}</div>`,
    `<div class="filter-row"><span class="filter-title">Policy</span>${policies.join("")}</div>`,
    "</div>",
  ].join("\n");
}

/** One block per stack, each emitted as soon as it is made: no stack is kept once written. */
function writeStacksSection(input: RenderInput, filters: FindingFilters, emit: (...parts: string[]) => void): void {
  if (input.digests.length === 0) {
    emit('<section id="stacks"><h2>Stacks</h2><p class="empty">No stacks were read.</p></section>');
    return;
  }
  emit('<section id="stacks"><h2>Stacks</h2>', filterBar(filters));
  let index = 0;
  for (const stack of input.stacks({ order: byAttention })) emit(stackBlock(stack, index++, input.options.groupBy, filters));
  emit("</section>");
}

function stackBlock(stack: StackReport, index: number, groupBy: string, filters: FindingFilters): string {
  const c = stackCounts(stack);
  const state = stackState(c);
  const counts = [
    c.mandatory > 0 ? `<span class="pill mandatory">${h(formatNumber(c.mandatory, 0))} mandatory</span>` : "",
    c.advisory > 0 ? `<span class="pill advisory">${h(formatNumber(c.advisory, 0))} advisory</span>` : "",
    c.other > 0 ? `<span class="pill other">${h(formatNumber(c.other, 0))} other</span>` : "",
    c.waived > 0 ? `<span class="pill waived">${h(formatNumber(c.waived, 0))} waived</span>` : "",
    stack.findings.length === 0 ? '<span class="pill clean">no findings</span>' : "",
  ].join("");
  const e = stack.estimate;
  const g = stack.grade;
  const facts: [string, string][] = [
    ["Project / stack", `${h(stack.project)} / ${h(stack.stack)}`],
    [capitalise(groupBy), h(stack.group)],
    ["Source", `<code class="source">${h(stack.source)}</code>`],
    ["Resources", h(formatNumber(stack.resourceCount, 0))],
    ["Emissions", `${h(formatEmissions(e))} kgCO<sub>2</sub>e/month expected (floor–ceiling); embodied ${h(formatQuantity(e.embodiedKgCo2ePerMonth))}`],
    ["Energy", `${h(formatExpected(e.floorKwhPerMonth, e.expectedKwhPerMonth, e.ceilingKwhPerMonth))} kWh/month`],
    ["Accelerator-hours", `${h(formatQuantity(e.acceleratorHoursPerMonth))} per month`],
    ...(e.storage
      ? ([
          [
            "Storage",
            `${h(formatEmissions(e.storage))} kgCO<sub>2</sub>e/month expected, ${h(formatExpected(e.storage.floorKwhPerMonth, e.storage.expectedKwhPerMonth, e.storage.ceilingKwhPerMonth))} kWh/month (included above): ${h(e.storage.items.map((i) => `${i.label} (${i.name})`).join(", "))}`,
          ],
        ] as [string, string][])
      : []),
    [
      "Grade",
      `${gradeBadge(g.grade)} ` +
        (g.kgPerAcceleratorHour !== undefined ? `${h(formatNumber(g.kgPerAcceleratorHour, 3))} kgCO<sub>2</sub>e per accelerator-hour` : "") +
        (g.bestKgPerAcceleratorHour !== undefined ? `; best achievable ${h(formatNumber(g.bestKgPerAcceleratorHour, 3))}` : "") +
        (g.basis !== "" ? ` <span class="muted">${h(g.basis)}</span>` : ""),
    ],
  ];
  const tags = Object.keys(stack.tags).sort(compareStrings);
  if (tags.length > 0) facts.push(["Tags", tags.map((k) => `<span class="tag">${h(k)}=${h(stack.tags[k] ?? "")}</span>`).join(" ")]);

  const parts = [
    `<details class="stack ${state}" id="stack-${index + 1}"${state === "failed" ? " open" : ""}>`,
    `<summary><span class="stack-id">${h(stack.id)}</span> ${gradeBadge(g.grade)} <span class="muted">${h(formatEmissions(e))} kgCO<sub>2</sub>e/month · ${h(stack.group)}</span> ${counts}</summary>`,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${h(k)}</dt><dd>${v}</dd>`).join("")}</dl>`,
  ];
  if (stack.findings.length > 0) parts.push(findingGroups(stack.findings, filters));
  if (e.topResources.length > 0) {
    parts.push(
      '<h3>Largest emitters</h3><div class="scroll"><table class="resources">',
      `<thead><tr><th scope="col">Resource</th><th scope="col">Region</th><th scope="col" class="num">${EMISSIONS_HEADING}</th></tr></thead><tbody>`,
      // Name and type in one cell: a type token is long and unbreakable, and needs the width.
      e.topResources
        .map((r) => `<tr><td title="${h(r.urn)}">${h(r.name)}<br><code>${h(r.type)}</code></td><td>${h(r.region ?? "")}</td><td class="num">${h(formatExpected(r.kgCo2ePerMonth, r.expectedKgCo2ePerMonth, r.ceilingKgCo2ePerMonth))}</td></tr>`)
        .join("\n"),
      "</tbody></table></div>",
    );
  }
  if (e.unknown.length > 0) {
    parts.push(`<h3>Not estimated</h3><ul class="unknown">${e.unknown.map((u) => `<li><code>${h(u.urn)}</code>: ${h(u.reason)}</li>`).join("")}</ul>`);
  }
  parts.push("</details>");
  return parts.join("\n");
}

/** A stack's findings by level (mandatory first), then by policy, each level collapsible. */
function findingGroups(findings: readonly ReportFinding[], filters: FindingFilters): string {
  const byLevel = new Map<LevelGroup, ReportFinding[]>();
  for (const f of sortFindings(findings)) {
    const level = levelGroupOf(f);
    const list = byLevel.get(level);
    if (list) list.push(f);
    else byLevel.set(level, [f]);
  }
  const out: string[] = [];
  for (const level of LEVEL_GROUPS) {
    const list = byLevel.get(level);
    if (!list) continue;
    const byPolicy = [...list].sort((a, b) => compareStrings(a.policy, b.policy));
    const items: string[] = [];
    let policy: string | undefined;
    for (const f of byPolicy) {
      if (f.policy !== policy) {
        if (policy !== undefined) items.push("</ul>");
        policy = f.policy;
        items.push(`<h4 class="policy-head p-${filters.policies.get(policy) ?? 0}"><code>${h(policy)}</code></h4><ul class="findings">`);
      }
      items.push(findingItem(f, filters));
    }
    items.push("</ul>");
    out.push(`<details class="level-group l-${level}" open><summary><span class="pill ${level}">${h(level)}</span> ${h(plural(list.length, "finding"))}</summary>`, ...items, "</details>");
  }
  return out.join("\n");
}

function findingItem(f: ReportFinding, filters: FindingFilters): string {
  const level = shownLevel(f);
  const notes: string[] = [];
  if (f.kind === "cannot-evaluate") notes.push('<span class="pill other">cannot evaluate</span>');
  if (f.kind === "rule-error") notes.push('<span class="pill other">rule error</span>');
  if (f.savingKgCo2ePerMonth !== undefined && f.savingKgCo2ePerMonth > 0) notes.push(`<div class="saving">Fixing it saves ≈ ${h(formatQuantity(f.savingKgCo2ePerMonth))} kgCO<sub>2</sub>e/month.</div>`);
  const fix = readableFix(f.suggestion);
  if (fix) notes.push(fixBlock(fix));
  if (f.waived) {
    const w = f.waived;
    notes.push(
      `<div class="waiver">${capitalise(waiverWord(w))} until ${h(w.expires)}: ${h(w.reason)}` +
        (w.approvedBy ? ` (approved by ${h(w.approvedBy)})` : "") +
        (w.ticket ? ` <code>${h(w.ticket)}</code>` : "") +
        "</div>",
    );
  }
  if (f.waiverProblem) notes.push(`<div class="waiver-problem">Waiver not applied: ${h(f.waiverProblem)}</div>`);
  return (
    `<li class="finding l-${levelGroupOf(f)} p-${filters.policies.get(f.policy) ?? 0} ${isActive(f) ? "active" : "waived"}">` +
    `<div class="finding-head"><span class="pill ${h(level)}">${h(level)}</span> <span class="sev sev-${h(f.severity)}">${h(f.severity)}</span> ` +
    `<span class="resource" title="${h(f.urn)}"><code>${h(f.type)}</code> ${h(f.name)}</span></div>` +
    `<p class="finding-message">${h(f.message)}</p>${detailsBlock(f)}${notes.join("")}` +
    "</li>"
  );
}

/** The long form the short message leaves out (alternatives, provenance), folded by default. */
function detailsBlock(f: ReportFinding): string {
  if (!f.details || f.details.length === 0) return "";
  return `<details class="finding-details"><summary>Details</summary>${f.details.map((d) => `<p>${h(d)}</p>`).join("")}</details>`;
}

/** The structured fix for people: what to set, the alternatives as a small table, other steps. */
function fixBlock(fix: ReadableFix): string {
  const parts = ['<div class="fix">'];
  for (const s of fix.settings) {
    parts.push(s.action === "scale" ? `<div class="fix-set">Let <code>${h(s.property)}</code> scale to <code>${h(s.value)}</code></div>` : `<div class="fix-set">Set <code>${h(s.property)}</code> to <code>${h(s.value)}</code></div>`);
  }
  const alt = fix.alternatives;
  if (alt) {
    const region = alt.kind === "region";
    const hasFigures = alt.rows.some((r) => r.figure !== "—" || r.saving !== "—");
    const caption = `${region ? "Cleaner regions" : "Better-fitting types"}${alt.current !== undefined ? ` (now ${alt.current})` : ""}`;
    const head = hasFigures
      ? `<tr><th scope="col">${region ? "Region" : "Type"}</th><th scope="col">${region ? "Where" : "Accelerators"}</th><th scope="col" class="num">${region ? "Grid intensity" : "Accelerator power"}</th><th scope="col" class="num">${region ? "Emissions" : "Power"}</th></tr>`
      : `<tr><th scope="col">${region ? "Region" : "Type"}</th></tr>`;
    const rows = alt.rows.map((r) =>
      hasFigures
        ? `<tr><td><code>${h(r.name)}</code></td><td>${h(r.detail)}</td><td class="num">${h(r.figure)}</td><td class="num">${h(r.saving)}</td></tr>`
        : `<tr><td><code>${h(r.name)}</code></td></tr>`,
    );
    parts.push(`<div class="scroll"><table class="alternatives"><caption>${h(caption)}</caption><thead>${head}</thead><tbody>${rows.join("")}</tbody></table></div>`);
  }
  for (const n of fix.notes) parts.push(`<div class="fix-note">${h(n)}</div>`);
  parts.push("</div>");
  return parts.join("");
}

function baselineSection(input: RenderInput): string {
  const b = input.baseline;
  if (!b) return "";
  const list = (ids: readonly string[]): string => (ids.length === 0 ? '<p class="muted">None.</p>' : `<ul class="ids">${ids.map((id) => `<li><code>${h(id)}</code></li>`).join("")}</ul>`);
  return [
    '<section id="baseline"><h2>Since the baseline</h2>',
    `<p>Compared with <code>${h(b.source)}</code>: ${h(formatNumber(b.newFindings.length, 0))} new, ${h(formatNumber(b.fixedFindings.length, 0))} fixed, ${h(formatNumber(b.unchangedFindings, 0))} unchanged findings; emissions ${h(emissionsDeltaText(b))} kgCO<sub>2</sub>e/month.</p>`,
    `<h3>New</h3>${list(b.newFindings)}`,
    `<h3>Fixed</h3>${list(b.fixedFindings)}`,
    "</section>",
  ].join("\n");
}

/**
 * Measured energy (CodeCarbon) beside the estimate: a chart of measured and estimated kWh per
 * group (two bars each), then a table per group and stack, then runs that matched nothing.
 */
function measuredSection(input: RenderInput): string {
  const m = input.measured;
  if (!m) return "";
  const bars: Bar[] = [];
  for (const g of [...m.groups].sort((a, b) => b.measuredKwh - a.measuredKwh || compareStrings(a.id, b.id)).slice(0, CHART_ROWS)) {
    bars.push({ label: `${g.id} measured`, value: g.measuredKwh, tone: g.finding ? "measured off" : "measured" }, { label: `${g.id} estimated`, value: g.estimatedKwh, tone: "estimated" });
  }
  const chart = barChart({ id: "chart-measured-vs-estimated", title: `Measured vs estimated energy by ${input.options.groupBy}`, unit: "kWh over the period the runs cover", bars });
  // Cells stay short (a long sentence in a narrow column makes rows very tall); the sentences
  // (why a comparison is a finding, the budget, the basis) follow the table as a list.
  const row = (kind: string, c: MeasuredComparison): string => {
    const state = c.finding === "measured-above-estimate" ? "⚠ above" : c.finding === "measured-below-estimate" ? "⚠ below" : "✓ within";
    const budget = c.budget ? `; budget ${c.budget.overBudget ? "over" : "within"}` : "";
    return `<tr${c.finding ? ' class="off"' : ""}><th scope="row">${h(kind)} ${h(c.id)}</th><td class="num">${h(formatNumber(c.runs, 0))}</td><td>${h(c.from)} – ${h(c.to)}</td><td class="num">${h(formatQuantity(c.measuredKwh))}</td><td class="num">${h(formatQuantity(c.estimatedKwh))}</td><td class="num">${h(ratioText(c))}</td><td class="num">${h(formatQuantity(c.codecarbonKgCo2e))}</td><td class="num">${c.ourBasisKgCo2e === undefined ? "n/a" : h(formatQuantity(c.ourBasisKgCo2e))}</td><td>${h(state)}${h(budget)}</td></tr>`;
  };
  const comparisons = [...m.groups.map((c) => ["group", c] as const), ...m.stacks.map((c) => ["stack", c] as const)];
  const notes = [
    ...comparisons.flatMap(([kind, c]) => {
      const why = measuredFindingText(c, m.factor);
      return why ? [`<li>${h(kind)} <code>${h(c.id)}</code>: ${h(why)}</li>`] : [];
    }),
    ...m.stacks.flatMap((c) => (budgetText(c) ? [`<li>stack <code>${h(c.id)}</code>: ${h(budgetText(c) as string)}</li>`] : [])),
    ...[...new Set(comparisons.flatMap(([, c]) => c.ourBasis))].map((b) => `<li class="muted">carbonguard basis: ${h(b)}</li>`),
  ];
  const unmatched =
    m.unmatched.length === 0
      ? ""
      : [
          "<h3>Runs that matched no stack or group</h3>",
          '<div class="scroll"><table><thead><tr><th scope="col">CodeCarbon project</th><th scope="col" class="num">Runs</th><th scope="col" class="num">kWh</th><th scope="col">Why</th><th scope="col">Rows</th></tr></thead><tbody>',
          m.unmatched.map((u) => `<tr><td><code>${h(u.projectName)}</code></td><td class="num">${h(formatNumber(u.runs, 0))}</td><td class="num">${h(formatQuantity(u.measuredKwh))}</td><td>${h(u.reason)}</td><td>${u.examples.map((e) => `<code>${h(e)}</code>`).join(" ")}</td></tr>`).join("\n"),
          "</tbody></table></div>",
        ].join("\n");
  const skipped = m.skipped.length === 0 ? "" : `<p class="muted">Not read: ${m.skipped.map((x) => `<code>${h(x.input)}</code> (${h(x.error)})`).join("; ")}</p>`;
  return [
    '<section id="measured"><h2>Measured energy (CodeCarbon)</h2>',
    `<p>${h(plural(m.runs, "run"))} from ${h(plural(m.files.length, "file"))}, compared with the expected estimate over the period the runs cover; a difference beyond ${h(formatNumber(m.factor, 1))}× either way is a finding. kgCO<sub>2</sub>e is shown by CodeCarbon's own figures and on carbonguard's basis (the run's cloud region, else its country).</p>`,
    chart,
    `<div class="scroll"><table><thead><tr><th scope="col">Stack or group</th><th scope="col" class="num">Runs</th><th scope="col">Period</th><th scope="col" class="num">Measured kWh</th><th scope="col" class="num">Estimated kWh</th><th scope="col" class="num">Ratio</th><th scope="col" class="num">kgCO<sub>2</sub>e (CodeCarbon)</th><th scope="col" class="num">kgCO<sub>2</sub>e (carbonguard)</th><th scope="col">Against ${h(formatNumber(m.factor, 1))}×</th></tr></thead><tbody>`,
    comparisons.map(([kind, c]) => row(kind, c)).join("\n"),
    "</tbody></table></div>",
    notes.length > 0 ? `<ul class="measured-notes">${notes.join("")}</ul>` : "",
    unmatched,
    skipped,
    "</section>",
  ].join("\n");
}

function unreadableSection(input: RenderInput): string {
  if (input.unreadable.length === 0) return "";
  return [
    '<section id="unreadable"><h2>Unreadable inputs</h2>',
    "<p>These inputs could not be read and are not in this report.</p>",
    '<div class="scroll"><table><thead><tr><th scope="col">Input</th><th scope="col">Error</th></tr></thead><tbody>',
    input.unreadable.map((u) => `<tr><td><code>${h(u.input)}</code></td><td>${h(u.error)}</td></tr>`).join("\n"),
    "</tbody></table></div>",
    "</section>",
  ].join("\n");
}

/** Only absolute http(s) URLs become links; anything else (`javascript:`, relative) stays text. */
function link(url: string, text: string): string {
  if (!/^https?:\/\/[^\s"'<>]+$/i.test(url)) return h(text);
  return `<a href="${h(url)}" rel="noopener noreferrer">${h(text)}</a>`;
}

function rulesSection(input: RenderInput): string {
  if (input.rules.length === 0) return "";
  const rows = input.rules.map(
    (r) =>
      `<tr><td>${link(r.url, r.displayName || r.name)}<br><code>${h(r.name)}</code></td><td>${h(r.defaultLevel)}</td><td><span class="sev sev-${h(r.severity)}">${h(r.severity)}</span></td><td>${h(r.description)}</td><td>${h(r.remediationSteps)}</td></tr>`,
  );
  return [
    '<section id="rules"><h2>Policies</h2>',
    '<div class="scroll"><table class="rules"><thead><tr><th scope="col">Policy</th><th scope="col">Default level</th><th scope="col">Severity</th><th scope="col">What it checks</th><th scope="col">How to fix</th></tr></thead>',
    `<tbody>${rows.join("\n")}</tbody></table></div>`,
    "</section>",
  ].join("\n");
}

function footer(input: RenderInput): string {
  const data = input.provenance.map((p) => `<li>${h(provenanceText(p))}${p.basis ? ` · <span class="muted">${h(p.basis)}</span>` : ""}</li>`);
  return [
    "<footer>",
    data.length > 0 ? `<h2>Data sources</h2><ul class="provenance">${data.join("")}</ul>` : "",
    `<p class="muted">Emissions are estimated at the stated utilisation: the expected figure counts the capacity each resource declares (an Auto Scaling group's desired capacity, a managed instance group's target size) and, where it declares none, autoscaled capacity ${h(formatNumber(input.options.expectedUtilization * 100, 0))}% of the way from its minimum to its maximum (<code>--expected-utilization</code>); the floor counts autoscaled capacity at its minimum, the ceiling at its maximum. The efficiency grade (A–G) compares kgCO<sub>2</sub>e per accelerator-hour with the cleanest configuration achievable on the same hardware. The machine-readable form of this report is <code>--format json</code> (schema: <code>${h(SCHEMA_DOC_PATH)}</code> in the carbonguard package).</p>`,
    "</footer>",
  ]
    .filter((x) => x !== "")
    .join("\n");
}

// ---------------------------------------------------------------------------------------------

const CSS = `
:root{--critical:#7a1c12;--bg:#fbfbf8;--fg:#1d2521;--muted:#5d6b63;--card:#fff;--line:#dfe5e0;--accent:#1f7a4d;--accent-2:#9fd3b5;--bad:#b42318;--warn:#b54708;--good:#1f7a4d;--code:#eef2ef;--others:#8a978f}
@media (prefers-color-scheme:dark){:root{--bg:#121715;--fg:#e4ebe6;--muted:#9aa8a0;--card:#1a211e;--line:#2c3632;--accent:#4cc08a;--accent-2:#2c6e4e;--bad:#f97066;--warn:#fdb022;--good:#4cc08a;--code:#232c28;--others:#6b7a72;--critical:#ff9c8f}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 24px}
header{padding-top:28px}
h1{margin:0 0 4px;font-size:28px;letter-spacing:-.01em}
h1::before{content:"";display:inline-block;width:.7em;height:.7em;margin-right:.35em;border-radius:50% 0;background:var(--accent);transform:rotate(-45deg)}
h2{font-size:20px;margin:32px 0 12px}
h3{font-size:15px;margin:16px 0 8px}
.meta,.muted{color:var(--muted)}
.status{display:inline-block;margin:8px 0 0;padding:4px 12px;border-radius:999px;font-weight:600}
.status.failed{background:color-mix(in srgb,var(--bad) 14%,transparent);color:var(--bad)}
.status.passed{background:color-mix(in srgb,var(--good) 14%,transparent);color:var(--good)}
.status.incomplete{background:color-mix(in srgb,var(--warn) 14%,transparent);color:var(--warn)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(200px,100%),1fr));gap:12px;margin-top:20px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card-label{font-size:13px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card-value{font-size:26px;font-weight:650;margin:2px 0;font-variant-numeric:tabular-nums}
.card-sub{font-size:13px;color:var(--muted)}
.card.bad .card-value{color:var(--bad)}
.card.good .card-value{color:var(--good)}
.n-advisory{color:var(--warn)}.n-waived{color:var(--muted)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(480px,100%),1fr));gap:12px;margin-top:12px}
.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
figcaption{font-weight:600;margin-bottom:6px}
.unit{font-weight:400;color:var(--muted);font-size:13px}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
svg .value{fill:var(--muted);font-variant-numeric:tabular-nums}
svg .empty{fill:var(--muted)}
svg .bar{fill:var(--accent)}
svg .range{stroke:var(--fg);stroke-width:1.5;fill:none;opacity:.75}
svg .others .bar{fill:var(--others)}
svg .saving .bar{fill:#2e90fa}
svg .measured .bar{fill:#7a5af8}
svg .measured.off .bar{fill:var(--warn)}
svg .estimated .bar{fill:var(--accent-2)}
#measured figure.chart{max-width:760px}
svg .sev-critical .bar{fill:#7a1c12}
svg .sev-high .bar{fill:#d92d20}
svg .sev-medium .bar{fill:#f79009}
svg .sev-low .bar{fill:#fdc700}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:8px;font-size:14px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;overflow-wrap:break-word}
th{white-space:nowrap}
.range{white-space:nowrap}.assumption{font-size:12px}
.filters{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:0 0 8px;font-size:13px}
.filter-row{display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;margin:2px 0}
.filter-title{color:var(--muted);text-transform:uppercase;font-size:12px;letter-spacing:.04em;min-width:4em}
.filter{display:inline-flex;align-items:center;gap:4px;cursor:pointer;min-width:0;overflow-wrap:anywhere}
details.level-group{margin:8px 0}
details.level-group>summary{cursor:pointer;font-weight:600;padding:4px 0}
.policy-head{font-size:13px;margin:8px 0 4px}
ul.findings{list-style:none;margin:0;padding:0}
li.finding{border-top:1px solid var(--line);padding:8px 0;min-width:0;overflow-wrap:break-word}
.finding-head{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;font-size:13px}
.finding-head .resource{min-width:0;overflow-wrap:anywhere}
.finding-message{margin:4px 0 0}
li.finding.waived .finding-message{color:var(--muted)}
.fix{margin-top:6px;font-size:13px}
.fix-set,.fix-note{margin-top:2px}
table.alternatives{width:auto;min-width:min(100%,28em);margin-top:4px;font-size:13px}
table.alternatives code{white-space:nowrap}
table.alternatives caption{text-align:left;font-weight:600;padding:2px 0}
table.alternatives td,table.alternatives th{padding:3px 8px}
.rules td:nth-child(1){min-width:13em}
.rules td:nth-child(2),.rules td:nth-child(3){white-space:nowrap}
.rules td:nth-child(4),.rules td:nth-child(5){min-width:18em}
thead th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
details.stack{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--good);border-radius:8px;margin:8px 0;padding:0 14px}
details.stack.failed{border-left-color:var(--bad)}
details.stack.warned{border-left-color:var(--warn)}
details.stack>summary{cursor:pointer;padding:10px 0;display:flex;flex-wrap:wrap;align-items:center;gap:8px}
details.stack[open]>summary{border-bottom:1px solid var(--line);margin-bottom:10px}
.stack-id{font-weight:650;overflow-wrap:anywhere}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0 0 12px;font-size:14px}
.facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
.pill{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap;background:var(--code)}
.pill.mandatory{background:color-mix(in srgb,var(--bad) 16%,transparent);color:var(--bad)}
.pill.advisory{background:color-mix(in srgb,var(--warn) 16%,transparent);color:var(--warn)}
.pill.waived,.pill.mitigated{color:var(--muted)}
.pill.clean{background:color-mix(in srgb,var(--good) 16%,transparent);color:var(--good)}
.sev{font-size:12px;font-weight:600;text-transform:uppercase}
.sev-critical{color:var(--critical)}.sev-high{color:var(--bad)}.sev-medium{color:var(--warn)}.sev-low{color:var(--muted)}
.saving{color:var(--good);margin-top:4px}.waiver,.waiver-problem{margin-top:4px;font-size:13px}.waiver-problem{color:var(--bad)}
.grade{display:inline-block;min-width:1.6em;padding:0 6px;border-radius:4px;text-align:center;font-weight:700;color:#fff}
.grade-A{background:#00a651}.grade-B{background:#50b848}.grade-C{background:#a5c81f;color:#1d2521}.grade-D{background:#f2d600;color:#1d2521}.grade-E{background:#fdb913;color:#1d2521}.grade-F{background:#f37021}.grade-G{background:#ed1c24}.grade-na{background:var(--others)}
.tag{display:inline-block;font-size:12px;background:var(--code);border-radius:4px;padding:0 6px;margin:1px 0}
.unknown,.ids,.provenance{margin:0;padding-left:20px;font-size:14px;overflow-wrap:anywhere}
a{color:var(--accent)}
footer{padding-bottom:40px;font-size:14px}
@media (max-width:600px){header,main,footer{padding:0 12px}details.stack{padding:0 10px}.facts{grid-template-columns:1fr}.facts dd{margin-bottom:4px}}
@media print{details.stack{break-inside:avoid}.charts{grid-template-columns:1fr 1fr}}
`
  .trim()
  .replace(/\n/g, "");
