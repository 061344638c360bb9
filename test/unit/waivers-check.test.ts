// `carbonguard waivers check`: expiring, expired, invalid, unknown policy, matching nothing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/args";
import { main } from "../../src/cli/main";
import { waiversCommand } from "../../src/cli/waivers-command";
import { packageRoot } from "../../src/util/package-root";

const FIXTURES = join(packageRoot(), "test", "fixtures", "waivers");
const EXPORT = join(FIXTURES, "stack-export.json");
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const TYPE = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["waivers", ...argv], { out: (s) => out.push(s) > 0, err: (s) => err.push(s) > 0 });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

let dir: string;
let current: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "carbonguard-waivers-check-"));
  current = join(dir, "waivers.yaml");
  writeFileSync(
    current,
    [
      "waivers:",
      "  - policy: ml-clean-energy-region",
      `    match: { urn: "urn:pulumi:prod::llm::${TYPE}::llm-*" }`,
      "    reason: Reserved capacity until the migration.",
      `    expires: ${day(60)}`,
      "    approvedBy: jane@example.com",
      "  - policy: ml-clean-energy-region",
      "    match: { name: ghost-* }",
      "    reason: A resource that was deleted long ago.",
      `    expires: ${day(90)}`,
      "  - policy: ml-clean-energy-region",
      "    match: { stack: prod, name: research-nb }",
      "    reason: Quarter-end experiments.",
      `    expires: ${day(5)}`,
      "    ticket: ML-7",
      "  - policy: ml-clean-energy-regoin",
      "    match: { name: research-nb }",
      "    reason: A typo in the policy name never applies.",
      `    expires: ${day(50)}`,
      "",
    ].join("\n"),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("carbonguard waivers check", () => {
  it("lists waivers expiring soon, unknown policies and globs that match nothing in the inputs; exit 0", async () => {
    const { code, out } = await run("check", current, "--inputs", EXPORT);
    expect(code).toBe(0);
    expect(out).toContain(`${current}: 4 valid waivers`);
    expect(out).toMatch(/EXPIRING within 14 days:\n {2}waivers\[2\] ml-clean-energy-region {2}expires \S+ \(in 5 days\) {2}\(stack=prod name=research-nb; ML-7\)/);
    expect(out).toMatch(/UNKNOWN POLICY \(such a waiver never applies\):\n {2}waivers\[3\] ml-clean-energy-regoin/);
    expect(out).toMatch(/MATCH NOTHING in 1 stack \(4 resources\):\n {2}waivers\[1\] ml-clean-energy-region {2}matches no resource {2}\(name=ghost-\*\)$/m);
    expect(out).not.toMatch(/waivers\[0\].*matches no resource/);
    expect(out).toMatch(/^ok: 1 expiring soon, 1 matching nothing$/m);
  });

  it("--within widens the window; without --inputs the match check is skipped", async () => {
    const { code, out } = await run("check", current, "--within", "70");
    expect(code).toBe(0);
    expect(out).toContain("waivers[0] ml-clean-energy-region  expires");
    expect(out).not.toContain("MATCH NOTHING");
    expect(out).toContain("match check skipped (no --inputs)");
  });

  it("exits 1 when a waiver has expired", async () => {
    const { code, out } = await run("check", join(FIXTURES, "expired.yaml"));
    expect(code).toBe(1);
    expect(out).toMatch(/EXPIRED \(the findings apply at their full level again\):\n {2}waivers\[0\] ml-clean-energy-region {2}expired 2020-01-01 \(\d+ days ago\) {2}\(name=legacy-\*; approved by ops@example\.com; OPS-1\)/);
    expect(out).toMatch(/^FAIL: 1 expired/m);
  });

  it("exits 1 on an invalid file, naming the file, entry and field", async () => {
    const file = join(FIXTURES, "invalid-no-reason.yaml");
    const { code, out } = await run("check", file);
    expect(code).toBe(1);
    expect(out).toContain(`INVALID (the pack and the reports apply none of this file's waivers until it is fixed):\n  ${file}: waivers[0].reason: is required`);
    const malformed = await run("check", join(FIXTURES, "malformed.yaml"));
    expect(malformed.code).toBe(1);
    expect(malformed.out).toContain("not valid YAML");
    const missing = await run("check", join(dir, "nope.yaml"));
    expect(missing.code).toBe(1);
    expect(missing.out).toContain(`${join(dir, "nope.yaml")}: file not found`);
  });

  it("exits 1 when a waiver is beyond the horizon (--max-horizon)", async () => {
    const { code, out } = await run("check", current, "--max-horizon", "30");
    expect(code).toBe(1);
    expect(out).toContain("BEYOND THE 30-DAY HORIZON (not honoured):");
  });

  it("takes several inputs after --inputs (after the waiver file), repeated, or comma-separated", async () => {
    const a = await run("check", current, "--inputs", EXPORT, EXPORT);
    expect(a.out).toContain("MATCH NOTHING in 2 stacks (8 resources)");
    const b = await run("check", current, "--inputs", EXPORT, "--inputs", `${EXPORT},${EXPORT}`);
    expect(b.out).toContain("MATCH NOTHING in 3 stacks (12 resources)");
  });

  it("--json for machines", async () => {
    const { code, out } = await run("check", current, "--inputs", EXPORT, "--json");
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { schemaVersion: number; inputResources: number; waivers: { index: number; status: string; matchedResources: number; unknownPolicy: boolean }[] };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.inputResources).toBe(4);
    expect(doc.waivers.map((w) => [w.index, w.status, w.matchedResources, w.unknownPolicy])).toEqual([
      [0, "ok", 1, false],
      [1, "ok", 0, false],
      [2, "expiring", 1, false],
      [3, "ok", 1, true],
    ]);
  });

  it("the waiver file defaults to $CARBONGUARD_WAIVERS", async () => {
    const out: string[] = [];
    const code = await waiversCommand(parseArgs(["check"], ["within", "inputs", "max-horizon"], ["json"]), (s) => out.push(s), () => undefined, new Date(), { CARBONGUARD_WAIVERS: current });
    expect(code).toBe(0);
    expect(out.join("\n")).toContain(`${current}: 4 valid waivers`);
  });

  it("usage errors exit 2", async () => {
    expect((await run()).code).toBe(2);
    expect((await run("list")).err).toContain("unknown subcommand 'list'");
    expect((await run("check", current, "--within", "soon")).err).toContain("--within must be a whole number of days");
    expect((await run("check", current, "extra.json")).err).toContain("unexpected argument 'extra.json'");
    const bad = await run("check", current, "--inputs", join(dir, "missing.json"));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`cannot read input ${join(dir, "missing.json")}`);
    expect((await run("--help")).out).toContain("carbonguard waivers check [file]");
  });
});
