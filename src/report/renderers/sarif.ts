/**
 * `--format sarif`: SARIF 2.1.0 (OASIS), for GitHub code scanning and other SARIF viewers.
 *
 * One run; `tool.driver.rules` from the report's rule metadata (id = policy name); one result per
 * finding, located logically by the resource URN (`kind: "resource"`) and physically by the file
 * the stack was read from. Waived findings carry an external, accepted suppression with the
 * waiver's reason. `partialFingerprints` holds the finding's stable id so that viewers track a
 * finding across runs the way `--baseline` does. Unreadable inputs become tool execution
 * notifications.
 */
import type { Level, MeasuredSection, RenderInput, Renderer, ReportFinding, RuleSummary, Sink, StackReport } from "../model";
import { MEASURED_RULE_ID, measuredFindingText } from "./measured-text";
import { defineRenderer } from "../render-input";
import { jsonAt, sortKeys } from "./util";

export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

type SarifLevel = "error" | "warning" | "note" | "none";

const LEVELS: Readonly<Record<Level, SarifLevel>> = { mandatory: "error", advisory: "warning", remediate: "note", disabled: "none" };

export function sarifLevel(level: Level): SarifLevel {
  return LEVELS[level] ?? "warning";
}

export function createSarifRenderer(): Renderer {
  return defineRenderer("sarif", "sarif", writeSarif);
}

/**
 * A stack's source as a SARIF artifact URI: URLs stay as they are, paths become (percent-encoded)
 * relative references with forward slashes, absolute paths `file://` URIs. Empty → none.
 */
export function artifactUri(source: string): string | undefined {
  if (source === "") return undefined;
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(source)) {
    const url = normalisedUri(source);
    if (url !== undefined) return url;
    // Not a URL SARIF accepts after all: treat it as a path.
  }
  let path = source.replace(/\\/g, "/");
  let prefix = "";
  const drive = /^([a-z]):\//i.exec(path);
  if (drive) {
    prefix = `file:///${drive[1]!.toUpperCase()}:/`;
    path = path.slice(3);
  } else if (path.startsWith("/")) {
    prefix = "file:///";
    path = path.replace(/^\/+/, "");
  }
  // encodeURIComponent also encodes ":", so a relative reference never reads as a scheme.
  const encoded = path
    .split("/")
    .map((segment) => encodeSegment(segment))
    .join("/");
  return prefix + encoded;
}

function encodeSegment(segment: string): string {
  // encodeURIComponent leaves ! ' ( ) * unescaped, which are valid in a path; lone surrogates throw.
  return Array.from(segment)
    .map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code >= 0xd800 && code <= 0xdfff) return "%EF%BF%BD";
      return encodeURIComponent(ch);
    })
    .join("");
}

function ruleDescriptor(rule: RuleSummary): Record<string, unknown> {
  const descriptor: Record<string, unknown> = { id: rule.name };
  if (rule.displayName !== "") descriptor.name = rule.displayName;
  descriptor.shortDescription = { text: rule.displayName !== "" ? rule.displayName : rule.name };
  descriptor.fullDescription = { text: rule.description !== "" ? rule.description : rule.displayName || rule.name };
  const help = helpUri(rule.url);
  if (help !== undefined) descriptor.helpUri = help;
  descriptor.help = { text: rule.remediationSteps !== "" ? rule.remediationSteps : rule.description || rule.name };
  descriptor.defaultConfiguration = rule.defaultLevel === "disabled" ? { enabled: false, level: "none" } : { level: sarifLevel(rule.defaultLevel) };
  descriptor.properties = { tags: ["carbon", "sustainability", "pulumi"], severity: rule.severity, enforcementLevel: rule.defaultLevel };
  return descriptor;
}

