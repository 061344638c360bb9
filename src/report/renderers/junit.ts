/**
 * `--format junit`: JUnit XML for CI test-report views. One `<testsuite>` per stack, one
 * `<testcase>` per stack × policy (name = policy, classname = `<project>.<stack>`):
 *
 * - failed policy → `<failure>` listing its findings;
 * - not applicable → `<skipped>`;
 * - waived → passes, with the waivers in `<system-out>` (so does a failed policy's waived part);
 * - unreadable inputs → one extra suite whose test cases are `<error>`s.
 *
 * Everything from the model is XML-escaped; characters XML 1.0 cannot hold are shown as `\uXXXX`.
 */
import type { PolicyOutcome, Renderer, Report, ReportFinding, StackReport } from "../model";
import { escapeXml as x, escapeXmlText as xt, formatQuantity, plural, sortFindings } from "./util";

export function createJunitRenderer(): Renderer {
  return { format: "junit", extension: "xml", render: renderJunit };
}

interface Case {
  readonly xml: string;
  readonly failed: boolean;
  readonly skipped: boolean;
}

function renderJunit(report: Report): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  let errors = 0;
  const timestamp = report.generatedAt;

  for (const stack of report.stacks) {
    const cases = stackCases(stack);
    const f = cases.filter((c) => c.failed).length;
    const s = cases.filter((c) => c.skipped).length;
    tests += cases.length;
    failures += f;
    skipped += s;
    const properties: [string, string][] = [
      ["project", stack.project],
      ["stack", stack.stack],
      ["group", stack.group],
      ["source", stack.source],
      ["resources", String(stack.resourceCount)],
      ["grade", stack.grade.grade],
      ["floorKgCo2ePerMonth", String(stack.estimate.floorKgCo2ePerMonth)],
      ["ceilingKgCo2ePerMonth", String(stack.estimate.ceilingKgCo2ePerMonth)],
    ];
    suites.push(
      [
        `  <testsuite name="${x(stack.id)}" tests="${cases.length}" failures="${f}" errors="0" skipped="${s}" time="0" timestamp="${x(timestamp)}">`,
        "    <properties>",
        ...properties.map(([name, value]) => `      <property name="${x(name)}" value="${x(value)}"/>`),
        "    </properties>",
        ...cases.map((c) => c.xml),
        "  </testsuite>",
      ].join("\n"),
    );
  }

  if (report.unreadable.length > 0) {
    const cases = report.unreadable.map(
      (u) =>
        `    <testcase name="${x(u.input)}" classname="carbonguard.unreadable" time="0">\n` +
        `      <error message="${x(u.error)}" type="unreadable">${xt(`Could not read ${u.input}: ${u.error}`)}</error>\n` +
        "    </testcase>",
    );
    tests += cases.length;
    errors += cases.length;
    suites.push(
      [
        `  <testsuite name="unreadable inputs" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0" time="0" timestamp="${x(timestamp)}">`,
        ...cases,
        "  </testsuite>",
      ].join("\n"),
    );
  }

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${x(`${report.tool.name} report`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="0" timestamp="${x(timestamp)}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}

function stackCases(stack: StackReport): Case[] {
  const byPolicy = new Map<string, ReportFinding[]>();
  for (const f of sortFindings(stack.findings)) {
    const list = byPolicy.get(f.policy) ?? [];
    list.push(f);
    byPolicy.set(f.policy, list);
  }
  const outcomes: PolicyOutcome[] = [...stack.policies];
  const known = new Set(outcomes.map((o) => o.policy));
  // A finding whose policy has no outcome still has to show up: treat it as a failure.
  for (const policy of [...byPolicy.keys()].filter((p) => !known.has(p)).sort()) {
    const list = byPolicy.get(policy)!;
    outcomes.push({ policy, status: list.every((f) => f.waived) ? "waived" : "failed", findings: list.length });
  }
  const classname = `${stack.project}.${stack.stack}`;
  return outcomes.map((o) => policyCase(o, classname, byPolicy.get(o.policy) ?? []));
}

function policyCase(outcome: PolicyOutcome, classname: string, findings: readonly ReportFinding[]): Case {
  const open = `    <testcase name="${x(outcome.policy)}" classname="${x(classname)}" time="0"`;
  const active = findings.filter((f) => !f.waived);
  const waived = findings.filter((f) => f.waived);
  const body: string[] = [];
  let failed = false;
  let skipped = false;

  if (outcome.status === "failed") {
    failed = true;
    const levels = [...new Set(active.map((f) => f.level))];
    const type = levels[0] ?? "failed";
    const count = active.length > 0 ? active.length : outcome.findings;
    const message = `${plural(count, "finding")}${levels.length > 0 ? ` (${levels.join(", ")})` : ""}`;
    body.push(`      <failure message="${x(message)}" type="${x(type)}">${xt(active.map(describe).join("\n\n"))}</failure>`);
  } else if (outcome.status === "not-applicable") {
    skipped = true;
    body.push('      <skipped message="not applicable: no resource in this stack is checked by this policy"/>');
  }
  if (waived.length > 0) {
    body.push(`      <system-out>${xt(waived.map(describeWaived).join("\n\n"))}</system-out>`);
  } else if (outcome.status === "waived") {
    body.push(`      <system-out>${xt(`Waived: ${plural(outcome.findings, "finding")}.`)}</system-out>`);
  }
  const xml = body.length === 0 ? `${open}/>` : `${open}>\n${body.join("\n")}\n    </testcase>`;
  return { xml, failed, skipped };
}

function describe(f: ReportFinding): string {
  const lines = [`[${f.level}/${f.severity}] ${f.type} ${f.name}`, `  ${f.urn}`, `  ${f.kind === "cannot-evaluate" ? "Cannot evaluate: " : ""}${f.message}`];
  if (f.savingKgCo2ePerMonth !== undefined && f.savingKgCo2ePerMonth > 0) lines.push(`  Fixing it saves about ${formatQuantity(f.savingKgCo2ePerMonth)} kgCO2e/month.`);
  if (f.waiverProblem) lines.push(`  Waiver not applied: ${f.waiverProblem}`);
  lines.push(`  id: ${f.id}`);
  return lines.join("\n");
}

function describeWaived(f: ReportFinding): string {
  const w = f.waived!;
  return [
    `${w.category === "mitigated" ? "Mitigated" : "Waived"} until ${w.expires}: ${f.type} ${f.name}`,
    `  ${f.urn}`,
    `  Reason: ${w.reason}${w.approvedBy ? ` (approved by ${w.approvedBy})` : ""}${w.ticket ? ` [${w.ticket}]` : ""}`,
    `  Finding: ${f.message}`,
    `  id: ${f.id}`,
  ].join("\n");
}
