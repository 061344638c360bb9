/**
 * Shared by the renderer tests: fixture models, golden files, validators and generated models.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { expect } from "vitest";
import type { GroupSummary, RenderInput, Renderer, Report, ReportFinding, Severity, StackReport, StackSelection } from "../../src/report/model";
import { fromReport } from "../../src/report/render-input";

export const FIXTURES = join(__dirname, "..", "fixtures", "report");
export const GOLDEN = join(FIXTURES, "golden");
export const ROOT = join(__dirname, "..", "..");

export const FIXTURE_NAMES = ["full", "clean", "empty"] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export function loadFixture(name: FixtureName): Report {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as Report;
}

/**
 * Compares `actual` with the golden file exactly; `UPDATE_GOLDEN=1` writes it instead (check the
 * diff by eye before committing). A missing golden fails everywhere, not only in CI: writing it
 * and passing would make the test unable to fail on first run (or after a golden is deleted).
 */
export function expectGolden(file: string, actual: string, goldenDir: string = GOLDEN): void {
  const path = join(goldenDir, file);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${file} is missing (run with UPDATE_GOLDEN=1 to write it, then review it)`);
  const expected = readFileSync(path, "utf8");
  if (actual !== expected) {
    // toBe on long strings gives a useless diff; compare line by line for a readable failure.
    expect(actual.split("\n"), `${file} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)`).toEqual(expected.split("\n"));
  }
  expect(actual).toBe(expected);
}

// ---------------------------------------------------------------------------------------------
// Validators

function ajvWithFormats(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  ajv.addFormat("uri", (value: string) => isUri(value, false));
  ajv.addFormat("uri-reference", (value: string) => isUri(value, true));
  ajv.addFormat("date-time", (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value)));
  return ajv;
}

/** RFC 3986 URI (or relative reference): only allowed characters, valid percent-escapes. */
function isUri(value: string, relativeOk: boolean): boolean {
  if (!/^([A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/.test(value)) return false;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value);
  if (!scheme && !relativeOk) return false;
  // A relative reference's first segment may not hold a colon (it would read as a scheme).
  if (!scheme && /^[^/?#]*:/.test(value)) return false;
  return true;
}

let sarifValidate: ValidateFunction | undefined;

/** The OASIS SARIF 2.1.0 schema (a draft-04 schema; it uses nothing draft-07 reads differently). */
export function validateSarif(doc: unknown): string[] {
  if (!sarifValidate) {
    const schema = JSON.parse(readFileSync(join(FIXTURES, "sarif-schema-2.1.0.json"), "utf8")) as Record<string, unknown>;
    delete schema.$schema;
    delete schema.id;
    sarifValidate = ajvWithFormats().compile(schema);
  }
  return sarifValidate(doc) ? [] : (sarifValidate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

let reportValidate: ValidateFunction | undefined;

/** docs/report-schema.json, the published schema of `--format json`. */
export function validateReportJson(doc: unknown): string[] {
  if (!reportValidate) {
    const schema = JSON.parse(readFileSync(join(ROOT, "docs", "report-schema.json"), "utf8")) as Record<string, unknown>;
    const ajv = ajvWithFormats();
    reportValidate = ajv.compile(schema);
  }
  return reportValidate(doc) ? [] : (reportValidate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

// ---------------------------------------------------------------------------------------------
// HTML structure: every tag and attribute the HTML renderer emits is on these lists, so any text
// from the model that escaped escaping would show up as an unknown tag or attribute.

export const HTML_TAGS = new Set([
  "!doctype", "html", "head", "meta", "link", "title", "style", "body", "header", "main", "footer", "section", "h1", "h2", "h3", "p", "div", "span",
  "sub", "time", "figure", "figcaption", "svg", "g", "rect", "text", "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "dl", "dt",
  "dd", "ul", "li", "code", "a", "br", "h4", "path", "caption", "label", "input",
]);
export const HTML_ATTRIBUTES = new Set([
  "lang", "charset", "http-equiv", "content", "name", "rel", "href", "class", "id", "title", "xmlns", "viewbox", "width", "height", "role",
  "aria-label", "x", "y", "rx", "text-anchor", "scope", "open", "d", "type", "checked",
]);

export interface HtmlTag {
  readonly name: string;
  readonly attributes: readonly { readonly name: string; readonly value: string | undefined }[];
  readonly raw: string;
}

/**
 * Tokenises the HTML the renderer emits (not arbitrary HTML): tags, with their attributes. The
 * contents of <style> are skipped. Throws on anything that is not a well-formed tag.
 */
export function htmlTags(html: string): HtmlTag[] {
  const tags: HtmlTag[] = [];
  let i = 0;
  while (true) {
    const lt = html.indexOf("<", i);
    if (lt < 0) break;
    const gt = html.indexOf(">", lt);
    if (gt < 0) throw new Error(`unterminated tag at ${lt}`);
    const raw = html.slice(lt, gt + 1);
    const m = /^<(\/?)(!?[A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z][A-Za-z0-9-]*(?:="[^"<>]*")?)*)\s*(\/?)>$/.exec(raw);
    if (!m) throw new Error(`not a well-formed tag at ${lt}: ${JSON.stringify(raw.slice(0, 80))}`);
    const name = m[2]!.toLowerCase();
    const attributes = [...m[3]!.matchAll(/([A-Za-z][A-Za-z0-9-]*)(?:="([^"]*)")?/g)].map((a) => ({ name: a[1]!.toLowerCase(), value: a[2] }));
    tags.push({ name: m[1] ? `/${name}` : name, attributes, raw });
    i = gt + 1;
    if (name === "style" && !m[1]) {
      const end = html.indexOf("</style>", i);
      if (end < 0) throw new Error("unterminated <style>");
      i = end;
    }
  }
  return tags;
}

export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  let tags: HtmlTag[] = [];
  try {
    tags = htmlTags(html);
  } catch (e) {
    return [(e as Error).message];
  }
  for (const tag of tags) {
    const name = tag.name.replace(/^\//, "");
    if (!HTML_TAGS.has(name)) problems.push(`unexpected tag <${tag.name}>: ${tag.raw.slice(0, 80)}`);
    for (const a of tag.attributes) {
      if (name === "!doctype" && a.name === "html" && a.value === undefined) continue;
      if (!HTML_ATTRIBUTES.has(a.name)) problems.push(`unexpected attribute ${a.name} in ${tag.raw.slice(0, 80)}`);
      if (a.name === "href" && a.value !== undefined && !/^(https?:\/\/|#|data:,$)/.test(a.value)) problems.push(`unexpected href ${a.value}`);
    }
  }
  if (/<script/i.test(html)) problems.push("contains <script");
  if (!html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:`)) {
    problems.push("no CSP meta tag");
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Generated models

const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/** A report of `n` stacks with `findingsPerStack` findings each, for size tests. */
export function generatedReport(n: number, findingsPerStack: number): Report {
  const base = loadFixture("full");
  const stacks: StackReport[] = [];
  for (let i = 0; i < n; i++) {
    const project = `project-${String(i % 37).padStart(2, "0")}`;
    const stack = `stack-${String(i).padStart(4, "0")}`;
    const findings: ReportFinding[] = [];
    for (let j = 0; j < findingsPerStack; j++) {
      const urn = `urn:pulumi:${stack}::${project}::aws:ec2/instance:Instance::gpu-worker-${j}`;
      const policy = base.rules[j % base.rules.length]!.name;
      findings.push({
        id: `${policy}@${urn}`,
        policy,
        level: j % 3 === 0 ? "mandatory" : "advisory",
        severity: SEVERITIES[j % 4]!,
        urn,
        type: "aws:ec2/instance:Instance",
        name: `gpu-worker-${j}`,
        message: `Region us-east-1 averages 418 gCO2e/kWh, above the 150 gCO2e/kWh limit for ML workloads; move gpu-worker-${j} to ca-central-1 (32 g) to save about 120 kgCO2e/month.`,
        kind: "violation",
        savingKgCo2ePerMonth: 120,
      });
    }
    const floor = 100 + ((i * 7919) % 5000) / 10;
    const region = ["us-east-1", "eu-west-1", "eu-north-1", "ap-south-1"][i % 4]!;
    stacks.push({
      id: `${project}/${stack}`,
      project,
      stack,
      source: `.pulumi/stacks/${project}/${stack}.json`,
      group: `team-${i % 12}`,
      tags: { team: `team-${i % 12}` },
      resourceCount: 100,
      findings,
      policies: base.rules.map((r, k) => ({ policy: r.name, status: findings.some((f) => f.policy === r.name) ? "failed" : k % 2 === 0 ? "passed" : "not-applicable", findings: findings.filter((f) => f.policy === r.name).length })),
      estimate: {
        floorKgCo2ePerMonth: floor,
        expectedKgCo2ePerMonth: floor * 1.25,
        ceilingKgCo2ePerMonth: floor * 1.5,
        floorKwhPerMonth: floor * 2.4,
        expectedKwhPerMonth: floor * 3,
        ceilingKwhPerMonth: floor * 3.6,
        embodiedKgCo2ePerMonth: floor / 20,
        acceleratorHoursPerMonth: 730,
        unknown: [],
        topResources: [{ urn: `urn:pulumi:${stack}::${project}::aws:ec2/instance:Instance::gpu-worker-0`, type: "aws:ec2/instance:Instance", name: "gpu-worker-0", region: "us-east-1", kgCo2ePerMonth: floor, expectedKgCo2ePerMonth: floor * 1.25, ceilingKgCo2ePerMonth: floor * 1.5 }],
        byRegion: { [region]: floor },
        regions: { [region]: { floorKgCo2ePerMonth: floor, expectedKgCo2ePerMonth: floor * 1.25, ceilingKgCo2ePerMonth: floor * 1.5 } },
      },
      grade: { grade: (["A", "B", "C", "D", "E", "F", "G"] as const)[i % 7]!, kgPerAcceleratorHour: floor / 730, bestKgPerAcceleratorHour: 0.05, basis: "generated" },
    });
  }
  const groups = new Map<string, StackReport[]>();
  for (const s of stacks) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  const count = (ss: readonly StackReport[]) => {
    const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
    let mandatory = 0;
    let advisory = 0;
    for (const s of ss)
      for (const f of s.findings) {
        bySeverity[f.severity]++;
        if (f.level === "mandatory") mandatory++;
        else advisory++;
      }
    return { mandatory, advisory, waived: 0, bySeverity };
  };
  const sum = (ss: readonly StackReport[], pick: (s: StackReport) => number) => ss.reduce((a, s) => a + pick(s), 0);
  const groupSummaries: GroupSummary[] = [...groups].map(([group, ss]) => ({
    group,
    stacks: ss.length,
    floorKgCo2ePerMonth: sum(ss, (s) => s.estimate.floorKgCo2ePerMonth),
    expectedKgCo2ePerMonth: sum(ss, (s) => s.estimate.expectedKgCo2ePerMonth),
    ceilingKgCo2ePerMonth: sum(ss, (s) => s.estimate.ceilingKgCo2ePerMonth),
    findings: count(ss),
    savingKgCo2ePerMonth: sum(ss, (s) => s.findings.length * 120),
    topOffenders: [...ss]
      .sort((a, b) => b.estimate.floorKgCo2ePerMonth - a.estimate.floorKgCo2ePerMonth)
      .slice(0, 5)
      .map((s) => ({ stack: s.id, kgCo2ePerMonth: s.estimate.floorKgCo2ePerMonth, expectedKgCo2ePerMonth: s.estimate.expectedKgCo2ePerMonth })),
  }));
  const findings = count(stacks);
  return {
    ...base,
    stacks,
    unreadable: [],
    groups: groupSummaries,
    summary: {
      stacks: n,
      resources: n * 100,
      unreadable: 0,
      findings,
      floorKgCo2ePerMonth: sum(stacks, (s) => s.estimate.floorKgCo2ePerMonth),
      expectedKgCo2ePerMonth: sum(stacks, (s) => s.estimate.expectedKgCo2ePerMonth),
      ceilingKgCo2ePerMonth: sum(stacks, (s) => s.estimate.ceilingKgCo2ePerMonth),
      savingKgCo2ePerMonth: n * findingsPerStack * 120,
      savingByPolicy: Object.fromEntries(base.rules.map((r) => [r.name, stacks.reduce((a, s) => a + s.findings.filter((f) => f.policy === r.name).length * 120, 0)])),
      failed: findings.mandatory > 0,
    },
    baseline: undefined,
  };
}

/** What a renderer did with a spool-like input: its passes over the stacks and its output chunks. */
export interface StreamProbe {
  readonly output: string;
  readonly chunks: readonly string[];
  readonly passes: number;
  readonly reads: number;
  /** How many chunks had been written when each stack was handed out, in reading order. */
  readonly writtenAtRead: readonly number[];
}

/**
 * Renders `model` with `renderer.write` from an input that behaves like a streamed report's: each
 * `stacks()` call is a new pass, and every stack read is a fresh copy (so nothing can be kept by
 * identity). Counts passes and reads and records the chunks.
 */
export function probeStreaming(renderer: Renderer, model: Report): StreamProbe {
  const inMemory = fromReport(model);
  const chunks: string[] = [];
  const writtenAtRead: number[] = [];
  let passes = 0;
  let reads = 0;
  const input: RenderInput = {
    ...inMemory,
    stacks: function* (select?: StackSelection): Generator<StackReport> {
      passes++;
      for (const stack of inMemory.stacks(select)) {
        reads++;
        writtenAtRead.push(chunks.length);
        yield structuredClone(stack);
      }
    },
  };
  renderer.write(input, (chunk) => chunks.push(chunk));
  return { output: chunks.join(""), chunks, passes, reads, writtenAtRead };
}
