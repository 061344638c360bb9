import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main";

const FIXTURES = path.resolve(__dirname, "../fixtures/inputs");
const fixture = (...p: string[]) => path.join(FIXTURES, ...p);

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => (out.push(s), true), err: (s) => (err.push(s), true) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

interface JsonReport {
  schemaVersion: number;
  utilization: number;
  stacks: {
    source: string;
    project: string;
    stack: string;
    totals: { energyKwh: { floor: number; ceiling: number }; totalKgCo2e: { floor: number; ceiling: number }; estimated: number; unknown: number };
    resources: { name: string; status: string; reason?: string; region?: string; energyKwh?: { floor: number; ceiling: number }; parts?: { units: { floor: number; ceiling: number } }[] }[];
  }[];
  errors: { source: string; problem: string }[];
}

describe("carbonguard estimate", () => {
  it("prints a table per stack with per-resource and total rows", async () => {
    const r = await run(["estimate", fixture("stack-export-v3.json")]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toContain("Stack ml-platform/dev");
    expect(r.out).toMatch(/trainer\s+Instance\s+us-east-1\s+1\s+1,996\s+834\s+97\s+932/);
    expect(r.out).toMatch(/gpu-asg\s+Group\s+us-east-1\s+0–4/);
    expect(r.out).toMatch(/llm-config\s+EndpointConfiguration\s+us-east-1\s+2/);
    expect(r.out).toMatch(/^TOTAL\s+/m);
    expect(r.out).toContain("Not estimated (1):");
    expect(r.out).toContain("mystery (Instance): p9.96xlarge looks accelerated but is not in carbonguard's catalog");
    expect(r.out).toContain("Basis: CCF method");
    expect(r.out).not.toContain("PLANTED");
  });

  it("emits JSON for machines, with floor and ceiling per resource and per stack", async () => {
    const r = await run(["estimate", "--format", "json", fixture("stack-export-v3.json"), fixture("preview.json")]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as JsonReport;
    expect(report.schemaVersion).toBe(1);
    expect(report.stacks.map((s) => `${s.project}/${s.stack}`)).toEqual(["ml-platform/dev", "gke-inference/preview"]);
    const dev = report.stacks[0]!;
    const asg = dev.resources.find((x) => x.name === "gpu-asg")!;
    expect(asg.parts![0]!.units).toEqual({ floor: 0, ceiling: 4 });
    expect(asg.energyKwh!.floor).toBe(0);
    expect(asg.energyKwh!.ceiling).toBeGreaterThan(0);
    const total = dev.resources.reduce((s, x) => s + (x.energyKwh?.ceiling ?? 0), 0);
    expect(dev.totals.energyKwh.ceiling).toBeCloseTo(total, 1);
    const preview = report.stacks[1]!;
    const pool = preview.resources.find((x) => x.name === "t4-pool")!;
    expect(pool.region).toBe("us-central1");
    expect(pool.parts![0]!.units).toEqual({ floor: 1, ceiling: 4 });
    const nb = preview.resources.find((x) => x.name === "notebook")!;
    expect(nb.status).toBe("unknown");
    expect(nb.reason).toMatch(/machineType is unknown until the update runs/);
    expect(r.out).not.toContain("PLANTED");
  });

  it("--utilization changes the estimate", async () => {
    const at = async (u: string) => (JSON.parse((await run(["estimate", "--format", "json", "--utilization", u, fixture("stack-export-v3.json")])).out) as JsonReport).stacks[0]!.totals.energyKwh.floor;
    expect(await at("0.9")).toBeGreaterThan(await at("0.1"));
  });

  it("reads a backend folder, reports unreadable stacks on stderr and exits 2 while estimating the rest", async () => {
    const r = await run(["estimate", fixture("backend"), fixture("corrupt.json")]);
    expect(r.code).toBe(2);
    expect(r.out).toContain("Stack ml-platform/prod");
    expect(r.out).toContain("Stack ml-platform/staging");
    expect(r.err).toMatch(/broken\.json: invalid JSON/);
    expect(r.err).toMatch(/corrupt\.json: invalid JSON/);
    expect(r.out).toMatch(/input\(s\) could not be read/);
  });

  it("rejects bad usage with exit code 2", async () => {
    expect((await run(["estimate"])).code).toBe(2);
    expect((await run(["estimate", "--format", "xml", fixture("preview.json")])).err).toMatch(/--format must be table or json/);
    expect((await run(["estimate", "--utilization", "2", fixture("preview.json")])).err).toMatch(/--utilization must be a number from 0 to 1/);
    expect((await run(["estimate", "--help"])).out).toContain("carbonguard estimate <inputs…>");
  });
});
