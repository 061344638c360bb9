/**
 * `carbonguard report` end to end: every format to files, stdout, exit codes and --fail-on,
 * waivers, baseline, grouping, unreadable inputs, usage errors, and no secret in any output.
 * (Golden outputs of each format are the renderer tests' job: test/report/.)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main";
import { parseArgs } from "../../src/cli/args";
import { REPORT_FLAGS, REPORT_VALUE_OPTIONS, cloudApiUrl, pairOutputs } from "../../src/cli/report-command";
import { ProgressBar } from "../../src/report/progress";
import { EXPORT_V4, HAS_ZSTD, LEGACY_BACKEND, PLANTED, PREVIEW, ROOT, TEAM_BACKEND, readJson, runReport, schemaErrors } from "./helpers";

const tmp = mkdtempSync(path.join(tmpdir(), "cg-report-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const out = (name: string) => path.join(tmp, name);
const PROD = path.join(TEAM_BACKEND, ".pulumi", "stacks", "llm-serving", "prod.json");
const STAGING = path.join(TEAM_BACKEND, ".pulumi", "stacks", "llm-serving", "staging.json.gz");

describe("every format, to files, in one run", () => {
  const files = { table: out("r.txt"), json: out("r.json"), markdown: out("r.md"), html: out("r.html"), sarif: out("r.sarif"), junit: out("r.xml") };
  let result: Awaited<ReturnType<typeof runReport>>;

  it("writes each --format to the --out after it", async () => {
    const argv = [TEAM_BACKEND, LEGACY_BACKEND, PREVIEW, EXPORT_V4];
    for (const [format, file] of Object.entries(files)) argv.push("--format", format, "--out", file);
    result = await runReport(argv);
    expect(result.code).toBe(2); // the fixtures include unreadable files: 2 wins over 1
    expect(result.out).toBe(""); // nothing went to stdout
    for (const file of Object.values(files)) expect(existsSync(file)).toBe(true);
  });

  it("json: the model, valid against the published schema", () => {
    const r = readJson(files.json);
    expect(schemaErrors(r)).toEqual([]);
    expect(r.stacks.map((s) => s.id)).toContain("llm-serving/prod");
    expect(r.unreadable.map((u) => path.basename(u.input))).toEqual(expect.arrayContaining(["broken.json", "cut.json.gz"]));
    expect(r.summary.failed).toBe(true);
  });

  it("sarif: a 2.1.0 log with one result per active finding", () => {
    const sarif = JSON.parse(readFileSync(files.sarif, "utf8")) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: unknown[] }[] };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]?.tool.driver.rules.map((r) => r.id)).toContain("ml-clean-energy-region");
    expect(sarif.runs[0]?.results.length).toBeGreaterThan(0);
  });

  it("junit: test cases per stack × policy", () => {
    const xml = readFileSync(files.junit, "utf8");
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toContain("<testsuite");
    expect(xml).toContain("llm-serving/prod");
    expect((xml.match(/<testcase /g) ?? []).length).toBeGreaterThanOrEqual(8);
  });

  it("markdown, html and table: summary and stacks", () => {
    const md = readFileSync(files.markdown, "utf8");
    expect(md.length).toBeLessThan(65_536);
    expect(md).toContain("llm-serving/prod");
    const html = readFileSync(files.html, "utf8");
    expect(html).toMatch(/<html/i);
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/i); // self-contained
    const table = readFileSync(files.table, "utf8");
    expect(table).toContain("llm-serving/prod");
    expect(table).not.toContain("\u001b["); // no colour in files
  });

  it("never shows a secret's ciphertext, in any output or message", () => {
    for (const file of Object.values(files)) expect(readFileSync(file, "utf8"), file).not.toContain(PLANTED);
    expect(result.err).not.toContain(PLANTED);
    expect(result.err).toMatch(/broken\.json: invalid JSON/);
  });
});

describe("stdout and --out pairing", () => {
  it("prints the table to stdout by default", async () => {
    const r = await runReport([LEGACY_BACKEND]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("legacy-app/dev");
    expect(r.err).toBe("");
  });

  it("pairs --out with the --format before it; a format without --out goes to stdout", async () => {
    const r = await runReport([LEGACY_BACKEND, "--format", "json", "--out", out("p.json"), "--format", "markdown"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("legacy-app/dev");
    expect(() => JSON.parse(r.out)).toThrow(); // stdout holds the markdown, not the json
    expect(readJson(out("p.json")).stacks).toHaveLength(1);
  });

  it("takes a lone --out as the table's file", () => {
    expect(pairOutputs(parseArgs(["--out", "r.txt"], REPORT_VALUE_OPTIONS, REPORT_FLAGS))).toEqual([{ format: "table", out: "r.txt" }]);
    expect(pairOutputs(parseArgs([], REPORT_VALUE_OPTIONS, REPORT_FLAGS))).toEqual([{ format: "table" }]);
  });

  it("rejects two formats on stdout, an --out with no format of its own, and unknown formats", async () => {
    for (const argv of [
      ["--format", "json", "--format", "table"],
      ["--format", "json", "--out", "a", "--out", "b"],
      ["--out", "a", "--format", "json"],
      ["--format", "pdf"],
    ]) {
      const r = await main(["report", LEGACY_BACKEND, ...argv], { out: () => true, err: () => true });
      expect(r, argv.join(" ")).toBe(2);
    }
  });
});

describe("exit codes", () => {
  it("0 when clean, 1 with mandatory findings, --fail-on moves the bar", async () => {
    expect((await runReport([LEGACY_BACKEND, "--format", "json", "--out", out("e0.json")])).code).toBe(0);
    expect((await runReport([PROD, "--format", "json", "--out", out("e1.json")])).code).toBe(1);
    expect((await runReport([PROD, "--fail-on", "never", "--format", "json", "--out", out("e2.json")])).code).toBe(0);
    expect((await runReport([STAGING, "--format", "json", "--out", out("e3.json")])).code).toBe(0); // advisory only
    expect((await runReport([STAGING, "--fail-on", "advisory", "--format", "json", "--out", out("e4.json")])).code).toBe(1);
  });

  it("2 when an input is unreadable, even with findings; the report still covers the rest", async () => {
    const r = await runReport([PROD, path.join(ROOT, "test", "fixtures", "inputs", "corrupt.json"), path.join(tmp, "missing.json"), "--format", "json", "--out", out("e5.json")]);
    expect(r.code).toBe(2);
    const report = readJson(out("e5.json"));
    expect(report.stacks.map((s) => s.id)).toEqual(["llm-serving/prod"]);
    expect(report.unreadable.map((u) => u.error)).toEqual([expect.stringMatching(/invalid JSON/), "no such file or folder"]);
    expect(r.err).toContain("2 input(s) could not be read");
  });

  it("2 on usage errors, a bad policy config, a malformed baseline; the message names the file", async () => {
    const bad = out("bad-config.json");
    writeFileSync(bad, JSON.stringify({ "ml-clean-energy-region": { maxGridIntensity: "high" } }));
    const c = await runReport([PROD, "--policy-config", bad]);
    expect(c.code).toBe(2);
    expect(c.err).toContain(bad);
    expect(c.err).toContain("maxGridIntensity");
    const baseline = out("bad-baseline.json");
    writeFileSync(baseline, '{"schemaVersion": "1.0", "stacks": "nope"}');
    const b = await runReport([PROD, "--baseline", baseline]);
    expect(b.code).toBe(2);
    expect(b.err).toContain(`baseline ${baseline}: \`stacks\` is not a list`);
    expect(await main(["report", PROD, "--group-by", "colour"], { out: () => true, err: () => true })).toBe(2);
    expect(await main(["report", PROD, "--utilization", "2"], { out: () => true, err: () => true })).toBe(2);
    let err = "";
    expect(await main(["report", PROD, "--expected-utilization", "1.5"], { out: () => true, err: (t: string) => ((err += t), true) })).toBe(2);
    expect(err).toContain("--expected-utilization must be a number from 0 to 1");
    const json = out("expected.json");
    expect((await runReport([PROD, "--expected-utilization", "0.2", "--format", "json", "--out", json, "--fail-on", "never"])).code).toBe(0);
    expect((JSON.parse(readFileSync(json, "utf8")) as { options: { expectedUtilization: number } }).options.expectedUtilization).toBe(0.2);
    expect(await main(["report"], { out: () => true, err: () => true })).toBe(2);
  });
});

describe("waivers, baseline and grouping from the command line", () => {
  it("--waivers: waived findings counted separately; an invalid waiver file exits 2 and is listed", async () => {
    const file = out("w.yaml");
    writeFileSync(file, "version: 1\nwaivers:\n  - policy: '*'\n    match: { stack: prod }\n    reason: Migration planned.\n    expires: 2026-07-01\n    approvedBy: jane\n");
    const r = await runReport([PROD, "--waivers", file, "--format", "json", "--out", out("w.json")]);
    expect(r.code).toBe(0); // every finding waived
    const report = readJson(out("w.json"));
    expect(report.summary.findings.waived).toBeGreaterThan(0);
    expect(report.summary.findings.mandatory).toBe(0);

    const invalid = out("invalid.yaml");
    writeFileSync(invalid, "version: 1\nwaivers:\n  - policy: '*'\n    match: { stack: prod }\n    expires: 2026-07-01\n");
    const bad = await runReport([PROD, "--waivers", invalid, "--format", "json", "--out", out("w2.json")]);
    expect(bad.code).toBe(2);
    const report2 = readJson(out("w2.json"));
    expect(report2.unreadable[0]?.input).toBe(invalid);
    expect(report2.unreadable[0]?.error).toMatch(/waivers not applied: waivers\[0\]\.reason/);
    expect(report2.summary.findings.waived).toBe(0);
  });

  it("--baseline: new and fixed findings against a previous JSON report", async () => {
    await runReport([STAGING, "--format", "json", "--out", out("week1.json")]);
    const r = await runReport([STAGING, PROD, "--baseline", out("week1.json"), "--format", "json", "--out", out("week2.json")]);
    expect(r.code).toBe(1);
    const report = readJson(out("week2.json"));
    const prodIds = report.stacks.find((s) => s.id === "llm-serving/prod")!.findings.map((f) => f.id);
    expect(report.baseline?.newFindings).toEqual([...prodIds].sort());
    expect(report.baseline?.fixedFindings).toEqual([]);
    expect(report.baseline?.unchangedFindings).toBe(1);
    expect(report.baseline?.floorKgCo2ePerMonthDelta).toBeGreaterThan(0);
  });

  it("--group-by project and tag:<key>", async () => {
    await runReport([TEAM_BACKEND, "--group-by", "project", "--format", "json", "--out", out("g1.json")]);
    expect(readJson(out("g1.json")).groups.map((g) => g.group).sort()).toEqual(["llm-serving", ...(HAS_ZSTD ? ["training"] : [])]);
    await runReport([TEAM_BACKEND, "--group-by", "tag:cost-center", "--format", "json", "--out", out("g2.json")]);
    expect(readJson(out("g2.json")).groups.map((g) => g.group).sort()).toEqual(["(none)", "cc-42"]);
  });

  it("--policy-config carries waivers too (carbonguard-waivers), as for the pack", async () => {
    const config = out("policy.json");
    writeFileSync(config, JSON.stringify({ "carbonguard-waivers": { waivers: [{ policy: "*", match: { stack: "prod" }, reason: "Planned.", expires: "2026-07-01" }] } }));
    const r = await runReport([PROD, "--policy-config", config, "--format", "json", "--out", out("pc.json")]);
    expect(r.code).toBe(0);
    expect(readJson(out("pc.json")).summary.findings.waived).toBeGreaterThan(0);
  });

  it("--policy-config with carbonguard-waivers disabled loads none of its waivers, as the pack never runs it (fail closed)", async () => {
    const config = out("policy-disabled.json");
    writeFileSync(config, JSON.stringify({ "carbonguard-waivers": { enforcementLevel: "disabled", waivers: [{ policy: "*", match: { stack: "prod" }, reason: "Planned.", expires: "2026-07-01" }] } }));
    const r = await runReport([PROD, "--policy-config", config, "--format", "json", "--out", out("pcd.json")]);
    expect(r.code).toBe(1);
    expect(readJson(out("pcd.json")).summary.findings.waived).toBe(0);
  });

  it("reads the carbonguard-waivers entry as the pack does: allowTagWaivers alone turns a resource's waiver tag on, and without it the tag is reported as off", async () => {
    await runReport([PROD, "--format", "json", "--out", out("tags0.json")]);
    const finding = readJson(out("tags0.json")).stacks[0]?.findings.find((f) => f.name === "trainer" && f.kind === "violation");
    expect(finding).toBeDefined();
    const state = JSON.parse(readFileSync(PROD, "utf8")) as { checkpoint: { latest: { resources: { urn: string; inputs?: { tags?: Record<string, string> }; outputs?: { tags?: Record<string, string> } }[] } } };
    for (const r of state.checkpoint.latest.resources) {
      if (r.urn !== finding?.urn) continue;
      const tag = `${finding.policy}:Benchmark run until the migration:2026-07-01`;
      for (const props of [r.inputs, r.outputs]) if (props) props.tags = { ...props.tags, "carbonguard-waiver": tag };
    }
    const tagged = out("tagged-prod.json");
    writeFileSync(tagged, JSON.stringify(state));
    const config = out("tags-policy.json");
    writeFileSync(config, JSON.stringify({ "carbonguard-waivers": { allowTagWaivers: true } }));

    await runReport([tagged, "--policy-config", config, "--format", "json", "--out", out("tags1.json")]);
    const on = readJson(out("tags1.json")).stacks[0]?.findings.find((f) => f.id === finding?.id);
    expect(on?.waived).toMatchObject({ reason: "Benchmark run until the migration", expires: "2026-07-01", approvedBy: "a resource tag (self-granted)" });

    await runReport([tagged, "--format", "json", "--out", out("tags2.json")]);
    const off = readJson(out("tags2.json")).stacks[0]?.findings.find((f) => f.id === finding?.id);
    expect(off?.waived).toBeUndefined();
    expect(off?.waiverProblem).toMatch(/tag waivers are off/);
  });
});

describe("progress bar", () => {
  it("draws done/total and rate on a TTY, after a short delay, and clears itself", () => {
    const written: string[] = [];
    let t = 0;
    const bar = new ProgressBar({ stream: { write: (s) => written.push(s), columns: 100 }, enabled: true, now: () => t });
    bar.plan(10);
    bar.update(1); // too early
    expect(written).toEqual([]);
    t = 1000;
    bar.update(5);
    expect(written.at(-1)).toMatch(/\r\u001b\[2Kcarbonguard report \[#+-+\] 5\/10 stacks · 5\.0 stacks\/s · 1s left/);
    bar.clear();
    expect(written.at(-1)).toBe("\r\u001b[2K");
    const quiet: string[] = [];
    const off = new ProgressBar({ stream: { write: (s) => quiet.push(s) }, enabled: false, now: () => (t += 1000) });
    off.update(3);
    off.clear();
    expect(quiet).toEqual([]);
  });

  it("stays off when stderr is not a TTY (the installed command)", () => {
    const bin = path.join(ROOT, "bin", "carbonguard.js");
    if (!existsSync(path.join(ROOT, "dist", "src", "cli", "report-command.js"))) return; // built by `npm test`
    const r = spawnSync(process.execPath, [bin, "report", LEGACY_BACKEND, "--format", "json"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).stacks).toHaveLength(1);
  });
});

describe("Pulumi Cloud URL", () => {
  it("uses --api-url, else an http(s) PULUMI_BACKEND_URL, else api.pulumi.com; no token over plain http off this machine", () => {
    expect(cloudApiUrl(undefined, {})).toBe("https://api.pulumi.com");
    expect(cloudApiUrl(undefined, { PULUMI_BACKEND_URL: "file://~" })).toBe("https://api.pulumi.com");
    expect(cloudApiUrl(undefined, { PULUMI_BACKEND_URL: "https://app.pulumi.com/" })).toBe("https://api.pulumi.com");
    expect(cloudApiUrl("http://127.0.0.1:8080/", {})).toBe("http://127.0.0.1:8080");
    expect(() => cloudApiUrl("http://pulumi.example.com", {})).toThrow(/plain http/);
    expect(() => cloudApiUrl("https://user:pw@pulumi.example.com", {})).toThrow(/credentials/);
  });
});

describe("--measured: CodeCarbon runs beside the estimates (issue 19)", () => {
  const MEASURED = path.join(ROOT, "test", "fixtures", "measured");
  const BACKEND = path.join(ROOT, "test", "fixtures", "inputs", "backend");

  it("reads the runs, matches them by mapping and by project, lists the rest, and carries them in every format", async () => {
    const files = { json: out("m.json"), md: out("m.md"), html: out("m.html"), sarif: out("m.sarif"), junit: out("m.xml") };
    const r = await runReport([
      "--example",
      BACKEND,
      "--measured",
      path.join(MEASURED, "team-runs"),
      "--measured-map",
      path.join(MEASURED, "mapping.yaml"),
      "--fail-on",
      "never",
      "--format",
      "table",
      ...Object.entries(files).flatMap(([f, file]) => ["--format", f === "md" ? "markdown" : f, "--out", file]),
    ]);
    // Two bad rows (and the backend's broken stack) are unreadable: exit 2, everything else reported.
    expect(r.code).toBe(2);
    expect(r.err).toContain("prod-v2.4.csv:5: measured energy: timestamp 'yesterday' is not a date and time");
    const report = readJson(files.json);
    expect(schemaErrors(report)).toEqual([]);
    expect(report.schemaVersion).toBe("1.2");
    const m = report.measured!;
    expect(m.stacks.map((c) => [c.id, c.runs, c.finding])).toEqual([
      ["carbonguard-reference/wasteful", 2, "measured-above-estimate"],
      ["ml-platform/prod", 2, "measured-below-estimate"],
      ["ml-platform/staging", 2, undefined],
    ]);
    expect(m.unmatched.map((u) => u.projectName)).toEqual(["bert-sweep", "ml-platform"]);
    expect(report.unreadable.map((u) => path.basename(u.input))).toEqual(expect.arrayContaining(["prod-v2.4.csv:5", "prod-v2.4.csv:6"]));
    expect(r.out).toContain("Measured energy (CodeCarbon");
    expect(readFileSync(files.md, "utf8")).toContain("### Measured energy (CodeCarbon)");
    expect(readFileSync(files.html, "utf8")).toContain('id="chart-measured-vs-estimated"');
    const sarif = JSON.parse(readFileSync(files.sarif, "utf8")) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.filter((x) => x.ruleId === "carbonguard-measured-energy")).toHaveLength(2 + m.groups.filter((g) => g.finding).length);
    expect(readFileSync(files.junit, "utf8")).toContain('classname="carbonguard.measured-energy"');
  });

  it("without a mapping file, project_name must equal a stack's project (or its id); a factor can be set", async () => {
    const file = out("m2.json");
    const r = await runReport(["--example", "--measured", path.join(MEASURED, "team-runs", "emissions.csv"), "--measured-factor", "3", "--format", "json", "--out", file, "--fail-on", "never"]);
    expect(r.code).toBe(0);
    const m = readJson(file).measured!;
    expect(m.factor).toBe(3);
    expect(m.stacks.map((c) => [c.id, c.finding])).toEqual([["carbonguard-reference/wasteful", undefined]]);
  });

  it("gives the same comparison from cached stacks (--cache): the cached digest carries what matching needs", async () => {
    const cacheDir = out("measured-cache");
    const run = async (file: string) => {
      const r = await runReport(["--example", "--measured", path.join(MEASURED, "team-runs", "emissions.csv"), "--cache", cacheDir, "--format", "json", "--out", file, "--fail-on", "never"]);
      expect(r.code).toBe(0);
      return readJson(file).measured;
    };
    const cold = await run(out("cold.json"));
    const warm = await run(out("warm.json"));
    expect(cold?.stacks).toHaveLength(1);
    expect(warm).toEqual(cold);
  });

  it.each([
    [["--example", "--measured-map", "x.yaml"], "--measured-map and --measured-factor are for --measured"],
    [["--example", "--measured", "x", "--measured-factor", "1"], "--measured-factor must be a number above 1"],
    [["--example", "--measured", "x", "--measured-factor", "two"], "--measured-factor must be a number above 1"],
  ])("usage errors exit 2 before anything is read: %j", async (argv, message) => {
    await expect(runReport(argv)).rejects.toThrow(message);
  });

  it("a broken mapping file stops the run (exit 2) naming the file", async () => {
    const bad = out("bad-map.yaml");
    writeFileSync(bad, "runs:\n  - { project_name: a }\n");
    const r = await runReport(["--example", "--measured", path.join(MEASURED, "team-runs"), "--measured-map", bad]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`carbonguard report: measured mapping ${bad}: runs[0] needs exactly one of stack (project/stack) or group (team)`);
  });
});