/** Characters an RFC 3986 URI may hold (percent-escapes included). */
const URI_CHARS = /^([A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;

/** `value` as an absolute URI SARIF accepts (parsed and re-serialised), or undefined. */
function normalisedUri(value: string): string | undefined {
  try {
    const href = new URL(value).href;
    return URI_CHARS.test(href) ? href : undefined;
  } catch {
    return undefined;
  }
}

/** Help links: absolute http(s) URLs only. */
function helpUri(value: string): string | undefined {
  return /^https?:\/\//i.test(value) ? normalisedUri(value) : undefined;
}

/**
 * Writes the log a result at a time, byte-identical to `JSON.stringify(log, null, 2)` of the
 * whole log: the members around `runs[0].results` are serialised on their own and indented to
 * their depth, and so is each result (no string in JSON holds a raw newline, so re-indenting
 * after each newline is safe). One pass over the stacks: the policies that need a rule of their
 * own come from the digests.
 */
function writeSarif(input: RenderInput, sink: Sink): void {
  const rules: Record<string, unknown>[] = [];
  const ruleIndex = new Map<string, number>();
  for (const rule of input.rules) {
    if (ruleIndex.has(rule.name)) continue;
    ruleIndex.set(rule.name, rules.length);
    rules.push(ruleDescriptor(rule));
  }
  // Findings of a policy without metadata still need a rule to point at.
  const missing = new Set<string>();
  for (const d of input.digests) for (const policy of d.findingPolicies) if (!ruleIndex.has(policy)) missing.add(policy);
  for (const name of [...missing].sort()) {
    ruleIndex.set(name, rules.length);
    rules.push({ id: name, shortDescription: { text: name } });
  }

  // Measured energy far from the estimate is a finding of its own (not a policy of the pack).
  const measuredOff = input.measured ? [...input.measured.groups.map((c) => ["group", c] as const), ...input.measured.stacks.map((c) => ["stack", c] as const)].filter(([, c]) => c.finding) : [];
  if (measuredOff.length > 0) {
    ruleIndex.set(MEASURED_RULE_ID, rules.length);
    rules.push({
      id: MEASURED_RULE_ID,
      name: "MeasuredEnergyFarFromEstimate",
      shortDescription: { text: "Measured energy (CodeCarbon) differs from the estimate by more than the configured factor" },
      fullDescription: { text: "CodeCarbon runs matched to a stack or group measured more or less than the expected estimate over the same period by more than --measured-factor (default 2×) either way: the estimate's capacity or utilization assumptions, or the mapping of runs to stacks, is wrong." },
      defaultConfiguration: { level: "warning" },
      // No project web address exists yet: the page ships in the package (docs/report.md).
      help: { text: "See docs/report.md, section \"Measured energy (CodeCarbon)\", in the carbonguard package." },
    });
  }

  const notifications = input.unreadable.map((u) => {
    const uri = artifactUri(u.input);
    return {
      level: "error",
      message: { text: `Could not read ${u.input}: ${u.error}` },
      ...(uri !== undefined ? { locations: [{ physicalLocation: { artifactLocation: { uri } } }] } : {}),
    };
  });

  const tool = {
    driver: {
      name: input.tool.name,
      version: input.tool.version,
      rules,
    },
  };
  const invocations = [
    {
      executionSuccessful: input.unreadable.length === 0,
      ...(input.generatedAt !== "" && isDateTime(input.generatedAt) ? { endTimeUtc: input.generatedAt } : {}),
      ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
    },
  ];
  const properties = {
    schemaVersion: input.schemaVersion,
    failOn: input.options.failOn,
    failed: input.summary.failed,
    floorKgCo2ePerMonth: input.summary.floorKgCo2ePerMonth,
    ceilingKgCo2ePerMonth: input.summary.ceilingKgCo2ePerMonth,
    savingKgCo2ePerMonth: input.summary.savingKgCo2ePerMonth,
  };

  // { $schema, version, runs: [{ tool, invocations, results, properties }] }: the run's members
  // are indented by 6 spaces, each result by 8; key order as in the whole log.
  sink(`{\n  "$schema": ${JSON.stringify(SARIF_SCHEMA_URI)},\n  "version": "2.1.0",\n  "runs": [\n    {\n`);
  sink(`      "tool": ${jsonAt(tool, "      ")},\n      "invocations": ${jsonAt(invocations, "      ")},\n      "results": `);
  const newIds = input.baseline ? new Set(input.baseline.newFindings) : undefined;
  let n = 0;
  for (const stack of input.stacks()) {
    for (const finding of stack.findings) {
      sink(`${n === 0 ? "[\n" : ",\n"}        ${jsonAt(result(finding, stack, ruleIndex.get(finding.policy)!, newIds), "        ")}`);
      n++;
    }
  }
  for (const [kind, c] of measuredOff) {
    const out = {
      ruleId: MEASURED_RULE_ID,
      ruleIndex: ruleIndex.get(MEASURED_RULE_ID),
      level: "warning",
      message: { text: `${kind} ${c.id}: ${measuredFindingText(c, (input.measured as MeasuredSection).factor) ?? ""}` },
      locations: [{ logicalLocations: [{ name: c.id, fullyQualifiedName: `${kind}:${c.id}`, kind: "module" }] }],
      partialFingerprints: { "carbonguardFindingId/v1": `${MEASURED_RULE_ID}/${kind}/${c.id}` },
      properties: { [kind]: c.id, finding: c.finding, measuredKwh: c.measuredKwh, estimatedKwh: c.estimatedKwh, ...(c.ratio !== undefined ? { ratio: c.ratio } : {}), from: c.from, to: c.to, runs: c.runs },
    };
    sink(`${n === 0 ? "[\n" : ",\n"}        ${jsonAt(out, "        ")}`);
    n++;
  }
  sink(n === 0 ? "[]" : "\n      ]");
  sink(`,\n      "properties": ${jsonAt(properties, "      ")}\n    }\n  ]\n}\n`);
}

function isDateTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
}

function result(f: ReportFinding, stack: StackReport, ruleIndex: number, newIds: ReadonlySet<string> | undefined): Record<string, unknown> {
  const location: Record<string, unknown> = {};
  const uri = artifactUri(stack.source);
  if (uri !== undefined) location.physicalLocation = { artifactLocation: { uri } };
  location.logicalLocations = [{ name: f.name, fullyQualifiedName: f.urn, kind: "resource" }];

  const out: Record<string, unknown> = {
    ruleId: f.policy,
    ruleIndex,
    level: sarifLevel(f.level),
    message: { text: f.message !== "" ? f.message : `${f.policy}: ${f.name}` },
    locations: [location],
    partialFingerprints: { "carbonguardFindingId/v1": f.id },
  };
  if (newIds !== undefined) out.baselineState = newIds.has(f.id) ? "new" : "unchanged";
  if (f.waived) {
    const w = f.waived;
    out.suppressions = [
      {
        kind: "external",
        status: "accepted",
        justification: w.reason,
        properties: { category: w.category, expires: w.expires, ...(w.approvedBy !== undefined ? { approvedBy: w.approvedBy } : {}), ...(w.ticket !== undefined ? { ticket: w.ticket } : {}) },
      },
    ];
  }
  const properties: Record<string, unknown> = {
    findingId: f.id,
    severity: f.severity,
    enforcementLevel: f.level,
    kind: f.kind,
    stack: stack.id,
    project: stack.project,
    group: stack.group,
    resourceType: f.type,
  };
  if (f.waiverProblem !== undefined) properties.waiverProblem = f.waiverProblem;
  if (f.messageId !== undefined) properties.messageId = f.messageId;
  if (f.savingKgCo2ePerMonth !== undefined) properties.savingKgCo2ePerMonth = f.savingKgCo2ePerMonth;
  if (f.fix !== undefined) properties.fix = sortKeys(f.fix);
  if (f.saving !== undefined) properties.saving = f.saving;
  if (f.evidence !== undefined) properties.evidence = f.evidence;
  // SARIF viewers show the message; the long form (alternatives, provenance) travels beside it.
  if (f.details !== undefined) properties.details = f.details;
  if (f.suggestion !== undefined) properties.suggestion = sortKeys(f.suggestion);
  out.properties = properties;
  return out;
}
