// The built-in example that `carbonguard analyze --example` (the README's first command) evaluates:
// the anti-pattern program stacks/examples/wasteful, run under Pulumi's mocks and saved in the
// `pulumi stack export` format. This test keeps the committed file equal to what the program
// registers today; `UPDATE_EXAMPLE=1 npx vitest run test/stacks/example-export.test.ts` rewrites it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_EXPORT } from "../../src/cli/example";
import { main } from "../../src/cli/main";
import { PROJECT_ROOT } from "../harness";
import { PROJECT, defaultProviders, providerFor, runStack, type StackRun } from "./mock-run";

const STACK = "wasteful";
let run: StackRun;
let exported: string;

/** A `pulumi stack export` document (version 3) of a mock run, with the default providers the engine would create. */
function toStackExport(r: StackRun): Record<string, unknown> {
  const providers = defaultProviders(r);
  const stackUrn = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
  const providerResources = Object.values(providers).map((p) => ({
    urn: p.urn,
    custom: true,
    id: "00000000-0000-0000-0000-000000000000",
    type: p.type,
    inputs: p.properties,
    outputs: p.properties,
  }));
  const resources = r.registrations
    .filter((x) => x.type !== "pulumi:pulumi:Stack")
    .map((x) => {
      const provider = providerFor(x, providers, r);
      return {
        urn: x.urn,
        custom: x.custom,
        ...(x.id ? { id: x.id } : {}),
        type: x.type,
        inputs: x.inputs,
        outputs: x.custom ? x.outputs : {},
        parent: x.parent ?? stackUrn,
        ...(x.dependencies.length ? { dependencies: x.dependencies } : {}),
        ...(Object.keys(x.propertyDependencies).length ? { propertyDependencies: x.propertyDependencies } : {}),
        ...(provider ? { provider: `${provider.urn}::00000000-0000-0000-0000-000000000000` } : {}),
      };
    });
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-01-01T00:00:00Z", magic: "", version: "v3.270.0" },
      resources: [{ urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} }, ...providerResources, ...resources],
    },
  };
}

beforeAll(async () => {
  run = await runStack(STACK, { "carbonguard:blueprint": "wasteful", "aws:region": "eu-north-1" }, { configFile: false });
  exported = `${JSON.stringify(toStackExport(run), null, 2)}\n`;
  if (process.env["UPDATE_EXAMPLE"] === "1") writeFileSync(join(PROJECT_ROOT, EXAMPLE_EXPORT), exported);
});

describe("the built-in example export", () => {
  it("matches what the wasteful program registers (regenerate with UPDATE_EXAMPLE=1)", () => {
    expect(readFileSync(join(PROJECT_ROOT, EXAMPLE_EXPORT), "utf8")).toBe(exported);
  });

  it("`carbonguard analyze --example` boots the pack, reports the example's mandatory violations and exits 1", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["analyze", "--example"], { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) });
    const text = out.join("\n");
    expect(err).toEqual([]);
    expect(code).toBe(1);
    expect(text).toContain("Policies:");
    expect(text).toMatch(/❌ carbonguard@v\d+\.\d+\.\d+/);
    for (const policy of ["ml-clean-energy-region", "ml-autoscale-to-zero", "accelerator-fits-workload", "accelerator-current-generation", "ml-workload-declared", "ml-notebook-idle-shutdown", "ml-training-guardrails"]) {
      expect(text, policy).toContain(`  ${policy}  (`);
    }
    expect(text).toMatch(/\d+ mandatory and \d+ advisory policy violation/);
  });
});
