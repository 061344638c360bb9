/**
 * buildReport over the fixture backends: every input kind, stack tags, grouping, totals, savings,
 * waivers, baseline, grade, provenance, and the published JSON schema.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolvePolicyConfig } from "../../src/engine/policy-config";
import { generateBackend } from "../../bench/report/generate";
import { type InputItem, type StackSnapshot, listInputs, readInputs } from "../../src/inputs";
import { parseBaseline } from "../../src/report/baseline";
import { type BuildReportOptions, buildReport, concatInputs } from "../../src/report/build";
import { GRADE_BOUNDS, gradeOf } from "../../src/report/grade";
import type { Report } from "../../src/report/model";
import { RULES } from "../../src/rules";
import { loadWaiverFile } from "../../src/waivers";
import { EXPORT_V4, HAS_ZSTD, LEGACY_BACKEND, NOW, PLANTED, PREVIEW, TEAM_BACKEND, schemaErrors } from "./helpers";

const tmp = mkdtempSync(path.join(tmpdir(), "cg-report-build-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function report(paths: string[], options: Partial<BuildReportOptions> = {}): Promise<Report> {
  return buildReport({ inputs: readInputs(paths), now: NOW, generatedAt: "2026-06-01T12:00:00Z", toolVersion: "test", ...options });
}

const ALL = [TEAM_BACKEND, LEGACY_BACKEND, PREVIEW, EXPORT_V4];

describe("inputs", () => {
  it("reads every fixture kind and lists what it could not read, and why", async () => {
    const r = await report(ALL);
    const ids = r.stacks.map((s) => s.id);
    expect(ids).toEqual(
      ["gke-inference/preview", "legacy-app/dev", "llm-serving/prod", "llm-serving/staging", "ml-platform/v4", ...(HAS_ZSTD ? ["training/gpu"] : [])].sort(),
    );
    const unreadable = Object.fromEntries(r.unreadable.map((u) => [path.basename(u.input), u.error]));
    expect(unreadable["broken.json"]).toMatch(/invalid JSON/);
    expect(unreadable["cut.json.gz"]).toBe("compressed data is corrupt or truncated");
    if (!HAS_ZSTD) expect(unreadable["gpu.json.zst"]).toMatch(/Zstandard/);
    expect(Object.keys(unreadable)).not.toContain("prod.json.bak");
    expect(r.summary.unreadable).toBe(r.unreadable.length);
    const sources = Object.fromEntries(r.stacks.map((s) => [s.id, path.basename(s.source)]));
    expect(sources["llm-serving/staging"]).toBe("staging.json.gz");
    expect(sources["legacy-app/dev"]).toBe("dev.json");
  });

  it("takes stack tags from <stack>.pulumi-tags, in both layouts", async () => {
    const r = await report([TEAM_BACKEND, LEGACY_BACKEND]);
    const byId = new Map(r.stacks.map((s) => [s.id, s]));
    expect(byId.get("llm-serving/prod")?.tags).toEqual({ "cost-center": "cc-42", team: "ml-platform" });
    expect(byId.get("legacy-app/dev")?.tags).toEqual({ team: "legacy" });
    expect(byId.get("llm-serving/staging")?.tags).toEqual({});
  });

  it("keeps stack ids unique when the same stack comes twice", async () => {
    const r = await report([EXPORT_V4, EXPORT_V4]);
    expect(r.stacks.map((s) => s.id)).toEqual(["ml-platform/v4", "ml-platform/v4 (2)"]);
  });

  it("never carries a secret's ciphertext into the model", async () => {
    const r = await report(ALL);
    expect(JSON.stringify(r)).not.toContain(PLANTED);
  });
});

describe("evaluation", () => {
  it("runs the pack's rules with its level semantics and the policy config", async () => {
    const r = await report([TEAM_BACKEND]);
    const prod = r.stacks.find((s) => s.id === "llm-serving/prod")!;
    const policies = new Set(prod.findings.map((f) => f.policy));
    expect(policies).toContain("ml-clean-energy-region");
    expect(prod.findings.find((f) => f.policy === "ml-clean-energy-region")?.level).toBe("mandatory");
    expect(prod.policies.map((p) => p.policy)).toEqual(RULES.map((rule) => rule.meta.name));
    expect(prod.policies.find((p) => p.policy === "ml-clean-energy-region")?.status).toBe("failed");

    const config = resolvePolicyConfig(RULES, { "ml-clean-energy-region": "disabled", "ml-autoscale-to-zero": "advisory" }, "test config");
    const configured = await report([TEAM_BACKEND], { policyConfig: config });
    const prod2 = configured.stacks.find((s) => s.id === "llm-serving/prod")!;
    expect(prod2.findings.some((f) => f.policy === "ml-clean-energy-region")).toBe(false);
    expect(prod2.policies.find((p) => p.policy === "ml-clean-energy-region")?.status).toBe("not-applicable");
    expect(prod2.findings.filter((f) => f.policy === "ml-autoscale-to-zero").every((f) => f.level === "advisory")).toBe(true);
    expect(configured.rules.map((rule) => rule.name)).not.toContain("ml-clean-energy-region");
  });

  it("gives findings stable ids: the same input twice gives the same ids", async () => {
    const a = await report([TEAM_BACKEND]);
    const b = await report([TEAM_BACKEND]);
    expect(a.stacks.flatMap((s) => s.findings.map((f) => f.id))).toEqual(b.stacks.flatMap((s) => s.findings.map((f) => f.id)));
    expect(new Set(a.stacks.flatMap((s) => s.findings.map((f) => f.id))).size).toBe(a.stacks.reduce((n, s) => n + s.findings.length, 0));
  });

  it("estimates each stack: totals, top resources, emissions by region", async () => {
    const r = await report([TEAM_BACKEND]);
    const prod = r.stacks.find((s) => s.id === "llm-serving/prod")!;
    expect(prod.estimate.floorKgCo2ePerMonth).toBeGreaterThan(0);
    expect(prod.estimate.ceilingKgCo2ePerMonth).toBeGreaterThanOrEqual(prod.estimate.floorKgCo2ePerMonth);
    expect(Object.keys(prod.estimate.byRegion)).toEqual(["us-east-1"]);
    expect(prod.estimate.topResources[0]?.name).toBe("trainer");
    expect(prod.estimate.acceleratorHoursPerMonth).toBeGreaterThan(0);
    expect(prod.resourceCount).toBe(7);
  });
});

describe("the expected figure and sources", () => {
  it("sums expected emissions between floor and ceiling, and follows --expected-utilization", async () => {
    const half = await report(ALL);
    const none = await report(ALL, { expectedUtilization: 0 });
    const all = await report(ALL, { expectedUtilization: 1 });
    expect(half.options.expectedUtilization).toBe(0.5);
    expect(none.options.expectedUtilization).toBe(0);
    const sum = (r: Report, f: (s: Report["stacks"][number]) => number) => r.stacks.reduce((t, s) => t + f(s), 0);
    for (const r of [half, none, all]) {
      expect(r.summary.expectedKgCo2ePerMonth).toBeCloseTo(sum(r, (s) => s.estimate.expectedKgCo2ePerMonth), 2);
      expect(r.groups.reduce((t, g) => t + g.expectedKgCo2ePerMonth, 0)).toBeCloseTo(r.summary.expectedKgCo2ePerMonth, 2);
      for (const s of r.stacks) {
        const e = s.estimate;
        expect(e.expectedKgCo2ePerMonth).toBeGreaterThanOrEqual(e.floorKgCo2ePerMonth - 0.001);
        expect(e.expectedKgCo2ePerMonth).toBeLessThanOrEqual(e.ceilingKgCo2ePerMonth + 0.001);
        const regions = Object.values(e.regions);
        expect(regions.reduce((t, x) => t + x.expectedKgCo2ePerMonth, 0)).toBeCloseTo(e.expectedKgCo2ePerMonth, 1);
      }
    }
    // The fixtures hold autoscaled capacity: the assumption moves the figure, within the range.
    expect(none.summary.expectedKgCo2ePerMonth).toBeLessThan(half.summary.expectedKgCo2ePerMonth);
    expect(half.summary.expectedKgCo2ePerMonth).toBeLessThan(all.summary.expectedKgCo2ePerMonth);
    expect(all.summary.expectedKgCo2ePerMonth).toBeLessThanOrEqual(all.summary.ceilingKgCo2ePerMonth);
    expect(half.provenance.at(-1)?.basis).toContain("50% of the way from floor to ceiling (--expected-utilization");
  });

  it("shows an absolute input path relative to the folder the report runs in; relative paths as given", async () => {
    const r = await report([TEAM_BACKEND], { sourceRoot: path.dirname(TEAM_BACKEND) });
    for (const s of r.stacks) {
      expect(path.isAbsolute(s.source)).toBe(false);
      expect(s.source.startsWith("team-backend/.pulumi/stacks/")).toBe(true);
    }
    const elsewhere = await report([EXPORT_V4], { sourceRoot: path.join(path.dirname(EXPORT_V4), "sub") });
    expect(elsewhere.stacks[0]?.source).toBe(`../${path.basename(EXPORT_V4)}`);
  });
});

describe("grouping and totals", () => {
  it("groups by team: stack tag first, then the resource tag most used, else (none)", async () => {
    const r = await report(ALL);
    const group = Object.fromEntries(r.stacks.map((s) => [s.id, s.group]));
    expect(group["llm-serving/prod"]).toBe("ml-platform"); // stack tag beats resource tags (someone-else)
    expect(group["llm-serving/staging"]).toBe("vision"); // resource tags
    expect(group["legacy-app/dev"]).toBe("legacy");
    expect(group["gke-inference/preview"]).toBe("(none)");
    if (HAS_ZSTD) expect(group["training/gpu"]).toBe("research"); // GCP labels
    expect(r.options.groupBy).toBe("team");
  });

  it("groups by project and by any tag", async () => {
    const byProject = await report([TEAM_BACKEND], { groupBy: "project" });
    expect(byProject.groups.find((g) => g.group === "llm-serving")?.stacks).toBe(2);
    const byTag = await report([TEAM_BACKEND], { groupBy: "tag:cost-center" });
    expect(byTag.options.groupBy).toBe("tag:cost-center");
    expect(byTag.stacks.find((s) => s.id === "llm-serving/prod")?.group).toBe("cc-42");
    expect(byTag.stacks.find((s) => s.id === "llm-serving/staging")?.group).toBe("(none)");
  });

  it("adds up: groups and the summary agree with the stacks", async () => {
    const r = await report(ALL);
    const sum = (f: (s: Report["stacks"][number]) => number) => r.stacks.reduce((t, s) => t + f(s), 0);
    expect(r.summary.stacks).toBe(r.stacks.length);
    expect(r.summary.resources).toBe(sum((s) => s.resourceCount));
    expect(r.summary.floorKgCo2ePerMonth).toBeCloseTo(sum((s) => s.estimate.floorKgCo2ePerMonth), 2);
    expect(r.groups.reduce((t, g) => t + g.stacks, 0)).toBe(r.stacks.length);
    expect(r.groups.reduce((t, g) => t + g.floorKgCo2ePerMonth, 0)).toBeCloseTo(r.summary.floorKgCo2ePerMonth, 2);
    const active = r.stacks.flatMap((s) => s.findings).filter((f) => !f.waived);
    expect(r.summary.findings.mandatory).toBe(active.filter((f) => f.level === "mandatory").length);
    expect(r.summary.findings.advisory).toBe(active.filter((f) => f.level !== "mandatory").length);
    const savings = active.reduce((t, f) => t + (f.savingKgCo2ePerMonth ?? 0), 0);
    expect(r.summary.savingKgCo2ePerMonth).toBeCloseTo(savings, 2);
    expect(Object.values(r.summary.savingByPolicy).reduce((t, v) => t + v, 0)).toBeCloseTo(savings, 2);
    expect(r.summary.savingByPolicy["ml-clean-energy-region"]).toBeGreaterThan(0);
    for (const g of r.groups) {
      expect(g.topOffenders.length).toBeLessThanOrEqual(5);
      const kg = g.topOffenders.map((o) => o.kgCo2ePerMonth);
      expect(kg).toEqual([...kg].sort((a, b) => b - a));
    }
  });

  it("decides --fail-on: mandatory, advisory, never", async () => {
    const staging = path.join(TEAM_BACKEND, ".pulumi", "stacks", "llm-serving", "staging.json.gz");
    expect((await report([staging])).summary.failed).toBe(false); // advisory findings only
    expect((await report([staging], { failOn: "advisory" })).summary.failed).toBe(true);
    expect((await report([TEAM_BACKEND], { failOn: "never" })).summary.failed).toBe(false);
    expect((await report([TEAM_BACKEND])).summary.failed).toBe(true);
  });
});

describe("waivers", () => {
  function waiverFile(name: string, text: string): string {
    const file = path.join(tmp, name);
    writeFileSync(file, text);
    return file;
  }

  it("marks waived findings, counts them separately, and lets them stop failing the run", async () => {
    const file = waiverFile(
      "waivers.yaml",
      `version: 1
waivers:
  - policy: accelerator-current-generation
    match: { stack: staging, name: old-gpu }
    reason: Reserved instance until the term ends.
    expires: 2026-08-01
    approvedBy: jane@example.com
    ticket: ML-1
  - policy: "ml-*"
    match: { stack: prod }
    reason: Moving to ca-central-1 in Q3.
    expires: 2026-07-01
    approvedBy: platform-team
    category: mitigated
  - policy: ml-autoscale-to-zero
    match: { name: t4-pool }
    reason: Expired one.
    expires: 2026-05-01
`,
    );
    const waivers = loadWaiverFile(file, { maxHorizonDays: 180 });
    const r = await report([TEAM_BACKEND], { waivers });
    const staging = r.stacks.find((s) => s.id === "llm-serving/staging")!;
    const old = staging.findings.find((f) => f.policy === "accelerator-current-generation")!;
    expect(old.waived).toEqual({ reason: "Reserved instance until the term ends.", expires: "2026-08-01", approvedBy: "jane@example.com", ticket: "ML-1", category: "waiver" });
    expect(staging.policies.find((p) => p.policy === "accelerator-current-generation")?.status).toBe("waived");
    const prod = r.stacks.find((s) => s.id === "llm-serving/prod")!;
    expect(prod.findings.every((f) => f.waived?.category === "mitigated")).toBe(true);
    expect(r.summary.findings.waived).toBe(1 + prod.findings.length);
    expect(r.summary.findings.mandatory).toBe(r.stacks.flatMap((s) => s.findings).filter((f) => !f.waived && f.level === "mandatory").length);
    // Waived findings don't count toward the savings potential or --fail-on.
    const unwaived = await report([TEAM_BACKEND]);
    const prodSaving = prod.findings.reduce((t, f) => t + (f.savingKgCo2ePerMonth ?? 0), 0);
    expect(prodSaving).toBeGreaterThan(0);
    expect(r.summary.savingKgCo2ePerMonth).toBeCloseTo(unwaived.summary.savingKgCo2ePerMonth - prodSaving, 2);
    if (HAS_ZSTD) {
      const gpu = r.stacks.find((s) => s.id === "training/gpu")!;
      const expired = gpu.findings.find((f) => f.policy === "ml-autoscale-to-zero")!;
      expect(expired.waived).toBeUndefined();
      expect(expired.waiverProblem).toMatch(/Waiver expired on 2026-05-01/);
      expect(r.summary.failed).toBe(true);
    }
  });

  it("fails closed on an invalid waiver file: nothing waived, every finding says why", async () => {
    const file = waiverFile("bad.yaml", "version: 1\nwaivers:\n  - policy: ml-clean-energy-region\n    match: { stack: prod }\n    expires: 2026-07-01\n");
    const r = await report([TEAM_BACKEND], { waivers: loadWaiverFile(file) });
    const findings = r.stacks.flatMap((s) => s.findings);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => !f.waived && /Waivers not applied, the waiver input is invalid/.test(f.waiverProblem ?? ""))).toBe(true);
  });
});

describe("baseline", () => {
  it("lists new, fixed and unchanged findings and the emissions delta", async () => {
    const previous = await report([TEAM_BACKEND]);
    const prod = previous.stacks.find((s) => s.id === "llm-serving/prod")!;
    const dropped = prod.findings[0]!.id;
    // Last week's report: one finding we have now was not there, one it had is gone, 100 kg less.
    const doc = JSON.parse(JSON.stringify(previous)) as { stacks: { id: string; findings: { id: string }[] }[]; summary: { floorKgCo2ePerMonth: number; expectedKgCo2ePerMonth?: number } };
    const p = doc.stacks.find((s) => s.id === "llm-serving/prod")!;
    p.findings = p.findings.filter((f) => f.id !== dropped);
    p.findings.push({ id: "fixed-since-last-week" });
    doc.stacks.push({ id: "retired/stack", findings: [{ id: "stack-removed-since" }] });
    doc.summary.floorKgCo2ePerMonth -= 100;
    doc.summary.expectedKgCo2ePerMonth = (doc.summary.expectedKgCo2ePerMonth ?? 0) - 40;
    const current = await report([TEAM_BACKEND], { baseline: parseBaseline("last-week.json", doc) });
    expect(current.baseline?.source).toBe("last-week.json");
    expect(current.baseline?.newFindings).toEqual([dropped]);
    // The input set has unreadable files: a stack missing from this run may be among them, so its findings are not called fixed.
    expect(current.baseline?.fixedFindings).toEqual(["fixed-since-last-week"]);
    const total = current.stacks.reduce((n, s) => n + s.findings.length, 0);
    expect(current.baseline?.unchangedFindings).toBe(total - 1);
    expect(current.baseline?.floorKgCo2ePerMonthDelta).toBeCloseTo(100, 2);
    expect(current.baseline?.expectedKgCo2ePerMonthDelta).toBeCloseTo(40, 2);
    // A 1.0 report has no expected figure: only the floor's change is given.
    delete doc.summary.expectedKgCo2ePerMonth;
    const fromOld = await report([TEAM_BACKEND], { baseline: parseBaseline("last-week.json", doc) });
    expect(fromOld.baseline?.floorKgCo2ePerMonthDelta).toBeCloseTo(100, 2);
    expect(fromOld.baseline && "expectedKgCo2ePerMonthDelta" in fromOld.baseline).toBe(false);

    const clean = await report([LEGACY_BACKEND], { baseline: parseBaseline("last-week.json", doc) });
    expect(clean.baseline?.fixedFindings).toContain("stack-removed-since"); // every input read: a missing stack is gone
  });

  it("rejects a malformed baseline, naming it", () => {
    expect(() => parseBaseline("b.json", [])).toThrow(/^baseline b\.json: not a JSON object/);
    expect(() => parseBaseline("b.json", { schemaVersion: "2.0", stacks: [], summary: { floorKgCo2ePerMonth: 0 } })).toThrow(/baseline b\.json: schemaVersion "2\.0"/);
    expect(() => parseBaseline("b.json", { schemaVersion: "1.0", stacks: [{ id: "x", findings: [{}] }], summary: { floorKgCo2ePerMonth: 0 } })).toThrow(/stacks\[0\]\.findings\[0\]\.id/);
    expect(() => parseBaseline("b.json", { schemaVersion: "1.0", stacks: [] })).toThrow(/summary\.floorKgCo2ePerMonth/);
  });
});

describe("grade", () => {
  it("maps the ratio to A–G at the documented bounds", () => {
    expect(GRADE_BOUNDS.map(([g, b]) => `${g}${b}`)).toEqual(["A1.25", "B1.75", "C2.5", "D4", "E7", "F12"]);
    expect([1, 1.25, 1.26, 1.75, 2.5, 3.9, 4, 6.99, 7.01, 12, 12.01, 40, Infinity].map(gradeOf).join("")).toBe("AABBCDDEFFGGG");
  });

  it("grades a dirty-region GPU stack far below the same hardware in a clean region", async () => {
    const r = await report([TEAM_BACKEND]);
    const prod = r.stacks.find((s) => s.id === "llm-serving/prod")!;
    const staging = r.stacks.find((s) => s.id === "llm-serving/staging")!;
    expect(staging.grade.grade).toBe("A"); // eu-north-1 is the cleanest region offering p3.2xlarge
    expect(["E", "F", "G"]).toContain(prod.grade.grade);
    expect(prod.grade.kgPerAcceleratorHour! / prod.grade.bestKgPerAcceleratorHour!).toBeGreaterThan(4);
    expect(prod.grade.basis).toMatch(/us-east-1 → /);
    expect(prod.grade.basis).toContain("docs/report-grade.md");
  });

  it("says n/a for a stack without accelerators", async () => {
    const snapshot: StackSnapshot = {
      source: "mem.json",
      format: "stack-export",
      project: "web",
      stack: "prod",
      resources: [{ urn: "urn:pulumi:prod::web::aws:s3/bucket:Bucket::b", type: "aws:s3/bucket:Bucket", name: "b", custom: true, inputs: {}, outputs: {}, dependencies: [], propertyDependencies: {} }],
      warnings: [],
    };
    const items: InputItem[] = [{ kind: "stack", snapshot }];
    const r = await buildReport({ inputs: items, now: NOW });
    expect(r.stacks[0]?.grade.grade).toBe("n/a");
    expect(r.stacks[0]?.estimate.acceleratorHoursPerMonth).toBe(0);
  });
});

describe("the model", () => {
  it("is valid against docs/report-schema.json, with provenance and rule metadata", async () => {
    const previous = await report([TEAM_BACKEND]);
    const r = await report(ALL, { baseline: parseBaseline("prev.json", JSON.parse(JSON.stringify(previous))) });
    expect(schemaErrors(JSON.parse(JSON.stringify(r)))).toEqual([]);
    const names = r.provenance.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["Electricity Maps grid carbon intensity", "Cloud Carbon Footprint coefficients", "carbonguard accelerator catalog", "AWS EC2 instance type offerings", "carbonguard estimation method"]));
    expect(r.rules.map((rule) => rule.name)).toEqual(RULES.map((rule) => rule.meta.name));
    expect(r.generatedAt).toBe("2026-06-01T12:00:00Z");
    expect(r.tool).toEqual({ name: "carbonguard", version: "test" });
  });

  it("mixes streams (concatInputs) and reports an empty run", async () => {
    const r = await buildReport({ inputs: concatInputs(readInputs([EXPORT_V4]), []), now: NOW });
    expect(r.stacks).toHaveLength(1);
    const empty = await buildReport({ inputs: [], now: NOW });
    expect(empty.summary.stacks).toBe(0);
    expect(empty.summary.failed).toBe(false);
    expect(schemaErrors(JSON.parse(JSON.stringify(empty)))).toEqual([]);
  });
});

describe("worker threads", () => {
  const script = path.join(__dirname, "..", "..", "dist", "src", "report", "worker.js");
  it.skipIf(!existsSync(script))("give the same report as one thread (compiled worker, `npm test` builds it)", async () => {
    const dir = path.join(tmp, "many");
    generateBackend(dir, { stacks: 14, resourcesPerStack: 20 });
    const inputs = () => concatInputs(listInputs([dir, TEAM_BACKEND]), readInputs([EXPORT_V4]));
    const one = await buildReport({ inputs: inputs(), now: NOW, toolVersion: "t" });
    // The real worker, wrapped to note each job it takes (so the test fails if no worker works).
    const marker = path.join(tmp, "worker-jobs.txt");
    const wrapper = path.join(tmp, "counting-worker.js");
    writeFileSync(wrapper, `require(${JSON.stringify(script)});\nrequire("node:worker_threads").parentPort.on("message", () => require("node:fs").appendFileSync(${JSON.stringify(marker)}, "j"));\n`);
    const two = await buildReport({ inputs: inputs(), now: NOW, toolVersion: "t", jobs: 2, workerScript: wrapper, workersAfterFiles: 2 });
    const workerJobs = readFileSync(marker, "utf8").length;
    expect(workerJobs).toBeGreaterThan(0);
    // This thread took a share too (it evaluates while the worker is full).
    expect(workerJobs).toBeLessThan(14 + 2);
    expect(two.stacks.length).toBe(14 + 2 + (HAS_ZSTD ? 1 : 0) + 1);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    // Three threads: this one and two workers share the files; still the same report.
    const three = await buildReport({ inputs: inputs(), now: NOW, toolVersion: "t", jobs: 3, workerScript: script, workersAfterFiles: 2 });
    expect(JSON.stringify(three)).toBe(JSON.stringify(one));
  }, 60_000);
});
