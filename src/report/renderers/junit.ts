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
import type { PolicyOutcome, RenderInput, Renderer, ReportFinding, Sink, StackReport } from "../model";
import { measuredFindingText } from "./measured-text";
import { defineRenderer } from "../render-input";
import { capitalise, escapeXml as x, escapeXmlText as xt, formatQuantity, plural, sortFindings, waiverText, waiverWord } from "./util";

export function createJunitRenderer(): Renderer {
  return defineRenderer("junit", "xml", writeJunit);
}

/** A stack's test cases before they are written: one outcome per case, findings by policy. */
interface StackCases {
  readonly outcomes: readonly PolicyOutcome[];
  readonly byPolicy: ReadonlyMap<string, readonly ReportFinding[]>;
}

/**
 * Writes a suite at a time. `<testsuites>` carries the totals, which come before any suite: a
 * first pass over the stacks only counts test cases, the second writes the suites.
 */
function writeJunit(input: RenderInput, sink: Sink): void {
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  let errors = 0;
  const timestamp = input.generatedAt;

  for (const stack of input.stacks()) {
    const { outcomes } = stackCases(stack);
    tests += outcomes.length;
    failures += outcomes.filter(isFailed).length;
    skipped += outcomes.filter(isSkipped).length;
  }
  tests += input.unreadable.length;
  errors += input.unreadable.length;
  // Measured energy far from the estimate: one failing case each (comparisons within the factor are not findings, so not cases).
  const measured = input.measured;
  const measuredOff = measured ? [...measured.groups.map((c) => ["group", c] as const), ...measured.stacks.map((c) => ["stack", c] as const)].filter(([, c]) => c.finding) : [];
  tests += measuredOff.length;
  failures += measuredOff.length;

  sink(
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="${x(`${input.tool.name} report`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="0" timestamp="${x(timestamp)}">`,
    ].join("\n"),
  );

  for (const stack of input.stacks()) {
    const { outcomes, byPolicy } = stackCases(stack);
    const classname = `${stack.project}.${stack.stack}`;
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
    // Each part after the head starts with the newline that ends the one before.
    sink(
      [
        "",
        `  <testsuite name="${x(stack.id)}" tests="${outcomes.length}" failures="${outcomes.filter(isFailed).length}" errors="0" skipped="${outcomes.filter(isSkipped).length}" time="0" timestamp="${x(timestamp)}">`,
        "    <properties>",
        ...properties.map(([name, value]) => `      <property name="${x(name)}" value="${x(value)}"/>`),
        "    </properties>",
        ...outcomes.map((o) => policyCase(o, classname, byPolicy.get(o.policy) ?? [])),
        "  </testsuite>",
      ].join("\n"),
    );
  }

  if (measured && measuredOff.length > 0) {
    const cases = measuredOff.map(([kind, c]) => {
      const text = measuredFindingText(c, measured.factor) ?? "";
      return `    <testcase name="${x(`${kind} ${c.id}`)}" classname="carbonguard.measured-energy" time="0">\n` + `      <failure message="${x(text)}" type="${x(c.finding ?? "")}">${xt(text)}</failure>\n` + "    </testcase>";
    });
    sink(["", `  <testsuite name="measured energy (CodeCarbon)" tests="${cases.length}" failures="${cases.length}" errors="0" skipped="0" time="0" timestamp="${x(timestamp)}">`, ...cases, "  </testsuite>"].join("\n"));
  }

  if (input.unreadable.length > 0) {
    const cases = input.unreadable.map(
      (u) =>
        `    <testcase name="${x(u.input)}" classname="carbonguard.unreadable" time="0">\n` +
        `      <error message="${x(u.error)}" type="unreadable">${xt(`Could not read ${u.input}: ${u.error}`)}</error>\n` +
        "    </testcase>",
    );
    sink(
      [
        "",
        `  <testsuite name="unreadable inputs" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0" time="0" timestamp="${x(timestamp)}">`,
        ...cases,
        "  </testsuite>",
      ].join("\n"),
    );
  }

  sink("\n</testsuites>\n");
}

/** A failed policy's case holds a `<failure>`. */
function isFailed(outcome: PolicyOutcome): boolean {
  return outcome.status === "failed";
}

/** A not-applicable policy's case is `<skipped>`. */
function isSkipped(outcome: PolicyOutcome): boolean {
  return outcome.status === "not-applicable";
}

function stackCases(stack: StackReport): StackCases {
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
  return { outcomes, byPolicy };
}

function policyCase(outcome: PolicyOutcome, classname: string, findings: readonly ReportFinding[]): string {
  const open = `    <testcase name="${x(outcome.policy)}" classname="${x(classname)}" time="0"`;
  const active = findings.filter((f) => !f.waived);
  const waived = findings.filter((f) => f.waived);
  const body: string[] = [];

  if (isFailed(outcome)) {
    const levels = [...new Set(active.map((f) => f.level))];
    const type = levels[0] ?? "failed";
    const count = active.length > 0 ? active.length : outcome.findings;
    const message = `${plural(count, "finding")}${levels.length > 0 ? ` (${levels.join(", ")})` : ""}`;
    body.push(`      <failure message="${x(message)}" type="${x(type)}">${xt(active.map(describe).join("\n\n"))}</failure>`);
  } else if (isSkipped(outcome)) {
    body.push('      <skipped message="not applicable: no resource in this stack is checked by this policy"/>');
  }
  if (waived.length > 0) {
    body.push(`      <system-out>${xt(waived.map(describeWaived).join("\n\n"))}</system-out>`);
  } else if (outcome.status === "waived") {
    body.push(`      <system-out>${xt(`Waived: ${plural(outcome.findings, "finding")}.`)}</system-out>`);
  }
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join("\n")}\n    </testcase>`;
}

function describe(f: ReportFinding): string {
  const lines = [`[${f.level}/${f.severity}] ${f.type} ${f.name}`, `  ${f.urn}`, `  ${f.kind === "cannot-evaluate" ? "Cannot evaluate: " : f.kind === "rule-error" ? "Rule error: " : ""}${f.message}`];
  if (f.savingKgCo2ePerMonth !== undefined && f.savingKgCo2ePerMonth > 0) lines.push(`  Fixing it saves about ${formatQuantity(f.savingKgCo2ePerMonth)} kgCO2e/month.`);
  if (f.waiverProblem) lines.push(`  Waiver not applied: ${f.waiverProblem}`);
  lines.push(`  id: ${f.id}`);
  return lines.join("\n");
}

function describeWaived(f: ReportFinding): string {
  const w = f.waived!;
  return [
    `${capitalise(waiverWord(w))} until ${w.expires}: ${f.type} ${f.name}`,
    `  ${f.urn}`,
    `  Reason: ${waiverText(w)}`,
    `  Finding: ${f.message}`,
    `  id: ${f.id}`,
  ].join("\n");
}
