/**
 * Measured energy (issue 19): the CodeCarbon reader on hand-written files of several releases'
 * layouts (test/fixtures/measured/README.md), the mapping file, our basis, and the comparison with
 * the estimates per stack and group.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { type MeasuredRun, parseCodeCarbonCsv, parseCodeCarbonTimestamp, readCodeCarbon } from "../../src/inputs/codecarbon";
import type { StackDigest } from "../../src/report/digest";
import { MeasuredMappingError, compareMeasured, iso2Of, parseMeasuredMapping, readMeasured, runBasis } from "../../src/report/measured";
import { allRegions } from "../../src/data/regions";

const FIXTURES = path.join(__dirname, "..", "fixtures", "measured");
const RUNS = path.join(FIXTURES, "team-runs");
const rel = (p: string) => path.relative(FIXTURES, p);

function readAll(paths: string[]): { runs: MeasuredRun[]; read: ReturnType<typeof readCodeCarbon> } {
  const runs: MeasuredRun[] = [];
  const read = readCodeCarbon(paths, (r) => runs.push(r));
  return { runs, read };
}

describe("readCodeCarbon on the hand-written fixtures", () => {
  const { runs, read } = readAll([RUNS]);

  it("reads every CodeCarbon file in the folder, whatever the release's columns, and skips task files and other CSVs", () => {
    expect(read.files.map(rel)).toEqual(["team-runs/emissions.csv", "team-runs/lab/emissions.csv", "team-runs/lab/workstation-v2.2.csv", "team-runs/prod-v2.4.csv"]);
    expect(read.skipped.map((s) => rel(s.input))).toEqual(["team-runs/lab/emissions_sweep_b2220000.csv", "team-runs/lab/metrics.csv"]);
    expect(read.skipped[0]?.error).toContain("task_name");
    expect(read.runs).toBe(10);
  });

  it("names the file and line of each bad row and still counts the others in that file", () => {
    expect(read.problems.map((p) => [rel(p.input), p.error])).toEqual([
      ["team-runs/prod-v2.4.csv:5", "timestamp 'yesterday' is not a date and time (YYYY-MM-DDTHH:MM:SS)"],
      ["team-runs/prod-v2.4.csv:6", "5 fields where the header has 31: the columns cannot be told apart"],
    ]);
    expect(runs.filter((r) => r.projectName === "llm-serving-prod")).toHaveLength(2);
  });

  it("keeps the longest row of a run CodeCarbon flushed twice (its totals so far), read through CRLF and a quoted comma", () => {
    const prod = runs.filter((r) => r.projectName === "llm-serving-prod");
    expect(prod.map((r) => [r.runId, r.durationSeconds, r.kwh])).toEqual([
      ["3b9a4c1e-5f6d-4e2a-8c7b-000000000001", 3600, 2.1],
      ["3b9a4c1e-5f6d-4e2a-8c7b-000000000002", 7200, 3.9],
    ]);
    expect(prod[0]?.source).toBe(path.join(RUNS, "prod-v2.4.csv:3"));
  });

  it("reads the early 2.x layout (experiment_id per run, no run_id), the 3.x one with a BOM and extra columns, and empty fields", () => {
    const early = runs.filter((r) => r.projectName === "carbonguard-reference");
    expect(early.map((r) => [r.experimentId, r.kwh, r.kgCo2e, r.onCloud, r.cloudProvider, r.cloudRegion, r.pue])).toEqual([
      ["7d3c0f52-1b1e-4a57-9b0e-2f1f4e0a1c01", 15.2, 6.35, true, "aws", "us-east-1", 1],
      ["7d3c0f52-1b1e-4a57-9b0e-2f1f4e0a1c02", 14.8, 6.19, true, "aws", "us-east-1", 1],
    ]);
    // Units as documented: timestamp is the end; duration in seconds.
    expect(new Date(early[0]!.start).toISOString()).toBe("2026-11-02T09:00:00.000Z");
    const v3 = runs.find((r) => r.runId === "a1000000-0000-4000-8000-000000000001");
    expect(v3).toMatchObject({ projectName: "ml-platform/staging", kwh: 13, codecarbonVersion: "3.0.1", countryIsoCode: "SWE", onCloud: true });
    const workstation = runs.filter((r) => r.projectName === "bert-sweep");
    expect(workstation.map((r) => [r.onCloud, r.countryIsoCode, r.kgCo2e])).toEqual([
      [false, "DEU", 0.51],
      [false, "DEU", undefined],
    ]);
  });

  it("names a path it cannot read", () => {
    const { read: missing } = readAll([path.join(FIXTURES, "nope.csv")]);
    expect(missing.problems).toEqual([{ input: path.join(FIXTURES, "nope.csv"), error: "cannot read: ENOENT" }]);
  });

  it("a file named directly must be CodeCarbon's", () => {
    const { read: other } = readAll([path.join(RUNS, "lab", "metrics.csv")]);
    expect(other.problems[0]?.error).toBe("not a CodeCarbon emissions.csv: the header lacks timestamp, duration, energy_consumed");
  });
});

describe("parseCodeCarbonCsv details", () => {
  it("rejects impossible values with the column named", () => {
    const text = "timestamp,duration,energy_consumed,on_cloud,pue\n2026-02-31T00:00:00,1,1,Y,1\n2026-01-01T00:00:00,-1,1,Y,1\n2026-01-01T00:00:00,1,1,maybe,1\n2026-01-01T00:00:00,1,1,N,0.5\n2026-01-01T00:00:00,1,2.5e-3,N,\n";
    const read = parseCodeCarbonCsv("f.csv", text);
    expect(read.problems.map((p) => p.input)).toEqual(["f.csv:2", "f.csv:3", "f.csv:4", "f.csv:5"]);
    expect(read.problems.map((p) => p.error.split(" ")[0])).toEqual(["timestamp", "duration", "on_cloud", "pue"]);
    expect(read.runs.map((r) => [r.kwh, r.pue, r.projectName])).toEqual([[0.0025, 1, "codecarbon"]]);
  });

  it("reads timestamps with an offset or Z, and as UTC without one", () => {
    expect(parseCodeCarbonTimestamp("2026-01-01T10:00:00")).toBe(Date.UTC(2026, 0, 1, 10));
    expect(parseCodeCarbonTimestamp("2026-01-01 10:00:00+02:00")).toBe(Date.UTC(2026, 0, 1, 8));
    expect(parseCodeCarbonTimestamp("2026-01-01T10:00:00.5Z")).toBe(Date.UTC(2026, 0, 1, 10, 0, 0, 500));
    expect(parseCodeCarbonTimestamp("01/01/2026")).toBeUndefined();
  });
});

describe("our basis for a run", () => {
  it("a known cloud region: its grid intensity and PUE from region-data", () => {
    const b = runBasis({ onCloud: true, cloudProvider: "aws", cloudRegion: "eu-north-1", countryIsoCode: "SWE" });
    const facts = allRegions("aws").find((r) => r.region === "eu-north-1")!;
    expect(b).toMatchObject({ gCo2ePerKwh: facts.gridIntensity!.value, pue: facts.pue.value });
    expect(b?.label).toContain(`${facts.gridIntensity!.year}`);
  });

  it("else the country when one grid zone is the whole country; none for a country split into zones", () => {
    expect(runBasis({ onCloud: false, countryIsoCode: "DEU" })?.label).toMatch(/^country DEU: \d+ gCO2e\/kWh/);
    expect(runBasis({ onCloud: false, countryIsoCode: "USA" })).toBeUndefined();
    expect(runBasis({ onCloud: true, cloudProvider: "azure", cloudRegion: "westeurope", countryIsoCode: "NLD" })?.label).toMatch(/^country NLD/);
  });

  it("knows the alpha-3 code of every country region-data has a region in", () => {
    const iso2 = new Set(allRegions().map((r) => r.countryCode).filter((c): c is string => c !== undefined));
    const missing = [...iso2].filter((c) => !["ARE", "AUS", "BEL", "BHR", "BRA", "CAN", "CHE", "CHL", "DEU", "ESP", "FIN", "FRA", "GBR", "HKG", "IDN", "IRL", "ISR", "IND", "ITA", "JPN", "KOR", "MEX", "MYS", "NLD", "NZL", "POL", "QAT", "SAU", "SWE", "SGP", "THA", "TWN", "USA", "ZAF"].some((a3) => iso2Of(a3) === c));
    expect(missing).toEqual([]);
  });
});

describe("the mapping file", () => {
  it("maps project names, run ids and experiment ids to a stack or a group (team)", () => {
    const m = parseMeasuredMapping("m.yaml", "runs:\n  - { project_name: a, stack: p/s }\n  - { run_id: r1, team: nlp }\n  - { experiment_id: e1, group: vision }\n");
    expect(m.byProjectName.get("a")).toEqual({ stack: "p/s" });
    expect(m.byRunId.get("r1")).toEqual({ group: "nlp" });
    expect(m.byExperimentId.get("e1")).toEqual({ group: "vision" });
  });

  it.each([
    ["runs: 3", "expected a `runs:` list"],
    ["runs:\n  - { project_name: a }", "runs[0] needs exactly one of stack (project/stack) or group (team)"],
    ["runs:\n  - { project_name: a, run_id: b, stack: p/s }", "runs[0] needs exactly one of run_id, experiment_id, project_name"],
    ["runs:\n  - { project_name: a, stack: nostack }", "runs[0].stack must be 'project/stack'"],
    ["runs:\n  - { project_name: a, stack: p/s }\n  - { project_name: a, team: t }", "runs[1]: project_name 'a' is mapped twice"],
    ["runs: [", "not valid YAML"],
  ])("refuses %j naming the file and entry", (text, message) => {
    expect(() => parseMeasuredMapping("map.yaml", text)).toThrow(MeasuredMappingError);
    expect(() => parseMeasuredMapping("map.yaml", text)).toThrow(`measured mapping map.yaml: ${message}`);
  });
});

function digest(id: string, group: string, expectedKwhPerMonth: number, expectedKgCo2ePerMonth = expectedKwhPerMonth / 2): StackDigest {
  return {
    id,
    project: id.split("/")[0]!,
    group,
    resourceCount: 1,
    findings: 0,
    floorKgCo2ePerMonth: 0,
    expectedKgCo2ePerMonth,
    ceilingKgCo2ePerMonth: expectedKgCo2ePerMonth,
    expectedKwhPerMonth,
    regions: {},
    counts: { mandatory: 0, advisory: 0, waived: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0 } },
    attention: { mandatory: 0, advisory: 0, other: 0, waived: 0 },
    savings: [],
    findingPolicies: [],
  };
}

describe("compareMeasured", () => {
  const mapping = parseMeasuredMapping(path.join(FIXTURES, "mapping.yaml"), "runs:\n  - { project_name: llm-serving-prod, stack: ml-platform/prod }\n  - { run_id: c0ffee00-0000-4000-8000-000000000001, team: ml-platform }\n");
  const input = readMeasured([RUNS], { mapping });
  // 730 kWh/month = 1 kWh per hour: the estimate for N hours is N kWh.
  const digests = [
    digest("carbonguard-reference/wasteful", "ml-platform", 730),
    digest("ml-platform/eu", "(none)", 730),
    digest("ml-platform/prod", "(none)", 730),
    digest("ml-platform/staging", "(none)", 7300),
  ];
  const section = compareMeasured(input, digests, { maxKgCo2ePerMonth: 1000 });

  it("per stack: measured kWh over the runs' period beside the estimate for that period, and their ratio", () => {
    const byId = new Map(section.stacks.map((c) => [c.id, c]));
    const wasteful = byId.get("carbonguard-reference/wasteful")!;
    expect(wasteful).toMatchObject({ runs: 2, from: "2026-11-02T09:00:00Z", to: "2026-11-02T12:00:00Z", periodHours: 3, runHours: 2, measuredKwh: 30, codecarbonKgCo2e: 12.54, estimatedKwh: 3, ratio: 10, finding: "measured-above-estimate" });
    const prod = byId.get("ml-platform/prod")!;
    expect(prod).toMatchObject({ periodHours: 10.5, measuredKwh: 6, estimatedKwh: 10.5, ratio: 0.57 });
    expect(prod.finding).toBeUndefined();
    const staging = byId.get("ml-platform/staging")!;
    expect(staging).toMatchObject({ periodHours: 5, measuredKwh: 16.4, estimatedKwh: 50, ratio: 0.33, finding: "measured-below-estimate" });
  });

  it("re-expresses measured kWh on our basis beside CodeCarbon's own figure, with the source of each number", () => {
    const staging = section.stacks.find((c) => c.id === "ml-platform/staging")!;
    const facts = allRegions("aws").find((r) => r.region === "eu-north-1")!;
    expect(staging.ourBasisKgCo2e).toBeCloseTo((16.4 * facts.pue.value * facts.gridIntensity!.value) / 1000, 2);
    expect(staging.codecarbonKgCo2e).toBe(0.66);
    expect(staging.ourBasis).toEqual([expect.stringContaining("aws eu-north-1")]);
  });

  it("per group: its stacks' comparisons plus runs mapped to the group against the whole group's estimate", () => {
    const group = section.groups.find((c) => c.id === "ml-platform")!;
    // wasteful's 30 kWh (3 h of estimate) + the team-mapped run: 1.2 kWh over 2 h of the group's (wasteful's) estimate
    expect(group).toMatchObject({ runs: 3, measuredKwh: 31.2, estimatedKwh: 5 });
  });

  it("lists unmatched runs with the reason, never drops them", () => {
    expect(section.unmatched.map((u) => [u.projectName, u.runs])).toEqual([
      ["bert-sweep", 2],
      ["ml-platform", 1],
    ]);
    expect(section.unmatched[1]?.reason).toContain("project ml-platform has 3 stacks");
    const total = section.stacks.reduce((n, c) => n + c.runs, 0) + section.unmatched.reduce((n, u) => n + u.runs, 0) + 1; // + the team-mapped run
    expect(total).toBe(input.runs);
  });

  it("judges ml-stack-carbon-budget on the measured figure and says which it used", () => {
    const wasteful = section.stacks.find((c) => c.id === "carbonguard-reference/wasteful")!;
    expect(wasteful.budget).toMatchObject({ used: "measured", source: "carbonguard-basis", maxKgCo2ePerMonth: 1000, overBudget: true });
    expect(wasteful.budget!.measuredKgCo2ePerMonth).toBeCloseTo((wasteful.ourBasisKgCo2e! * 730) / 3, 0);
    expect(compareMeasured(input, digests).stacks.every((c) => c.budget === undefined)).toBe(true);
  });

  it("a configurable factor", () => {
    const loose = compareMeasured(readMeasured([RUNS], { mapping, factor: 20 }), digests);
    expect(loose.stacks.filter((c) => c.finding)).toEqual([]);
  });
});
